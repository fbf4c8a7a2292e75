"""Pixel statistics of real and generated images: entropy, histograms and their distances.

- ``image_entropy``       Shannon entropy (bits) of the pixel-value frequencies of each image.
- ``pixel_histogram``     the distribution of pixel intensities over a batch, on the 0..255 scale.
- ``histogram_distance``  how far apart two such distributions are (Wasserstein, Jensen-Shannon
  or total variation).
- ``entropy_summary``     mean, standard deviation and median of the entropies of two sets.

A warning about entropy. The entropy of one image's pixel values depends on how many distinct
values it can hold. A real MNIST digit holds uint8 values, at most 256 distinct ones, and most
of its pixels share the value 0. A generator's float output can hold up to 784 distinct values,
one per pixel: every pixel that is not saturated at exactly -1 or 1 brings a value of its own,
which raises the entropy (up to log2(784) = 9.6 bits) however the image looks. Comparing a
uint8 image with a float one therefore says more about the storage format than about the
images. ``image_entropy`` quantises float images to uint8 exactly
as real data are stored (``gankit.data.to_uint8``) before counting, and compares many images,
not one of each; ``quantize=False`` keeps the flawed float count so that the difference can be
shown. Introduced in notebook 01.
"""

import numpy as np
from scipy import spatial, stats

from gankit.data import check_images, to_uint8

METRICS = ("wasserstein", "js", "tv")


def image_entropy(images, quantize=True):
    """Shannon entropy in bits of the pixel-value frequencies of each image.

    For one image with pixel values occurring with frequencies p_1..p_m (over its 784 pixels),
    H = -sum_i p_i log2 p_i (``scipy.stats.entropy(counts, base=2)``). A constant image has
    H = 0; an image with two values in equal halves has 1 bit; 784 distinct values give
    log2(784) = 9.61 bits, the most possible. uint8 images can reach at most log2(256) = 8.

    Args:
        images: uint8 ``(N, 28, 28)`` in 0..255, or float ``(N, 28, 28[, 1])`` in [-1, 1].
        quantize: quantise float images to uint8 first, with ``gankit.data.to_uint8`` (round
            ``(x + 1) * 127.5``), so that they are counted like real data. ``False`` counts
            every distinct float as its own value, which inflates the entropy of generated
            images (see the module docstring); use it only to show that effect.

    Returns:
        float64 ``(N,)``: one entropy per image, in bits.
    """
    images = check_images(images, "image_entropy")
    if len(images) == 0:
        return np.zeros(0, dtype=np.float64)
    if images.dtype != np.uint8 and not quantize:
        return np.array([stats.entropy(np.unique(image, return_counts=True)[1], base=2)
                         for image in images], dtype=np.float64)
    values = to_uint8(images).reshape(len(images), -1).astype(np.int64)
    # one row of 256 counts per image, from a single bincount
    offsets = np.arange(len(images))[:, None] * 256
    counts = np.bincount((values + offsets).ravel(), minlength=256 * len(images))
    return stats.entropy(counts.reshape(len(images), 256), base=2, axis=1).astype(np.float64)


def _check_bins(bins):
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}; 256 gives one bin per "
                         f"uint8 intensity.")
    return int(bins)


def pixel_histogram(images, bins=256):
    """Normalised histogram of all pixel intensities of a batch, on the 0..255 scale.

    uint8 values are used as they are; float images in [-1, 1] are mapped to
    ``(x + 1) * 127.5`` without rounding. The bins split [-0.5, 255.5] evenly, so with the
    default 256 bins each bin is centred on one uint8 intensity and a float batch lands in the
    same bins as its quantised copy.

    Args:
        images: uint8 ``(N, 28, 28)`` or float ``(N, 28, 28[, 1])`` in [-1, 1], N >= 1.
        bins: number of equal-width bins.

    Returns:
        ``(probabilities, bin_edges)``: float64 ``(bins,)`` summing to 1, and float64
        ``(bins + 1,)`` edges on the 0..255 scale.
    """
    images = check_images(images, "pixel_histogram")
    bins = _check_bins(bins)
    if len(images) == 0:
        raise ValueError("pixel_histogram got an empty batch (N = 0); pass at least one image.")
    if images.dtype == np.uint8:
        values = images.ravel()
    else:
        values = (images.astype(np.float64).ravel() + 1.0) * 127.5
    counts, edges = np.histogram(values, bins=bins, range=(-0.5, 255.5))
    return counts / counts.sum(), edges


def histogram_distance(real, generated, bins=256, metric="wasserstein"):
    """Distance between the pixel-intensity distributions of two batches.

    Both batches are turned into ``pixel_histogram``s p (real) and q (generated) with the same
    bins, then compared with one of:

    - ``"wasserstein"`` (default): the 1-D Wasserstein (earth mover's) distance
      ``scipy.stats.wasserstein_distance`` between the two distributions, in intensity units
      on the 0..255 scale: how far, on average, intensity mass must move to turn one histogram
      into the other. Computed on the bin centres weighted by p and q, so it is exact for uint8
      images with the default 256 bins and within half a bin width otherwise.
    - ``"js"``: the Jensen-Shannon distance ``scipy.spatial.distance.jensenshannon(p, q,
      base=2)``, the square root of the Jensen-Shannon divergence; 0 to 1.
    - ``"tv"``: the total variation distance ``0.5 * sum |p - q|``, the largest difference in
      the probability the two histograms give to any set of bins; 0 to 1.

    All three are 0 for identical batches and symmetric in the two arguments. JS and TV only
    see whether mass sits in the same bins; Wasserstein also sees how far off it sits.

    Args:
        real, generated: uint8 ``(N, 28, 28)`` or float ``(N, 28, 28[, 1])`` in [-1, 1].
        bins: number of histogram bins on the 0..255 scale.
        metric: ``"wasserstein"``, ``"js"`` or ``"tv"``.

    Returns:
        The distance, a Python float.
    """
    if metric not in METRICS:
        raise ValueError(f"Unknown metric {metric!r}; choose one of {', '.join(METRICS)}.")
    p, edges = pixel_histogram(real, bins)
    q, _ = pixel_histogram(generated, bins)
    if metric == "wasserstein":
        centres = (edges[:-1] + edges[1:]) / 2
        return float(stats.wasserstein_distance(centres, centres, u_weights=p, v_weights=q))
    if metric == "js":
        return float(spatial.distance.jensenshannon(p, q, base=2))
    return float(0.5 * np.abs(p - q).sum())


def _summary(entropies):
    return {"mean": float(np.mean(entropies)), "std": float(np.std(entropies)),
            "median": float(np.median(entropies)), "n": int(len(entropies))}


def entropy_summary(real, generated):
    """Mean, standard deviation and median of the per-image entropies of two sets.

    Args:
        real, generated: uint8 ``(N, 28, 28)`` or float ``(N, 28, 28[, 1])`` in [-1, 1],
            N >= 1 each.

    Returns:
        A dict of dicts, each with ``mean``, ``std``, ``median`` (bits) and ``n`` (images):
        ``"real"`` and ``"generated"``, both quantised to uint8 (the fair comparison), and,
        when ``generated`` holds floats, ``"generated_unquantized"`` counting the raw floats
        (the inflated number).
    """
    sets = {"real": real, "generated": generated}
    for name, images in sets.items():
        if len(np.asarray(images)) == 0:
            raise ValueError(f"entropy_summary got no {name} images; pass at least one.")
    summary = {name: _summary(image_entropy(images)) for name, images in sets.items()}
    if np.asarray(generated).dtype != np.uint8:
        summary["generated_unquantized"] = _summary(image_entropy(generated, quantize=False))
    return summary
