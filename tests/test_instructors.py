"""INSTRUCTORS.md states the measured notebook times of gankit/results/notebook_times.json and
has a row for every graded exercise of every notebook."""

import json
import pathlib
import re

from gankit import results

ROOT = pathlib.Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "INSTRUCTORS.md").read_text()
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def _rows(first_cell):
    """The guide's table rows whose first cell matches ``first_cell`` (a regex)."""
    return [line for line in GUIDE.splitlines() if re.match(rf"\| {first_cell} \|", line)]


def test_each_notebook_time_is_the_recorded_one_or_said_missing():
    recorded = {row["notebook"]: row for row in results.load_json("notebook_times.json")["rows"]
                if row["setting"] == "laptop" and row["backend"] == "tensorflow"}
    for path in NOTEBOOKS:
        number = path.stem[:2]
        (row,) = _rows(rf"{number} [^|]+")
        if path.stem in recorded:
            seconds = recorded[path.stem]["seconds"]
            assert f"| {seconds:.0f} s ({seconds / 60:.1f} min)" in row, (path.stem, row)
            assert recorded[path.stem]["processor"].split("(R)")[0] in row
        else:
            assert "not measured yet" in row, (path.stem, row)


def test_every_graded_exercise_has_a_goal_row():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        graded = sum("".join(c["source"]).startswith("### Graded exercise") for c in cells
                     if c["cell_type"] == "markdown")
        assert graded >= 2
        assert len(_rows(rf"{path.stem[:2]} \| `\w+`")) == graded, path.stem
