"""Training speed of the kit's recipes on the current backend and device.

    python benchmarks/train_speed.py [--images 60000] [--batch-size N] [--epochs 5]
    python benchmarks/train_speed.py --models dcgan tutorial      # the recipe against the tutorial
    python benchmarks/train_speed.py --table                      # the saved rows
    KERAS_BACKEND=jax python benchmarks/train_speed.py
    python benchmarks/train_speed.py --learner --epochs 3 --repeats 3   # the learner's path
    python benchmarks/train_speed.py --learner --profile --epochs 2 --repeats 1 --images 20000

Each model trains for ``--epochs`` epochs on random images of MNIST's shape through the same
``GAN.fit`` the notebooks use (``gankit.recipes.make_gan``: the recipe the settings train, at
the full setting's batch size for that model unless ``--batch-size`` says otherwise, with the
callbacks of its moving average if it has one, ``gankit.training.average_callbacks``); the first
epoch (compilation, warm-up) is excluded and the median of the others is reported as seconds per
epoch and images per second (every epoch's seconds are kept in the row too: on a shared machine
an epoch now and then takes far longer, and the median leaves it out); the table also gives the
speed of the fastest epoch, the code's own speed when nothing else ran. ``tutorial`` (TensorFlow
only) is TensorFlow's DCGAN tutorial as published: its networks, Adam(1e-4), batch 256 and its
own step, which updates both networks from one generated batch under two gradient tapes; timing
it in the same run as the recipe gives the speed ratio on the same machine in the same state.

Each row also goes into ``gankit/results/train_speed.json`` (``--out``), keyed by backend,
device, model, batch size and path (the learner's rows, below, have ``"path": "learner"``), with
the load average around it (the training alone keeps it near the core count; well above, other
work shared the machine), so the README's speed table comes from a file.

Several models are timed epoch by epoch in turn (one epoch of each, then the next epoch of
each), so that a slower spell of a shared machine falls on all of them alike rather than on
whichever model happened to be training then.

``--learner`` times the path a learner trains on instead: ``gankit.training.train`` (the
notebooks and the command line) on real MNIST (``--images`` of the 60,000 training digits), with
everything a notebook turns on for the model (``--models``, default ``dcgan``): the recipe's
k-means clusters (fitted first and timed on their own), a sample grid every epoch (the laptop
setting's ``sample_every``), the loss curves, a checkpoint every epoch in a run folder, and the
generator's moving average. After each of its epochs, one epoch of the bare step runs:
``GAN.fit`` of the same recipe on the same images at the same batch size (the clusters copied
from the learner's GAN) with only the moving average's callbacks. The learner's epoch runs from
the end of the bare epoch before it to the end of its own last callback, so every callback
counts (and the progress bar of ``verbose=1``, as in a notebook, written nowhere); the bare
epoch from its first callback's epoch begin to its last callback's epoch end (what each ``fit``
call does before its epoch is left out: a learner calls ``fit`` once). The first epoch of each
is warm-up. ``--repeats`` repeats the pair with fresh GANs and a fresh run folder, so the row
carries a spread; the row keeps both paths' seconds per epoch and their ratio, measured in the
same run. ``--profile`` also prints where the learner's epochs go: each callback's seconds per
epoch; inside the checkpoint, writing the weights file, its NaN check, checksums, flush and
rename, and the record's atomic write; before the first epoch, ``fit``'s checks, digests and
cluster indices of the images; the checkpoint's size by group.
"""

import argparse
import collections
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import keras

from gankit import callbacks, checkpoint, config, data, recipes, results, training
import bookkeeping
from quality import device_name

PATH = results.FOLDER / "train_speed.json"
TUTORIAL_BATCH_SIZE = 256  # the tutorial's BATCH_SIZE


class EpochTimes(callbacks.EpochTimer):
    """The kit's ``EpochTimer``, keeping every epoch's seconds in ``times``."""

    def __init__(self):
        super().__init__(report=False)
        self.set_params({})  # the tutorial's loop is not Keras's fit, which sets them
        self.times = []  # kept across the ``fit`` calls of one model, one epoch each

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        self.times.append(logs["seconds"])


def save_row(row, path=PATH):
    """Put ``row`` into the rows file, replacing the row of the same backend, device, model,
    batch size and path (``"path"``: ``"learner"`` for the learner's rows, absent for the bare
    step on random images)."""
    bookkeeping.save_row(path, row, key=lambda r: (r["backend"], r["device"], r["model"],
                                              r["batch_size"], r.get("path")))


def tutorial_dcgan(images, batch_size):
    """TensorFlow's DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan): its generator,
    discriminator, optimizers and ``train_step``; returns ``train(epoch, timer)`` that trains
    one epoch on a ``tf.data`` pipeline of ``images`` as the tutorial does."""
    import tensorflow as tf
    from keras import layers

    generator = keras.Sequential([
        keras.Input((100,)), layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(), layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False,
                               activation="tanh")])
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Conv2D(64, 5, strides=2, padding="same"),
        layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(),
        layers.Dropout(0.3), layers.Flatten(), layers.Dense(1)])
    cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
    g_optimizer, d_optimizer = keras.optimizers.Adam(1e-4), keras.optimizers.Adam(1e-4)

    @tf.function
    def train_step(images):
        noise = tf.random.normal([tf.shape(images)[0], 100])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            generated = generator(noise, training=True)
            real_output = discriminator(images, training=True)
            fake_output = discriminator(generated, training=True)
            g_loss = cross_entropy(tf.ones_like(fake_output), fake_output)
            d_loss = (cross_entropy(tf.ones_like(real_output), real_output)
                      + cross_entropy(tf.zeros_like(fake_output), fake_output))
        g_optimizer.apply(g_tape.gradient(g_loss, generator.trainable_variables),
                          generator.trainable_variables)
        d_optimizer.apply(d_tape.gradient(d_loss, discriminator.trainable_variables),
                          discriminator.trainable_variables)
        return d_loss

    dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images)).batch(batch_size)

    def train(epoch, timer):
        timer.on_epoch_begin(epoch)
        for batch in dataset:
            d_loss = train_step(batch)
        timer.on_epoch_end(epoch, {"d_loss": d_loss})

    return train


def epoch_trainer(kind, x, labels, batch_size):
    """``train(epoch, timer)``, one epoch of ``kind`` on ``x``: the tutorial's own loop, or the
    recipe through ``GAN.fit`` (``initial_epoch=epoch``, as a resumed run continues)."""
    if kind == "tutorial":
        return tutorial_dcgan(x, batch_size)
    gan = recipes.make_gan(kind)
    y = labels if gan.conditional else None
    # the moving average's callbacks too, as in every training run of the settings
    average = training.average_callbacks(gan)
    return lambda epoch, timer: gan.fit(x, y, batch_size=batch_size, initial_epoch=epoch,
                                        epochs=epoch + 1, verbose=0, callbacks=[timer, *average])


class Interleave(keras.callbacks.Callback):
    """The last callback of the learner's run: at each epoch's end it keeps the learner's
    epoch seconds (from ``start``, set before ``training.train`` and after each turn of the
    other path), then runs one epoch of the other path, ``other(epoch)`` (returning its
    seconds), and restarts the learner's clock."""

    def __init__(self, other):
        super().__init__()
        self.other, self.start = other, None
        self.times, self.other_times, self.checkpoint_bytes = [], [], []
        self.on_epoch = lambda epoch: None  # e.g. the profile's bookkeeping, off the clock

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self.start)
        self.on_epoch(epoch)
        self.other_times.append(self.other(epoch))
        self.start = time.perf_counter()


class _Mark(keras.callbacks.Callback):
    """Keeps ``time.perf_counter()`` at each epoch's begin (first in a list) or end (last)."""

    def __init__(self, times, at):
        super().__init__()
        self.times, self.at = times, at

    def on_epoch_begin(self, epoch, logs=None):
        if self.at == "begin":
            self.times["begin"] = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self.at == "end":
            float(logs.get("d_loss", 0.0))  # the device has finished the epoch
            self.times["end"] = time.perf_counter()


def bare_epochs(gan, x, y, batch_size):
    """``train(epoch)``: one epoch of the bare step, ``gan.fit`` with only the moving average's
    callbacks; returns its seconds from the first callback's epoch begin to the last one's end."""
    times = {}
    marks = [_Mark(times, "begin"), *training.average_callbacks(gan), _Mark(times, "end")]

    def train(epoch):
        gan.fit(x, y, batch_size=batch_size, initial_epoch=epoch, epochs=epoch + 1, verbose=0,
                callbacks=marks)
        return times["end"] - times["begin"]

    return train


class Timed(keras.callbacks.Callback):
    """A callback that adds the seconds each of its hooks takes to ``seconds[(name, hook)]``,
    and otherwise behaves as ``inner`` (its other attributes, e.g. ``resume_fit``, are
    ``inner``'s). Hooks ``inner`` leaves as Keras's defaults stay defaults, so that Keras still
    dispatches batches as it would without the wrapper."""

    HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
             "on_train_batch_begin", "on_train_batch_end")

    def __init__(self, inner, seconds):
        super().__init__()
        self.inner, self.seconds, self.name = inner, seconds, type(inner).__name__
        for hook in self.HOOKS:
            method = getattr(inner, hook)
            if not getattr(method, "_is_default", False):
                setattr(self, hook, self._timed(hook, method))

    def _timed(self, hook, method):
        def call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds[(self.name, hook)] += time.perf_counter() - start
        return call

    def set_model(self, model):
        super().set_model(model)
        self.inner.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        self.inner.set_params(params)

    def __getattr__(self, name):
        inner = self.__dict__.get("inner")
        if inner is None:
            raise AttributeError(name)
        return getattr(inner, name)


class Profile:
    """Where the learner's epochs go: ``wrap(gan)`` makes ``gan.fit`` time every callback it
    gets (``Timed``) and the checkpoint's parts (``checkpoint.save``'s weights file, its NaN
    check, checksums, flush and rename, and the record's atomic write); ``epoch_end(epoch)``
    files the seconds of that epoch; ``restore()`` undoes the timing of the module functions."""

    def __init__(self):
        self.seconds, self.epochs, self._undo = collections.defaultdict(float), [], []

    def _time(self, owner, attribute, label, group="checkpoint.save"):
        original = getattr(owner, attribute)

        def call(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[(group, label)] += time.perf_counter() - start
        setattr(owner, attribute, call)
        self._undo.append((owner, attribute, original))

    def wrap(self, gan, skip=()):
        fit = gan.fit

        def timed_fit(x=None, y=None, **kwargs):
            kwargs["callbacks"] = [c if isinstance(c, skip) else Timed(c, self.seconds)
                                   for c in kwargs.get("callbacks") or []]
            return fit(x, y, **kwargs)
        gan.fit = timed_fit
        # before the first epoch, once per fit: the data's checks, digests and cluster indices
        self._time(gan, "_check_training_images", "check the images", group="fit setup")
        self._time(checkpoint, "run_record", "run record (digests)", group="fit setup")
        if gan.clusters is not None:
            self._time(gan.clusters, "assign", "cluster indices", group="fit setup")
        self._time(gan, "save_weights", "save_weights")
        self._time(checkpoint, "_nonfinite", "nan check")
        self._time(checkpoint, "sha256", "sha256")
        self._time(checkpoint.files, "write_atomic", "atomic write")
        if hasattr(checkpoint.files, "move_atomic"):  # the weights file, flushed and renamed
            self._time(checkpoint.files, "move_atomic", "weights: flush, rename")

    def epoch_end(self, epoch):
        self.epochs.append(dict(self.seconds))
        self.seconds.clear()

    def restore(self):
        for owner, attribute, original in reversed(self._undo):
            setattr(owner, attribute, original)
        self._undo.clear()


def checkpoint_contents(directory):
    """``{top-level group of the checkpoint's weights file: bytes of its arrays}``."""
    import h5py

    record = checkpoint.load(directory)
    sizes = collections.Counter()
    with h5py.File(record.weights, "r") as f:
        f.visititems(lambda name, item: sizes.update({name.split("/")[0]: item.nbytes})
                     if isinstance(item, h5py.Dataset) else None)
    return dict(sizes)


def learner_pair(kind, x, labels, batch_size, epochs, seed=0, profile=None, verbose=1):
    """One repeat: ``kind``'s recipe trained through ``training.train`` for ``epochs`` epochs,
    each followed by an epoch of the bare step on a second GAN of the same recipe. Returns
    ``{"learner": [s per epoch], "bare": [...], "cluster_seconds", "finish_seconds",
    "checkpoint_bytes", "checkpoint_contents"}``; ``profile`` (a ``Profile``) times the
    learner's callbacks."""
    keras.utils.set_random_seed(seed)
    learner, bare = recipes.make_gan(kind, seed=seed), recipes.make_gan(kind, seed=seed)
    y = labels if learner.conditional else None
    with tempfile.TemporaryDirectory(prefix="train-speed-") as folder:
        run_dir = os.path.join(folder, "run")
        start = time.perf_counter()
        if learner.clusters is not None:  # as benchmarks/quality.py: timed on their own
            learner.clusters.fit(x)
        cluster_seconds = time.perf_counter() - start
        if bare.clusters is not None:
            bare.clusters.set_weights(learner.clusters.get_weights())
        interleave = Interleave(bare_epochs(bare, x, y, batch_size))
        if profile is not None:
            profile.wrap(learner, skip=(Interleave,))
            interleave.on_epoch = profile.epoch_end
        interleave.start = time.perf_counter()
        try:
            with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
                # verbose=1 as in a notebook: its progress bar too, written nowhere
                training.train(learner, x, y, epochs=epochs, batch_size=batch_size,
                               out_dir=run_dir, sample_every=config.LAPTOP.sample_every,
                               show=False, verbose=verbose, extra_callbacks=[interleave],
                               run={"recipe": kind, "seed": seed})
        finally:
            if profile is not None:
                profile.restore()
        finish = time.perf_counter() - interleave.start
        saved = os.path.join(run_dir, "checkpoint")
        record = checkpoint.load(saved)
        size = os.path.getsize(record.weights)
        contents = checkpoint_contents(saved)
    return {"learner": interleave.times, "bare": interleave.other_times,
            "cluster_seconds": cluster_seconds, "finish_seconds": finish,
            "checkpoint_bytes": size, "checkpoint_contents": contents}


def after_warm_up(times):
    """The epochs after the first (all of them if there is only one)."""
    return times[1:] or times


def learner_row(kind, batch_size, images, epochs, repeats, loads):
    """The learner's row from the repeats (``learner_pair``'s results): per repeat the median
    epoch after the warm-up of each path and their ratio; the row's figures are the medians
    over the repeats, the ratio's range beside them."""
    learner = [statistics.median(after_warm_up(r["learner"])) for r in repeats]
    bare = [statistics.median(after_warm_up(r["bare"])) for r in repeats]
    ratios = [a / b for a, b in zip(learner, bare)]
    return {"backend": keras.backend.backend(), "device": device_name(), "model": kind,
            "path": "learner", "data": "mnist", "batch_size": batch_size, "images": images,
            "epochs": epochs, "repeats": len(repeats),
            "learner_seconds_per_epoch": round(statistics.median(learner), 2),
            "bare_seconds_per_epoch": round(statistics.median(bare), 2),
            "ratio": round(statistics.median(ratios), 3),
            "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)],
            "learner_repeat_seconds": [round(t, 2) for t in learner],
            "bare_repeat_seconds": [round(t, 2) for t in bare],
            "learner_epoch_seconds": [[round(t, 2) for t in r["learner"]] for r in repeats],
            "bare_epoch_seconds": [[round(t, 2) for t in r["bare"]] for r in repeats],
            "cluster_seconds": [round(r["cluster_seconds"], 2) for r in repeats],
            "finish_seconds": [round(r["finish_seconds"], 2) for r in repeats],
            "checkpoint_bytes": repeats[-1]["checkpoint_bytes"],
            "checkpoint_contents": repeats[-1]["checkpoint_contents"],
            "keras": keras.__version__, "cpu_count": os.cpu_count(),
            "processor": bookkeeping.processor(), "load_average": loads}


def format_profile(profile, learner_times):
    """The profile as a Markdown table: the seconds of each callback's hooks, of the checkpoint's
    parts and of ``fit``'s setup, in the first epoch (warm-up; the setup runs before it) and per
    epoch after it (mean)."""
    epochs = list(range(len(profile.epochs)))[1:] or [0]
    keys = sorted({k for e in profile.epochs for k in e})
    mean = lambda k: sum(profile.epochs[e].get(k, 0.0) for e in epochs) / len(epochs)
    epoch = sum(learner_times[e] for e in epochs) / len(epochs)
    lines = [f"Where the learner's epochs go (the first: {learner_times[0]:.2f} s; after it: "
             f"{epoch:.2f} s, mean of epochs {', '.join(str(e + 1) for e in epochs)}):", "",
             "| part | hook or step | first epoch s | s per epoch after | share of an epoch after |",
             "|---|---|---|---|---|"]
    totals = [0.0, 0.0]
    for name, hook in keys:
        first, seconds = profile.epochs[0].get((name, hook), 0.0), mean((name, hook))
        if name not in ("checkpoint.save", "fit setup"):  # parts of a callback, or before them
            totals = [totals[0] + first, totals[1] + seconds]
        lines.append(f"| {name} | {hook} | {first:.3f} | {seconds:.3f} | {seconds / epoch:.1%} |")
    lines.append(f"| all callbacks | | {totals[0]:.3f} | {totals[1]:.3f} | "
                 f"{totals[1] / epoch:.1%} |")
    if keras.backend.backend() == "jax":  # e.g. the average's statistics show up in the grid's
        lines.append("\nJAX dispatches work asynchronously: a part's seconds may hold what the "
                     "part before it left unfinished; the total holds all of it.")
    return "\n".join(lines)


def format_table(rows):
    """The rows as Markdown tables: the bare step's rows (random images), then the learner's
    (``--learner``), if any. "load" is the highest 1-minute load average around the row (well
    above ``cpu_count``, other work shared the machine), "CPU" the processor's model ("-" where
    not kept)."""
    lines = ["| backend | device | model | batch | images | s per epoch | images per s | "
             "fastest epoch: images per s | load | CPU |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in (r for r in rows if "path" not in r):
        fastest = f"{fastest_speed(r):,}" if "epoch_seconds" in r else "-"
        lines.append(f"| {r['backend']} (Keras {r['keras']}) | {r['device']} | {r['model']} | "
                     f"{r['batch_size']} | {r['images']:,} | {r['seconds_per_epoch']:.2f} | "
                     f"{r['images_per_second']:,} | {fastest} | {max(r['load_average']):.1f} | "
                     f"{r.get('processor', '-')} |")
    learner = [r for r in rows if r.get("path") == "learner"]
    if learner:
        lines += ["", format_learner_table(learner)]
    return "\n".join(lines)


def format_learner_table(rows):
    """The learner's rows: seconds per epoch of the bare step and of the learner's path
    (median over the repeats, their range in brackets), the ratio measured in the same run."""
    spread = lambda values, f: (f"{statistics.median(values):{f}} "
                                f"({min(values):{f}}..{max(values):{f}})")
    lines = ["| backend | device | model | batch | images | repeats | bare step: s per epoch | "
             "learner's path: s per epoch | learner / bare | k-means s | checkpoint MB | load | "
             "CPU |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['backend']} (Keras {r['keras']}) | {r['device']} | {r['model']} | "
            f"{r['batch_size']} | {r['images']:,} | {r['repeats']} | "
            f"{spread(r['bare_repeat_seconds'], '.2f')} | "
            f"{spread(r['learner_repeat_seconds'], '.2f')} | "
            f"{r['ratio']:.2f} ({r['ratio_range'][0]:.2f}..{r['ratio_range'][1]:.2f}) | "
            f"{statistics.median(r['cluster_seconds']):.1f} | "
            f"{r['checkpoint_bytes'] / 1e6:.1f} | {max(r['load_average']):.1f} | "
            f"{r['processor']} |")
    return "\n".join(lines)


def fastest_speed(row):
    """Images per second of a row's fastest epoch after the warm-up: the speed when nothing
    else took the cores (``timeit``'s reasoning: slower repeats come from other work, not from
    the code timed)."""
    return round(row["images"] / min(row["epoch_seconds"][1:]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--batch-size", type=int,
                        help="one batch size for every model (default: the full setting's)")
    parser.add_argument("--epochs", type=int, default=5, help="including one warm-up epoch")
    parser.add_argument("--out", default=str(PATH), help="the rows file (JSON)")
    parser.add_argument("--models", nargs="+", default=["vanilla", "dcgan", "ccgan"],
                        choices=["vanilla", "dcgan", "ccgan", "tutorial"])
    parser.add_argument("--table", action="store_true", help="only print the saved rows")
    parser.add_argument("--learner", action="store_true",
                        help="time training.train on real MNIST beside the bare step "
                             "(--models: one recipe, default dcgan)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="--learner: fresh runs of the pair, for a spread")
    parser.add_argument("--profile", action="store_true",
                        help="--learner: print where the learner's epochs go")
    args = parser.parse_args(argv)
    if args.table:
        path = Path(args.out)
        print(format_table(bookkeeping.read_rows(path)) if path.is_file() else
              f"No rows yet in {path}: run python benchmarks/train_speed.py first.")
        return
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first one is warm-up).")
    if args.learner or args.profile:
        return learner_main(parser, args)
    x = np.random.default_rng(0).uniform(-1, 1, (args.images, 28, 28, 1)).astype("float32")
    print(f"backend {keras.backend.backend()}, device {device_name()}, "
          f"{bookkeeping.processor()}, {args.images:,} images")
    print(f"| model | batch | s per epoch (median of {args.epochs - 1}) | images per s |")
    print("|---|---|---|---|")
    if "tutorial" in args.models and keras.backend.backend() != "tensorflow":
        parser.error("tutorial is TensorFlow's DCGAN tutorial: run it with KERAS_BACKEND=tensorflow.")
    labels = np.arange(args.images) % 10
    trainers, timers = {}, {}
    for kind in args.models:
        keras.utils.set_random_seed(0)
        batch_size = args.batch_size or (TUTORIAL_BATCH_SIZE if kind == "tutorial"
                                         else config.FULL.batch_size[kind])
        trainers[kind] = batch_size, epoch_trainer(kind, x, labels, batch_size)
        timers[kind] = EpochTimes()
    load_before = os.getloadavg()[0]
    for epoch in range(args.epochs):  # one epoch of each model in turn
        for kind, (_, train) in trainers.items():
            train(epoch, timers[kind])
    loads = [round(load_before, 2), round(os.getloadavg()[0], 2)]  # around all the rows
    speed = {}
    for kind, (batch_size, _) in trainers.items():
        times = timers[kind].times
        seconds = statistics.median(times[1:])
        row = {"backend": keras.backend.backend(), "device": device_name(), "model": kind,
               "batch_size": batch_size, "images": args.images, "epochs": args.epochs,
               "seconds_per_epoch": round(seconds, 2),
               "images_per_second": round(args.images / seconds),
               "epoch_seconds": [round(t, 2) for t in times],
               "keras": keras.__version__, "cpu_count": os.cpu_count(),
               "processor": bookkeeping.processor(),
               "load_average": loads}
        speed[kind] = row["images_per_second"], fastest_speed(row)
        print(f"| {kind} | {batch_size} | {seconds:.2f} | {speed[kind][0]:,} |", flush=True)
        save_row(row, path=Path(args.out))
    if "tutorial" in speed:
        for kind in ("dcgan", "ccgan"):
            if kind in speed:
                median, fastest = (a / b for a, b in zip(speed[kind], speed["tutorial"]))
                print(f"{kind} recipe / tutorial: {median:.2f}x (median epochs), "
                      f"{fastest:.2f}x (fastest epochs)")


def learner_main(parser, args):
    """``--learner``: the learner's path and the bare step, epoch by epoch in turn, repeated."""
    kinds = ["dcgan"] if args.models == parser.get_default("models") else args.models
    if len(kinds) != 1 or kinds[0] == "tutorial":
        parser.error("--learner times one of the kit's recipes: --models vanilla, dcgan or ccgan.")
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}.")
    kind = kinds[0]
    batch_size = args.batch_size or config.FULL.batch_size[kind]
    images, labels = data.load_mnist("train", verbose=False)
    if args.images < len(images):
        images, labels = data.subset(images, labels, n=args.images, seed=0)
    x = data.to_model_range(images)
    print(f"backend {keras.backend.backend()}, device {device_name()}, "
          f"{bookkeeping.processor()}, {len(x):,} MNIST digits, {kind} at batch {batch_size}: "
          f"the learner's path (training.train) and the bare step (GAN.fit), epoch by epoch in "
          f"turn, {args.repeats} repeat{'s' if args.repeats > 1 else ''}")
    os.environ.setdefault("GANKIT_FIGURES_DIR", tempfile.mkdtemp(prefix="train-speed-figures-"))
    load_before, repeats = os.getloadavg()[0], []
    for repeat in range(args.repeats):
        profile = Profile() if args.profile else None
        result = learner_pair(kind, x, labels, batch_size, args.epochs, seed=repeat,
                              profile=profile)
        repeats.append(result)
        print(f"repeat {repeat + 1}: k-means {result['cluster_seconds']:.1f} s; s per epoch: "
              f"learner {[round(t, 2) for t in result['learner']]}, "
              f"bare {[round(t, 2) for t in result['bare']]}", flush=True)
        if profile is not None:
            print(format_profile(profile, result["learner"]))
            contents = ", ".join(f"{group} {size / 1e6:.1f} MB" for group, size
                                 in sorted(result["checkpoint_contents"].items()))
            print(f"\ncheckpoint: {result['checkpoint_bytes'] / 1e6:.1f} MB ({contents}); "
                  f"after the last epoch, the run's end (its figures) took "
                  f"{result['finish_seconds']:.2f} s\n", flush=True)
    loads = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    row = learner_row(kind, batch_size, len(x), args.epochs, repeats, loads)
    save_row(row, path=Path(args.out))
    print(format_learner_table([row]))


if __name__ == "__main__":
    main()
