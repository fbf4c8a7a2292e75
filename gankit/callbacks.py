"""Keras callbacks for GAN training: sample grids, loss curves, checkpoints, a NaN stop.

They are ordinary ``keras.callbacks.Callback`` objects, so they compose with Keras's own and
with yours: ``gan.fit(x, epochs=50, callbacks=[SampleGrid(), LossCurve(), Checkpoint("runs/dcgan")])``.

- ``SampleGrid``  draws a grid from the same fixed latent vectors every few epochs, so you can
  watch the generator improve; shows it inline in a notebook and saves it under ``figures/``.
- ``LossCurve``   records the losses and the discriminator's outputs and plots them.
- ``Checkpoint``  saves the whole training state (both networks, both optimizers, the random
  state) every epoch; a later ``fit`` with the same directory resumes where the last one
  stopped, e.g. after a Colab disconnect. It never saves a diverged (NaN) state.
- ``StopOnNaN``   stops a diverged run at once with an error that says what happened.

Introduced in notebook 01 (``Checkpoint`` in notebook 02).
"""

import json
import math
import os
import sys

import numpy as np
import keras

WATCHED = ("d_loss", "g_loss")


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite: the run stopped; the last good checkpoint is kept."""


def check_finite(logs, where):
    """Raise ``TrainingDiverged`` if ``d_loss`` or ``g_loss`` in ``logs`` is NaN or inf."""
    bad = {k: float(logs[k]) for k in WATCHED if k in (logs or {}) and
           not math.isfinite(float(logs[k]))}
    if bad:
        values = ", ".join(f"{k}={v}" for k, v in bad.items())
        raise TrainingDiverged(
            f"Training diverged {where}: {values}. The weights are no longer usable. "
            "Restart from the last checkpoint (a Checkpoint callback keeps the last good epoch) "
            "with a lower learning rate, or check the data for NaN values.")


def _in_notebook():
    return "ipykernel" in sys.modules


class StopOnNaN(keras.callbacks.Callback):
    """Stop training with ``TrainingDiverged`` when ``d_loss`` or ``g_loss`` is NaN or inf.

    Args:
        every_batch: also check after every batch (stops sooner; on an accelerator each check
            waits for the step to finish). Epoch-end checks are always made.
    """

    def __init__(self, every_batch=False):
        super().__init__()
        self.every_batch = every_batch

    def on_train_batch_end(self, batch, logs=None):
        if self.every_batch:
            check_finite(logs, f"at batch {batch}")

    def on_epoch_end(self, epoch, logs=None):
        check_finite(logs, f"in epoch {epoch + 1}")


class Checkpoint(keras.callbacks.BackupAndRestore):
    """Save the training state every epoch; resume from it at the start of ``fit``.

    A thin layer over ``keras.callbacks.BackupAndRestore``: the state is everything
    ``gan.save_weights`` writes (both networks, both optimizers, the latent-vector seed) plus the
    epoch counter and the global random state (NumPy's, and PyTorch's on that backend), so a
    resumed run on JAX and PyTorch continues exactly as an uninterrupted one would. TensorFlow
    shuffles the batches with its own generator: there the weights, optimizer states and random
    seeds are restored exactly, but the batches after a resume come in another order.

    Args:
        directory: where the checkpoint lives. Kept after training, so calling ``fit`` again
            with a larger ``epochs`` continues the run and rerunning a finished notebook cell
            is instant. Delete the folder to start over.
    """

    def __init__(self, directory):
        super().__init__(os.fspath(directory), save_freq="epoch", delete_checkpoint=False)
        self.directory = os.fspath(directory)
        self._rng_path = os.path.join(self.directory, "random_state.json")
        self.resumed_from = None

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        epoch = getattr(self.model, "_initial_epoch", None)
        if epoch:
            self.resumed_from = epoch
            print(f"Resuming from the checkpoint in {self.directory}: "
                  f"{epoch} epoch{'s' if epoch > 1 else ''} done.")
            if os.path.exists(self._rng_path):
                with open(self._rng_path) as f:
                    _set_global_random_state(json.load(f))

    def on_epoch_end(self, epoch, logs=None):
        check_finite(logs, f"in epoch {epoch + 1}")  # never overwrite the last good state
        super().on_epoch_end(epoch, logs)

    def _save_model(self):
        super()._save_model()
        with open(self._rng_path, "w") as f:
            json.dump(_global_random_state(), f)


def _global_random_state():
    """NumPy's global random state, and PyTorch's on that backend (batch order, dropout)."""
    name, keys, pos, has_gauss, cached = np.random.get_state()
    state = {"numpy": [name, keys.tolist(), pos, has_gauss, cached]}
    if keras.backend.backend() == "torch":
        import torch
        state["torch"] = torch.get_rng_state().tolist()
    return state


def _set_global_random_state(state):
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, np.array(keys, dtype=np.uint32), pos, has_gauss, cached))
    if "torch" in state and keras.backend.backend() == "torch":
        import torch
        torch.set_rng_state(torch.tensor(state["torch"], dtype=torch.uint8))


class SampleGrid(keras.callbacks.Callback):
    """Draw a grid of samples from fixed latent vectors every ``every`` epochs.

    Args:
        n: number of samples (a multiple of ``ncols`` reads best).
        every: epochs between two grids (the last epoch always gets one).
        seed: seed of the fixed latent vectors.
        name: figures are saved as ``figures/<name>_epoch_<E>.png`` (None: don't save).
        show: display each grid inline; by default only inside a notebook.
        ncols: columns of the grid; a conditional GAN draws digit ``i % num_classes`` in
            column ``i % ncols``, so with 10 columns each column is one digit.

    After training, ``snapshots`` holds ``(epoch, uint8 images (n, 28, 28))`` pairs and
    ``evolution()`` plots them as one figure.
    """

    def __init__(self, n=100, every=1, seed=0, name="samples", show=None, ncols=10):
        super().__init__()
        self.n, self.every, self.seed, self.name, self.ncols = n, every, seed, name, ncols
        self.show = _in_notebook() if show is None else show
        self.snapshots = []

    def on_epoch_end(self, epoch, logs=None):
        last = epoch + 1 == self.params.get("epochs")
        if (epoch + 1) % self.every and not last:
            return
        from gankit import plotting
        from gankit.data import to_uint8
        images = self.model.generate(self.n, seed=self.seed)
        self.snapshots.append((epoch + 1, to_uint8(images)))
        title = f"{self.name}: epoch {epoch + 1}"
        path = f"{self.name}_epoch_{epoch + 1:03d}.png" if self.name else None
        fig = plotting.plot_grid(images, ncols=self.ncols, title=title, path=path)
        self._display(fig)

    def _display(self, fig):
        import matplotlib.pyplot as plt
        if self.show:
            from IPython.display import display
            display(fig)
        plt.close(fig)

    def evolution(self, k=10, path=None):
        """One row per snapshot: the first ``k`` samples, showing how they changed."""
        if not self.snapshots:
            raise ValueError("No snapshots yet: train with this callback first.")
        from gankit import plotting
        rows = np.concatenate([images[:k] for _, images in self.snapshots])
        labels = [f"epoch {epoch}" for epoch, _ in self.snapshots]
        return plotting.plot_grid(rows, ncols=k, row_labels=labels, path=path,
                                  title="The same latent vectors, epoch after epoch")


class LossCurve(keras.callbacks.Callback):
    """Record ``d_loss``, ``g_loss``, ``d_real`` and ``d_fake`` and plot them.

    Args:
        every_batch: also record the running epoch means every this many batches (None: about
            25 points per epoch; 0: epoch means only). They show the tug of war inside an
            epoch.
        name: ``plot()`` saves ``figures/<name>.png`` (None: don't save).
    """

    KEYS = ("d_loss", "g_loss", "d_real", "d_fake")

    def __init__(self, every_batch=None, name="losses"):
        super().__init__()
        self.every_batch, self.name = every_batch, name
        self.batches, self.epochs = [], []
        self._seen, self._epoch_start = 0, 0

    def on_train_begin(self, logs=None):
        if self.every_batch is None:
            self.every_batch = max(1, (self.params.get("steps") or 25) // 25)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._in_epoch = epoch, 0

    def on_train_batch_end(self, batch, logs=None):
        self._in_epoch += 1
        if self.every_batch and self._in_epoch % self.every_batch == 0 and logs:
            steps = self.params.get("steps") or self._in_epoch
            self.batches.append((self._epoch + self._in_epoch / steps,
                                 {k: float(logs[k]) for k in self.KEYS if k in logs}))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append((epoch + 1, {k: float(logs[k]) for k in self.KEYS if k in logs}))

    def plot(self, path=None):
        """Two panels: the losses, and the discriminator's mean output on real and fake."""
        import matplotlib.pyplot as plt
        from gankit import plotting
        if not self.epochs:
            raise ValueError("Nothing recorded yet: train with this callback first.")
        fig, (ax_loss, ax_out) = plt.subplots(1, 2, figsize=(11, 3.5))
        for ax, keys in ((ax_loss, ("d_loss", "g_loss")), (ax_out, ("d_real", "d_fake"))):
            for color, key in zip(("tab:blue", "tab:orange"), keys):
                if self.batches:
                    ax.plot([x for x, _ in self.batches], [logs[key] for _, logs in self.batches],
                            color=color, alpha=0.35, lw=1)
                ax.plot([e for e, _ in self.epochs], [logs[key] for _, logs in self.epochs],
                        "o-", color=color, label=key)
            ax.set_xlabel("epoch")
            ax.legend(fontsize=8)
        ax_loss.set_title("losses (dots: epoch means; faint: within the epoch)")
        ax_out.set_title("D(x): mean probability 'real'")
        ax_out.axhline(0.5, color="grey", lw=0.8, ls="--")
        fig.tight_layout()
        if path or self.name:
            plotting.save_figure(fig, path or f"{self.name}.png")
        plt.close(fig)  # shown once, as the cell's value, like gankit.plotting's figures
        return fig
