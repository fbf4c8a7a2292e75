"""The ``GAN`` model, a ``keras.Model`` trained by ``fit`` (introduced in notebook 01; clusters in 02,
labels in 03, AmbientGAN's ``corruption`` in 05). Its training step is ``gankit/backend/<name>.py``."""

import numpy as np
import keras
from keras import ops

from gankit.backend import GANTrainer
from gankit.checks import NUM_CLASSES, check_count, check_labels, check_training_images

UPDATES = ("alternating", "simultaneous")


class _OptimizerPair:
    """Both optimizers as the one ``model.optimizer`` whose variables Keras's JAX loop carries."""

    built = True

    def __init__(self, d_optimizer, g_optimizer):
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    variables = property(lambda self: [*self.d_optimizer.variables, *self.g_optimizer.variables])

    def build(self, variables=None):
        """Nothing to do: ``GAN.compile`` builds each optimizer on its own network."""


class GAN(GANTrainer, keras.Model):
    """A generator and a discriminator, trained against each other by ``fit``.

    generator: ``z`` ``(N, latent_dim)`` (and labels ``(N,)`` if it takes them) to images
    ``float32 (N, 28, 28, 1)`` in [-1, 1]; discriminator: images (and labels) to logits ``(N, 1)``.
    corruption: a Keras layer applied to generated images before the discriminator sees them
    (``generate`` returns clean ones). clusters: a ``gankit.clusters.Clusters``: the pair takes labels
    (``num_classes = clusters.k``) and trains on the images' cluster indices; the user gives none.
    Each epoch logs ``d_loss``, ``g_loss``, ``d_real`` and ``d_fake`` (D's mean probability "real").
    """

    def __init__(self, generator, discriminator, num_classes=None, seed=None, corruption=None,
                 clusters=None, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        # takes_labels: the networks take a label input (a digit, or a cluster the GAN assigns);
        # conditional: the user gives the labels, to fit(images, labels) and generate(labels=).
        self.takes_labels = len(generator.inputs) == 2
        if self.takes_labels != (len(discriminator.inputs) == 2):
            raise ValueError("The generator and the discriminator must both be conditional (two inputs: "
                             "data and label) or both unconditional; build them with the same num_classes.")
        if clusters is not None and not self.takes_labels:
            raise ValueError("clusters need a conditional pair of networks to train on the cluster indices: "
                             "build them with gankit.models.build_pair(..., num_classes=clusters.k).")
        self.clusters = clusters
        self.conditional = self.takes_labels and clusters is None
        self.num_classes = (None if not self.takes_labels else clusters.k if clusters is not None
                            else num_classes or NUM_CLASSES)
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.seed_generator = keras.random.SeedGenerator(seed)
        if corruption is not None and not corruption.built:
            corruption.build(tuple(generator.outputs[0].shape))
        self.corruption = corruption
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.built = True

    def compile(self, d_optimizer=None, g_optimizer=None, label_smoothing=0.0, update="alternating",
                **kwargs):
        """Set two optimizers (default Adam(2e-4, beta_1=0.5), the DCGAN paper's), ``label_smoothing`` in
        [0, 0.5) (real images aim at ``1 - label_smoothing``) and ``update``: ``"alternating"`` (a
        discriminator step, then a generator step on a fresh batch scored by the updated discriminator)
        or ``"simultaneous"`` (both from one batch). ``kwargs`` go to ``keras.Model.compile``."""
        if not 0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}.")
        if update not in UPDATES:
            raise ValueError(f"update must be one of {UPDATES}, got {update!r}.")
        d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        if d_optimizer is g_optimizer:
            raise ValueError("Pass two optimizer instances: each keeps the state of one network.")
        super().compile(optimizer=None, **kwargs)
        d_optimizer.build(self.discriminator.trainable_variables)
        g_optimizer.build(self.generator.trainable_variables)
        self.optimizer = _OptimizerPair(d_optimizer, g_optimizer)
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer
        self.label_smoothing, self.update = float(label_smoothing), update

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, after checking NumPy inputs (images, and labels if conditional).

        Images must be ``(N, 28, 28, 1)`` floats in [-1, 1] (``gankit.checks.check_images``);
        labels ``(N,)`` integers in ``0..num_classes-1`` (a list is fine). Other inputs (a
        ``tf.data.Dataset``, say) go to Keras unchecked. A ``gankit.callbacks.Checkpoint``
        among the callbacks is verified and restored first, and training starts at its epoch.
        """
        if self.clusters is not None:
            x, y = self._cluster_indices(x, y)
        if isinstance(x, (np.ndarray, list)):
            x = self._check_training_images(x)
            if y is not None and not self.takes_labels:
                raise ValueError("This GAN is unconditional: call fit(images) without labels.")
            if y is not None:
                y = check_labels(y, len(x), "labels", self.num_classes)
            elif self.conditional:
                raise ValueError("A conditional GAN needs labels: call fit(images, labels).")
        # A gankit.callbacks.Checkpoint resumes its run here, before Keras's loop, and sets
        # initial_epoch; duck-typed, so the model imports no callbacks (nor matplotlib).
        given = kwargs.get("callbacks") or []
        for callback in getattr(given, "callbacks", given):  # a list or a Keras CallbackList
            if hasattr(callback, "resume_fit"):
                kwargs = callback.resume_fit(self, x, y, kwargs)
        return super().fit(x, y, **kwargs)

    def _cluster_indices(self, x, y):
        """``(images, their cluster indices)``: the clusters are found first if not fitted."""
        if y is not None:
            raise ValueError("This GAN trains on clusters of its images, not on labels: call fit(images) "
                             "without labels.")
        if not isinstance(x, (np.ndarray, list)):
            raise ValueError("A GAN with clusters finds them in its training images: pass the images as "
                             "a NumPy array, (N, 28, 28, 1) floats in [-1, 1].")
        x = self._check_training_images(x)
        if not self.clusters.fitted:
            self.clusters.fit(x)
        return x, self.clusters.assign(x)

    def class_labels(self, n):
        """The classes a conditional GAN's ``n`` samples are asked for, ``uint8 (n,)`` ``i % num_classes``."""
        return (np.arange(n) % self.num_classes).astype("uint8") if self.conditional else None

    def generator_labels(self, n, rng=None):
        """The generator's labels ``int32 (n,)``: clusters drawn by frequency (from ``rng``), or classes."""
        if self.clusters is not None:
            return self.clusters.sample(n, rng)
        return self.class_labels(n).astype("int32") if self.conditional else None

    _check_training_images = staticmethod(check_training_images)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker, self.d_fake_tracker]

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def unpack(self, data):
        """A batch from ``fit`` as ``(images, int32 labels or None)``."""
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.takes_labels and labels is None:
            raise ValueError("A conditional GAN needs labels: call fit(images, labels).")
        return images, ops.cast(labels, "int32") if self.takes_labels else None

    def fake_batch(self, n, labels, training=True):
        """``n`` generated images from fresh ``z``, as the discriminator sees them (corrupted)."""
        z = keras.random.normal((n, self.latent_dim), seed=self.seed_generator)
        images = self.generator([z, labels] if self.takes_labels else z, training=training)
        return images if self.corruption is None else self.corruption(images, training=training)

    def discriminate(self, images, labels):
        """The discriminator's logits ``(N, 1)`` on ``images`` (and their labels)."""
        return self.discriminator([images, labels] if self.takes_labels else images, training=True)

    def update_metrics(self, d_loss, g_loss, real_logits, fake_logits):
        """Update the four trackers; return the logs (epoch means so far)."""
        d_real, d_fake = ops.mean(ops.sigmoid(real_logits)), ops.mean(ops.sigmoid(fake_logits))
        for tracker, value in zip(self.metrics, (d_loss, g_loss, d_real, d_fake)):
            tracker.update_state(value)
        return {m.name: m.result() for m in self.metrics}

    def _random_states(self):
        return [v for v in self.variables if v.name == "seed_generator_state"]

    def save_own_variables(self, store):
        super().save_own_variables(store)  # without the random states, which an exact resume needs
        for i, state in enumerate(self._random_states()):
            store[f"random_state_{i}"] = ops.convert_to_numpy(state)

    def load_own_variables(self, store):
        states = self._random_states()
        saved = [key for key in store.keys() if key.startswith("random_state_")]
        if len(saved) != len(states):
            raise ValueError(f"The weights file holds {len(saved)} random-generator states but this GAN has "
                             f"{len(states)}: rebuild the generator and discriminator it was saved from.")
        for i, state in enumerate(states):
            state.assign(store[f"random_state_{i}"])

    def generate(self, n=None, seed=None, labels=None, z=None, batch_size=1000):
        """``n`` images (or one per row of ``z`` ``(n, latent_dim)``), ``float32 (n, 28, 28, 1)`` in [-1, 1].

        ``seed`` seeds ``z`` (None: NumPy's global generator; the training state never advances).
        ``labels``: a conditional GAN's classes ``(n,)``, default ``class_labels(n)``; a GAN with
        clusters: cluster indices, default drawn with their frequencies (after ``z``, same seed).
        """
        rng = np.random.default_rng(seed) if seed is not None else np.random
        if z is None:
            if n is None:
                raise ValueError("Pass n, the number of images (a positive integer), or z.")
            z = rng.standard_normal((check_count(n, "n", minimum=1), self.latent_dim))
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}.")
        if labels is not None and not self.takes_labels:
            raise ValueError("labels are for conditional GANs; this generator takes z only.")
        if self.takes_labels:
            labels = self.generator_labels(len(z), rng) if labels is None else labels
            labels = check_labels(labels, len(z), "labels", self.num_classes).astype("int32")
        batch = lambda s: [z[s], labels[s]] if self.takes_labels else z[s]
        slices = [slice(i, i + batch_size) for i in range(0, len(z), batch_size)]
        images = [ops.convert_to_numpy(self.generator(batch(s), training=False)) for s in slices]
        return np.concatenate(images).astype("float32")
