"""Training recipes: the settings that train each model of the kit well, in one place.

``make_gan("dcgan")`` returns a compiled ``GAN`` with the recommended networks and optimizers;
``train(...)`` runs ``fit`` with the kit's callbacks and writes everything a run produces. The
command line (``python -m gankit train``), the benchmarks and the studies use these, so a
number in the README and a notebook's run come from the same recipe.

Introduced in notebook 02.
"""

import os
import time

import numpy as np
import keras

from gankit import callbacks as gank_callbacks
from gankit import models
from gankit.gan import GAN

# Adam(2e-4, beta_1=0.5) is the DCGAN paper's setting; the TensorFlow tutorial's Adam(1e-4)
# trains markedly slower on MNIST.
RECIPES = {
    "vanilla": {"builder": "vanilla", "conditional": False, "learning_rate": 2e-4,
                "beta_1": 0.5, "loss": "bce", "label_smoothing": 0.1},
    "dcgan": {"builder": "dcgan", "conditional": False, "learning_rate": 2e-4,
              "beta_1": 0.5, "loss": "bce", "label_smoothing": 0.0},
    "ccgan": {"builder": "dcgan", "conditional": True, "conditioning": "projection",
              "learning_rate": 2e-4, "beta_1": 0.5, "loss": "bce", "label_smoothing": 0.1},
}


def make_gan(kind, seed=0, corruption=None, **overrides):
    """Build and compile the recommended GAN for ``kind`` (``vanilla``, ``dcgan``, ``ccgan``).

    ``corruption`` is passed to ``GAN`` (AmbientGAN training, notebook 05). ``overrides``
    replace recipe entries (``learning_rate``, ``beta_1``, ``loss``, ``label_smoothing``, and
    for ``ccgan`` ``conditioning``: ``"projection"`` or ``"channel"``, see ``gankit.models``).
    """
    if kind not in RECIPES:
        raise ValueError(f"Unknown model {kind!r}; choose one of {sorted(RECIPES)}.")
    unknown = set(overrides) - set(RECIPES[kind])
    if unknown:
        raise ValueError(f"Unknown recipe settings {sorted(unknown)}; "
                         f"known: {sorted(RECIPES[kind])}.")
    recipe = {**RECIPES[kind], **overrides}
    conditional = {"num_classes": models.NUM_CLASSES,
                   "conditioning": recipe["conditioning"]} if recipe["conditional"] else {}
    generator, discriminator = models.build_pair(recipe["builder"], **conditional)
    gan = GAN(generator, discriminator, seed=seed, corruption=corruption, name=f"{kind}_gan")
    optimizer = lambda: keras.optimizers.Adam(recipe["learning_rate"], beta_1=recipe["beta_1"])
    gan.compile(optimizer(), optimizer(), loss=recipe["loss"],
                label_smoothing=recipe["label_smoothing"])
    return gan


class EpochSeconds(keras.callbacks.Callback):
    """Add ``seconds``, the wall time of the epoch, to the epoch's logs (and so to log.csv)."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            float(logs.get("d_loss", 0.0))  # wait until the device has finished the epoch
            logs["seconds"] = time.perf_counter() - self._start


def train(gan, images, labels=None, epochs=1, batch_size=256, out_dir=None, sample_every=1,
          extra_callbacks=(), verbose=1, show=None):
    """Train ``gan`` with the kit's callbacks; resume if ``out_dir`` holds a checkpoint.

    Args:
        images: ``float32 (N, 28, 28, 1)`` in [-1, 1].
        labels: digits ``(N,)`` for a conditional GAN.
        out_dir: run folder; gets ``checkpoint/``, ``log.csv``, ``samples.png`` and
            ``losses.png``. None keeps nothing on disk but the figures under ``figures/``.

    Returns:
        ``(history, sample_grid, loss_curve)``: the Keras history and the two callbacks.
    """
    grid = gank_callbacks.SampleGrid(every=sample_every, name=None if out_dir else gan.name,
                                     show=show)
    curve = gank_callbacks.LossCurve(name=None if out_dir else f"{gan.name}_losses")
    cbs = [EpochSeconds(), gank_callbacks.StopOnNaN(), grid, curve]
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        cbs += [gank_callbacks.Checkpoint(os.path.join(out_dir, "checkpoint")),
                keras.callbacks.CSVLogger(os.path.join(out_dir, "log.csv"), append=True)]
    cbs += list(extra_callbacks)
    history = gan.fit(images, labels, batch_size=batch_size, epochs=epochs, callbacks=cbs,
                      verbose=verbose)
    if out_dir and curve.epochs:
        import matplotlib.pyplot as plt
        from gankit import plotting
        plt.close(curve.plot(path=os.path.join(out_dir, "losses.png")))
        n_cols = 10
        plt.close(plotting.plot_grid(gan.generate(100, seed=0), ncols=n_cols,
                                     title=f"{gan.name} samples",
                                     path=os.path.join(out_dir, "samples.png")))
    return history, grid, curve


def save_samples(gan, path, n=10_000, seed=0):
    """Write ``n`` samples to ``path`` (``.npz``): ``images`` ``uint8 (n, 28, 28)`` and, for a
    conditional GAN, ``labels`` ``uint8 (n,)`` (balanced, in order)."""
    from gankit.data import to_uint8
    arrays = {"images": to_uint8(gan.generate(n, seed=seed))}
    if gan.conditional:
        arrays["labels"] = (np.arange(n) % gan.num_classes).astype("uint8")
    np.savez_compressed(path, **arrays)
    return path
