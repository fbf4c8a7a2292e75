"""Training speed of the kit's recipes on the current backend and device.

    python benchmarks/train_speed.py [--images 60000] [--batch-size N] [--epochs 5]
    python benchmarks/train_speed.py --models dcgan tutorial      # the recipe against the tutorial
    python benchmarks/train_speed.py --table                      # the saved rows
    KERAS_BACKEND=jax python benchmarks/train_speed.py

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
device, model and batch size, with the load average around it (the training alone keeps it
near the core count; well above, other work shared the machine), so the README's speed table
comes from a file.

Several models are timed epoch by epoch in turn (one epoch of each, then the next epoch of
each), so that a slower spell of a shared machine falls on all of them alike rather than on
whichever model happened to be training then.
"""

import argparse
import os
import statistics
from pathlib import Path

import numpy as np
import keras

from gankit import callbacks, config, recipes, results, training
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
    """Put ``row`` into the rows file, replacing the row of the same backend, device, model and
    batch size."""
    bookkeeping.save_row(path, row, key=lambda r: (r["backend"], r["device"], r["model"],
                                              r["batch_size"]))


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


def format_table(rows):
    """The rows as a Markdown table; "load" is the highest 1-minute load average around the row
    (well above ``cpu_count``, other work shared the machine), "CPU" the processor's model ("-"
    where not kept)."""
    lines = ["| backend | device | model | batch | images | s per epoch | images per s | "
             "fastest epoch: images per s | load | CPU |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        fastest = f"{fastest_speed(r):,}" if "epoch_seconds" in r else "-"
        lines.append(f"| {r['backend']} (Keras {r['keras']}) | {r['device']} | {r['model']} | "
                     f"{r['batch_size']} | {r['images']:,} | {r['seconds_per_epoch']:.2f} | "
                     f"{r['images_per_second']:,} | {fastest} | {max(r['load_average']):.1f} | "
                     f"{r.get('processor', '-')} |")
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
    args = parser.parse_args(argv)
    if args.table:
        path = Path(args.out)
        print(format_table(bookkeeping.read_rows(path)) if path.is_file() else
              f"No rows yet in {path}: run python benchmarks/train_speed.py first.")
        return
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first one is warm-up).")
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


if __name__ == "__main__":
    main()
