"""The GAN training step on JAX: Keras's loop passes every variable's value and takes the new ones
back; the networks run on given values inside a ``keras.StatelessScope``, which ``jax.vjp`` differentiates.
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
        parts = (self.trainable_variables, rest, self.optimizer.variables)
        values = {id(v): x for part, xs in zip(parts, state) for v, x in zip(part, xs)}
        current = lambda variables: [values[id(v)] for v in variables]

        def run(forward):  # forward() on values: its losses, its logits, and backward(k) of loss k
            def pure(d, g):
                mapping = [*zip(rest, current(rest)), *zip(d_weights, d), *zip(g_weights, g)]
                with keras.StatelessScope(state_mapping=mapping) as scope:
                    loss_values, logits = forward()
                return loss_values, (logits, [scope.get_current_value(v) for v in rest])
            out, vjp, (logits, new) = jax.vjp(pure, current(d_weights), current(g_weights), has_aux=True)
            values.update(zip(map(id, rest), new))
            one_hot = lambda k: tuple(ops.ones_like(x) if x is out[k] else ops.zeros_like(x) for x in out)
            return out, logits, lambda k: vjp(one_hot(k))  # D's and G's gradients (XLA drops unused ones)

        def apply(opt, gradients, weights):
            updated, opt_state = opt.stateless_apply(current(opt.variables), gradients, current(weights))
            values.update(zip(map(id, weights + opt.variables), updated + opt_state))

        # Train the discriminator: real images towards "real", generated ones towards "fake".
        def scores():
            fake = self.fake_batch(n, labels)
            real_logits, fake_logits = self.discriminate(real, labels), self.discriminate(fake, labels)
            d_loss, g_loss = losses.d_loss(real_logits, fake_logits, smoothing), losses.g_loss(fake_logits)
            return (d_loss, g_loss), (real_logits, fake_logits)  # g_loss: the simultaneous update's
        (d_loss, g_loss), (real_logits, fake_logits), backward = run(scores)
        apply(self.d_optimizer, backward(0)[0], d_weights)

        # Train the generator towards "real": simultaneous, on that batch at the weights it was
        # scored with; alternating, on fresh images judged by the updated discriminator.
        if self.update == "alternating":
            fresh = lambda: ((losses.g_loss(self.discriminate(self.fake_batch(n, labels), labels)),), ())
            (g_loss,), _, backward = run(fresh)
        apply(self.g_optimizer, backward(-1)[1], g_weights)

        # Report the losses and D's verdicts, updating the metrics' values statelessly.
        with keras.StatelessScope(state_mapping=list(zip(self.metrics_variables, state[3]))) as scope:
            logs = self.update_metrics(d_loss, g_loss, real_logits, fake_logits)
        return logs, (*map(current, parts), [scope.get_current_value(v) for v in self.metrics_variables])
