"""Train a tiny GAN with a Checkpoint and kill this process (SIGKILL) at a chosen point.

Used by ``tests/test_checkpoint.py`` as a separate process, so that a kill is a real one: no
``finally`` block, no atexit, no flush runs. Usage::

    python tests/checkpoint_worker.py DIR --epochs 4 [--kill E:POINT] [--final PATH]
                                      [--no-shuffle]

``--kill E:POINT`` kills the process in epoch E (1-based) at POINT:

- ``batch``     after the second batch of the epoch (mid-epoch);
- ``weights``   while ``gan.save_weights`` writes the new weights (half of them on disk);
- ``between``   once the new weights file is in place, before the record names it;
- ``record``    while the new ``checkpoint.json`` is being written beside the old one;
- ``replaced``  right after the new record replaced the old, before older weights go;
- ``cleanup``   while the older weights file is being removed;
- ``end``       after the epoch's checkpoint is complete.

The process prints ``epoch E begins`` at the start of each epoch (for kills from outside) and
exits with status 3 when the kill point was never reached. ``--final`` writes the state after
training to an ``.npz``: the GAN's weights, its random-generator states and its optimizers'
variables, keyed ``"<index> <variable path>"``.
"""

import argparse
import os
import signal
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tiny.py
import keras  # noqa: E402

from gankit import callbacks, checkpoint, files  # noqa: E402
from tiny import data, tiny_gan  # noqa: E402

POINTS = ("batch", "weights", "between", "record", "replaced", "cleanup", "end")


def die():
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


class Clock(keras.callbacks.Callback):
    """Knows the current epoch (1-based); kills mid-epoch or after the epoch's save."""

    def __init__(self, kill_epoch, point):
        super().__init__()
        self.epoch, self.kill_epoch, self.point = 0, kill_epoch, point

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1
        print(f"epoch {self.epoch} begins", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        if self.point == "batch" and self.epoch == self.kill_epoch and batch == 1:
            die()

    def on_epoch_end(self, epoch, logs=None):  # after Checkpoint's, which comes first
        if self.point == "end" and self.epoch == self.kill_epoch:
            die()


def install_kill(gan, clock):
    """Wrap the steps of ``checkpoint.save`` so that the chosen one dies half-way."""
    now = lambda: clock.epoch == clock.kill_epoch
    save_weights, write_atomic, replace, unlink = (gan.save_weights, files.write_atomic,
                                                   os.replace, Path.unlink)

    def save_weights_then_die(path, *args, **kwargs):
        save_weights(path, *args, **kwargs)
        if clock.point == "weights" and now():
            with open(path, "r+b") as f:
                f.truncate(Path(path).stat().st_size // 2)
            die()

    def write_atomic_then_die(path, data_):
        if clock.point == "record" and now() and Path(path).name == checkpoint.RECORD:
            with files.replacing(path) as temporary:
                Path(temporary).write_text(data_[:len(data_) // 2])
                die()
        write_atomic(path, data_)

    def replace_then_die(src, dst):
        replace(src, dst)
        if now() and ((clock.point == "between" and str(dst).endswith(".weights.h5")) or
                      (clock.point == "replaced" and Path(dst).name == checkpoint.RECORD)):
            die()

    def unlink_then_die(path, *args, **kwargs):
        if clock.point == "cleanup" and now() and path.name.startswith("epoch-"):
            die()
        unlink(path, *args, **kwargs)

    gan.save_weights = save_weights_then_die
    files.write_atomic = write_atomic_then_die
    os.replace, Path.unlink = replace_then_die, unlink_then_die


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--kill", help="E:POINT, e.g. 2:manifest")
    parser.add_argument("--final", help=".npz for the final variables")
    parser.add_argument("--no-shuffle", action="store_true")
    args = parser.parse_args()
    kill_epoch, point = (int(args.kill.split(":")[0]), args.kill.split(":")[1]) \
        if args.kill else (None, None)
    if point is not None and point not in POINTS:
        parser.error(f"unknown kill point {point!r}; choose one of {POINTS}")

    keras.utils.set_random_seed(0)
    gan = tiny_gan()
    x, _ = data()
    clock = Clock(kill_epoch, point)
    install_kill(gan, clock)
    gan.fit(x, batch_size=16, epochs=args.epochs, shuffle=not args.no_shuffle, verbose=0,
            callbacks=[callbacks.Checkpoint(args.directory), clock])
    if point is not None:
        print(f"the kill point {args.kill} was never reached", flush=True)
        sys.exit(3)
    if args.final:  # not the metrics: a run with nothing left to train has not computed them
        states = [v for v in gan.variables if v.name == "seed_generator_state"]
        variables = gan.weights + states + gan.optimizer.variables
        np.savez(args.final, **{f"{i:03d} {v.path}": keras.ops.convert_to_numpy(v)
                                for i, v in enumerate(variables)})


if __name__ == "__main__":
    main()
