"""Tiny GANs and data for the trainer tests: small enough to train in a second on a CPU."""

import numpy as np
import keras

from gankit import models
from gankit.gan import GAN


def tiny_gan(conditional=False, seed=0, kind="vanilla"):
    num_classes = 10 if conditional else None
    if kind == "vanilla":
        generator = vanilla_generator_with_batch_norm(num_classes)
        discriminator = models.build_vanilla_discriminator(hidden=(32,), num_classes=num_classes)
    else:
        generator = models.build_dcgan_generator(latent_dim=8, filters=(8, 8, 4),
                                                 num_classes=num_classes)
        discriminator = models.build_dcgan_discriminator(filters=(4, 8), num_classes=num_classes)
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def vanilla_generator_with_batch_norm(num_classes=None):
    """z (8) -> 32 -> 784: the vanilla generator, with batch norm statistics to checkpoint."""
    z = keras.Input((8,), name="z")
    inputs = x = z
    if num_classes:
        label = keras.Input((), dtype="int32", name="label")
        embedded = keras.layers.Embedding(num_classes, 50, name="label_embedding")(label)
        inputs, x = [z, label], keras.layers.Concatenate(name="z_and_label")([z, embedded])
    x = keras.layers.Dense(32)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Dense(28 * 28, activation="tanh")(x)
    images = keras.layers.Reshape((28, 28, 1), name="image")(x)
    name = "conditional_vanilla_generator" if num_classes else "vanilla_generator"
    return keras.Model(inputs, images, name=name)


def data(n=64, seed=0):
    """Random model-range images ``(n, 28, 28, 1)`` and digit labels ``(n,)``."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
    return images, rng.integers(0, 10, n).astype("uint8")
