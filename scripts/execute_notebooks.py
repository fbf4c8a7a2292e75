"""Execute every notebook once, as a learner's Jupyter does, and keep the executed copies.

    python scripts/execute_notebooks.py OUT_DIR [NAME ...] [--version student|solutions]

``--version`` picks the notebooks: ``student`` (default) those of ``notebooks/``, whose graded
exercises are unsolved, ``solutions`` their source in ``notebooks/solutions/``; the choice is
written to ``OUT_DIR/version.txt`` for the checks of the exercises' lines.

gankit is installed from this checkout with pip, without dependencies (this environment's own
Keras and TensorFlow stay), into ``OUT_DIR/site``, outside the checkout, as Colab installs it.
The notebooks are copied to ``OUT_DIR/notebooks`` and run there, each in a fresh kernel of this
Python (nbclient, Jupyter's own executor) with Jupyter's inline figures (``MPLBACKEND`` is
unset), in the quick setting unless ``GANKIT_SETTING`` says otherwise. The executed notebooks go
to ``OUT_DIR/executed``; for every code cell, ``OUT_DIR/figures/<name>.jsonl`` records the
figures it created through pyplot, how many of them it never displayed or displayed twice,
and their titles (an IPython start-up file counts them). ``tests/test_executed_notebooks.py``
reads all of it, so one execution feeds every check. Exit status 1 when a notebook fails (its
error is printed).
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
CELL_TIMEOUT = 900

# Runs in every kernel at start-up: records, per cell, the figures pyplot created, those that
# were never displayed (neither as a cell's value, nor by display(), nor by the inline
# backend's flush at the end of the cell), those displayed more than once, and their titles.
FIGURE_COUNTER = '''
import json, os
import matplotlib.figure, matplotlib.pyplot as plt
from IPython import get_ipython

_log, _created, _shown = os.environ["GANKIT_FIGURE_LOG"], [], {}
_figure = plt.figure

def _counted_figure(*args, **kwargs):
    fig = _figure(*args, **kwargs)
    if all(fig is not other for other in _created):
        _created.append(fig)
    return fig

plt.figure = _counted_figure
_shell = get_ipython()
_format = _shell.display_formatter.format

def _recorded_format(obj, *args, **kwargs):
    if isinstance(obj, matplotlib.figure.Figure):
        _shown[id(obj)] = _shown.get(id(obj), 0) + 1
    return _format(obj, *args, **kwargs)

_shell.display_formatter.format = _recorded_format

def _titles(fig):
    texts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    for ax in fig.axes:
        texts += [ax.get_title(loc) for loc in ("left", "center", "right")]
    return [text for text in texts if text]

def _record(result):
    with open(_log, "a") as f:
        f.write(json.dumps({"execution_count": result.execution_count,
                            "created": len(_created),
                            "unshown": sum(id(fig) not in _shown for fig in _created),
                            "shown_twice": sum(_shown.get(id(fig), 0) > 1 for fig in _created),
                            "titles": [t for fig in _created for t in _titles(fig)]}) + "\\n")
    _created.clear()
    _shown.clear()

_shell.events.register("post_run_cell", _record)
'''


def install(out):
    """pip-install gankit from a copy of the checkout into ``out/site``; return the folder."""
    source, site = out / "source", out / "site"
    shutil.rmtree(source, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(ROOT / "gankit", source / "gankit",
                    ignore=shutil.ignore_patterns("__pycache__", "*_samples.npz"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(source)], check=True,
                   env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    return site


def kernel_environment(out, site):
    """The environment every kernel starts with (nbclient passes on this process's)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GANKIT_QUICK", "GANKIT_SOURCE", "PYTHON", "MPLBACKEND"))}
    startup = out / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-count-figures.py").write_text(FIGURE_COUNTER)
    env.update(PYTHONPATH=str(site), IPYTHONDIR=str(out / "ipython"),
               GANKIT_SETTING=os.environ.get("GANKIT_SETTING", "quick"),
               GANKIT_RUNS_DIR=str(out / "runs"), GANKIT_FIGURES_DIR=str(out / "figure-files"))
    return env


def execute(path, out, env):
    """Run one notebook; write it to ``out/executed``; return ``(seconds, error or None)``."""
    notebook = nbformat.read(path, as_version=4)
    log = out / "figures" / f"{path.stem}.jsonl"
    log.parent.mkdir(exist_ok=True)
    log.unlink(missing_ok=True)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env, GANKIT_FIGURE_LOG=str(log))
    start, error = time.perf_counter(), None
    try:
        NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as failure:
        error = str(failure)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    seconds = time.perf_counter() - start
    (out / "executed").mkdir(exist_ok=True)
    nbformat.write(notebook, out / "executed" / path.name)
    return seconds, error


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder for the installed package and executed notebooks")
    parser.add_argument("names", nargs="*", help="notebooks without .ipynb (default: all)")
    parser.add_argument("--version", choices=("student", "solutions"), default="student",
                        help="the notebooks of notebooks/ (student) or notebooks/solutions/")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    folder = ROOT / "notebooks" / ("solutions" if args.version == "solutions" else "")
    (out / "version.txt").write_text(args.version + "\n")
    paths = sorted(folder.glob("0*.ipynb"))
    if args.names:
        paths = [folder / f"{name}.ipynb" for name in args.names]
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            parser.error(f"no such notebook: {', '.join(missing)}")
    env = kernel_environment(out, install(out))
    copies = out / "notebooks"
    shutil.rmtree(copies, ignore_errors=True)
    copies.mkdir()
    failed = []
    for path in paths:
        copy = Path(shutil.copy(path, copies / path.name))
        seconds, error = execute(copy, out, env)
        print(f"{path.stem}: {'FAILED' if error else 'ran'} in {seconds:.0f} s", flush=True)
        if error:
            print(error[-4000:], flush=True)
            failed.append(path.stem)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
