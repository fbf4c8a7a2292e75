"""The kit's training run: ``fit`` with the kit's callbacks, and what a run writes.

The notebooks, the command line, the benchmarks and the studies train through ``train``; run it
again after an interruption and it resumes. Introduced in notebook 01.
"""

import csv
import os

import numpy as np
import keras

from gankit import callbacks, checkpoint, config, plotting, results
from gankit.data import to_uint8

MODEL_NAMES = {"vanilla": "vanilla GAN", "dcgan_plain": "plain DCGAN", "dcgan": "DCGAN",
               "ccgan": "CCGAN"}
BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
RECORD_CORES = 2  # the shipped records were all measured on 2-core machines (README, "Settings")


def train(gan, images, labels=None, epochs=1, batch_size=256, out_dir=None, sample_every=1,
          extra_callbacks=(), verbose=1, show=None, run=None, resume=True):
    """Train ``gan`` with a sample grid, loss curves, epoch timing and a stop on NaN; return
    ``(history, sample_grid, loss_curve)``.

    ``images``: ``float32 (N, 28, 28, 1)`` in [-1, 1]; ``labels``: digits ``(N,)`` for a
    conditional GAN. ``out_dir``: the run folder, which gets ``checkpoint/`` (resumed if there),
    ``log.csv``, ``samples.png`` and ``losses.png``; None keeps only the figures under
    ``figures/``. ``run``, ``resume``: see ``callbacks.Checkpoint``. A generator optimizer with
    ``use_ema`` leaves the generator as its average (``callbacks.GeneratorAverage``).
    """
    if verbose:
        run_info = run or {}
        # The recipe whose cost applies: the run's, else from make_gan's name "<recipe>_gan".
        recipe = run_info.get("recipe") or (
            gan.name.removesuffix("_gan") if gan.name.endswith("_gan") else None)
        n_train = len(images) if isinstance(images, (np.ndarray, list)) else None
        print(recorded_cost(recipe, run_info.get("setting") or config.setting_name(), epochs,
                            n_train, batch_size, gpu=config.gpu_seen()))
    grid = callbacks.SampleGrid(every=sample_every, name=gan.name, save=not out_dir, show=show)
    curve = callbacks.LossCurve(name=None if out_dir else f"{gan.name}_losses")
    cbs = [callbacks.EpochTimer(report=verbose != 0), callbacks.StopOnNaN()]
    if out_dir:
        checkpoint.check_run_folder(out_dir)  # never someone else's folder
        os.makedirs(out_dir, exist_ok=True)
        # gan.fit calls its resume_fit first: verify, compare the run, load, set initial_epoch.
        cbs += [callbacks.Checkpoint(os.path.join(out_dir, "checkpoint"), run=run, resume=resume),
                keras.callbacks.CSVLogger(os.path.join(out_dir, "log.csv"), append=True)]
    # After the checkpoint, which saves the weights being trained: their moving average.
    cbs += [*average_callbacks(gan), grid, curve, *extra_callbacks]
    history = gan.fit(images, labels, batch_size=batch_size, epochs=epochs, callbacks=cbs,
                      verbose=verbose)
    if out_dir and curve.epochs:  # files only: the cell shows the grids and curves it wants
        curve.plot(path=os.path.join(out_dir, "losses.png"), show=False)
        plotting.plot_grid(gan.generate(100, seed=0), ncols=10, title=f"{gan.name} samples",
                           path=os.path.join(out_dir, "samples.png"), show=False)
    return history, grid, curve


def recorded_cost(recipe, setting, epochs, n_train, batch_size, gpu=False):
    """One line said before training: what the shipped CPU record of ``recipe`` in ``setting``
    (``results/<recipe>.json``, ``results/laptop/<recipe>.json``) cost, scaled to ``epochs``;
    it counts only for the same ``n_train`` and ``batch_size``, and not on a GPU."""
    later = "the estimate comes after the first epoch."
    if gpu:
        return f"Not measured on a GPU: {later}"
    name = MODEL_NAMES.get(recipe, recipe)
    file = {"full": f"{recipe}.json", "laptop": f"laptop/{recipe}.json"}.get(setting)
    try:
        record = results.load_json(file) if recipe and file else None
    except FileNotFoundError:
        record = None
    if record is None or record.get("device") != "cpu":
        what = f"the {setting} setting's {name}" if recipe else "this GAN"
        return f"No recorded cost for {what}: {later}"
    if (record["n_train"], record["batch_size"]) != (n_train, batch_size):
        what = (f"at batch {batch_size} on {n_train:,} images" if n_train is not None
                else "on data of unknown size")
        return (f"No recorded cost for the {name} {what} (recorded: batch "
                f"{record['batch_size']} on {record['n_train']:,}): {later}")
    where = (f"a {RECORD_CORES}-core CPU ({record.get('processor', 'CPU model not recorded')}, "
             f"{BACKEND_NAMES.get(record['backend'], record['backend'])})")
    seconds, recorded_epochs = record["train_seconds"], record["epochs"]
    line = (f"Recorded cost: the {setting} setting's {name}, {recorded_epochs} epochs, took "
            f"{callbacks._duration(seconds)} on {where}")
    if epochs != recorded_epochs:
        line += (f"; scaled to the {epochs} epochs asked: about "
                 f"{callbacks._duration(seconds * epochs / recorded_epochs)}")
    return line + "."


def average_callbacks(gan):
    """``[callbacks.GeneratorAverage()]`` for a generator optimizer with ``use_ema``, else
    ``[]``; a ``Checkpoint`` goes before it in the list."""
    if not getattr(gan.g_optimizer, "use_ema", False):
        return []
    return [callbacks.GeneratorAverage()]


def logged_seconds(out_dir):
    """Training seconds of a run folder: every epoch row of its ``log.csv``, in all sessions."""
    with open(os.path.join(out_dir, "log.csv"), newline="") as f:
        return sum(float(row["seconds"]) for row in csv.DictReader(f))


def save_samples(gan, path, n=10_000, seed=0):
    """Write ``n`` samples to ``path`` (``.npz``): ``images`` ``uint8 (n, 28, 28)`` and, for a
    conditional GAN, ``labels`` ``uint8 (n,)`` (balanced, in order)."""
    arrays = {"images": to_uint8(gan.generate(n, seed=seed))}
    if gan.conditional:
        arrays["labels"] = gan.class_labels(n)
    np.savez_compressed(path, **arrays)
    return path
