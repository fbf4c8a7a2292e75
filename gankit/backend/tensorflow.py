"""A GAN training step on the TensorFlow backend: two gradient tapes, two optimizers."""

import tensorflow as tf


class GANTrainer:
    """``train_step`` for ``gankit.gan.GAN`` on TensorFlow (one batch from ``fit``)."""

    def train_step(self, data):
        real, labels = self.unpack(data)
        d_weights = self.discriminator.trainable_weights
        g_weights = self.generator.trainable_weights
        if self.update == "simultaneous":
            # One generated batch, both losses; each tape gives one network its gradient.
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                d_loss, g_loss, d_real, d_fake = self.both_losses(real, labels)
            self.d_optimizer.apply(d_tape.gradient(d_loss, d_weights), d_weights)
            self.g_optimizer.apply(g_tape.gradient(g_loss, g_weights), g_weights)
            return self.update_metrics(d_loss, g_loss, d_real, d_fake)

        # Train the discriminator: real batch against a generated one (G held fixed).
        with tf.GradientTape() as tape:
            d_loss, d_real, d_fake = self.discriminator_loss(real, labels)
        self.d_optimizer.apply(tape.gradient(d_loss, d_weights), d_weights)

        # Train the generator: a fresh batch, scored by the updated discriminator.
        with tf.GradientTape() as tape:
            g_loss = self.generator_loss(real, labels)
        self.g_optimizer.apply(tape.gradient(g_loss, g_weights), g_weights)

        # Report the losses and D's verdicts (epoch means in the progress bar and the logs).
        return self.update_metrics(d_loss, g_loss, d_real, d_fake)
