"""The results that ship with the kit: benchmark tables, study records and their figures.

The benchmarks (``benchmarks/*.py``) write here (``benchmarks/results`` in a checkout is the
same folder), and the notebooks read through this module, so that a pip-installed gankit (in
Colab, say) finds the same files as a checkout.

    from gankit import results
    results.load_json("ccgan.json")          # one record of the quality table
    results.path("robustness")               # a folder of study records

A benchmark's table is a *rows file*, ``{"rows": [...]}``: ``save_row`` puts one finished row
in it and ``read_rows`` reads them back.
"""

import json
import os
import pathlib

FOLDER = pathlib.Path(__file__).resolve().parent


def path(name=""):
    """The path of a shipped results file or folder (``name`` relative to this folder).

    Raises:
        FileNotFoundError: if it is not there, naming the command that writes it.
    """
    target = FOLDER / name
    if not target.exists():
        raise FileNotFoundError(
            f"No shipped result {name!r} in {FOLDER}. The benchmarks write them: see "
            "'How good are the digits?' in the README for the command that makes it.")
    return target


def load_json(name):
    """Read a shipped JSON result (``name`` like ``"dcgan.json"``) into a dict."""
    with open(path(name)) as f:
        return json.load(f)


def write_json(file, record):
    """Write ``record`` as JSON to ``file`` in one step: into ``file + ".tmp"`` first, then moved
    into place (``os.replace``), so an interrupted write leaves the old file whole."""
    file = pathlib.Path(file)
    temporary = file.with_name(file.name + ".tmp")
    temporary.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(temporary, file)


def read_rows(file):
    """The rows of a rows file (``{"rows": [...]}``); ``[]`` if there is no such file."""
    file = pathlib.Path(file)
    return json.loads(file.read_text())["rows"] if file.is_file() else []


def save_row(file, row, key, sort=False):
    """Put ``row`` into the rows file ``file``, in place of any row with the same ``key(row)``
    (``key``: a function of a row, e.g. ``lambda r: (r["model"], r["backend"])``). The new row
    goes last, or every row in the order of ``key`` if ``sort``. Returns the rows written."""
    rows = [r for r in read_rows(file) if key(r) != key(row)] + [row]
    if sort:
        rows.sort(key=key)
    write_json(file, {"rows": rows})
    return rows
