"""Load a script of ``benchmarks/`` as a module, for the tests of its functions."""

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    """The module ``benchmarks/<name>.py``, freshly executed, with ``benchmarks/`` on the import
    path as when it runs as a script (it may import its neighbours)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.append(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
