"""Checks of the notebooks as ``scripts/execute_notebooks.py`` executed them.

One execution (a pip-installed gankit outside the checkout, Jupyter's kernel with its inline
figures, the quick setting) feeds every check here. ``scripts/test.sh`` runs the script and then
this module with ``GANKIT_EXECUTED_DIR`` pointing at its output; without it these tests skip.
"""

import json
import os
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
