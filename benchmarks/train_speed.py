"""Training speed of the kit's recipes on the current backend and device.

    python benchmarks/train_speed.py [--images 60000] [--batch-size 256] [--epochs 4]
    python benchmarks/train_speed.py --models dcgan tutorial      # the recipe against the tutorial
    KERAS_BACKEND=jax python benchmarks/train_speed.py

Each model trains for ``--epochs`` epochs on random images of MNIST's shape through the same
``GAN.fit`` the notebooks use (``gankit.recipes.make_gan``: the recipe the settings train);
the first epoch (compilation, warm-up) is excluded and the median of the others is reported
as seconds per epoch and images per second. ``tutorial`` (TensorFlow only) is TensorFlow's
DCGAN tutorial as published: its networks, Adam(1e-4) and its own step, which updates both
networks from one generated batch under two gradient tapes; timing it in the same run as the
recipe gives the speed ratio on the same machine in the same state.
"""

import argparse
import platform
import statistics
import time

import numpy as np
import keras

from gankit import recipes
from quality import device_name


class EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        float(logs["d_loss"])  # wait for the device to finish the epoch
        self.times.append(time.perf_counter() - self.start)

    def on_train_begin(self, logs=None):
        self.times = []


def tutorial_dcgan():
    """TensorFlow's DCGAN tutorial (tensorflow.org/tutorials/generative/dcgan): its generator,
    discriminator, optimizers and ``train_step``; returns ``fit(images, batch_size, epochs,
    timer)`` that trains on a ``tf.data`` pipeline as the tutorial does."""
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

    def fit(images, batch_size, epochs, timer):
        dataset = tf.data.Dataset.from_tensor_slices(images).shuffle(len(images)).batch(batch_size)
        timer.on_train_begin()
        for epoch in range(epochs):
            timer.on_epoch_begin(epoch)
            for batch in dataset:
                d_loss = train_step(batch)
            timer.on_epoch_end(epoch, {"d_loss": d_loss})

    return fit


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=4, help="including one warm-up epoch")
    parser.add_argument("--models", nargs="+", default=["vanilla", "dcgan", "ccgan"],
                        choices=["vanilla", "dcgan", "ccgan", "tutorial"])
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first one is warm-up).")
    x = np.random.default_rng(0).uniform(-1, 1, (args.images, 28, 28, 1)).astype("float32")
    print(f"backend {keras.backend.backend()}, device {device_name()}, "
          f"{platform.processor() or platform.machine()}, {args.images:,} images, "
          f"batch {args.batch_size}")
    print(f"| model | s per epoch (median of {args.epochs - 1}) | images per s |")
    print("|---|---|---|")
    if "tutorial" in args.models and keras.backend.backend() != "tensorflow":
        parser.error("tutorial is TensorFlow's DCGAN tutorial: run it with KERAS_BACKEND=tensorflow.")
    labels = np.arange(args.images) % 10
    speed = {}
    for kind in args.models:
        keras.utils.set_random_seed(0)
        timer = EpochTimer()
        if kind == "tutorial":
            tutorial_dcgan()(x, args.batch_size, args.epochs, timer)
        else:
            gan = recipes.make_gan(kind)
            gan.fit(x, labels if gan.conditional else None, batch_size=args.batch_size,
                    epochs=args.epochs, verbose=0, callbacks=[timer])
        seconds = statistics.median(timer.times[1:])
        speed[kind] = args.images / seconds
        print(f"| {kind} | {seconds:.2f} | {speed[kind]:,.0f} |", flush=True)
    if "tutorial" in speed:
        for kind in ("dcgan", "ccgan"):
            if kind in speed:
                print(f"{kind} recipe / tutorial: {speed[kind] / speed['tutorial']:.2f}x")


if __name__ == "__main__":
    main()
