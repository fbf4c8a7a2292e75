"""A GAN training step on the JAX backend: a pure function of the training state.

Keras's JAX loop passes ``train_step`` the values of every variable (``state``) and expects the
new values back. Each network's loss runs inside a ``keras.StatelessScope`` that maps the
model's variables to those values, so the shared loss code of ``gankit.gan`` runs unchanged;
``jax.value_and_grad`` differentiates it with respect to one network's weights, and that
network's optimizer is applied with ``stateless_apply``. ``GAN.compile`` lists both
optimizers' variables as ``model.optimizer.variables``, so both states travel in ``state``;
each optimizer's values are found by variable, not position.
"""

import jax
import keras


class GANTrainer:
    """``train_step`` for ``gankit.gan.GAN`` on JAX (one batch from ``fit``)."""

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_values, metric_values = state
        values = self._by_id(self.trainable_variables, trainable)
        values.update(self._by_id(self.non_trainable_variables, non_trainable))
        values.update(self._by_id(self.optimizer.variables, optimizer_values))
        real, labels = self.unpack(data)
        d_weights = self.discriminator.trainable_variables
        g_weights = self.generator.trainable_variables
        if self.update == "simultaneous":
            # One generated batch, both losses; each network gets the gradient of its own.
            (d_loss, g_loss, d_real, d_fake), (d_gradients, g_gradients) = \
                self._both_gradients(values, real, labels)
            self._apply_gradients(self.d_optimizer, d_weights, d_gradients, values)
            self._apply_gradients(self.g_optimizer, g_weights, g_gradients, values)
        else:
            # Train the discriminator: real batch against a generated one (G held fixed).
            (d_loss, d_real, d_fake), gradients = self._loss_and_gradients(
                self.discriminator_loss, d_weights, values, real, labels)
            self._apply_gradients(self.d_optimizer, d_weights, gradients, values)

            # Train the generator: a fresh batch, scored by the updated discriminator.
            g_loss, gradients = self._loss_and_gradients(
                self.generator_loss, g_weights, values, real, labels)
            self._apply_gradients(self.g_optimizer, g_weights, gradients, values)

        # Report the losses and D's verdicts, updating the metrics' values statelessly.
        mapping = list(zip(self.metrics_variables, metric_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            logs = self.update_metrics(d_loss, g_loss, d_real, d_fake)
        metric_values = [scope.get_current_value(v) for v in self.metrics_variables]
        return logs, ([values[id(v)] for v in self.trainable_variables],
                      [values[id(v)] for v in self.non_trainable_variables],
                      [values[id(v)] for v in self.optimizer.variables], metric_values)

    @staticmethod
    def _by_id(variables, arrays):
        return {id(v): value for v, value in zip(variables, arrays)}

    def _loss_and_gradients(self, loss_fn, weights, values, *args):
        """``loss_fn(*args)`` evaluated statelessly, and its gradient w.r.t. ``weights``.

        ``values`` (variable id -> value) is updated in place with the non-trainable values the
        call changed (random-seed states, batch-norm statistics).
        """
        differentiated = {id(w) for w in weights}
        others = [(v, values[id(v)]) for v in self.variables if id(v) not in differentiated]

        def pure(weight_values):
            with keras.StatelessScope(state_mapping=others + list(zip(weights, weight_values))) \
                    as scope:
                outputs = loss_fn(*args)
            changed = {id(v): scope.get_current_value(v) for v in self.non_trainable_variables}
            loss = outputs[0] if isinstance(outputs, tuple) else outputs
            return loss, (outputs, changed)

        (_, (outputs, changed)), gradients = jax.value_and_grad(pure, has_aux=True)(
            [values[id(w)] for w in weights])
        values.update(changed)
        return outputs, gradients

    def _both_gradients(self, values, real, labels):
        """``both_losses`` evaluated statelessly once, and the gradients of ``d_loss`` with
        respect to the discriminator's weights and of ``g_loss`` to the generator's: two
        backward passes (``jax.vjp``) through one forward pass. ``values`` is updated in place
        as in ``_loss_and_gradients``."""
        d_weights = self.discriminator.trainable_variables
        g_weights = self.generator.trainable_variables
        trained = {id(w) for w in d_weights + g_weights}
        others = [(v, values[id(v)]) for v in self.variables if id(v) not in trained]

        def pure(d_values, g_values):
            mapping = others + list(zip(d_weights, d_values)) + list(zip(g_weights, g_values))
            with keras.StatelessScope(state_mapping=mapping) as scope:
                d_loss, g_loss, d_real, d_fake = self.both_losses(real, labels)
            changed = {id(v): scope.get_current_value(v) for v in self.non_trainable_variables}
            return (d_loss, g_loss), (d_real, d_fake, changed)

        (d_loss, g_loss), backward, (d_real, d_fake, changed) = jax.vjp(
            pure, [values[id(w)] for w in d_weights], [values[id(w)] for w in g_weights],
            has_aux=True)
        one, zero = jax.numpy.ones_like(d_loss), jax.numpy.zeros_like(d_loss)
        d_gradients = backward((one, zero))[0]   # the unused halves are pruned by XLA
        g_gradients = backward((zero, one))[1]
        values.update(changed)
        return (d_loss, g_loss, d_real, d_fake), (d_gradients, g_gradients)

    @staticmethod
    def _apply_gradients(optimizer, weights, gradients, values):
        """Apply ``optimizer`` to ``weights`` statelessly, updating ``values`` in place."""
        new_weights, new_optimizer_values = optimizer.stateless_apply(
            [values[id(v)] for v in optimizer.variables], gradients,
            [values[id(w)] for w in weights])
        values.update({id(w): value for w, value in zip(weights, new_weights)})
        values.update({id(v): value for v, value in zip(optimizer.variables,
                                                         new_optimizer_values)})
