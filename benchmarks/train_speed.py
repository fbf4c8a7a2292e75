"""Training speed of the vanilla GAN and the DCGAN on the current backend and device.

    python benchmarks/train_speed.py [--images 60000] [--batch-size 256] [--epochs 4]
    KERAS_BACKEND=jax python benchmarks/train_speed.py

Each model trains for ``--epochs`` epochs on random images of MNIST's shape through the same
``GAN.fit`` the notebooks use; the first epoch (compilation, warm-up) is excluded and the
median of the others is reported as seconds per epoch and images per second.
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=4, help="including one warm-up epoch")
    parser.add_argument("--models", nargs="+", default=["vanilla", "dcgan"])
    args = parser.parse_args()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first one is warm-up).")
    x = np.random.default_rng(0).uniform(-1, 1, (args.images, 28, 28, 1)).astype("float32")
    print(f"backend {keras.backend.backend()}, device {device_name()}, "
          f"{platform.processor() or platform.machine()}, {args.images:,} images, "
          f"batch {args.batch_size}")
    print(f"| model | s per epoch (median of {args.epochs - 1}) | images per s |")
    print("|---|---|---|")
    for kind in args.models:
        keras.utils.set_random_seed(0)
        gan = recipes.make_gan(kind)
        timer = EpochTimer()
        gan.fit(x, batch_size=args.batch_size, epochs=args.epochs, verbose=0, callbacks=[timer])
        seconds = statistics.median(timer.times[1:])
        print(f"| {kind} | {seconds:.2f} | {args.images / seconds:,.0f} |")


if __name__ == "__main__":
    main()
