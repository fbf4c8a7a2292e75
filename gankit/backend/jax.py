"""A GAN training step on the JAX backend: a pure function of the training state.

Keras's JAX loop passes ``train_step`` the values of every variable (``state``) and expects
the new values back. Here each network's loss runs inside a ``keras.StatelessScope`` that maps
the model's variables to those values, so the shared loss code in ``gankit.gan`` runs
unchanged; ``jax.value_and_grad`` differentiates it with respect to one network's weights,
and that network's optimizer is applied with ``stateless_apply``. ``GAN.compile`` makes
``model.optimizer.variables`` list both optimizers' variables, so both states are carried
from step to step and checkpointed.
"""

import jax
import keras


def _loss_and_gradients(gan, loss_fn, weights, values, args):
    """Evaluate ``loss_fn(*args)`` statelessly; differentiate it w.r.t. ``weights``.

    Returns ``(outputs, updated_values, gradients)`` where ``updated_values`` maps variable ids
    to the non-trainable values the call changed (random-seed states, batch-norm statistics).
    """
    differentiated = {id(w) for w in weights}
    others = [(v, values[id(v)]) for v in gan.variables if id(v) not in differentiated]

    def pure(weight_values):
        mapping = others + list(zip(weights, weight_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            outputs = loss_fn(*args)
        changed = {id(v): scope.get_current_value(v) for v in gan.non_trainable_variables}
        loss = outputs[0] if isinstance(outputs, tuple) else outputs
        return loss, (outputs, changed)

    (_, (outputs, changed)), gradients = jax.value_and_grad(pure, has_aux=True)(
        [values[id(w)] for w in weights])
    return outputs, changed, gradients


def _apply(optimizer, optimizer_values, weights, values, gradients):
    new_weights, new_optimizer_values = optimizer.stateless_apply(
        optimizer_values, gradients, [values[id(w)] for w in weights])
    values.update({id(w): value for w, value in zip(weights, new_weights)})
    return new_optimizer_values


def train_step(gan, state, data):
    trainable, non_trainable, optimizer_values, metric_values = state
    values = {id(v): value for v, value in zip(gan.trainable_variables, trainable)}
    values.update({id(v): value for v, value in zip(gan.non_trainable_variables, non_trainable)})
    real, labels = gan.unpack(data)
    n_d = len(gan.d_optimizer.variables)

    d_weights = gan.discriminator.trainable_variables
    (d_loss, d_real, d_fake), changed, gradients = _loss_and_gradients(
        gan, gan.discriminator_loss, d_weights, values, (real, labels))
    values.update(changed)
    d_optimizer_values = _apply(gan.d_optimizer, optimizer_values[:n_d], d_weights, values,
                                gradients)

    g_weights = gan.generator.trainable_variables
    g_loss, changed, gradients = _loss_and_gradients(
        gan, gan.generator_loss, g_weights, values, (real, labels))
    values.update(changed)
    g_optimizer_values = _apply(gan.g_optimizer, optimizer_values[n_d:], g_weights, values,
                                gradients)

    new_metric_values, logs, start = [], {}, 0
    for metric, value in zip(gan.metrics, (d_loss, g_loss, d_real, d_fake)):
        own = metric_values[start:start + len(metric.variables)]
        start += len(own)
        own = metric.stateless_update_state(own, value)
        logs[metric.name] = metric.stateless_result(own)
        new_metric_values += own
    state = ([values[id(v)] for v in gan.trainable_variables],
             [values[id(v)] for v in gan.non_trainable_variables],
             list(d_optimizer_values) + list(g_optimizer_values),
             new_metric_values)
    return logs, state
