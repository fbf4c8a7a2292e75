"""Post-processing of generated images: Gaussian smoothing.

A generator trained for a short time often leaves speckle noise in the background and ragged
strokes. Smoothing each image with a small Gaussian filter (sigma about 1 pixel) hides much of
it. It is a cosmetic step: it changes the images that we look at and score, not the generator,
so any comparison must say whether the images were smoothed. Introduced in notebook 01.
"""

import numpy as np
from scipy import ndimage


def _check_images(images):
    """Return ``images`` as an array after checking shape, dtype and value range."""
    images = np.asarray(images)
    if images.ndim not in (3, 4) or images.shape[1:3] != (28, 28) or (
            images.ndim == 4 and images.shape[3] != 1):
        raise ValueError(f"smooth expects images of shape (N, 28, 28) or (N, 28, 28, 1), got "
                         f"{images.shape}; add a batch axis to a single image with image[None] "
                         f"and reshape flat rows with .reshape(-1, 28, 28).")
    if images.dtype == np.uint8:
        return images
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"smooth expects uint8 images in 0..255 or float images in [-1, 1], "
                         f"got {images.dtype}; convert 0..255 values with .astype('uint8').")
    if np.isnan(images).any():
        raise ValueError("smooth got NaN values: the generator has diverged; restart training "
                         "from a checkpoint before post-processing its output.")
    if images.size and (images.min() < -1 - 1e-6 or images.max() > 1 + 1e-6):
        raise ValueError(f"smooth expects float images in the model range [-1, 1], got "
                         f"{images.min():.4g}..{images.max():.4g}; convert uint8 images with "
                         f"gankit.data.to_model_range, or pass 0..255 values as uint8.")
    return images


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
    images = _check_images(images)
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
