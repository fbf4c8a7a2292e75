"""Tiny GANs and data for the trainer tests: small enough to train in a second on a CPU."""

import numpy as np
import keras

from gankit import models
from gankit.gan import GAN


def tiny_gan(conditional=False, seed=0, kind="vanilla"):
    num_classes = 10 if conditional else None
    if kind == "vanilla":
        generator = models.build_vanilla_generator(latent_dim=8, hidden=(32,), batch_norm=True,
                                                   num_classes=num_classes)
        discriminator = models.build_vanilla_discriminator(hidden=(32,), num_classes=num_classes)
    else:
        generator = models.build_dcgan_generator(latent_dim=8, filters=(8, 8, 4),
                                                 num_classes=num_classes)
        discriminator = models.build_dcgan_discriminator(filters=(4, 8), num_classes=num_classes)
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def data(n=64, seed=0):
    """Random model-range images ``(n, 28, 28, 1)`` and digit labels ``(n,)``."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
    return images, rng.integers(0, 10, n).astype("uint8")
