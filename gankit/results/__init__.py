"""The results that ship with the kit: benchmark tables, study records and their figures.

The benchmarks (``benchmarks/*.py``) write them; the notebooks read them through here, so a
pip-installed gankit (in Colab, say) finds the same files as a checkout. Introduced in
notebook 02: ``results.load_json("dcgan.json")``, ``results.path("robustness")``.
"""

import json
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
