"""Corrupted training sets for the noise-robustness study: the exact definition of "corrupted".

``make_noisy_dataset(images, kind, fraction)`` returns a copy of ``images`` with a share
corrupted, and a bool ``mask`` saying exactly which returned images those are. Kinds:
``"gaussian"`` (a blur of ``blur_sigma`` pixels, then pixel noise of ``std``, a share of the
value range, then a clip to the range) and ``"letters"`` (EMNIST letters in place of digits, or
appended after them with ``mode="add"``, as the original study added 10,000 to MNIST's 60,000).

Counts are exact (``corrupted_count``); every other image is bit-identical at its index, in the
input's dtype and range. ``numpy.random.default_rng(seed)`` draws an order of the images and
corrupts its first ``k``, so for one seed the sets are nested: what is corrupted at a smaller
fraction is corrupted the same way at every larger one, and a study compares like with like.
Introduced in notebook 00.
"""

import numpy as np
from scipy import ndimage

from gankit import data
from gankit.checks import check_count, check_fraction, check_images, check_sigma

KINDS = ("gaussian", "letters")
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


def check_kind(kind):
    """``"gaussian"`` or ``"letters"`` (``"emnist"`` is accepted for letters), checked."""
    kind = ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of corruption {kind!r}; use 'gaussian' (blur plus pixel "
                         f"noise) or 'letters' (EMNIST letters; 'emnist' means the same).")
    return kind


def corrupted_count(n_images, fraction, mode="replace"):
    """The exact number ``k`` of images ``make_noisy_dataset`` corrupts among ``N = n_images``:
    ``round(fraction * N)`` in place (``mode="replace"``, and Gaussian noise), or for ``"add"``
    ``round(fraction * N / (1 - fraction))`` letters appended, ``fraction`` of the ``N + k``."""
    if mode not in MODES:
        raise ValueError(f"Unknown mode {mode!r}; use 'replace' (letters take the place of "
                         f"digits) or 'add' (letters are appended after the digits).")
    fraction = check_fraction(fraction, mode)
    n_images = check_count(n_images, "n_images")
    if mode == "add":
        return round(fraction * n_images / (1.0 - fraction))
    return round(fraction * n_images)


def make_noisy_dataset(images, kind, fraction, *, seed=0, **options):
    """Corrupt a share ``fraction`` of ``images``; see the module docstring for the exact rules.

    Args:
        images: uint8 ``(N, 28, 28[, 1])`` in 0..255, or float ``(N, 28, 28[, 1])`` in [-1, 1].
        kind: ``"gaussian"`` or ``"letters"`` (``"emnist"`` means the same).
        fraction: corrupted share of the returned set, in [0, 1] (``[0, 1)`` for ``"add"``).
        **options: for ``"gaussian"``, ``blur_sigma`` (pixels, default 1.0) and ``std``
            (share of the value range, default 0.25), 0 turning either off; for
            ``"letters"``, ``mode`` (``"replace"`` or ``"add"``) and ``letters``, images
            ``(M, 28, 28[, 1])`` in either convention, drawn without replacement (default:
            ``gankit.data.load_emnist_letters("train")``, loaded only when ``k > 0``).

    Returns:
        ``(noisy, mask)``: ``noisy`` like ``images``, ``N`` images (``N + k`` for ``"add"``,
        letters last); ``mask`` bool ``(len(noisy),)``, True at the ``k`` corrupted images.
        Labels are untouched: ``np.concatenate([labels, np.full(k, -1)])`` labels added letters.
        Bad input (a share, kind, mode, option, sigma, image or too few letters) is a
        ``ValueError`` that names it.
    """
    images = check_images(images, "images", allow_empty=True)
    had_channel = images.ndim == 4
    images = images[..., 0] if had_channel else images
    kind = check_kind(kind)
    unknown = sorted(set(options) - set(OPTIONS[kind]))
    if unknown:
        raise ValueError(f"Unknown option(s) {', '.join(unknown)} for kind={kind!r}; it takes "
                         f"{' and '.join(OPTIONS[kind])}.")
    mode = options.get("mode", "replace")
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
