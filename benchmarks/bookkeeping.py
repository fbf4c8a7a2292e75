"""The benchmarks' bookkeeping: JSON records and rows files written atomically, the CPU's name.

A benchmark's table is a *rows file*, ``{"rows": [...]}``: ``save_row`` puts one finished row
in it and ``read_rows`` reads them back. The files land in ``gankit/results/``, which the
notebooks read through ``gankit.results``.
"""

import json
import pathlib
import platform

from gankit.files import write_atomic


def write_json(file, record):
    """Write ``record`` as indented JSON to ``file`` in one step (``gankit.files``)."""
    write_atomic(file, json.dumps(record, indent=1) + "\n")


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


def processor():
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else ``platform.processor()``), e.g.
    ``"AMD EPYC"``: result rows keep it, as run times depend on it."""
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    except OSError:
        names = []
    return names[0] if names else (platform.processor() or platform.machine())
