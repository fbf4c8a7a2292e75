"""The backend-specific half of a GAN training step.

Keras 3 runs on TensorFlow, JAX and PyTorch; the three differ in how gradients are computed
and applied (a gradient tape, a pure function of the weights, ``backward()``). Each file here
holds one backend's version of ``train_step``; this module picks the one for
``keras.backend.backend()``, the way Keras itself does in ``keras/src/backend/<name>/``.

Introduced in notebook 01.
"""

import keras


def train_step(gan, *args):
    """Run one GAN training step on the current backend (called by ``GAN.train_step``)."""
    name = keras.backend.backend()
    if name == "tensorflow":
        from gankit.backend import tensorflow as implementation
    elif name == "jax":
        from gankit.backend import jax as implementation
    elif name == "torch":
        from gankit.backend import torch as implementation
    else:
        raise ValueError(
            f"gankit trains GANs on the tensorflow, jax and torch backends; the current Keras "
            f"backend is {name!r}. Set KERAS_BACKEND to one of those before importing keras.")
    return implementation.train_step(gan, *args)
