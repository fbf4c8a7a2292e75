"""Every script of benchmarks/ imports: its names from the kit and from its neighbours exist."""

from pathlib import Path

import pytest

from benchmark_modules import BENCHMARKS, load

SCRIPTS = sorted(path.stem for path in Path(BENCHMARKS).glob("*.py"))
OURS = {"gankit"} | set(SCRIPTS)
HELPERS = {"bookkeeping", "export"}  # modules the scripts import, not scripts to run


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_imports(name):
    try:
        module = load(name)
    except ModuleNotFoundError as error:
        if error.name.split(".")[0] in OURS:
            raise
        pytest.skip(f"{name} needs {error.name}, not installed in this environment")
    assert name in HELPERS or callable(module.main)
