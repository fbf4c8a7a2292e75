"""The package's layout: no import cycles, every module imports alone, one backend trainer."""

import ast
import pathlib
import subprocess
import sys

import keras
import pytest

import gankit

PACKAGE = pathlib.Path(gankit.__file__).resolve().parent
MODULES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py"))
OPTIONAL = {"tensorflow", "torch", "jax"}  # backend files import their own backend


def _gankit_imports(path):
    """The gankit modules that the file at ``path`` imports at its top level."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gankit"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("gankit"))
    return {name for name in names if name in MODULES}


def test_no_import_cycles():
    graph = {}
    for module in MODULES:
        relative = module.split(".")[1:]
        path = PACKAGE.joinpath(*relative)
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        graph[module] = _gankit_imports(path) - {module}
    state = {}

    def visit(module, stack):
        state[module] = "visiting"
        for target in graph[module]:
            if target.startswith(module + "."):
                continue  # a package importing its own submodules is not a cycle
            if state.get(target) == "visiting":
                pytest.fail(f"import cycle: {' -> '.join(stack + [module, target])}")
            if target not in state:
                visit(target, stack + [module])
        state[module] = "done"

    for module in MODULES:
        if module not in state:
            visit(module, [])


def test_every_module_imports_alone_in_a_fresh_interpreter():
    backend = keras.backend.backend()
    skip = {f"gankit.backend.{name}" for name in ("tensorflow", "jax", "torch") if name != backend}
    skip.add("gankit.__main__")  # runs the command line
    modules = [m for m in MODULES if m not in skip]
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    for module in modules:  # one interpreter per module, so no module hides another's cycle
        result = subprocess.run([sys.executable, "-c", code, module], capture_output=True,
                                text=True)
        assert result.returncode == 0, f"import {module} failed:\n{result.stderr[-2000:]}"


def test_the_gan_inherits_the_current_backends_trainer():
    from gankit.gan import GAN
    trainer = GAN.__mro__[1]
    assert trainer.__module__ == f"gankit.backend.{keras.backend.backend()}"
    assert "train_step" in vars(trainer)
