"""AmbientGAN training: a Keras layer that corrupts generated images as the data was corrupted.

Set as ``gan.corruption``, ``GaussianCorruption`` shows the discriminator generated images
corrupted as ``gankit.studies.noise`` corrupts the data (AmbientGAN, Bora et al. 2018), so a
generator of clean digits matches the corrupted data best: the noise-aware option for Gaussian
noise in the robustness study. Introduced in notebook 05.
"""

import numpy as np
import keras
from keras import ops

from gankit.checks import check_fraction, check_sigma
from gankit.studies import noise

TRUNCATE = 4.0  # scipy.ndimage.gaussian_filter's default: the kernel reaches 4 sigma


def gaussian_kernel(sigma, truncate=TRUNCATE):
    """The 1-D kernel of ``scipy.ndimage.gaussian_filter``: float32 ``(2 r + 1,)``, sum 1,
    with radius ``r = int(truncate * sigma + 0.5)``."""
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * x ** 2 / sigma ** 2)
    return (kernel / kernel.sum()).astype("float32")


def _reflect_index(size, radius):
    """Indices that pad an axis by ``radius`` as scipy's mode 'reflect' does (d c b a | a b c d)."""
    index = np.arange(-radius, size + radius) % (2 * size)
    return np.where(index >= size, 2 * size - 1 - index, index).astype("int32")


class GaussianCorruption(keras.layers.Layer):
    """Corrupt each image with probability ``fraction``: Gaussian blur, pixel noise, clip.

    ``make_noisy_dataset(images, "gaussian", fraction, blur_sigma=, std=)``'s process on
    model-range images, in distribution: each image is corrupted independently (the data set
    corrupts exactly ``round(fraction * N)``), the blur in float32 (1e-7 off scipy's). It
    corrupts in inference too: it models how the data were measured, it is not a regulariser.
    ``keras.ops`` and a ``SeedGenerator`` only: any backend, its random state checkpointed.

    Input and output: float32 ``(N, 28, 28, 1)`` in [-1, 1].
    """

    def __init__(self, fraction, blur_sigma=noise.DEFAULT_BLUR_SIGMA,
                 std=noise.DEFAULT_NOISE_STD, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.fraction = check_fraction(fraction, "replace")
        self.blur_sigma = check_sigma(blur_sigma, "blur_sigma")
        self.std = check_sigma(std, "std")
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        if self.blur_sigma > 0:
            kernel = gaussian_kernel(self.blur_sigma)
            self._rows = kernel.reshape(-1, 1, 1, 1)  # (k, 1, in, out) for ops.conv
            self._cols = kernel.reshape(1, -1, 1, 1)
            self._pad = _reflect_index(28, len(kernel) // 2)
        self.built = True  # no weights; a built layer lets Keras trainers skip a symbolic build

    def blur(self, images):
        """The blur alone: float32 ``(N, 28, 28, 1)`` -> same shape (identity for sigma 0)."""
        if self.blur_sigma == 0:
            return images
        x = ops.take(images, self._pad, axis=1)
        x = ops.conv(x, self._rows, padding="valid", data_format="channels_last")
        x = ops.take(x, self._pad, axis=2)
        return ops.conv(x, self._cols, padding="valid", data_format="channels_last")

    def call(self, images, training=None):
        corrupted = self.blur(images)
        if self.std > 0:
            corrupted = corrupted + keras.random.normal(
                ops.shape(images), stddev=2.0 * self.std, seed=self.seed_generator)
        corrupted = ops.clip(corrupted, -1.0, 1.0)
        draw = keras.random.uniform((ops.shape(images)[0], 1, 1, 1), seed=self.seed_generator)
        return ops.where(draw < self.fraction, corrupted, images)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "fraction": self.fraction,
                "blur_sigma": self.blur_sigma, "std": self.std, "seed": self.seed}
