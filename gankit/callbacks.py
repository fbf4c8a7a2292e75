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
- ``EpochTimer``  adds each epoch's seconds to the logs and, after the first, says how long
  the rest of the run will take.
- ``GeneratorAverage`` puts a generator's moving average of weights (``use_ema``) in place
  between epochs, with batch-norm statistics that match it.

Introduced in notebook 01 (``Checkpoint`` in notebook 02).
"""

import os
import sys
import time

import numpy as np
import keras
import matplotlib.pyplot as plt

from gankit import checkpoint, plotting
from gankit.checks import WATCHED, TrainingDiverged, check_finite  # noqa: F401  (re-exported)
from gankit.data import to_uint8



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


class Checkpoint(keras.callbacks.Callback):
    """Save the training state every epoch; ``GAN.fit`` resumes from it.

    The state is everything ``gan.save_weights`` writes (both networks, both optimizers, the
    latent-vector seed) plus the epoch count and the global random state (NumPy's, and
    PyTorch's on that backend), so a resumed run on JAX and PyTorch continues exactly as an
    uninterrupted one would. TensorFlow shuffles the batches with its own generator: there the
    weights, optimizer states and random seeds are restored exactly, but the batches after a
    resume come in another order.

    Each save is atomic and each load verified (checksums, one epoch in every piece, finite
    weights), and the checkpoint records the run that made it; ``gankit.checkpoint`` describes
    the files. A diverged (NaN) state is never saved: the last good epoch stays.

    For ``gankit.gan.GAN`` only: its ``fit`` finds this callback, calls ``restore`` and starts
    Keras's loop at the saved epoch (``initial_epoch``), printing one line, "Resuming from
    the checkpoint in <directory>: N epochs done."

    Args:
        directory: where the checkpoint lives. Kept after training, so calling ``fit`` again
            with a larger ``epochs`` continues the run and rerunning a finished notebook cell
            is instant. Delete the folder to start over.
        run: fields that describe the run beyond what the GAN and the data tell (the setting,
            the recipe's name, the corruption's kind and fraction, ...), a dict of JSON values;
            stored with every save and compared on resume (``gankit.checkpoint.run_record``).
        resume: True resumes a checkpoint of the same run and refuses one that differs (a
            changed learning rate, other data, another setting, ...) with a ``CheckpointError``
            that lists the differences; ``"force"`` resumes it anyway, training on with the
            optimizers, loss and corruption built now (the weights, optimizer moments and
            random states come from the checkpoint); False ignores a saved checkpoint and
            starts at epoch 0 (it is replaced at the end of the first epoch).

    Attributes:
        resumed_from: epochs the last ``fit`` resumed after (None: it started fresh).
        record: the run record of the last ``fit``.
    """

    def __init__(self, directory, run=None, resume=True):
        super().__init__()
        if resume not in (True, False, "force"):
            raise ValueError(f'resume must be True, False or "force", got {resume!r}.')
        self.directory = os.fspath(directory)
        self.run, self.resume = run, resume
        self.resumed_from = self.record = None
        self._prepared_for = self._random_state = None

    def restore(self, gan, x=None, y=None, batch_size=None, epochs=None):
        """Verify and load the checkpoint into ``gan``; return the epochs it holds (0: none).

        ``GAN.fit`` calls this with its own arguments before Keras's loop starts, so a damaged
        or mismatched checkpoint stops ``fit`` before any training.

        Raises:
            gankit.checkpoint.CheckpointError: see ``gankit.checkpoint.load`` and
                ``check_resume``.
        """
        self.resumed_from, self._random_state = None, None
        self.record = checkpoint.run_record(gan, x, y, batch_size=batch_size, run=self.run)
        self._prepared_for = gan
        if self.resume is False:
            checkpoint.check_checkpoint_folder(self.directory)
            return 0
        saved = checkpoint.load(self.directory)
        if saved is None:
            return 0
        diffs = checkpoint.check_resume(self.directory, saved.run, self.record,
                                        force=self.resume == "force")
        checkpoint.load_into(gan, saved, keep_learning_rates=bool(diffs))
        notes = []
        if epochs is not None and saved.epoch >= epochs:
            notes.append(f"fit asks for {epochs}: nothing left to train")
        if diffs:
            fields = ", ".join(key for key, _, _ in diffs)
            notes.append(f"on purpose, with {fields} changed")
        print(f"Resuming from the checkpoint in {self.directory}: "
              f"{saved.epoch} epoch{'s' if saved.epoch > 1 else ''} done"
              + (f" ({'; '.join(notes)})." if notes else "."))
        self.resumed_from, self._random_state = saved.epoch, saved.random_state
        return saved.epoch

    def on_train_begin(self, logs=None):
        if self._prepared_for is not self.model:
            raise ValueError("Checkpoint works with gankit.gan.GAN, whose fit restores the "
                             "checkpoint and sets initial_epoch before training; this model's "
                             "fit did not. Train a GAN with it.")
        if self._random_state is not None:
            # Here, not in restore: Keras may draw from NumPy while setting up fit, in an
            # uninterrupted run too; the saved state is the one the next epoch starts from.
            checkpoint.set_global_random_state(self._random_state)

    def on_train_end(self, logs=None):
        self._prepared_for = None  # the next fit restores again

    def on_epoch_end(self, epoch, logs=None):
        check_finite(logs, f"in epoch {epoch + 1}")  # never overwrite the last good state
        checkpoint.save(self.directory, self.model, epoch + 1, self.record)


class EpochTimer(keras.callbacks.Callback):
    """Time each epoch; after the first, say how long the rest of the run will take.

    Adds ``seconds``, the wall time of the epoch, to the epoch's logs (and so to ``log.csv``).
    After the first epoch of a run with more to go it prints one line, e.g. "Epoch 1 took
    58 s: about 7 min left for the other 8 epochs." (``report=False`` keeps it quiet).
    """

    def __init__(self, report=True):
        super().__init__()
        self.report = report

    def on_train_begin(self, logs=None):
        self._first = True

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        float(logs.get("d_loss", 0.0))  # wait until the device has finished the epoch
        logs["seconds"] = seconds = time.perf_counter() - self._start
        remaining = (self.params.get("epochs") or 0) - (epoch + 1)
        if self.report and self._first and remaining > 0:
            print(f"Epoch {epoch + 1} took {seconds:.0f} s: about "
                  f"{_duration(seconds * remaining)} left for the other {remaining} "
                  f"epoch{'s' if remaining > 1 else ''}.")
        self._first = False


def _duration(seconds):
    """``"45 s"``, ``"7 min"`` or ``"1 h 05 min"``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


class GeneratorAverage(keras.callbacks.Callback):
    """Put the generator's moving average of weights (``use_ema``) in place between epochs.

    From each epoch's end to the next epoch's start, and at the end of ``fit``, the generator
    holds the average its optimizer keeps (``optimizer.finalize_variable_values``), so sample
    grids and the generator after ``fit`` are the average. Its ``BatchNormalization`` layers get
    statistics of its own: those of one batch of ``n`` images drawn by the averaged generator
    (latent vectors from ``seed``, labels from ``GAN.generator_labels`` for a conditional GAN or
    one with clusters); the trained weights' statistics do not match the average, and its
    samples are worse with them. When the next epoch starts the trained weights and their
    statistics are put back, exactly, so training never sees the average; callbacks that save
    the weights being trained (``Checkpoint``) go before this one in the list. A later ``fit``
    starts from the average, as with Keras's own ``use_ema``, unless a ``Checkpoint`` restores
    the trained weights.
    """

    def __init__(self, n=2048, seed=0):
        super().__init__()
        self.n, self.seed = n, seed
        self._trained = None

    def _layers(self, model=None):
        for layer in (model or self.model.generator).layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                yield layer
            elif isinstance(layer, keras.Model):
                yield from self._layers(layer)

    def _state(self):
        """The generator's trained weights and its batch-norm statistics (the swapped state)."""
        statistics = [v for layer in self._layers() for v in (layer.moving_mean,
                                                               layer.moving_variance)]
        return list(self.model.generator.trainable_variables) + statistics

    def recompute(self):
        """Set every batch-norm layer's moving statistics to those of one batch (training mode,
        momentum 0 for that one call)."""
        gan, layers = self.model, list(self._layers())
        rng = np.random.default_rng(self.seed)
        inputs = rng.standard_normal((self.n, gan.latent_dim)).astype("float32")
        if gan.takes_labels:
            inputs = [inputs, gan.generator_labels(self.n, rng)]
        momenta = [layer.momentum for layer in layers]
        try:
            for layer in layers:
                layer.momentum = 0.0
            gan.generator(inputs, training=True)
        finally:
            for layer, momentum in zip(layers, momenta):
                layer.momentum = momentum

    def _put_average(self):
        self._trained = [keras.ops.convert_to_numpy(v) for v in self._state()]
        weights = self.model.generator.trainable_variables
        self.model.g_optimizer.finalize_variable_values(weights)
        for weight in weights:  # a copy of its own: on JAX, assign shares the average's buffer
            weight.assign(keras.ops.convert_to_numpy(weight))
        self.recompute()

    def on_train_begin(self, logs=None):
        self._trained = None

    def on_epoch_begin(self, epoch, logs=None):
        if self._trained is not None:
            for variable, value in zip(self._state(), self._trained):
                variable.assign(value)
            self._trained = None

    def on_epoch_end(self, epoch, logs=None):
        self._put_average()

    def on_train_end(self, logs=None):
        if self._trained is None:  # no epoch ran (a finished run resumed): the average too
            self._put_average()


class SampleGrid(keras.callbacks.Callback):
    """Draw a grid of samples from fixed latent vectors every ``every`` epochs.

    Args:
        n: number of samples (a multiple of ``ncols`` reads best).
        every: epochs between two grids (the last epoch always gets one).
        seed: seed of the fixed latent vectors.
        name: the grids' title, ``"<name>: epoch <E>"``.
        save: also save each grid as ``figures/<name>_epoch_<E>.png``.
        show: display each grid inline; by default only inside a notebook.
        ncols: columns of the grid; a conditional GAN draws digit ``i % num_classes`` in
            column ``i % ncols``, so with 10 columns each column is one digit.

    After training, ``snapshots`` holds ``(epoch, uint8 images (n, 28, 28))`` pairs and
    ``evolution()`` plots them as one figure.
    """

    def __init__(self, n=100, every=1, seed=0, name="samples", save=True, show=None, ncols=10):
        super().__init__()
        self.n, self.every, self.seed, self.name, self.ncols = n, every, seed, name, ncols
        self.save = save
        self.show = _in_notebook() if show is None else show
        self.snapshots = []
        self._display_handle = None

    def on_epoch_end(self, epoch, logs=None):
        last = epoch + 1 == self.params.get("epochs")
        if (epoch + 1) % self.every and not last:
            return
        images = self.model.generate(self.n, seed=self.seed)
        self.snapshots.append((epoch + 1, to_uint8(images)))
        title = f"{self.name}: epoch {epoch + 1}"
        path = f"{self.name}_epoch_{epoch + 1:03d}.png" if self.save else None
        fig = plotting.plot_grid(images, ncols=self.ncols, title=title, path=path, show=self.show)
        self._display(fig)

    def _display(self, fig):
        """Show ``fig`` inline now, replacing the previous grid of this run (one figure,
        updated), and close it: Jupyter does not show it again at the end of the cell."""
        if self.show:
            from IPython.display import display
            if self._display_handle is None:
                self._display_handle = display(fig, display_id=True)
            else:
                self._display_handle.update(fig)
            plt.close(fig)

    def evolution(self, k=10, path=None):
        """One row per snapshot: the first ``k`` samples, showing how they changed."""
        if not self.snapshots:
            raise ValueError("No snapshots yet: train with this callback first.")
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

    def plot(self, path=None, show=True):
        """Two panels: the losses, and the discriminator's mean output on real and fake
        (``show=False``: a figure that is only saved, see ``plotting.new_figure``)."""
        if not self.epochs:
            raise ValueError("Nothing recorded yet: train with this callback first.")
        fig = plotting.new_figure(show, figsize=(11, 3.5))
        ax_loss, ax_out = fig.subplots(1, 2)
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
        return fig


def resume_fit(gan, x, y, fit_kwargs):
    """Called by ``GAN.fit``: restore the ``Checkpoint`` among the callbacks, if any.

    Verifies and loads the checkpoint (``Checkpoint.restore``) and returns ``fit_kwargs`` with
    ``initial_epoch`` set to the epochs it holds, for ``keras.Model.fit``.
    """
    given = fit_kwargs.get("callbacks") or []
    given = given.callbacks if isinstance(given, keras.callbacks.CallbackList) else given
    found = [c for c in given if isinstance(c, Checkpoint)]
    if not found:
        return fit_kwargs
    if len(found) > 1:
        raise ValueError(f"fit got {len(found)} Checkpoint callbacks; give it one (a run has one "
                         f"training state).")
    epochs_done = found[0].restore(gan, x, y, batch_size=fit_kwargs.get("batch_size"),
                                   epochs=fit_kwargs.get("epochs", 1))
    initial = fit_kwargs.get("initial_epoch", 0)
    if epochs_done and initial not in (0, epochs_done):
        raise ValueError(f"fit got initial_epoch={initial} but the checkpoint in "
                         f"{found[0].directory} holds {epochs_done} epochs; drop initial_epoch "
                         f"(the checkpoint sets it).")
    return {**fit_kwargs, "initial_epoch": epochs_done or initial}
