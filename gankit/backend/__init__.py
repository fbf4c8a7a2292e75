"""The GAN training step, one file per Keras backend (notebook 01): ``gankit.gan.GAN`` inherits
``train_step`` from the current backend's ``GANTrainer``, as ``keras.Model`` inherits Keras's own."""

import importlib

import keras

_BACKEND = keras.backend.backend()
if _BACKEND not in ("tensorflow", "jax", "torch"):
    raise ValueError(f"gankit trains GANs on the tensorflow, jax and torch backends, not {_BACKEND!r}: "
                     "set KERAS_BACKEND to one of those before importing keras.")
GANTrainer = importlib.import_module(f"gankit.backend.{_BACKEND}").GANTrainer
