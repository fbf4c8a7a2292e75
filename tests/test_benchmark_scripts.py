"""Every script of benchmarks/ imports: its names from the kit and from its neighbours exist."""

from pathlib import Path

import pytest

from benchmark_modules import BENCHMARKS, load

SCRIPTS = sorted(path.stem for path in Path(BENCHMARKS).glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_imports(name):
    assert callable(load(name).main)
