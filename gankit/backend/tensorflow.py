"""The GAN training step on TensorFlow: a gradient tape per network, as notebook 01 writes it."""

import math

import numpy as np
import tensorflow as tf
from keras import ops

from gankit.backend import losses


class GANTrainer:
    """``train_step`` for ``gankit.gan.GAN`` on TensorFlow (one batch from ``fit``)."""

    def fit(self, x=None, y=None, **kwargs):
        """``keras.Model.fit``, told the steps of an epoch over NumPy images. Without them Keras
        (3.13 to 3.15) makes a tf.data iterator at each epoch's end and another at the next
        one's start, and dropping the first waits for its threads: tens of seconds on a 2-core
        CPU (README, "The learner's path"). A ``steps_per_epoch`` given is kept."""
        if isinstance(x, np.ndarray) and kwargs.get("steps_per_epoch") is None:
            kwargs["steps_per_epoch"] = math.ceil(len(x) / (kwargs.get("batch_size") or 32))
        return super().fit(x, y, **kwargs)

    def train_step(self, data):
        real, labels = self.unpack(data)
        n, smoothing = ops.shape(real)[0], self.label_smoothing
        d_weights, g_weights = self.discriminator.trainable_weights, self.generator.trainable_weights

        # Train the discriminator: real images towards "real", generated ones towards "fake".
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            fake = self.fake_batch(n, labels)
            real_logits, fake_logits = self.discriminate(real, labels), self.discriminate(fake, labels)
            d_loss = losses.d_loss(real_logits, fake_logits, smoothing)
            g_loss = losses.g_loss(fake_logits)  # the simultaneous update's generator loss
        self.d_optimizer.apply(d_tape.gradient(d_loss, d_weights), d_weights)

        # Train the generator towards "real": simultaneous, on that batch at the weights it was
        # scored with; alternating, on fresh images judged by the updated discriminator.
        if self.update == "alternating":
            with tf.GradientTape() as g_tape:
                g_loss = losses.g_loss(self.discriminate(self.fake_batch(n, labels), labels))
        self.g_optimizer.apply(g_tape.gradient(g_loss, g_weights), g_weights)

        # Report the losses and D's verdicts (epoch means in the progress bar and the logs).
        return self.update_metrics(d_loss, g_loss, real_logits, fake_logits)
