"""How long each notebook takes top to bottom, in the current setting, on this machine.

    GANKIT_SETTING=laptop python benchmarks/notebook_times.py 05_noise_robustness
    GANKIT_SETTING=laptop python benchmarks/notebook_times.py          # every notebook
    python benchmarks/notebook_times.py --table                        # the saved rows only

Each notebook runs in a fresh kernel (nbclient) with its training runs and figures in a new
temporary folder, so nothing is resumed from an earlier run; the outputs are discarded. A row
per notebook, setting and backend goes into ``gankit/results/notebook_times.json``: the total
seconds, the five slowest cells, and the load average before and after (a run that shared the
CPU with other work says so there).
"""

import argparse
import datetime
import os
import platform
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gankit import config, results
import bookkeeping

ROOT = Path(__file__).resolve().parents[1]
PATH = results.FOLDER / "notebook_times.json"


def cell_seconds(cell):
    """Seconds a code cell ran, from the timing nbclient records in its metadata."""
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda text: datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def time_notebook(path, timeout=3600):
    """Run the notebook at ``path``; return ``(total seconds, {cell id: seconds})``."""
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GANKIT_RUNS_DIR": os.path.join(scratch, "runs"),
               "GANKIT_FIGURES_DIR": os.path.join(scratch, "figures")}
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)  # the kernel inherits them
        try:
            start = time.perf_counter()
            NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                           resources={"metadata": {"path": str(Path(path).parent)}}).execute()
            total = time.perf_counter() - start
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    cells = {cell.get("id", str(i)): cell_seconds(cell)
             for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    return total, cells


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="names without .ipynb (default: all)")
    parser.add_argument("--out", default=str(PATH))
    parser.add_argument("--table", action="store_true", help="only print the saved rows")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if not args.table:
        import keras
        print(config.describe())
        paths = sorted((ROOT / "notebooks").glob("0*.ipynb"))
        if args.notebooks:
            paths = [ROOT / "notebooks" / f"{name}.ipynb" for name in args.notebooks]
            missing = [p.name for p in paths if not p.is_file()]
            if missing:
                parser.error(f"no such notebook: {', '.join(missing)} (in {ROOT / 'notebooks'})")
        for path in paths:
            load_before = os.getloadavg()[0]
            total, cells = time_notebook(path)
            slowest = dict(sorted(cells.items(), key=lambda item: -item[1])[:5])
            row = {"notebook": path.stem, "setting": config.setting_name(),
                   "backend": keras.backend.backend(), "seconds": round(total, 1),
                   "slowest_cells": {k: round(v, 1) for k, v in slowest.items()},
                   "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                   "cpu_count": os.cpu_count(), "machine": platform.machine(),
                   "processor": bookkeeping.processor()}
            bookkeeping.save_row(out, row, key=lambda r: (r["notebook"], r["setting"], r["backend"]),
                             sort=True)
            print(f"{path.stem}: {total / 60:.1f} min ({row['setting']}, {row['backend']})")
    for r in bookkeeping.read_rows(out):
        print(f"{r['notebook']:22} {r['setting']:7} {r['backend']:11} {r['seconds'] / 60:6.1f} min"
              f"  load {r['load_average']}")


if __name__ == "__main__":
    main()
