"""Gaussian smoothing of generated images (notebook 01): a cosmetic step that hides speckle
noise in what we look at and score, not in the generator, so a comparison must say whether
its images were smoothed."""

import numpy as np
from scipy import ndimage

from gankit.checks import check_images, check_sigma


def smooth(images, sigma=1.0):
    """Smooth each image on its own with a Gaussian of ``sigma`` >= 0 pixels (0: a copy).

    ``images``: uint8 ``(N, 28, 28[, 1])`` or model-range floats. Returns the same dtype and
    shape (uint8 rounded); borders are reflected, so values stay in their range.
    """
    images = check_images(images, "smooth")
    sigma = check_sigma(sigma, "sigma")
    if sigma == 0:
        return images.copy()
    # sigma 0 on the batch and channel axes: nothing leaks between images
    sigmas = (0.0, sigma, sigma) + ((0.0,) if images.ndim == 4 else ())
    smoothed = ndimage.gaussian_filter(images.astype(np.float64), sigma=sigmas, mode="reflect")
    if images.dtype == np.uint8:
        return np.rint(smoothed).clip(0, 255).astype(np.uint8)  # clip absorbs rounding only
    return smoothed.astype(images.dtype)
