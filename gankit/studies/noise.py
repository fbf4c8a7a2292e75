"""Corrupted training sets for the noise-robustness study.

``make_noisy_dataset(images, corruption, fraction)`` returns a copy of ``images`` in which a chosen
share is corrupted, and a boolean ``mask`` that says exactly which returned images those are.
The study's conclusions depend on what "corrupted" means, so here is the precise definition.

Two kinds of corruption:

- ``corruption="gaussian"``: each chosen image is blurred with a Gaussian kernel of ``blur_sigma``
  pixels (``scipy.ndimage.gaussian_filter``, one image at a time, borders reflected), then every
  one of its 784 pixels gets independent Gaussian noise with standard deviation ``std``. The
  ``std`` is a fraction of the full value range, so it means the same for both image
  conventions: ``std=0.25`` is 0.25 * 255 = 63.75 grey levels for uint8 images and
  0.25 * 2 = 0.5 for model-range floats. Values that the noise pushes outside the range are
  clipped to it (0..255 or [-1, 1]); this clip is part of the definition and the only clipping
  anywhere. uint8 results are then rounded to the nearest integer.
- ``corruption="letters"`` (or ``"emnist"``): chosen images are replaced by EMNIST letters
  (``mode="replace"``, the
  default, which keeps the training-set size the same at every fraction), or letters are
  appended after the digits (``mode="add"``), as in the original study, which added 10,000
  EMNIST images to MNIST's 60,000 digits.

Counts are exact, not random: with ``N`` input images,

- ``mode="replace"`` and ``corruption="gaussian"`` corrupt ``k = round(fraction * N)`` images, chosen
  uniformly at random without replacement; the result has ``N`` images;
- ``mode="add"`` appends ``k = round(fraction * N / (1 - fraction))`` letters, so that letters
  make up ``k / (N + k)``, which is ``fraction`` up to rounding, of the ``N + k`` returned images.
  ``fraction = 10_000 / 70_000`` (about 14%) reproduces the study's 10,000 letters added to
  60,000 digits.

``round`` is Python's: to the nearest integer, halves to the even one (0.5 * 5 images -> 2).
``corrupted_count`` gives ``k`` without building anything.

Every image that is not corrupted is bit-identical to the input and stays at its index. The
result has the input's dtype, shape convention and value range. The same ``seed`` gives the
same result: ``numpy.random.default_rng(seed)`` draws a random order of the images and takes
its first ``k`` (for ``mode="add"``, none), then a random order of the letters and takes its
first ``k``, or the noise for the ``k`` images in that order. So, for one seed and one set of
images, the sets are nested: what is corrupted at a smaller fraction is corrupted the same way
at every larger one, and a study across fractions compares like with like.
Introduced in notebook 00.
"""

import numpy as np
from scipy import ndimage

from gankit import data
from gankit.checks import check_count, check_fraction, check_images, check_sigma  # noqa: F401

CORRUPTIONS = ("gaussian", "letters")
ALIASES = {"emnist": "letters"}  # the letters come from EMNIST Letters
MODES = ("replace", "add")
OPTIONS = {"gaussian": ("blur_sigma", "std"), "letters": ("letters", "mode")}

# Defaults for the Gaussian corruption (the original study gave no sigmas). A blur of one pixel
# softens the strokes (2 to 3 pixels wide in MNIST) without merging them; noise of 0.25 of the
# range (about 64 grey levels) sprinkles the black background with grey speckle and makes the
# strokes ragged: every corrupted digit is obviously degraded, yet most stay legible, so the
# corruption is damage a generator could learn to reproduce, not a second kind of image.
DEFAULT_BLUR_SIGMA = 1.0
DEFAULT_NOISE_STD = 0.25


def check_corruption(corruption):
    """``"gaussian"`` or ``"letters"`` (``"emnist"`` is accepted for letters), checked."""
    corruption = ALIASES.get(corruption, corruption)
    if corruption not in CORRUPTIONS:
        raise ValueError(f"Unknown corruption {corruption!r}; use 'gaussian' (blur plus pixel "
                         f"noise) or 'letters' (EMNIST letters; 'emnist' means the same).")
    return corruption


def corrupted_count(n_images, fraction, mode="replace"):
    """The exact number ``k`` of corrupted images that ``make_noisy_dataset`` produces.

    Args:
        n_images: number of input images ``N``.
        fraction: share of corrupted images in the returned set, in [0, 1] (``[0, 1)`` for add).
        mode: ``"replace"`` (also the count for ``corruption="gaussian"``): ``round(fraction * N)``;
            ``"add"``: ``round(fraction * N / (1 - fraction))`` letters appended to the ``N``.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}; use 'replace' (letters take the place of "
                         f"digits) or 'add' (letters are appended after the digits).")
    fraction = check_fraction(fraction, mode)
    n_images = check_count(n_images, "n_images")
    if mode == "add":
        return round(fraction * n_images / (1.0 - fraction))
    return round(fraction * n_images)


def make_noisy_dataset(images, corruption, fraction, *, seed=0, **options):
    """Corrupt a share ``fraction`` of ``images``; see the module docstring for the exact rules.

    Args:
        images: uint8 ``(N, 28, 28)`` in 0..255, or float32/float64 ``(N, 28, 28)`` or
            ``(N, 28, 28, 1)`` in [-1, 1] (the model range); ``(N, 28, 28, 1)`` uint8 works too.
        corruption: ``"gaussian"`` (blur, then pixel noise) or ``"letters"`` (EMNIST letters;
            ``"emnist"`` means the same).
        fraction: share of corrupted images in the returned set, in [0, 1]
            (``[0, 1)`` for ``mode="add"``, where 1 would need infinitely many letters).
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same result.
        **options: for ``corruption="gaussian"``:

            - ``blur_sigma`` (default 1.0): standard deviation of the blur kernel in pixels;
              0 means no blur.
            - ``std`` (default 0.25): standard deviation of the pixel noise as a fraction of the
              full value range (255 for uint8, 2 for [-1, 1]); 0 means no noise.

            for ``corruption="letters"``:

            - ``letters``: letter images in either convention, ``(M, 28, 28[, 1])``, converted
              to the convention of ``images``; by default the train split of
              ``gankit.data.load_emnist_letters()`` (loaded only when ``k > 0``). Drawn without
              replacement, so ``M >= k`` is required.
            - ``mode``: ``"replace"`` (default) or ``"add"``.

    Returns:
        ``(noisy, mask)``: ``noisy`` has the dtype and shape convention of ``images`` and
        ``N`` images (``N + k`` for ``mode="add"``, letters last); ``mask`` is bool
        ``(len(noisy),)``, True exactly at the ``k`` corrupted images (also when
        ``blur_sigma=0`` and ``std=0`` leave them unchanged). Labels are not touched:
        replaced images keep the digit's label of their index, and for ``mode="add"`` extend
        the labels yourself, e.g. ``np.concatenate([labels.astype(int), np.full(k, -1)])`` with
        ``k = len(noisy) - len(labels)`` gives the appended letters the label -1.

    Raises:
        ValueError: for a fraction outside [0, 1] or NaN, an unknown kind, mode or option,
            negative ``blur_sigma``/``std``, images or letters of the wrong shape, dtype or
            range, or fewer letters than needed.
    """
    images = check_images(images, "images", allow_empty=True)
    had_channel = images.ndim == 4
    images = images[..., 0] if had_channel else images
    kind = check_corruption(corruption)
    unknown = sorted(set(options) - set(OPTIONS[kind]))
    if unknown:
        raise ValueError(f"Unknown option(s) {', '.join(unknown)} for corruption={kind!r}; it takes "
                         f"{' and '.join(OPTIONS[kind])}.")
    mode = options.get("mode", "replace")
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}; use 'replace' (letters take the place of "
                         f"digits) or 'add' (letters are appended after the digits).")
    k = corrupted_count(len(images), fraction, mode)
    rng = np.random.default_rng(seed)
    noisy = images.copy()
    mask = np.zeros(len(images), dtype=bool)

    if kind == "gaussian":
        blur_sigma = check_sigma(options.get("blur_sigma", DEFAULT_BLUR_SIGMA), "blur_sigma")
        std = check_sigma(options.get("std", DEFAULT_NOISE_STD), "std")
        index = rng.permutation(len(images))[:k]  # a prefix, so sets are nested across fractions
        noisy[index] = _blur_and_noise(images[index], blur_sigma, std, rng)
        mask[index] = True
        return (noisy[..., None] if had_channel else noisy), mask

    letters = options.get("letters")
    if letters is not None:
        letters = _as_convention(check_images(letters, "letters", channel="drop"), like=images)
    elif k > 0:
        letters = _as_convention(data.load_emnist_letters("train")[0], like=images)
    if k > 0 and k > len(letters):
        raise ValueError(f"fraction={fraction} of {len(images):,} images needs {k:,} letters "
                         f"(drawn without replacement), but only {len(letters):,} are "
                         f"available; pass more letters, use fewer images, or lower the "
                         f"fraction.")
    if mode == "add":
        chosen = letters[rng.permutation(len(letters))[:k]] if k else noisy[:0]
        noisy = np.concatenate([noisy, chosen])
        mask = np.concatenate([mask, np.ones(k, dtype=bool)])
    elif k:
        index = rng.permutation(len(images))[:k]
        noisy[index] = letters[rng.permutation(len(letters))[:k]]
        mask[index] = True
    return (noisy[..., None] if had_channel else noisy), mask


def _blur_and_noise(images, blur_sigma, std, rng):
    """Blur each image, add noise of ``std`` times the range, clip to the range, keep the dtype."""
    low, high = (0.0, 255.0) if images.dtype == np.uint8 else (-1.0, 1.0)
    values = images.astype(np.float64)
    if blur_sigma > 0:  # sigma 0 on the first axis: images are never mixed with each other
        values = ndimage.gaussian_filter(values, sigma=(0, blur_sigma, blur_sigma), mode="reflect")
    if std > 0:
        values = values + rng.normal(0.0, std * (high - low), size=values.shape)
    values = np.clip(values, low, high)
    if images.dtype == np.uint8:
        values = np.rint(values)
    return values.astype(images.dtype)


def _as_convention(letters, like):
    """Letters ``(M, 28, 28)`` in the dtype and value range of ``like``."""
    if like.dtype == np.uint8:
        return data.to_uint8(letters)
    if letters.dtype == np.uint8:
        letters = data.to_model_range(letters)[..., 0]
    return letters.astype(like.dtype)
