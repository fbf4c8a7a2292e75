"""The README's promise: rerunning a notebook after a disconnect resumes its training.

For the main training cell of notebooks 01, 02 and 03, the notebook's code cells up to that cell
run as a script in a fresh Python, in the quick setting, and the process is killed (``os._exit``,
as a lost Colab runtime would end it) right after the first epoch has been checkpointed. A
second fresh process runs the same cells again: it must say that it resumes, train only the
missing epochs, and leave one row per epoch in the run's ``log.csv``. A third run of the whole
notebook finds the run complete and must get through every later cell too (nothing left to
train, and the cells after training still work).
"""

import csv
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAINING_CELLS = {"01_vanilla_gan": "train", "02_dcgan": "plain", "03_conditional_gan": "train"}
KILLED = 17

pytestmark = [
    pytest.mark.skipif(os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
                       reason="the notebooks run on the TensorFlow backend (as in CI)"),
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                       reason="TensorFlow is not installed"),
]

# Kills the process at the end of the first epoch, after every callback of the training run
# (the checkpoint included) has run: appended last to the callbacks of every fit.
DISCONNECT = '''
import os, keras
_fit = keras.Model.fit


class _Disconnect(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        print(f"simulated disconnect after epoch {epoch + 1}", flush=True)
        os._exit(%d)


def _fit_then_disconnect(self, *args, **kwargs):
    kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [_Disconnect()]
    return _fit(self, *args, **kwargs)


keras.Model.fit = _fit_then_disconnect
''' % KILLED


def notebook_script(name, last_cell=None):
    """The code cells of a notebook as one script, up to and including ``last_cell``."""
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    parts = ["from IPython.display import display"]
    for cell in cells:
        if cell["cell_type"] == "code":
            parts.append("".join(cell["source"]))
            if cell["id"] == last_cell:
                break
    else:
        assert last_cell is None, f"{name} has no cell {last_cell!r}"
    return "\n\n".join(parts)


def run(script, tmp_path):
    env = {**os.environ, "GANKIT_SETTING": "quick", "GANKIT_RUNS_DIR": str(tmp_path / "runs"),
           "GANKIT_FIGURES_DIR": str(tmp_path / "figures"), "MPLBACKEND": "Agg",
           "KERAS_BACKEND": "tensorflow"}
    env.pop("GANKIT_QUICK", None)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT / "notebooks", env=env,
                          capture_output=True, text=True, timeout=1800)


@pytest.mark.parametrize("name", sorted(TRAINING_CELLS))
def test_training_cell_resumes_after_a_disconnect(name, tmp_path):
    cells = notebook_script(name, TRAINING_CELLS[name])

    first = run(DISCONNECT + cells, tmp_path)
    assert first.returncode == KILLED, (
        f"the first run should have been killed after epoch 1:\n{first.stdout[-2000:]}\n"
        f"{first.stderr[-3000:]}")
    assert "simulated disconnect after epoch 1" in first.stdout
    logs = list((tmp_path / "runs").glob("*/log.csv"))
    assert len(logs) == 1, f"one run folder under GANKIT_RUNS_DIR, found {logs}"
    run_dir = logs[0].parent
    assert (run_dir / "checkpoint").is_dir(), "the training cell checkpoints in its run folder"

    second = run(cells, tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"Resuming from the checkpoint in {run_dir / 'checkpoint'}: 1 epoch done" in \
        second.stdout, second.stdout[-2000:]
    with open(run_dir / "log.csv") as f:
        epochs = [int(row["epoch"]) for row in csv.DictReader(f)]
    assert epochs == list(range(len(epochs))) and len(epochs) >= 2, \
        f"one row per epoch, each once, after the resume: {epochs}"

    third = run(notebook_script(name), tmp_path)
    assert third.returncode == 0, third.stderr[-3000:]
    assert "nothing left to train" in third.stdout, third.stdout[-2000:]
