"""The backend-specific half of a GAN training step, chosen once, when gankit is imported.

Keras 3 runs on TensorFlow, JAX and PyTorch; the three differ in how gradients are computed
and applied (a gradient tape, a pure function of the weights, ``backward()``). Each file here
holds one backend's ``GANTrainer``, a mixin with that backend's ``train_step``; ``gankit.gan.GAN``
inherits from the one picked below, the way ``keras.Model`` inherits from Keras's own
``keras/src/backend/<name>/trainer.py``. A reader of one backend file sees only that backend.

Introduced in notebook 01.
"""

import keras

_BACKEND = keras.backend.backend()
if _BACKEND == "tensorflow":
    from gankit.backend.tensorflow import GANTrainer
elif _BACKEND == "jax":
    from gankit.backend.jax import GANTrainer
elif _BACKEND == "torch":
    from gankit.backend.torch import GANTrainer
else:
    raise ValueError(
        f"gankit trains GANs on the tensorflow, jax and torch backends; the current Keras "
        f"backend is {_BACKEND!r}. Set KERAS_BACKEND to one of those before importing keras.")

__all__ = ["GANTrainer"]
