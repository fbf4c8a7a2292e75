"""The GAN training step, one file per Keras backend, chosen once, when gankit is imported.

``gankit.gan.GAN`` inherits ``train_step`` from the ``GANTrainer`` picked here, as ``keras.Model``
inherits from Keras's own ``backend/<name>/trainer.py``. Introduced in notebook 01.
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
    raise ValueError(f"gankit trains GANs on the tensorflow, jax and torch backends, not {_BACKEND!r}: "
                     "set KERAS_BACKEND to one of those before importing keras.")

__all__ = ["GANTrainer"]
