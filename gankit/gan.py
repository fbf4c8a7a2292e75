"""The ``GAN`` model: a generator and a discriminator trained with ``compile`` / ``fit``.

``GAN`` is a ``keras.Model``, so everything a Keras user expects works: ``fit`` with its
progress bar, callbacks (``gankit.callbacks`` and your own), ``save_weights`` /
``load_weights``. One training step is the classic alternating update of Goodfellow et al.
(2014):

1. discriminator step: score a real batch and a generated batch, and descend
   ``d_loss = loss(D(real), "real") + loss(D(G(z)), "fake")``;
2. generator step: descend the non-saturating ``g_loss = loss(D(G(z)), "real")``.

``compile(update="simultaneous")`` takes both steps from one generated batch instead, as the
TensorFlow DCGAN tutorial does: the generator runs once per batch, not twice, and both networks
descend their losses at the same weights.

The losses, the sampling of ``z`` and the metrics live here and are shared by every backend;
only "compute these gradients and apply them" differs between TensorFlow, JAX and PyTorch, and
lives in ``gankit/backend/<name>.py``, chosen once, at import, by inheritance: ``GAN`` derives
from that backend's ``GANTrainer``, the way ``keras.Model`` derives from Keras's own trainers.

Class-conditional GANs (notebook 03) use the same class: give it a generator and a discriminator
that take ``[inputs, label]`` (see ``gankit.models``) and ``fit(images, labels)``. Given
``clusters`` (``gankit.clusters.Clusters``), such a pair is trained on k-means clusters of the
images instead of labels, and the GAN is unconditional to its user: ``fit(images)``,
``generate(n)`` (notebook 02).

Introduced in notebook 01.
"""

import numpy as np
import keras
from keras import ops

from gankit.backend import GANTrainer
from gankit.checks import NUM_CLASSES, check_count, check_images, check_labels

LOSSES = ("bce", "hinge")
UPDATES = ("alternating", "simultaneous")


class _OptimizerPair:
    """Both optimizers, as the one ``model.optimizer`` that Keras's training loop expects.

    Keras's JAX loop carries the values of ``model.optimizer.variables`` from step to step;
    listing both optimizers' variables carries both states (each optimizer builds and updates
    only its own network's weights). It is not a Keras optimizer, so ``save_weights`` stores each
    optimizer once, under ``d_optimizer`` and ``g_optimizer``.
    """

    built = True

    def __init__(self, d_optimizer, g_optimizer):
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    @property
    def variables(self):
        return list(self.d_optimizer.variables) + list(self.g_optimizer.variables)

    def build(self, variables=None):
        """Nothing to do: ``GAN.compile`` builds each optimizer on its own network."""


class GAN(GANTrainer, keras.Model):
    """A generator and a discriminator, trained against each other by ``fit``.

    Args:
        generator: maps ``z`` ``(N, latent_dim)`` (and, if conditional, labels ``(N,)``) to
            images ``float32 (N, 28, 28, 1)`` in [-1, 1].
        discriminator: maps images (and labels) to logits ``(N, 1)``.
        num_classes: number of classes of a conditional pair; 10 (MNIST's digits) by default.
        seed: seed of the latent-vector generator (``keras.random.SeedGenerator``).
        clusters: optional ``gankit.clusters.Clusters``: the networks (a conditional pair with
            ``num_classes = clusters.k``) are trained on the training images' clusters, which
            ``fit`` finds (if not fitted yet) and assigns, and ``generate`` draws each sample's
            cluster with the clusters' frequencies. ``conditional`` is then False.
        corruption: optional Keras layer applied to generated images before the discriminator
            sees them (AmbientGAN, Bora et al. 2018, notebook 05): when the training images are
            corrupted by a known random process, passing the generator's output through the
            same process lets the generator learn the clean distribution. ``generate``
            returns the clean output.

    ``fit(x)`` takes images ``float32 (N, 28, 28, 1)`` in [-1, 1] (``gankit.data.to_model_range``);
    a conditional GAN takes ``fit(x, labels)`` with integer labels ``(N,)``. Each epoch logs
    ``d_loss``, ``g_loss`` and ``d_real`` / ``d_fake``, the discriminator's mean probability
    "real" on real and on generated batches.
    """

    def __init__(self, generator, discriminator, num_classes=None, seed=None, corruption=None,
                 clusters=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        # labelled: the networks take a label (a digit, or a cluster); conditional: the user
        # gives the labels (fit(images, labels), generate(n, labels=...)).
        self.labelled = len(generator.inputs) == 2
        if self.labelled != (len(discriminator.inputs) == 2):
            raise ValueError(
                "The generator and the discriminator must both be conditional (two inputs: "
                "data and label) or both unconditional; build them with the same num_classes.")
        if clusters is not None and not self.labelled:
            raise ValueError("clusters need a conditional pair of networks (num_classes = "
                             "clusters.k) to train on the cluster indices; build them with "
                             "gankit.models.build_pair(..., num_classes=clusters.k).")
        self.clusters = clusters
        self.conditional = self.labelled and clusters is None
        self.num_classes = (None if not self.labelled else clusters.k if clusters is not None
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

    def compile(self, d_optimizer=None, g_optimizer=None, loss="bce", label_smoothing=0.0,
                update="alternating", **kwargs):
        """Set the two optimizers and the loss.

        Args:
            d_optimizer, g_optimizer: Keras optimizers; default Adam(2e-4, beta_1=0.5), the
                DCGAN paper's setting. Use two distinct instances.
            loss: ``"bce"``, the non-saturating binary cross-entropy of the original paper, or
                ``"hinge"`` (hinge loss for D, ``-D(G(z))`` for G).
            label_smoothing: one-sided label smoothing in [0, 0.5): real images get the target
                ``1 - label_smoothing`` (0.1 gives the 0.9 of Salimans et al. 2016); bce only.
            update: ``"alternating"`` (a discriminator step, then a generator step on a fresh
                batch scored by the updated discriminator) or ``"simultaneous"`` (both
                gradients from one generated batch, one generator forward pass per step).
            **kwargs: passed to ``keras.Model.compile`` (``jit_compile``, ``run_eagerly``, ...).
        """
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}.")
        if not 0 <= label_smoothing < 0.5:
            raise ValueError(f"label_smoothing must be in [0, 0.5), got {label_smoothing}.")
        if label_smoothing and loss != "bce":
            raise ValueError("label_smoothing applies to loss='bce' only.")
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
        self.loss_name, self.label_smoothing = loss, float(label_smoothing)
        self.update = update

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
            if y is not None and not self.labelled:
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
            raise ValueError("This GAN trains on clusters of its images, not on labels: call "
                             "fit(images) without labels.")
        if not isinstance(x, (np.ndarray, list)):
            raise ValueError("A GAN with clusters finds them in its training images: pass the "
                             "images as a NumPy array, (N, 28, 28, 1) floats in [-1, 1].")
        x = self._check_training_images(x)
        if not self.clusters.fitted:
            self.clusters.fit(x)
        return x, self.clusters.assign(x)

    def network_labels(self, n, rng=None):
        """Labels for ``n`` samples of the networks: ``int32 (n,)`` cluster indices drawn with
        the clusters' frequencies (from the NumPy generator ``rng``) for a GAN with clusters,
        balanced classes ``i % num_classes`` for a conditional one, None otherwise."""
        if self.clusters is not None:
            return self.clusters.sample(n, rng)
        return self.sample_labels(n).astype("int32") if self.conditional else None

    def sample_labels(self, n):
        """The labels a conditional GAN's ``n`` samples are asked for when they are scored or
        saved: balanced classes ``uint8 (n,)``, ``i % num_classes`` in order; None for an
        unconditional GAN (one with clusters too: it draws them itself)."""
        return (np.arange(n) % self.num_classes).astype("uint8") if self.conditional else None

    def _check_training_images(self, x):
        images = check_images(x, "training images")
        if images.dtype == np.uint8:
            raise ValueError("training images are uint8 in 0..255, but a GAN trains on floats "
                             "in the model range [-1, 1]: convert them with "
                             "gankit.data.to_model_range.")
        if images.ndim != 4:
            raise ValueError(f"training images must have shape (N, 28, 28, 1), got {images.shape}; "
                             "add the channel axis with images[..., None].")
        return images

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                self.d_fake_tracker]

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    # --- shared pieces of a training step (used by gankit/backend/*.py) -------------------

    def unpack(self, data):
        """Split a batch from ``fit`` into ``(images, labels or None)``."""
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if self.labelled:
            if labels is None:
                raise ValueError("A conditional GAN needs labels: call fit(images, labels).")
            labels = ops.cast(labels, "int32")
        return images, labels

    def _generate_batch(self, batch_size, labels, training=True):
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        inputs = [z, labels] if self.labelled else z
        images = self.generator(inputs, training=training)
        if self.corruption is not None:
            images = self.corruption(images, training=training)
        return images

    def _discriminate(self, images, labels):
        inputs = [images, labels] if self.labelled else images
        return self.discriminator(inputs, training=True)

    def _bce(self, logits, target):
        return ops.mean(ops.binary_crossentropy(ops.full_like(logits, target), logits,
                                                from_logits=True))

    def _d_loss(self, real_logits, fake_logits):
        """``(d_loss, d_real, d_fake)`` from the discriminator's logits on both batches."""
        if self.loss_name == "hinge":
            d_loss = ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))
        else:
            d_loss = (self._bce(real_logits, 1.0 - self.label_smoothing)
                      + self._bce(fake_logits, 0.0))
        return d_loss, ops.mean(ops.sigmoid(real_logits)), ops.mean(ops.sigmoid(fake_logits))

    def _g_loss(self, fake_logits):
        """The generator's loss from the discriminator's logits on generated images."""
        if self.loss_name == "hinge":
            return -ops.mean(fake_logits)
        return self._bce(fake_logits, 1.0)

    def discriminator_loss(self, real, labels):
        """Loss of the discriminator step; returns ``(d_loss, d_real, d_fake)``.

        Generated images are drawn with fresh ``z`` (and, if conditional, the real batch's
        labels) and cut from the generator's gradient.
        """
        batch_size = ops.shape(real)[0]
        fake = ops.stop_gradient(self._generate_batch(batch_size, labels))
        return self._d_loss(self._discriminate(real, labels), self._discriminate(fake, labels))

    def generator_loss(self, real, labels):
        """Loss of the generator step (a fresh batch of the size of ``real``)."""
        fake = self._generate_batch(ops.shape(real)[0], labels)
        return self._g_loss(self._discriminate(fake, labels))

    def both_losses(self, real, labels):
        """Both losses from one generated batch (``update="simultaneous"``); returns
        ``(d_loss, g_loss, d_real, d_fake)``. Each network's gradient is taken of its own loss
        only: ``d_loss`` with respect to the discriminator, ``g_loss`` to the generator."""
        fake = self._generate_batch(ops.shape(real)[0], labels)
        real_logits = self._discriminate(real, labels)  # the order of discriminator_loss
        fake_logits = self._discriminate(fake, labels)
        d_loss, d_real, d_fake = self._d_loss(real_logits, fake_logits)
        return d_loss, self._g_loss(fake_logits), d_real, d_fake

    def update_metrics(self, d_loss, g_loss, d_real, d_fake):
        """Update the four trackers and return the logs dict."""
        for tracker, value in zip(self.metrics, (d_loss, g_loss, d_real, d_fake)):
            tracker.update_state(value)
        return {m.name: m.result() for m in self.metrics}

    # --- checkpoints --------------------------------------------------------------------------

    def _random_states(self):
        """Every random-generator state in the model (latent vectors, dropout masks)."""
        return [v for v in self.variables if v.name == "seed_generator_state"]

    def save_own_variables(self, store):
        # Keras leaves random-generator states out of weight files. A checkpoint that resumes
        # exactly needs them: they decide the latent vectors and dropout masks of later steps.
        super().save_own_variables(store)
        for i, state in enumerate(self._random_states()):
            store[f"random_state_{i}"] = ops.convert_to_numpy(state)

    def load_own_variables(self, store):
        states = self._random_states()
        saved = [key for key in store.keys() if key.startswith("random_state_")]
        if len(saved) != len(states):
            raise ValueError(
                f"The weights file holds {len(saved)} random-generator states but this GAN has "
                f"{len(states)}: it was saved from a GAN built differently. Rebuild the same "
                "generator and discriminator before loading.")
        for i, state in enumerate(states):
            state.assign(store[f"random_state_{i}"])

    # --- sampling ---------------------------------------------------------------------------

    def generate(self, n=None, seed=None, labels=None, z=None, batch_size=1000):
        """Generate images as a NumPy array ``float32 (n, 28, 28, 1)`` in [-1, 1].

        Args:
            n: number of images (or give ``z``).
            seed: seed for the latent vectors; None draws them from NumPy's global generator
                (seeded by ``keras.utils.set_random_seed``). Sampling never advances the
                training state.
            labels: for a conditional GAN, digits ``(n,)`` in ``0..num_classes-1``; default
                ``np.arange(n) % num_classes`` (balanced, in order). For a GAN with clusters,
                cluster indices in ``0..clusters.k-1``; default drawn with the clusters'
                frequencies (after ``z``, from the same seed).
            z: explicit latent vectors ``(n, latent_dim)``.
        """
        rng = np.random.default_rng(seed) if seed is not None else np.random
        if z is None:
            if n is None:
                raise ValueError("Pass n, the number of images (a positive integer), or z.")
            z = rng.standard_normal((check_count(n, "n", minimum=1), self.latent_dim))
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}.")
        n = len(z)
        if self.labelled:
            labels = self.network_labels(n, rng) if labels is None else labels
            labels = check_labels(labels, n, "labels", self.num_classes).astype("int32")
        elif labels is not None:
            raise ValueError("labels are for conditional GANs; this generator takes z only.")
        chunks = []
        for start in range(0, n, batch_size):
            inputs = z[start:start + batch_size]
            if self.labelled:
                inputs = [inputs, labels[start:start + batch_size]]
            chunks.append(ops.convert_to_numpy(self.generator(inputs, training=False)))
        return np.concatenate(chunks).astype("float32")
