"""Post-processing of generated images: Gaussian smoothing.

A generator trained for a short time often leaves speckle noise in the background and ragged
strokes. Smoothing each image with a small Gaussian filter (sigma about 1 pixel) hides much of
it. It is a cosmetic step: it changes the images that we look at and score, not the generator,
so any comparison must say whether the images were smoothed. Introduced in notebook 01.
"""

import numpy as np
from scipy import ndimage

from gankit.data import check_images


def smooth(images, sigma=1.0):
    """Smooth each image with a Gaussian filter of standard deviation ``sigma`` pixels.

    Each image is filtered on its own (``scipy.ndimage.gaussian_filter`` with sigma 0 on the
    batch and channel axes, so nothing leaks between images); borders are reflected, so a
    filtered value is a weighted average of the image's own pixels and stays in its range.

    Args:
        images: uint8 ``(N, 28, 28)`` in 0..255, or float ``(N, 28, 28)`` or
            ``(N, 28, 28, 1)`` in the model range [-1, 1].
        sigma: standard deviation of the Gaussian in pixels, >= 0; 0 returns an unchanged copy.

    Returns:
        The smoothed images with the input's dtype and shape (uint8 results are rounded to the
        nearest integer). The input is never modified.

    Raises:
        ValueError: for a negative or non-finite sigma, a wrong shape or dtype, or float values
            outside [-1, 1].
    """
    images = np.asarray(images)
    check_images(images, "smooth")
    sigma = float(sigma)
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"smooth needs a finite sigma >= 0 (in pixels), got {sigma}; "
                         f"use sigma=1.0 for light smoothing or sigma=0 for none.")
    if sigma == 0:
        return images.copy()
    sigmas = (0.0, sigma, sigma) + ((0.0,) if images.ndim == 4 else ())
    smoothed = ndimage.gaussian_filter(images.astype(np.float64), sigma=sigmas, mode="reflect")
    if images.dtype == np.uint8:
        # a weighted average of values in 0..255 stays there; clip only absorbs rounding error
        return np.rint(smoothed).clip(0, 255).astype(np.uint8)
    return smoothed.astype(images.dtype)
