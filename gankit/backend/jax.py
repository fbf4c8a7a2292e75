"""The GAN training step on JAX: Keras's loop passes every variable's value and takes the new ones
back; the step runs on those values in a ``keras.StatelessScope``, and ``jax.vjp`` differentiates.
"""

import jax
import keras
from keras import ops

from gankit.backend import losses


class GANTrainer:
    """``train_step`` for ``gankit.gan.GAN`` on JAX (one batch from ``fit``)."""

    def train_step(self, state, data):
        real, labels = self.unpack(data)
        n, smoothing = ops.shape(real)[0], self.label_smoothing
        d_weights, g_weights = self.discriminator.trainable_variables, self.generator.trainable_variables
        rest = self.non_trainable_variables  # random states, batch-norm statistics
        parts = (self.trainable_variables, rest, self.optimizer.variables, self.metrics_variables)

        def run(forward):  # forward()'s losses and logits, and backward(k): loss k's gradients for D, G
            def pure(d, g):
                mapping = [*((v, v.value) for v in rest), *zip(d_weights, d), *zip(g_weights, g)]
                with keras.StatelessScope(state_mapping=mapping) as scope:
                    loss_values, logits = forward()
                return loss_values, (logits, [scope.get_current_value(v) for v in rest])
            values = lambda weights: [w.value for w in weights]
            out, vjp, (logits, new) = jax.vjp(pure, values(d_weights), values(g_weights), has_aux=True)
            for variable, value in zip(rest, new):
                variable.assign(value)
            one_hot = lambda k: tuple(ops.ones_like(x) if x is out[k] else ops.zeros_like(x) for x in out)
            return out, logits, lambda k: vjp(one_hot(k))  # XLA drops the gradients not used

        def scores():  # D's logits on a real and a generated batch, and both losses
            fake = self.fake_batch(n, labels)
            real_logits, fake_logits = self.discriminate(real, labels), self.discriminate(fake, labels)
            return ((losses.d_loss(real_logits, fake_logits, smoothing), losses.g_loss(fake_logits)),
                    (real_logits, fake_logits))

        mapping = [pair for part, values in zip(parts, state) for pair in zip(part, values)]
        with keras.StatelessScope(state_mapping=mapping) as scope:  # records every update below
            # Train the discriminator: real images towards "real", generated ones towards "fake".
            (d_loss, g_loss), (real_logits, fake_logits), backward = run(scores)
            self.d_optimizer.apply(backward(0)[0], d_weights)

            # Train the generator towards "real": simultaneous, on that batch at the weights it was
            # scored with (g_loss above); alternating, on fresh images judged by the updated discriminator.
            if self.update == "alternating":
                fresh = lambda: ((losses.g_loss(self.discriminate(self.fake_batch(n, labels), labels)),), ())
                (g_loss,), _, backward = run(fresh)
            self.g_optimizer.apply(backward(-1)[1], g_weights)

            # Report the losses and D's verdicts (epoch means in the progress bar and the logs).
            logs = self.update_metrics(d_loss, g_loss, real_logits, fake_logits)
        return logs, tuple([scope.get_current_value(v) for v in part] for part in parts)
