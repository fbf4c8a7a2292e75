"""Saved notebooks stay lecture-ready: numbered, no outputs, a title, the shared setup cell."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_notebooks_are_numbered_in_sequence():
    numbers = [int(re.match(r"(\d\d)_", path.name).group(1)) for path in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS))) and len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_saved_clean(path):
    notebook = json.loads(path.read_text())
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown"
    assert "".join(cells[0]["source"]).startswith("# "), "the first cell is the H1 title"
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert "GANKIT_SOURCE" in "".join(code[0]["source"]), "the first code cell is the setup cell"
    for cell in code:
        assert cell.get("outputs", []) == [], f"{path.name}: saved with outputs"
        assert cell.get("execution_count") is None, f"{path.name}: saved with execution counts"
    ids = [cell.get("id") for cell in cells]
    assert all(ids) and len(set(ids)) == len(ids), "stable, unique cell ids"
    text = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    assert re.search(r"^#+ Summary", text, re.M), "ends with a summary"
