"""A GAN training step on the TensorFlow backend: two gradient tapes, two optimizers."""

import tensorflow as tf


def train_step(gan, data):
    real, labels = gan.unpack(data)
    discriminator_weights = gan.discriminator.trainable_weights
    with tf.GradientTape() as tape:
        d_loss, d_real, d_fake = gan.discriminator_loss(real, labels)
    gan.d_optimizer.apply(tape.gradient(d_loss, discriminator_weights), discriminator_weights)

    generator_weights = gan.generator.trainable_weights
    with tf.GradientTape() as tape:
        g_loss = gan.generator_loss(real, labels)
    gan.g_optimizer.apply(tape.gradient(g_loss, generator_weights), generator_weights)
    return gan.update_metrics(d_loss, g_loss, d_real, d_fake)
