"""Checks of the notebooks as ``scripts/execute_notebooks.py`` executed them.

One execution (a pip-installed gankit outside the checkout, Jupyter's kernel with its inline
figures, the quick setting) feeds every check here: each cell ran without an error; each figure
a cell makes is shown, once; no figure is printed as ``<Figure size ...>`` text; no title reads
"None"; every graded exercise's check printed what its version expects (the instructor
version ``passed``, the student version ``not attempted``). A figure counts as shown when
Jupyter renders it (as the cell's value, by ``display``, or by the inline backend at the end of
the cell). ``scripts/test.sh`` runs the script and then
this module with ``GANKIT_EXECUTED_DIR`` pointing at its output; without it these tests skip.
"""

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted(path.stem for path in (ROOT / "notebooks").glob("0*.ipynb"))
EXECUTED = os.environ.get("GANKIT_EXECUTED_DIR")

pytestmark = pytest.mark.skipif(not EXECUTED, reason="set GANKIT_EXECUTED_DIR to the output of "
                                "scripts/execute_notebooks.py")


def executed(name):
    path = Path(EXECUTED) / "executed" / f"{name}.ipynb"
    assert path.is_file(), f"{name} was not executed (scripts/execute_notebooks.py {EXECUTED})"
    return json.loads(path.read_text())


def code_cells(name):
    return [cell for cell in executed(name)["cells"] if cell["cell_type"] == "code"]


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_ran_without_an_error(name):
    for cell in code_cells(name):
        label = cell.get("id")
        assert cell.get("execution_count") is not None, f"{name}: cell {label} did not run"
        errors = [output for output in cell.get("outputs", []) if output["output_type"] == "error"]
        assert not errors, f"{name}: cell {label} raised {errors[0]['ename']}: {errors[0]['evalue']}"


@pytest.mark.parametrize("name", NAMES)
def test_the_notebook_ran_from_the_installed_package(name):
    setup = code_cells(name)[0]
    printed = "".join("".join(o.get("text", "")) for o in setup.get("outputs", []))
    assert str(Path(EXECUTED).resolve() / "site" / "gankit") in printed, printed


def figure_records(name):
    """``{execution count: record}`` of the figures each cell made (scripts/execute_notebooks.py)."""
    path = Path(EXECUTED) / "figures" / f"{name}.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return {record["execution_count"]: record for record in records}


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_a_cell_makes_is_shown_once(name):
    records, problems = figure_records(name), []
    for cell in code_cells(name):
        record = records.get(cell["execution_count"])
        if record is None:
            problems.append(f"cell {cell.get('id')}: no figure record")
        elif record["unshown"]:
            problems.append(f"cell {cell.get('id')} makes {record['unshown']} figure(s) it "
                            "never shows")
        elif record["shown_twice"]:
            problems.append(f"cell {cell.get('id')} shows {record['shown_twice']} figure(s) "
                            "twice (end the line that makes it with ';', or drop the display() "
                            "around it)")
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_no_figure_is_printed_as_text(name):
    for cell in code_cells(name):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = "".join(output.get("text", "")) + (
                "" if "image/png" in data else "".join(data.get("text/plain", "")))
            assert "<Figure size" not in text, \
                f"{name}: cell {cell.get('id')} prints a figure as text: {text[:200]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_no_title_reads_none(name):
    for record in figure_records(name).values():
        bad = [title for title in record["titles"] if re.search(r"\bNone\b", title)]
        assert not bad, f"{name}: cell [{record['execution_count']}] has titles {bad}"


def version():
    """Which notebooks were executed: ``solutions`` or ``student`` (scripts/execute_notebooks.py)."""
    path = Path(EXECUTED) / "version.txt"
    return path.read_text().strip() if path.is_file() else "student"


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_check_printed_what_its_version_expects(name):
    expected = "passed: " if version() == "solutions" else "not attempted: "
    checks = [cell for cell in code_cells(name)
              if re.fullmatch(r"ex-[a-z0-9-]+-check", cell.get("id", ""))]
    assert len(checks) >= (2 if name.startswith("00_") else 3), f"{name}: {len(checks)} checks"
    for cell in checks:
        lines = [line for output in cell.get("outputs", []) if output.get("name") == "stdout"
                 for line in "".join(output.get("text", "")).splitlines()
                 if line.startswith(("passed: ", "failed: ", "not attempted: "))]
        assert len(lines) == 1 and lines[0].startswith(expected), \
            f"{name}: cell {cell.get('id')} printed {lines} ({version()} version)"
