"""The GAN training step on PyTorch: ``torch.autograd.grad`` gives each network its gradients."""

import torch
from keras import ops

from gankit.backend import losses


class GANTrainer:
    """``train_step`` for ``gankit.gan.GAN`` on PyTorch (one batch from ``fit``)."""

    def train_step(self, data):
        real, labels = self.unpack(data)
        n, smoothing = ops.shape(real)[0], self.label_smoothing
        d_weights, g_weights = self.discriminator.trainable_weights, self.generator.trainable_weights
        grad = lambda loss, weights: torch.autograd.grad(loss, [w.value for w in weights], retain_graph=True)

        def apply(optimizer, gradients, weights):
            with torch.no_grad():
                optimizer.apply(list(gradients), weights)

        # Train the discriminator: real images towards "real", generated ones towards "fake".
        fake = self.fake_batch(n, labels)
        real_logits, fake_logits = self.discriminate(real, labels), self.discriminate(fake, labels)
        d_loss = losses.d_loss(real_logits, fake_logits, smoothing)
        g_loss = losses.g_loss(fake_logits)  # the simultaneous update's generator loss
        d_gradients = grad(d_loss, d_weights)
        if self.update == "simultaneous":  # before the discriminator's weights change in place
            g_gradients = grad(g_loss, g_weights)
        apply(self.d_optimizer, d_gradients, d_weights)

        # Train the generator towards "real": simultaneous, on that batch at the weights it was
        # scored with; alternating, on fresh images judged by the updated discriminator.
        if self.update == "alternating":
            g_loss = losses.g_loss(self.discriminate(self.fake_batch(n, labels), labels))
            g_gradients = grad(g_loss, g_weights)
        apply(self.g_optimizer, g_gradients, g_weights)

        # Report the losses and D's verdicts (epoch means in the progress bar and the logs).
        return self.update_metrics(*(x.detach() for x in (d_loss, g_loss, real_logits, fake_logits)))
