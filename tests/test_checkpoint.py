"""Checkpoints on the current Keras backend: atomic, verified on load, tied to their run, and
run folders that are never someone else's (run the file once per backend)."""

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
import keras

from gankit import callbacks, checkpoint
from gankit.checkpoint import CheckpointError
from gankit.checks import TrainingDiverged
from tiny import data, tiny_gan

REPO = Path(__file__).resolve().parents[1]
WORKER = Path(__file__).resolve().parent / "checkpoint_worker.py"
EXACT = keras.backend.backend() in ("jax", "torch")  # TensorFlow: batch order after a resume


def weights(model):
    return [keras.ops.convert_to_numpy(v).copy() for v in model.weights]


def record(directory):
    return json.loads((Path(directory) / checkpoint.RECORD).read_text())


def weights_file(directory):
    return Path(directory) / record(directory)["weights"]["file"]


def write_record(directory, saved):
    (Path(directory) / checkpoint.RECORD).write_text(json.dumps(checkpoint.seal(saved)))


def rehash(directory):
    """Make the record's checksums fit an altered weights file (damage checksums cannot see)."""
    saved, data = record(directory), weights_file(directory).read_bytes()
    saved["weights"].update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    write_record(directory, saved)


def fit(directory, epochs=2, gan=None, x=None, batch_size=16, **options):
    """``(gan, checkpoint, history)`` of a fit with a Checkpoint in ``directory``."""
    gan = gan or tiny_gan()
    x = data()[0] if x is None else x
    ck = callbacks.Checkpoint(directory, **options)
    history = gan.fit(x, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[ck])
    return gan, ck, history


@pytest.fixture(scope="module")
def saved_runs(tmp_path_factory):
    """A checkpoint after 2 epochs (``run={"setting": "quick"}``), and a copy of its epoch 1."""
    root = tmp_path_factory.mktemp("saved")
    keras.utils.set_random_seed(0)
    gan, _, _ = fit(root / "two", epochs=1, run={"setting": "quick"})
    shutil.copytree(root / "two", root / "one")
    fit(root / "two", epochs=2, gan=gan, run={"setting": "quick"})
    return root / "one", root / "two"


@pytest.fixture
def saved(saved_runs, tmp_path):
    """A fresh copy of the 2-epoch checkpoint, to damage or resume at will."""
    directory = tmp_path / "ck"
    shutil.copytree(saved_runs[1], directory)
    return directory


# --- layout and resume ----------------------------------------------------------------------

def test_a_checkpoint_is_one_sealed_record_and_one_weights_file(saved):
    saved_record = record(saved)
    name = saved_record["weights"]["file"]
    assert sorted(p.name for p in saved.iterdir()) == sorted([checkpoint.RECORD, name])
    assert saved_record["epoch"] == 2 and name.startswith("epoch-0002-")
    data = (saved / name).read_bytes()
    assert saved_record["weights"] == {"file": name, "bytes": len(data),
                                       "sha256": hashlib.sha256(data).hexdigest()}
    assert checkpoint.seal(saved_record) == saved_record
    assert set(saved_record["random_state"]) >= {"numpy", "python"}
    with h5py.File(saved / name) as f:  # each tensor once: no two kernels (or moments) alike
        arrays = []
        f.visititems(lambda _, item: arrays.append(item[()].tobytes())
                     if isinstance(item, h5py.Dataset) and item.ndim >= 2 else None)
    assert len(arrays) > 4 and len(set(arrays)) == len(arrays)
    run = saved_record["run"]
    assert run["backend"] == keras.backend.backend() and run["setting"] == "quick"
    assert run["d_optimizer"]["class"] == "Adam"
    assert run["images"].startswith("64 images 28x28x1 float32, sha256 ")
    assert run["batch_size"] == 16 and "parameters, sha256" in run["generator"]


def test_rerunning_a_finished_fit_is_instant_and_more_epochs_continue(saved, capsys):
    gan, ck, history = fit(saved, epochs=2, run={"setting": "quick"})
    assert ck.resumed_from == 2 and history.epoch == []
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and f"Resuming from the checkpoint in {saved}: 2 epochs done" in out
    _, ck, history = fit(saved, epochs=3, gan=gan, run={"setting": "quick"})
    assert ck.resumed_from == 2 and history.epoch == [2]
    assert record(saved)["epoch"] == 3
    assert [p.name for p in saved.iterdir() if p.name != checkpoint.RECORD] == [
        record(saved)["weights"]["file"]]


def test_resume_false_starts_fresh_and_replaces_the_checkpoint(saved):
    _, ck, history = fit(saved, epochs=1, resume=False, run={"setting": "other"})
    assert ck.resumed_from is None and history.epoch == [0]
    assert record(saved)["epoch"] == 1 and record(saved)["run"]["setting"] == "other"


def test_a_nonfinite_state_is_never_saved_even_with_finite_losses(saved):
    gan = tiny_gan()
    # Training normalises with batch statistics: a NaN moving variance leaves the losses finite.
    variance = next(v for v in gan.generator.weights if "moving_variance" in v.path)
    variance.assign(np.full(variance.shape, np.nan, "float32"))
    before = sorted((p.name, p.read_bytes()) for p in saved.iterdir())
    with pytest.raises(TrainingDiverged, match="losses are finite but 1 saved array"):
        fit(saved, epochs=1, gan=gan, resume=False, run={"setting": "quick"})
    assert sorted((p.name, p.read_bytes()) for p in saved.iterdir()) == before
    assert checkpoint.load(saved).epoch == 2


def test_checkpoint_needs_a_gan():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="Checkpoint works with gankit.gan.GAN"):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0,
                  callbacks=[callbacks.Checkpoint("unused")])


# --- damage ---------------------------------------------------------------------------------

def _first_float_dataset(f):
    found = []
    f.visititems(lambda name, item: found.append(name) if isinstance(item, h5py.Dataset)
                 and item.dtype.kind == "f" and not found else None)
    return found[0]


def nan_weights(directory, keep_checksum):
    with h5py.File(weights_file(directory), "r+") as f:
        dataset = f[_first_float_dataset(f)]
        dataset[...] = np.nan
    if not keep_checksum:
        rehash(directory)


def weights_of_epoch_one(directory, one):
    shutil.copy(weights_file(one), weights_file(directory))


def altered_record(**changes):
    def damage(directory, one):
        (directory / checkpoint.RECORD).write_text(json.dumps({**record(directory), **changes}))
    return damage


WEIGHTS = "epoch-0002-"
RECORD_DAMAGED = "its JSON or its own SHA-256 checksum does not check out"
DAMAGE = {
    # the symptom of issue #14: a kill during the old rewrite left a 0-byte weights file
    "empty weights": (lambda d, one: weights_file(d).write_bytes(b""),
                      WEIGHTS, "has 0 bytes where checkpoint.json recorded"),
    "weights cut short": (lambda d, one: weights_file(d).write_bytes(
        weights_file(d).read_bytes()[:5000]), WEIGHTS,
        "has 5,000 bytes where checkpoint.json recorded"),
    "NaN bytes in the weights": (lambda d, one: nan_weights(d, keep_checksum=True),
                                 WEIGHTS, "does not match the SHA-256 checksum"),
    "NaN weights with a fitting checksum": (lambda d, one: nan_weights(d, keep_checksum=False),
                                            WEIGHTS, "holds NaN or infinite values"),
    "unreadable weights": (lambda d, one: (weights_file(d).write_bytes(
        b"not an HDF5 file" * 100), rehash(d)), WEIGHTS, "is not a readable HDF5 weights file"),
    "weights of another epoch": (weights_of_epoch_one, WEIGHTS,
                                 "does not match the SHA-256 checksum"),
    "weights missing": (lambda d, one: weights_file(d).unlink(), WEIGHTS, "is missing"),
    "record cut short": (lambda d, one: (d / checkpoint.RECORD).write_text(
        (d / checkpoint.RECORD).read_text()[:100]), checkpoint.RECORD, RECORD_DAMAGED),
    "record of another program": (lambda d, one: (d / checkpoint.RECORD).write_text("{}"),
                                  checkpoint.RECORD, RECORD_DAMAGED),
    "record of another epoch": (altered_record(epoch=3), checkpoint.RECORD, RECORD_DAMAGED),
    "random state altered": (altered_record(random_state={"numpy": None}), checkpoint.RECORD,
                             RECORD_DAMAGED),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_checkpoint_is_refused_with_the_file_and_the_fix(kind, saved, saved_runs):
    damage, named, message = DAMAGE[kind]
    damage(saved, saved_runs[0])
    gan = tiny_gan()
    before = weights(gan)
    with pytest.raises(CheckpointError) as error:
        fit(saved, epochs=3, gan=gan, run={"setting": "quick"})
    text = str(error.value)
    assert message in text and named in text and str(saved) in text
    assert "start fresh" in text.lower() and f"delete the folder {saved}" in text
    for a, b in zip(before, weights(gan)):
        np.testing.assert_array_equal(a, b)  # nothing was loaded


@pytest.mark.parametrize("make", [lambda p: p.write_text("mine"),
                                  lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine"))],
                         ids=["a file", "someone else's folder"])
def test_a_checkpoint_folder_that_is_not_the_kits_is_refused(make, tmp_path):
    make(tmp_path / "ck")
    with pytest.raises(CheckpointError, match="is a file|holds no gankit run"):
        fit(tmp_path / "ck", epochs=1)
    assert len(list(tmp_path.rglob("*"))) == (1 if (tmp_path / "ck").is_file() else 2)


# --- tied to its run ------------------------------------------------------------------------

def _recompiled(**compile_kwargs):
    gan = tiny_gan()
    gan.compile(keras.optimizers.Adam(compile_kwargs.pop("learning_rate", 1e-3), beta_1=0.5),
                keras.optimizers.Adam(1e-3, beta_1=0.5), **compile_kwargs)
    return gan


def _with_corruption(stddev):
    gan = tiny_gan()
    gan.corruption = keras.layers.GaussianNoise(stddev) if stddev else None
    return gan


def _other_backend(directory):
    saved = record(directory)
    saved["run"]["backend"] = "another backend"
    write_record(directory, saved)


# kind: (how this fit differs, {fit arguments}, a line of the message)
MISMATCH = {
    "learning rate": (lambda: _recompiled(learning_rate=5e-4), {},
                      "d_optimizer.learning_rate: saved 0.001, now 0.0005"),
    "label smoothing": (lambda: _recompiled(label_smoothing=0.1), {},
                        "label_smoothing: saved 0, now 0.1"),
    "setting": (tiny_gan, {"run": {"setting": "full"}}, "setting: saved 'quick', now 'full'"),
    "setting not given": (tiny_gan, {"run": None}, "setting: saved 'quick', now (not given)"),
    "number of images": (tiny_gan, {"x": data(n=48)[0]}, "images: saved '64 images"),
    "other images": (tiny_gan, {"x": data(seed=1)[0]}, "now '64 images 28x28x1 float32, sha256"),
    "batch size": (tiny_gan, {"batch_size": 8}, "batch_size: saved 16, now 8"),
    "backend": (tiny_gan, {"damage": _other_backend},
                f"backend: saved 'another backend', now '{keras.backend.backend()}'"),
}


@pytest.mark.parametrize("kind", MISMATCH)
def test_a_resume_by_another_run_is_refused_and_can_be_forced(kind, saved):
    make, options, line = MISMATCH[kind]
    options = {"run": {"setting": "quick"}, **options}
    if "damage" in options:
        options.pop("damage")(saved)
    before = (saved / checkpoint.RECORD).read_bytes()
    with pytest.raises(CheckpointError) as error:
        fit(saved, epochs=2, gan=make(), **options)
    text = str(error.value)
    assert f"The checkpoint in {saved} was made by a different run" in text
    assert line in text, text
    assert "new output folder" in text and f"delete {saved}" in text
    assert 'resume="force"' in text and "--resume-anyway" in text
    assert (saved / checkpoint.RECORD).read_bytes() == before  # refused: nothing written
    _, ck, history = fit(saved, epochs=2, gan=make(), resume="force", **options)
    assert ck.resumed_from == 2 and history.epoch == []


def test_a_forced_resume_trains_on_with_the_new_recipe(saved, capsys):
    gan = _recompiled(learning_rate=5e-4)
    _, ck, history = fit(saved, epochs=3, gan=gan, resume="force", run={"setting": "quick"})
    assert "2 epochs done (on purpose, with d_optimizer.learning_rate changed)." in \
        capsys.readouterr().out
    assert ck.resumed_from == 2 and history.epoch == [2]
    assert np.isclose(float(keras.ops.convert_to_numpy(gan.d_optimizer.learning_rate)), 5e-4)
    assert int(keras.ops.convert_to_numpy(gan.d_optimizer.iterations)) == 12  # 3 epochs x 4
    assert record(saved)["run"]["d_optimizer"]["learning_rate"] == pytest.approx(5e-4)
    _, ck, _ = fit(saved, epochs=3, gan=_recompiled(learning_rate=5e-4), run={"setting": "quick"})
    assert ck.resumed_from == 3, "the forced run is now the folder's run"


def test_a_changed_corruption_is_refused_and_can_be_forced(tmp_path):
    keras.utils.set_random_seed(0)
    fit(tmp_path, epochs=1, gan=_with_corruption(0.1))
    with pytest.raises(CheckpointError, match="corruption.stddev: saved 0.1, now 0.2"):
        fit(tmp_path, epochs=1, gan=_with_corruption(0.2))
    assert fit(tmp_path, epochs=1, gan=_with_corruption(0.2), resume="force")[1].resumed_from == 1
    # A forced resume that trains nothing saves nothing: the record is still the first run's.
    with pytest.raises(CheckpointError,
                       match=r"corruption: saved GaussianNoise\(seed=None, stddev=0.1\), now None"):
        fit(tmp_path, epochs=1, gan=_with_corruption(None))
    # The noise layer's random state is part of the weights file: it cannot be dropped.
    with pytest.raises(CheckpointError, match="does not fit this GAN.*corruption layer"):
        fit(tmp_path, epochs=1, gan=_with_corruption(None), resume="force")


def test_other_networks_cannot_be_resumed_even_on_purpose(saved):
    with pytest.raises(CheckpointError, match="generator: saved '6 layers"):
        fit(saved, gan=tiny_gan(kind="dcgan"), run={"setting": "quick"})
    with pytest.raises(CheckpointError, match="does not fit this GAN"):
        fit(saved, gan=tiny_gan(kind="dcgan"), run={"setting": "quick"}, resume="force")


def test_the_run_record_ignores_layer_names_and_later_gans():
    keras.utils.set_random_seed(0)
    x, _ = data()
    first = checkpoint.run_record(tiny_gan(), x, batch_size=16)
    second = checkpoint.run_record(tiny_gan(), x, batch_size=16)  # Keras names it gan_1, ...
    assert checkpoint.differences(first, second) == []


# --- run folders ----------------------------------------------------------------------------

def test_check_run_folder(tmp_path):
    assert checkpoint.check_run_folder(tmp_path / "new") == tmp_path / "new"
    assert checkpoint.check_run_folder(tmp_path) == tmp_path  # empty
    (tmp_path / "file").write_text("x")
    for force in (False, True):
        with pytest.raises(CheckpointError, match="is a file, not a folder"):
            checkpoint.check_run_folder(tmp_path / "file", force=force)
    with pytest.raises(CheckpointError, match="lies under a file"):
        checkpoint.check_run_folder(tmp_path / "file" / "run")
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.tex").write_text("x")
    with pytest.raises(CheckpointError, match=r"holds no gankit run \(thesis.tex\).*--force"):
        checkpoint.check_run_folder(other)
    assert checkpoint.check_run_folder(other, force=True) == other
    outputs = tmp_path / "outputs"  # what a run leaves when its checkpoint has gone
    outputs.mkdir()
    for name in ("log.csv", "samples.png", "gan.weights.h5"):
        (outputs / name).write_text("x")
    assert checkpoint.check_run_folder(outputs) == outputs


def test_a_run_folder_with_a_checkpoint_is_a_kit_run(saved_runs, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(saved_runs[1], run / "checkpoint")
    (run / "my notes.txt").write_text("x")  # a user's own file beside a real run is fine
    assert checkpoint.check_run_folder(run) == run
    assert checkpoint.check_run_folder(run / "checkpoint") == run / "checkpoint"


# --- kills ----------------------------------------------------------------------------------

# Each run of the worker is killed at one point (see checkpoint_worker.py); the next run
# resumes from what is on disk. Most kills hit the write of epoch 2 while epoch 1's checkpoint
# is in place, "between" its two renames included. (kill, epochs the folder holds after it)
KILLS = [("1:weights", 0), ("1:replaced", 1), ("2:weights", 1), ("2:between", 1),
         ("2:record", 1), ("2:cleanup", 2), ("3:batch", 2)]
EPOCHS = 4


def _worker_env(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2",
               # The same compiled steps in every process, compiled once: JAX's persistent
               # cache (the computation is the same, so are the bits).
               JAX_COMPILATION_CACHE_DIR=str(tmp_path / "jax-cache"),
               JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0",
               JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES="0")
    return env


def _worker(directory, env, *args):
    command = [sys.executable, str(WORKER), str(directory), "--epochs", str(EPOCHS), *args]
    if not EXACT:
        command.append("--no-shuffle")
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)


def _killed_from_outside(directory, env, after_line, delay):
    """Start the worker, wait for ``after_line``, SIGKILL it ``delay`` seconds later."""
    command = [sys.executable, str(WORKER), str(directory), "--epochs", str(EPOCHS)]
    if not EXACT:
        command.append("--no-shuffle")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        output = []
        for line in process.stdout:
            output.append(line)
            if line.strip() == after_line:
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                break
        output.append(process.stdout.read())
        return process.wait(timeout=300), "".join(output)
    finally:
        if process.poll() is None:
            process.kill()


def test_killed_runs_resume_to_the_same_final_weights(tmp_path):
    env = _worker_env(tmp_path)
    straight = _worker(tmp_path / "straight", env, "--final", str(tmp_path / "straight.npz"))
    assert straight.returncode == 0, straight.stdout + straight.stderr

    directory = tmp_path / "killed"
    done = 0
    for kill, expected in KILLS:
        result = _worker(directory, env, "--kill", kill)
        assert result.returncode == -signal.SIGKILL, (kill, result.stdout + result.stderr)
        resumed = f"Resuming from the checkpoint in {directory}: {done} epoch"
        assert (resumed in result.stdout) == bool(done), (kill, result.stdout)
        saved = checkpoint.load(directory)  # complete and consistent, or none at all
        done = saved.epoch if saved else 0
        assert done == expected, f"after the kill at {kill}: {done} epochs saved"
    # and once from outside, at a moment chosen by chance (seeded) in epoch 3, 4 or after
    rc, output = _killed_from_outside(directory, env, "epoch 3 begins",
                                      random.Random(keras.backend.backend()).uniform(0, 0.3))
    assert rc in (0, -signal.SIGKILL), output
    assert checkpoint.load(directory).epoch in (2, 3, 4)

    final = _worker(directory, env, "--final", str(tmp_path / "resumed.npz"))
    assert final.returncode == 0, final.stdout + final.stderr
    assert "Resuming from the checkpoint" in final.stdout
    with np.load(tmp_path / "straight.npz") as a, np.load(tmp_path / "resumed.npz") as b:
        assert a.files == b.files
        for key in a.files:
            if EXACT:
                np.testing.assert_array_equal(a[key], b[key], err_msg=key)
            else:
                np.testing.assert_allclose(a[key], b[key], rtol=1e-5, atol=1e-6, err_msg=key)


# A Python without matplotlib (Keras imports it when it can, so it is hidden, not absent).
WITHOUT_MATPLOTLIB = """
import sys
class NoMatplotlib:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "matplotlib":
            raise ImportError("matplotlib is not installed")
sys.meta_path.insert(0, NoMatplotlib())
import MODULE
print("matplotlib" in sys.modules)
"""


@pytest.mark.parametrize("module, imports", [("gankit.gan", True), ("gankit.callbacks", False)])
def test_the_model_imports_without_matplotlib(module, imports):
    result = subprocess.run([sys.executable, "-c", WITHOUT_MATPLOTLIB.replace("MODULE", module)],
                            cwd=REPO, capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert (result.returncode == 0) is imports, result.stderr[-2000:]
    if imports:
        assert result.stdout.strip() == "False"
    else:  # the callbacks draw: without matplotlib they cannot be imported
        assert "matplotlib is not installed" in result.stderr
