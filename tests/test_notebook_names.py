"""No notebook rebinds a module it imported: running an earlier cell again must still work."""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def bound_names(tree):
    """``(modules, other names)`` a cell binds: imported modules, and everything it assigns."""
    modules, others = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules |= {alias.asname or alias.name for alias in node.names
                        if node.module in ("gankit", "gankit.studies", "gankit.evaluation")}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            others.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            others.add(node.name)
    return modules, others


def shadowed(sources):
    """``[(cell index, name)]`` where a cell assigns a name some cell imported as a module."""
    trees = [ast.parse(source) for source in sources]
    modules = set().union(*(bound_names(tree)[0] for tree in trees))
    return [(i, name) for i, tree in enumerate(trees)
            for name in sorted(bound_names(tree)[1] & modules)]


def test_the_check_finds_a_module_rebound():
    cells = ["from gankit import checkpoint\nsaved = checkpoint.load('x')",
             "checkpoint = make_callback()"]
    assert shadowed(cells) == [(1, "checkpoint")]
    assert shadowed(["import numpy as np\nx = np.zeros(3)"]) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_variable_shadows_a_module(path):
    cells = [cell for cell in json.loads(path.read_text())["cells"] if cell["cell_type"] == "code"]
    sources = ["\n".join(line for line in "".join(cell["source"]).splitlines()
                         if not line.lstrip().startswith(("%", "!"))) for cell in cells]
    found = [(cells[i].get("id"), name) for i, name in shadowed(sources)]
    assert not found, f"{path.name}: cells rebind imported modules: {found}"
