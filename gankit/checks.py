"""Input checks for every public entry point: one mistake, one message naming the fix.

Each function checks one kind of argument and returns it in a canonical form, or raises
``ValueError`` naming the argument, the problem and the fix. Introduced in notebook 00, with
the two image conventions: uint8 ``(N, 28, 28[, 1])`` in 0..255, and float "model range"
``(N, 28, 28[, 1])`` in [-1, 1], a generator's tanh output (background -1).
"""

import math
import numbers
import os

import numpy as np

IMAGE_SHAPE = (28, 28, 1)
NUM_CLASSES = 10  # MNIST's digits 0..9
RANGE_TOLERANCE = 1e-5  # float images may overshoot [-1, 1] by this much (rounding)
MIN_SCORE_IMAGES = 100  # fewer samples make every score noise (the Fréchet distance most)
SHAPES = "must have shape (N, 28, 28) or (N, 28, 28, 1), got"


def check_images(images, name="images", channel=None, allow_empty=False):
    """Images uint8 ``(N, 28, 28[, 1])`` in 0..255 or float32/64 in [-1, 1], as an array.

    ``channel="drop"`` returns ``(N, 28, 28)``, ``"add"`` ``(N, 28, 28, 1)``, None the shape
    given. Refuses tuples, single images, flat or channels-first arrays, an empty batch (unless
    ``allow_empty``), other dtypes, NaN or inf, floats outside [-1, 1] and floats that look like
    0..1 images (no negative pixel, median below 0.5).
    """
    if isinstance(images, tuple):
        raise ValueError(f"{name} is a tuple; pass the image array only, e.g. "
                         f"images, labels = gankit.data.load_mnist(), then {name}=images.")
    images = np.asarray(images)
    shape = images.shape
    if shape in ((28, 28), (28, 28, 1)):
        raise ValueError(f"{name} {SHAPES} a single image of shape {shape}; add a batch axis: "
                         f"image[None] ({name}[None]).")
    if len(shape) == 2 and shape[1] == 784:
        raise ValueError(f"{name} {SHAPES} flat rows {shape}; reshape them with "
                         f".reshape(-1, 28, 28) or .reshape(-1, 28, 28, 1).")
    if len(shape) == 4 and shape[1:] == (1, 28, 28):
        raise ValueError(f"{name} {SHAPES} channels-first images {shape}; use "
                         f".transpose(0, 2, 3, 1).")
    if shape[1:] not in ((28, 28), (28, 28, 1)):
        raise ValueError(f"{name} {SHAPES} {shape}; reshape a single image with image[None] and "
                         f"flat rows with .reshape(-1, 28, 28). MNIST digits are 28x28: crop or "
                         f"resize others (32x32: images[:, 2:30, 2:30]).")
    if shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (N = 0); pass at least one image.")
    if images.dtype != np.uint8:
        _check_float_range(images, name)
    if channel == "drop" and images.ndim == 4:
        images = images[..., 0]
    elif channel == "add" and images.ndim == 3:
        images = images[..., None]
    return images


def _check_float_range(images, name):
    if images.dtype not in (np.float32, np.float64):
        raise ValueError(f"{name} must be uint8 images in 0..255 or float images (float32/float64) "
                         f"in the model range [-1, 1], got {images.dtype}; convert 0..255 values "
                         f"with .astype('uint8').")
    if images.size == 0:
        return
    if not np.isfinite(images).all():
        raise ValueError(f"{name} contain NaN or infinite values; float images must be in the "
                         f"model range [-1, 1]: if they came from a generator, its training "
                         f"diverged (restart from the last good checkpoint).")
    low, high = float(images.min()), float(images.max())
    if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
        fix = ("they look like 0..255 values: pass them as uint8 (.astype('uint8')) or convert "
               "them with gankit.data.to_model_range" if low >= 0 and high <= 255 else
               "convert uint8 images with gankit.data.to_model_range, and rescale them to "
               "[-1, 1]")
        raise ValueError(f"{name} are floats but not all in [-1, 1] (found {low:.4g}..{high:.4g});"
                         f" float images must lie in [-1, 1], the model range (a generator's tanh "
                         f"output): {fix}.")
    if low >= 0 and high > 0.5 and float(np.median(images)) < 0.5:
        raise ValueError(f"{name} are floats from {low:.4g} to {high:.4g} with no negative pixel: "
                         f"they look like 0..1 images, but gankit expects the model range "
                         f"[-1, 1] (background -1); convert with images * 2 - 1.")


def check_labels(labels, n, name="labels", num_classes=NUM_CLASSES):
    """Labels of ``n`` images: whole numbers (ints, or whole floats) in ``0..num_classes-1``,
    or any whole numbers with ``num_classes=None``; returns int64 ``(n,)``."""
    if isinstance(labels, tuple) and len(labels) == 2 and hasattr(labels[0], "shape"):
        raise ValueError(f"{name} is a tuple of two arrays; pass the label array only.")
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"{name} has shape {labels.shape}, but there are {n} images: "
                         f"pass one label per image, shape ({n},).")
    numeric = labels.dtype != bool and np.issubdtype(labels.dtype, np.number)
    if labels.size and not (np.issubdtype(labels.dtype, np.integer) or (
            numeric and np.all(np.isfinite(labels)) and np.all(np.mod(labels, 1) == 0))):
        classes = f" 0..{num_classes - 1}" if num_classes else ""
        raise ValueError(f"{name} must be whole-number class labels{classes}, got "
                         f"{labels.dtype} values.")
    if num_classes and labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"{name} must lie in 0..{num_classes - 1} (class labels must be whole "
                         f"numbers from 0 to {num_classes - 1}), got values from {labels.min():g} "
                         f"to {labels.max():g}.")
    return labels.astype(np.int64)


def _is_count(value, minimum, maximum=None):
    return (not isinstance(value, bool) and isinstance(value, numbers.Real)
            and math.isfinite(value) and value == int(value) and value >= minimum
            and (maximum is None or value <= maximum))


def check_count(value, name, minimum=0, maximum=None):
    """A whole number in ``minimum..maximum`` (ints, or whole floats such as ``1e4``), as an
    int; refuses bools, NaN, strings and fractions."""
    if not _is_count(value, minimum, maximum):
        bounds = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"
        raise ValueError(f"{name} must be a whole number {bounds}, got {value!r}.")
    return int(value)


def check_sizes(**sizes):
    """Layer sizes: each an int >= 1, or a non-empty tuple of them (e.g. ``filters=(64, 128)``)."""
    for name, value in sizes.items():
        values = value if isinstance(value, (tuple, list)) else (value,)
        if not values or not all(_is_count(v, 1) for v in values):
            raise ValueError(f"{name} must be positive integers, got {value!r}.")


def check_choice(value, choices, name):
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}.")
    return value


def check_fraction(fraction, mode="replace", name="fraction"):
    """A share of corrupted images: a real number in [0, 1] (below 1 with ``mode="add"``)."""
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real):
        raise ValueError(f"{name} must be a number in [0, 1], got {fraction!r}.")
    fraction = float(fraction)
    if math.isnan(fraction) or not 0.0 <= fraction <= 1.0:
        raise ValueError(f"{name} must be in [0, 1] (the share of corrupted images), got "
                         f"{fraction}; for 5% pass 0.05.")
    if mode == "add" and fraction == 1.0:
        raise ValueError("fraction=1 with mode='add' would need infinitely many letters (the "
                         "letters' share k / (N + k) never reaches 1); use a fraction below 1, "
                         "or mode='replace' to replace every digit.")
    return fraction


def check_sigma(value, name):
    """A finite real number >= 0 (a blur or noise standard deviation; 0 turns it off)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
            math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0 (0 turns it off), got {value!r}.")
    return float(value)


def check_probabilities(probs, name="probabilities"):
    """Class probabilities float64 ``(N, 10)``, N >= 1, each row a distribution."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] != NUM_CLASSES or probs.shape[0] == 0:
        raise ValueError(
            f"Expected class probabilities of shape (N, {NUM_CLASSES}) with N >= 1, got "
            f"{probs.shape}. Get them with gankit.evaluation.classifier.load_evaluator()"
            f".predict_proba(images).")
    if not np.all(np.isfinite(probs)) or probs.min() < 0:
        raise ValueError("Probabilities must be finite and non-negative; if these are logits, "
                         "apply a softmax first (scipy.special.softmax(logits, axis=1)).")
    sums = probs.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        raise ValueError(
            f"Each row of probabilities must sum to 1; row sums range from {sums.min():.4g} to "
            f"{sums.max():.4g}. If these are logits, apply scipy.special.softmax(logits, axis=1).")
    return probs


def check_score_count(n, name="images"):
    """Refuse to score fewer than ``MIN_SCORE_IMAGES`` images: the scores would be noise."""
    if n < MIN_SCORE_IMAGES:
        raise ValueError(f"Got {n} {name} to score; scores from fewer than {MIN_SCORE_IMAGES} "
                         f"are noise (a Fréchet distance from a handful of images is larger "
                         f"than the gap between good and bad generators). Generate at least "
                         f"{MIN_SCORE_IMAGES}, and compare scores computed from equal numbers.")


def check_folder(path, what):
    """A folder path, as given (``what`` says where it came from, for the message)."""
    path = os.fspath(path)
    if os.path.isfile(path):
        raise ValueError(f"{what} points at a file, {path}; it must name a folder (the folder "
                         f"that holds the files, not a file inside it).")
    return path


WATCHED = ("d_loss", "g_loss")


class TrainingDiverged(RuntimeError):
    """A loss or a saved weight became NaN or infinite; the last good checkpoint is kept."""


def check_finite(logs, where):
    """Raise ``TrainingDiverged`` if ``d_loss`` or ``g_loss`` in ``logs`` is NaN or inf."""
    bad = {k: float(logs[k]) for k in WATCHED if k in (logs or {}) and
           not math.isfinite(float(logs[k]))}
    if bad:
        values = ", ".join(f"{k}={v}" for k, v in bad.items())
        raise TrainingDiverged(
            f"Training diverged {where}: {values}. The weights are no longer usable. "
            "Resume from the last checkpoint (a Checkpoint callback keeps the last good epoch) "
            "with a lower learning rate (a changed learning rate needs resume=\"force\", or "
            "--resume-anyway on the command line), or check the data for NaN values.")


def check_predictions(values, name):
    """Class labels int64 ``(N,)`` in 0..9 from labels ``(N,)`` or probabilities ``(N, 10)``
    (their argmax), N >= 1."""
    values = np.asarray(values)
    if values.ndim == 2:
        return check_probabilities(values, name).argmax(axis=1)
    if values.ndim != 1 or values.shape[0] == 0:
        raise ValueError(f"{name} must be labels of shape (N,) or probabilities of shape "
                         f"(N, {NUM_CLASSES}), got shape {values.shape}.")
    return check_labels(values, len(values), name)


def check_features(feats, name):
    """Features float64 ``(N, D)`` with N >= 2 rows, all finite (for a Fréchet distance)."""
    feats = np.asarray(feats, dtype=np.float64)
    if feats.ndim != 2 or feats.shape[0] < 2:
        raise ValueError(f"{name} must have shape (N, D) with N >= 2 samples, got {feats.shape}. "
                         f"Get features with load_evaluator().features(images).")
    if not np.all(np.isfinite(feats)):
        raise ValueError(f"{name} contains NaN or infinite values; check the images.")
    return feats


def check_training_images(images):
    """A GAN's training images: ``float (N, 28, 28, 1)`` in [-1, 1] (the model range)."""
    images = check_images(images, "training images")
    if images.dtype == np.uint8:
        raise ValueError("training images are uint8 in 0..255, but a GAN trains on floats in the model "
                         "range [-1, 1]: convert them with gankit.data.to_model_range.")
    if images.ndim != 4:
        raise ValueError(f"training images must have shape (N, 28, 28, 1), got {images.shape}; "
                         "add the channel axis with images[..., None].")
    return images
