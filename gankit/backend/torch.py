"""A GAN training step on the PyTorch backend: ``backward()`` once per network."""

import torch


class GANTrainer:
    """``train_step`` for ``gankit.gan.GAN`` on PyTorch (one batch from ``fit``)."""

    def train_step(self, data):
        real, labels = self.unpack(data)
        if self.update == "simultaneous":
            # One generated batch, both losses; each network gets the gradient of its own.
            d_loss, g_loss, d_real, d_fake = self.both_losses(real, labels)
            d_weights = self.discriminator.trainable_weights
            g_weights = self.generator.trainable_weights
            d_grads = torch.autograd.grad(d_loss, [w.value for w in d_weights], retain_graph=True)
            g_grads = torch.autograd.grad(g_loss, [w.value for w in g_weights])
            with torch.no_grad():
                self.d_optimizer.apply(list(d_grads), d_weights)
                self.g_optimizer.apply(list(g_grads), g_weights)
            return self.update_metrics(d_loss.detach(), g_loss.detach(), d_real.detach(),
                                       d_fake.detach())

        # Train the discriminator: real batch against a generated one (G held fixed).
        self.zero_grad()
        d_loss, d_real, d_fake = self.discriminator_loss(real, labels)
        d_loss.backward()
        self._apply_gradients(self.d_optimizer, self.discriminator.trainable_weights)

        # Train the generator: a fresh batch, scored by the updated discriminator.
        self.zero_grad()
        g_loss = self.generator_loss(real, labels)
        g_loss.backward()
        self._apply_gradients(self.g_optimizer, self.generator.trainable_weights)

        # Report the losses and D's verdicts (epoch means in the progress bar and the logs).
        return self.update_metrics(d_loss.detach(), g_loss.detach(), d_real.detach(),
                                   d_fake.detach())

    def _apply_gradients(self, optimizer, weights):
        with torch.no_grad():
            optimizer.apply([weight.value.grad for weight in weights], weights)
