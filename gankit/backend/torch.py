"""A GAN training step on the PyTorch backend: ``backward()`` once per network."""

import torch


def _step(gan, loss, weights, optimizer):
    gan.zero_grad()
    loss.backward()
    gradients = [weight.value.grad for weight in weights]
    with torch.no_grad():
        optimizer.apply(gradients, weights)


def train_step(gan, data):
    real, labels = gan.unpack(data)
    d_loss, d_real, d_fake = gan.discriminator_loss(real, labels)
    _step(gan, d_loss, gan.discriminator.trainable_weights, gan.d_optimizer)
    g_loss = gan.generator_loss(real, labels)
    _step(gan, g_loss, gan.generator.trainable_weights, gan.g_optimizer)
    return gan.update_metrics(d_loss.detach(), g_loss.detach(), d_real.detach(), d_fake.detach())
