"""Pixel statistics of real and generated images (notebook 01): per-image entropy and the
distance between two batches' pixel-value histograms.

Entropy depends on how many distinct values an image can hold: a uint8 digit at most 256,
mostly 0; a generator's float output up to 784, one per pixel, which inflates its entropy
(up to log2(784) = 9.6 bits) however it looks. So ``image_entropy`` quantises floats to uint8
as real data are stored before counting; ``quantize=False`` shows the inflated count.
"""

import numpy as np
from scipy import stats

from gankit.checks import check_images
from gankit.data import to_uint8


def image_entropy(images, quantize=True):
    """Shannon entropy in bits of each image's pixel-value frequencies, float64 ``(N,)``.

    H = -sum p_v log2 p_v over the values v of the image's 784 pixels: 0 for a constant image,
    at most 8 for uint8 values. ``images``: uint8 or model-range floats ``(N, 28, 28[, 1])``;
    floats are quantised with ``gankit.data.to_uint8`` unless ``quantize=False``.
    """
    images = check_images(images, "image_entropy")
    if images.dtype != np.uint8 and not quantize:
        return np.array([stats.entropy(np.unique(image, return_counts=True)[1], base=2)
                         for image in images], dtype=np.float64)
    values = to_uint8(images).reshape(len(images), -1).astype(np.int64)
    # one row of 256 counts per image, from a single bincount
    offsets = np.arange(len(images))[:, None] * 256
    counts = np.bincount((values + offsets).ravel(), minlength=256 * len(images))
    return stats.entropy(counts.reshape(len(images), 256), base=2, axis=1).astype(np.float64)


def _pixel_histogram(images, name):
    """Shares of all pixels per uint8 intensity, float64 ``(256,)``; floats in [-1, 1] map to
    ``(x + 1) * 127.5`` unrounded, into the bins of width 1 centred on 0..255."""
    images = check_images(images, name)
    values = images.ravel() if images.dtype == np.uint8 else (
        images.astype(np.float64).ravel() + 1.0) * 127.5
    counts, _ = np.histogram(values, bins=256, range=(-0.5, 255.5))
    return counts / counts.sum()


def histogram_distance(real, generated):
    """Wasserstein (earth mover's) distance between the pixel-value histograms of two batches,
    in grey levels on the 0..255 scale: how far, on average, intensity mass must move to turn
    one into the other. Exact for uint8 images, within half a grey level for floats.
    ``real``, ``generated``: uint8 or model-range floats ``(N, 28, 28[, 1])``."""
    levels = np.arange(256.0)
    return float(stats.wasserstein_distance(
        levels, levels, u_weights=_pixel_histogram(real, "real"),
        v_weights=_pixel_histogram(generated, "generated")))
