"""Training sets that mix real and generated digits, for the augmentation study.

Two questions: with the size of the training set fixed, how does a classifier's accuracy change
as generated digits replace real ones (``mix_real_and_generated``)? And does a small real set
gain from being topped up with generated digits (``top_up``)? Both build sets balanced per
class, draw images without replacement, shuffle them with a seed, and return a mask saying
which images are real, so that every result can be traced back to its mix.
``gankit.studies.augmentation`` runs the whole study on such sets.
Introduced in notebook 03.
"""

import math

import numpy as np

from gankit import checks
from gankit.checks import NUM_CLASSES, check_count, check_images


def _check_images(real_images, generated_images):
    """Both image arrays (``gankit.checks.check_images``), checked to share dtype and shape."""
    real = check_images(real_images, "real_images")
    generated = check_images(generated_images, "generated_images")
    if real.dtype != generated.dtype or real.shape[1:] != generated.shape[1:]:
        raise ValueError(f"real_images ({real.dtype} {real.shape[1:]} per image) and "
                         f"generated_images ({generated.dtype} {generated.shape[1:]} per image) "
                         f"must share dtype and shape: convert both with gankit.data.to_uint8, "
                         f"or both with gankit.data.to_model_range.")
    return real, generated


def check_labels(labels, images, name):
    """Digit labels for ``images`` (``gankit.checks.check_labels``), as int64 ``(N,)``."""
    return checks.check_labels(labels, len(images), name, NUM_CLASSES)


def per_class_counts(total):
    """Split ``total`` over the 10 classes: ``total // 10`` each, and one more for each of the
    first ``total % 10`` classes (0, 1, ...). Returns int64 ``(10,)`` summing to ``total``."""
    total = check_count(total, "total")
    return total // NUM_CLASSES + (np.arange(NUM_CLASSES) < total % NUM_CLASSES).astype(np.int64)


def _draw(real, real_labels, generated, generated_labels, n_real, n_generated, seed):
    """Draw ``n_real[c]`` real and ``n_generated[c]`` generated images of each class c."""
    rng = np.random.default_rng(seed)
    shortages = []
    picks = {"real": [], "generated": []}
    for source, labels, wanted in (("real", real_labels, n_real),
                                   ("generated", generated_labels, n_generated)):
        for digit in range(NUM_CLASSES):
            available = np.flatnonzero(labels == digit)
            if wanted[digit] > len(available):
                shortages.append(f"class {digit} needs {wanted[digit]} {source} images but has "
                                 f"{len(available)}")
            else:
                picks[source].append(rng.choice(available, wanted[digit], replace=False))
    if shortages:
        raise ValueError("Not enough images: " + "; ".join(shortages) + ". Lower total (or the "
                         "real share), or supply more images of those classes.")
    real_index = np.concatenate(picks["real"])
    generated_index = np.concatenate(picks["generated"])
    images = np.concatenate([real[real_index], generated[generated_index]])
    labels = np.concatenate([real_labels[real_index], generated_labels[generated_index]])
    is_real = np.arange(len(images)) < len(real_index)
    order = rng.permutation(len(images))
    return images[order], labels[order], is_real[order]


def mix_real_and_generated(real_images, real_labels, generated_images, generated_labels,
                           total, real_fraction, seed=0):
    """A training set of ``total`` images, a share ``real_fraction`` of them real.

    Each digit c gets ``per_class_counts(total)[c]`` images (total / 10 when total is a
    multiple of 10, otherwise the remainder goes one each to digits 0, 1, ...), of which
    ``floor(real_fraction * count + 0.5)`` are real (rounded half up) and the rest generated.
    Both kinds are drawn without replacement; the set is shuffled. The same arguments and seed
    give the same set.

    Args:
        real_images, generated_images: images ``(N, ...)`` of one dtype and shape per image,
            either uint8 in 0..255 or float in the model range [-1, 1].
        real_labels, generated_labels: digit labels 0..9, one per image.
        total: size of the training set.
        real_fraction: share of real images, in [0, 1].
        seed: seed of the draws and the shuffle.

    Returns:
        ``(images, labels, is_real)``: images ``(total, ...)`` in the input dtype, labels int64
        ``(total,)``, is_real bool ``(total,)``.

    Raises:
        ValueError: for a share outside [0, 1], labels outside 0..9, mismatched lengths,
            different dtypes or shapes, or a class with too few real or generated images
            (the message gives the counts).
    """
    real, generated = _check_images(real_images, generated_images)
    real_labels = check_labels(real_labels, real, "real_labels")
    generated_labels = check_labels(generated_labels, generated, "generated_labels")
    counts = per_class_counts(total)
    if not 0.0 <= float(real_fraction) <= 1.0:
        raise ValueError(f"real_fraction must lie in [0, 1] (a share, not a percentage), got "
                         f"{real_fraction}.")
    n_real = np.array([math.floor(real_fraction * count + 0.5) for count in counts])
    return _draw(real, real_labels, generated, generated_labels, n_real, counts - n_real, seed)


def top_up(real_images, real_labels, generated_images, generated_labels, n_real, total, seed=0):
    """A small real set of ``n_real`` images topped up with generated ones to ``total``.

    Both the real images and the whole set are balanced per digit with ``per_class_counts``
    (``n_real`` and ``total`` split over the ten digits, remainders to digits 0, 1, ...); each
    digit is completed with generated images. Arguments and results as in
    ``mix_real_and_generated``; requires ``n_real <= total``.
    """
    real, generated = _check_images(real_images, generated_images)
    real_labels = check_labels(real_labels, real, "real_labels")
    generated_labels = check_labels(generated_labels, generated, "generated_labels")
    n_real, total = check_count(n_real, "n_real"), check_count(total, "total")
    if n_real > total:
        raise ValueError(f"n_real={n_real} exceeds total={total}; the real images are part of "
                         f"the set, so choose n_real <= total.")
    real_counts, counts = per_class_counts(n_real), per_class_counts(total)
    return _draw(real, real_labels, generated, generated_labels, real_counts,
                 counts - real_counts, seed)
