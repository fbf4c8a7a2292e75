"""Keras callbacks for GAN training: sample grids, loss curves, checkpoints, a NaN stop.

Ordinary ``keras.callbacks.Callback`` objects that compose with Keras's own and yours:
``gan.fit(x, epochs=50, callbacks=[SampleGrid(), LossCurve(), Checkpoint("runs/dcgan")])``.
``gankit.training.train`` wires them for the notebooks and the command line. Introduced in
notebook 01 (``Checkpoint`` in notebook 02).
"""

import os
import sys
import time

import numpy as np
import keras
import matplotlib.pyplot as plt

from gankit import checkpoint, plotting
from gankit.checks import check_finite
from gankit.data import to_uint8


class StopOnNaN(keras.callbacks.Callback):
    """Stop training with ``TrainingDiverged`` when ``d_loss`` or ``g_loss`` is NaN or inf,
    after every epoch and, with ``every_batch``, every batch (sooner; each check waits for the
    accelerator)."""

    def __init__(self, every_batch=False):
        super().__init__()
        self.every_batch = every_batch

    def on_train_batch_end(self, batch, logs=None):
        if self.every_batch:
            check_finite(logs, f"at batch {batch}")

    def on_epoch_end(self, epoch, logs=None):
        check_finite(logs, f"in epoch {epoch + 1}")


class Checkpoint(keras.callbacks.Callback):
    """Save the whole training state after every epoch; ``GAN.fit`` resumes from it.

    The state is both networks, both optimizers, every random state and the epoch, so a run
    resumed on JAX or PyTorch continues exactly as an uninterrupted one (TensorFlow shuffles
    batches with its own generator). Saves are atomic, loads verified, a NaN state is never
    saved, the run is recorded (``gankit.checkpoint``). ``GAN.fit`` calls ``resume_fit``.

    Args:
        directory: the checkpoint's folder, kept after training: ``fit`` with a larger
            ``epochs`` continues the run, a finished cell reruns at once; delete it to start over.
        run: the run's own fields (setting, recipe, ...), a dict of JSON values, stored and
            compared on resume (``gankit.checkpoint.run_record``).
        resume: True resumes the same run and refuses another with the list of differences;
            ``"force"`` resumes it anyway, with the optimizers, loss and corruption built now;
            False starts at epoch 0 (the checkpoint is replaced after the first epoch).

    ``resumed_from``: the epochs the last ``fit`` resumed after (None: it started fresh);
    ``record``: the last ``fit``'s run record.
    """

    def __init__(self, directory, run=None, resume=True):
        super().__init__()
        if resume not in (True, False, "force"):
            raise ValueError(f'resume must be True, False or "force", got {resume!r}.')
        self.directory, self.run, self.resume = os.fspath(directory), run, resume
        self.resumed_from = self.record = self._gan = self._random_state = None

    def resume_fit(self, gan, x, y, fit_kwargs):
        """The whole resume, called by ``GAN.fit`` before Keras's loop (a damaged or other
        run's checkpoint stops ``fit`` before any training): verify the checkpoint, compare
        its run, load it into ``gan``; return ``fit_kwargs`` starting at its epoch."""
        self.record = checkpoint.run_record(gan, x, y, fit_kwargs.get("batch_size"), self.run)
        self._gan, self.resumed_from, self._random_state = gan, None, None
        if not self.resume:
            checkpoint.check_run_folder(self.directory)
            return fit_kwargs
        saved = checkpoint.load(self.directory)  # None: nothing saved yet
        if saved is None:
            return fit_kwargs
        diffs = checkpoint.check_resume(self.directory, saved.run, self.record,
                                        force=self.resume == "force")
        if fit_kwargs.get("initial_epoch", 0) not in (0, saved.epoch):
            raise ValueError(f"fit got initial_epoch={fit_kwargs['initial_epoch']} but the "
                             f"checkpoint in {self.directory} holds {saved.epoch} epochs; drop "
                             f"initial_epoch (the checkpoint sets it).")
        checkpoint.load_into(gan, saved, keep_learning_rates=bool(diffs))
        epochs = fit_kwargs.get("epochs", 1)
        notes = [f"fit asks for {epochs}: nothing left to train"] if saved.epoch >= epochs else []
        notes += [f"on purpose, with {', '.join(key for key, _, _ in diffs)} changed"] if diffs else []
        print(f"Resuming from the checkpoint in {self.directory}: "
              f"{saved.epoch} epoch{'s' if saved.epoch > 1 else ''} done"
              + (f" ({'; '.join(notes)})." if notes else "."))
        self.resumed_from, self._random_state = saved.epoch, saved.random_state
        return {**fit_kwargs, "initial_epoch": saved.epoch}

    def on_train_begin(self, logs=None):
        if self._gan is not self.model:
            raise ValueError("Checkpoint works with gankit.gan.GAN, whose fit restores the "
                             "checkpoint and sets initial_epoch before training; this model's "
                             "fit did not. Train a GAN with it.")
        if self._random_state is not None:  # here: Keras may draw from NumPy setting up fit
            checkpoint.set_global_random_state(self._random_state)

    def on_train_end(self, logs=None):
        self._gan = None  # the next fit resumes again

    def on_epoch_end(self, epoch, logs=None):
        check_finite(logs, f"in epoch {epoch + 1}")  # never overwrite the last good state
        checkpoint.save(self.directory, self.model, epoch + 1, self.record)


class EpochTimer(keras.callbacks.Callback):
    """Add each epoch's wall time to its logs as ``seconds`` (and so to ``log.csv``); after the
    first, print e.g. "Epoch 1 took 58 s: about 7 min left for the other 8 epochs." (unless
    ``report=False``)."""

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

    From each epoch's end to the next one's start, and after ``fit``, the generator is the
    average its optimizer keeps, so grids show it. Its batch-norm layers get statistics of one
    batch of ``n`` images it draws (latent vectors from ``seed``): the trained weights' do not
    fit the average. The trained weights and statistics are put back, exactly, before each
    epoch, so training never sees the average; a ``Checkpoint`` (which saves the trained
    weights) goes before this callback. A later ``fit`` starts from the average, as with
    Keras's ``use_ema``, unless a ``Checkpoint`` restores the trained weights.
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

    ``n`` samples (a multiple of ``ncols`` reads best) from latent vectors of ``seed``; the last
    epoch always gets a grid, titled ``"<name>: epoch <E>"``; ``save`` also writes it as
    ``figures/<name>_epoch_<E>.png``; ``show`` displays it inline (default: in a notebook). A
    conditional GAN draws digit ``i % num_classes`` in column ``i % ncols``. ``snapshots``
    holds ``(epoch, uint8 images (n, 28, 28))`` pairs, which ``evolution()`` plots.
    """

    def __init__(self, n=100, every=1, seed=0, name="samples", save=True, show=None, ncols=10):
        super().__init__()
        self.n, self.every, self.seed, self.name, self.ncols = n, every, seed, name, ncols
        self.save = save
        self.show = "ipykernel" in sys.modules if show is None else show
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

