"""Training sets that mix real and generated digits, for the augmentation study.

Two questions: with the size of the training set fixed, how does a classifier's accuracy change
as generated digits replace real ones (``mix_real_and_generated``)? And does a small real set
gain from being topped up with generated digits (``top_up``)? Both build sets balanced per
class, draw images without replacement, shuffle them with a seed, and return a mask saying
which images are real, so that every result can be traced back to its mix.
``augmentation_study`` runs the whole study: it trains a classifier on each set and tests it
on real digits; ``format_study_table`` and ``plot_study`` show its records.
Introduced in notebook 03.
"""

import math

import numpy as np

NUM_CLASSES = 10


def _check_images(real_images, generated_images):
    """Both image arrays, checked to share dtype, image shape and value range."""
    arrays = {"real_images": np.asarray(real_images),
              "generated_images": np.asarray(generated_images)}
    for name, images in arrays.items():
        if images.ndim < 2:
            raise ValueError(f"{name} must be a batch of images (N, 28, 28) or (N, 28, 28, 1), "
                             f"got shape {images.shape}.")
        if images.dtype != np.uint8 and not np.issubdtype(images.dtype, np.floating):
            raise ValueError(f"{name} must be uint8 in 0..255 or float in the model range "
                             f"[-1, 1], got {images.dtype}.")
        if images.dtype != np.uint8 and images.size and not (
                np.isfinite(images).all() and images.min() >= -1 - 1e-6
                and images.max() <= 1 + 1e-6):
            raise ValueError(f"{name} are floats outside the model range [-1, 1] "
                             f"({np.nanmin(images):.4g}..{np.nanmax(images):.4g}); pass 0..255 "
                             f"values as uint8, or convert them with gankit.data.to_model_range.")
    real, generated = arrays.values()
    if real.dtype != generated.dtype or real.shape[1:] != generated.shape[1:]:
        raise ValueError(f"real_images ({real.dtype} {real.shape[1:]} per image) and "
                         f"generated_images ({generated.dtype} {generated.shape[1:]} per image) "
                         f"must share dtype and shape: convert both with gankit.data.to_uint8, "
                         f"or both with gankit.data.to_model_range.")
    return real, generated


def _check_labels(labels, images, name):
    labels = np.asarray(labels)
    if labels.shape != (len(images),):
        raise ValueError(f"{name} has shape {labels.shape}, but there are {len(images)} images: "
                         f"pass one label per image.")
    if labels.size and not (np.issubdtype(labels.dtype, np.integer) or (
            np.issubdtype(labels.dtype, np.floating) and np.all(np.mod(labels, 1) == 0))):
        raise ValueError(f"{name} must be whole-number digit labels 0..9, got {labels.dtype}.")
    if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
        raise ValueError(f"{name} must lie in 0..{NUM_CLASSES - 1}, got values from "
                         f"{labels.min()} to {labels.max()}.")
    return labels.astype(np.int64)


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0, got {value!r}.")
    return int(value)


def per_class_counts(total):
    """Split ``total`` over the 10 classes: ``total // 10`` each, and one more for each of the
    first ``total % 10`` classes (0, 1, ...). Returns int64 ``(10,)`` summing to ``total``."""
    total = _check_count(total, "total")
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
    real_labels = _check_labels(real_labels, real, "real_labels")
    generated_labels = _check_labels(generated_labels, generated, "generated_labels")
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
    real_labels = _check_labels(real_labels, real, "real_labels")
    generated_labels = _check_labels(generated_labels, generated, "generated_labels")
    n_real, total = _check_count(n_real, "n_real"), _check_count(total, "total")
    if n_real > total:
        raise ValueError(f"n_real={n_real} exceeds total={total}; the real images are part of "
                         f"the set, so choose n_real <= total.")
    real_counts, counts = per_class_counts(n_real), per_class_counts(total)
    return _draw(real, real_labels, generated, generated_labels, real_counts,
                 counts - real_counts, seed)


# --- The whole study: train classifiers on such sets, test them on real digits ---------------

SETTING_NAMES = {"mixed": "real share of a fixed-size set", "generated_only": "generated only",
                 "small_real": "small real set alone", "topped_up": "small real set + generated"}


def _generator_function(generator):
    """``generator`` as a function ``(labels int (n,), seed) -> images (n, ...)``.

    Accepts a conditional ``gankit.gan.GAN`` (its ``generate``), a fitted
    ``gankit.ppca.ClassConditionalPPCA`` (its ``sample``) or such a function itself.
    """
    if hasattr(generator, "generate"):
        if not getattr(generator, "conditional", False):
            raise ValueError("The augmentation study needs labelled digits: pass a conditional "
                             "GAN (recipes.make_gan('ccgan')), not an unconditional one.")
        return lambda labels, seed: generator.generate(len(labels), labels=labels, seed=seed)
    if hasattr(generator, "sample"):
        return lambda labels, seed: generator.sample(len(labels), labels=labels, seed=seed)[0]
    if callable(generator):
        return generator
    raise ValueError(f"generator must be a conditional GAN, a ClassConditionalPPCA or a "
                     f"function (labels, seed) -> images; got {type(generator).__name__}.")


def augmentation_study(generator, real_images, real_labels, test_images, test_labels, total,
                       real_fractions=(0.1, 0.2, 0.5, 1.0), small_real=None, seeds=(0,),
                       epochs=6, verbose=0):
    """Test accuracy on real digits of classifiers trained on mixes of real and generated ones.

    For each seed, a fresh network of the evaluator's architecture
    (``gankit.evaluator.train_classifier``, ``epochs`` epochs) is trained on each of these sets
    and tested on ``test_images``:

    - ``"mixed"``: ``total`` images, a share ``f`` real, for each ``f`` in ``real_fractions``
      (``mix_real_and_generated``);
    - ``"generated_only"``: ``total`` generated images (the classification accuracy score,
      ``gankit.metrics.classification_accuracy_score``);
    - with ``small_real``: ``"small_real"``, ``small_real`` real images alone, and
      ``"topped_up"``, the same real images completed to ``total`` with generated ones
      (``top_up``).

    Every set is balanced per digit. The seed chooses the real images, the generated images
    (``total`` of them, balanced, drawn once per seed), the shuffle and the classifier's
    initialisation. The classifier's seed makes runs repeatable on one backend and device.

    Args:
        generator: a conditional ``GAN``, a fitted ``ClassConditionalPPCA``, or a function
            ``(labels int (n,), seed) -> images (n, 28, 28[, 1])``, model range or uint8.
        real_images: uint8 ``(N, 28, 28)`` or model range ``float32 (N, 28, 28[, 1])``.
        real_labels, test_labels: int ``(N,)`` in 0..9.
        test_images: real test digits, as ``real_images``.
        total: size of every training set but the small real one.
        real_fractions: shares of real images in [0, 1].
        small_real: size of the small real set (< ``total``), or None to skip that comparison.
        seeds: one run of every configuration per seed.
        epochs: classifier training epochs.

    Returns:
        list of dicts, one per configuration and seed, in the order above: ``setting`` (a key
        of ``SETTING_NAMES``), ``real_fraction`` (float, share of real images), ``n_real``,
        ``n_generated``, ``seed``, ``epochs`` and ``test_accuracy`` (float in [0, 1]).
    """
    from gankit import evaluator, metrics
    make = _generator_function(generator)
    real = evaluator.prepare_images(real_images)
    real_labels = _check_labels(real_labels, real, "real_labels")
    test = evaluator.prepare_images(test_images)
    test_labels = _check_labels(test_labels, test, "test_labels")
    total = _check_count(total, "total")
    if total < NUM_CLASSES:
        raise ValueError(f"total={total} cannot hold every digit; choose total >= {NUM_CLASSES}.")
    fractions = [float(f) for f in real_fractions]
    if any(not 0.0 <= f <= 1.0 for f in fractions):
        raise ValueError(f"real_fractions must be shares in [0, 1] (not percentages), got "
                         f"{list(real_fractions)}.")
    if small_real is not None and not 0 < _check_count(small_real, "small_real") < total:
        raise ValueError(f"small_real={small_real} must lie between 1 and total - 1 = "
                         f"{total - 1}, or be None to skip the small-set comparison.")
    seeds = [int(seed) for seed in seeds]
    if not seeds:
        raise ValueError("seeds is empty; pass at least one seed, e.g. (0,).")
    if _check_count(epochs, "epochs") < 1:
        raise ValueError("epochs must be at least 1.")

    def test_accuracy(images, labels, seed):
        model, _ = evaluator.train_classifier(images, labels, epochs=epochs, seed=seed,
                                              verbose=verbose)
        logits = model.predict(test, batch_size=evaluator.BATCH_SIZE, verbose=0)
        return float(np.mean(np.asarray(logits).argmax(axis=1) == test_labels))

    records = []
    for seed in seeds:
        generated_labels = np.arange(total) % NUM_CLASSES  # per_class_counts(total) of each
        generated = evaluator.prepare_images(make(generated_labels, seed))
        if len(generated) != total:
            raise ValueError(f"The generator returned {len(generated)} images for {total} "
                             f"labels; it must return one image per label.")

        def record(setting, images, labels, is_real, accuracy=None):
            if accuracy is None:
                accuracy = test_accuracy(images, labels, seed)
            n_real = int(np.sum(is_real))
            records.append({"setting": setting, "real_fraction": n_real / len(labels),
                            "n_real": n_real, "n_generated": len(labels) - n_real,
                            "seed": seed, "epochs": epochs, "test_accuracy": accuracy})

        for fraction in fractions:
            record("mixed", *mix_real_and_generated(real, real_labels, generated,
                                                    generated_labels, total, fraction, seed))
        images, labels, is_real = mix_real_and_generated(real, real_labels, generated,
                                                         generated_labels, total, 0.0, seed)
        record("generated_only", images, labels, is_real, metrics.classification_accuracy_score(
            images, labels, test, test_labels, epochs=epochs, seed=seed, verbose=verbose))
        if small_real is not None:
            # The same seed draws the same real images for both sets: a paired comparison.
            record("small_real", *top_up(real, real_labels, generated, generated_labels,
                                         small_real, small_real, seed))
            record("topped_up", *top_up(real, real_labels, generated, generated_labels,
                                        small_real, total, seed))
    return records


def _describe(row):
    if row["setting"] == "mixed":
        return f"{row['real_fraction']:.0%} real, {row['n_generated']:,} generated"
    if row["setting"] == "generated_only":
        return f"generated only ({row['n_generated']:,})"
    if row["setting"] == "small_real":
        return f"{row['n_real']:,} real alone"
    return f"{row['n_real']:,} real + {row['n_generated']:,} generated"


def summarise_study(records):
    """One row per configuration of ``augmentation_study``'s records, over the seeds.

    Returns:
        list of dicts, in the records' order: ``setting``, ``description`` (str),
        ``real_fraction``, ``n_real``, ``n_generated``, ``n_seeds`` and the test accuracy's
        ``mean``, ``min`` and ``max`` (floats in [0, 1]).
    """
    if not records:
        raise ValueError("No records to summarise; run augmentation_study first.")
    groups = {}
    for r in records:
        key = (r["setting"], r["n_real"], r["n_generated"])
        groups.setdefault(key, []).append(r["test_accuracy"])
    rows = []
    for (setting, n_real, n_generated), accuracies in groups.items():
        row = {"setting": setting, "real_fraction": n_real / (n_real + n_generated),
               "n_real": n_real, "n_generated": n_generated, "n_seeds": len(accuracies),
               "mean": float(np.mean(accuracies)), "min": float(np.min(accuracies)),
               "max": float(np.max(accuracies))}
        rows.append({"description": _describe(row), **row})
    return rows


def format_study_table(records):
    """A Markdown table of ``summarise_study(records)``: test accuracy, mean and min..max."""
    lines = ["| training set | real | generated | seeds | test accuracy: mean | min..max |",
             "|---|---|---|---|---|---|"]
    for row in summarise_study(records):
        lines.append(f"| {row['description']} | {row['n_real']:,} | {row['n_generated']:,} | "
                     f"{row['n_seeds']} | {row['mean']:.2%} | "
                     f"{row['min']:.2%}..{row['max']:.2%} |")
    return "\n".join(lines)


def plot_study(records, path=None, title=None):
    """Two panels: accuracy against the real share of the fixed-size set (generated only at
    0%), and the small real set alone against the same set topped up. Points are means over
    the seeds, bars span min..max. Returns a ``matplotlib.figure.Figure``; ``path`` also saves
    it (``gankit.plotting.save_figure``)."""
    from matplotlib.figure import Figure
    rows = summarise_study(records)
    small = [r for r in rows if r["setting"] in ("small_real", "topped_up")]
    fig = Figure(figsize=(10 if small else 5.5, 3.8))
    axes = fig.subplots(1, 2 if small else 1, squeeze=False)[0]

    def spread(subset):
        means = np.array([r["mean"] for r in subset])
        return means, [means - [r["min"] for r in subset], [r["max"] for r in subset] - means]

    for setting, style in (("mixed", "o-"), ("generated_only", "s")):
        subset = sorted((r for r in rows if r["setting"] == setting),
                        key=lambda r: r["real_fraction"])
        if subset:
            means, error = spread(subset)
            axes[0].errorbar([100 * r["real_fraction"] for r in subset], means, yerr=error,
                             fmt=style, capsize=4, label=SETTING_NAMES[setting])
    axes[0].set(xlabel="real images in the training set (%)", ylabel="test accuracy (real digits)",
                title=f"fixed size: {rows[0]['n_real'] + rows[0]['n_generated']:,} images")
    axes[0].legend(fontsize=8)
    if small:
        means, error = spread(small)
        axes[1].errorbar(range(len(small)), means, yerr=error, fmt="o", capsize=4)
        axes[1].set_xticks(range(len(small)), [r["description"] for r in small], fontsize=8)
        axes[1].set_xlim(-0.5, len(small) - 0.5)
        axes[1].set(ylabel="test accuracy (real digits)", title="a small real set, topped up")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if path is not None:
        from gankit.plotting import save_figure
        save_figure(fig, path)
    return fig
