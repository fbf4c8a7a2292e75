"""The augmentation study: do generated digits help a classifier of real ones?

Training sets mix real and generated digits, balanced per class, with a mask saying which are
real (``mix_real_and_generated``, ``top_up``); ``augmentation_study`` trains a classifier on
each and tests it on real digits. Its sizes are ``gankit.settings().augmentation``.
Introduced in notebook 03.
"""

import hashlib
import math

import numpy as np
import keras

from gankit.checks import NUM_CLASSES, check_count, check_images, check_labels
from gankit.evaluation.classifier import prepare_images, train_and_test
from gankit.plotting import new_figure, save_figure


def _check_images(real_images, generated_images):
    """Both image arrays, checked to share dtype and shape."""
    real = check_images(real_images, "real_images")
    generated = check_images(generated_images, "generated_images")
    if real.dtype != generated.dtype or real.shape[1:] != generated.shape[1:]:
        raise ValueError(f"real_images ({real.dtype} {real.shape[1:]} per image) and generated_"
                         f"images ({generated.dtype} {generated.shape[1:]}) must share dtype and "
                         f"shape: convert both with gankit.data.to_uint8 or to_model_range.")
    return real, generated


def per_class_counts(total):
    """``total`` split over the 10 classes, the remainder one each to classes 0, 1, ...:
    int64 ``(10,)``."""
    total = check_count(total, "total")
    return total // NUM_CLASSES + (np.arange(NUM_CLASSES) < total % NUM_CLASSES).astype(np.int64)


def _draw(real_images, real_labels, generated_images, generated_labels, n_real, counts, seed):
    """Draw ``n_real[c]`` real and ``counts[c] - n_real[c]`` generated images of each digit c."""
    real, generated = _check_images(real_images, generated_images)
    real_labels = check_labels(real_labels, len(real), "real_labels")
    generated_labels = check_labels(generated_labels, len(generated), "generated_labels")
    n_generated = counts - n_real
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
    """A training set of ``total`` images, a share ``real_fraction`` of them real: digit c gets
    ``per_class_counts(total)[c]`` images, ``floor(real_fraction * count + 0.5)`` of them real,
    drawn without replacement and shuffled (the same arguments and seed, the same set).

    Args:
        real_images, generated_images: ``(N, ...)`` of one dtype and shape, uint8 in 0..255
            or float in the model range [-1, 1]; real_labels, generated_labels: 0..9 each.
        total: size of the set; real_fraction: share of real images in [0, 1].

    Returns:
        ``(images, labels, is_real)``: images ``(total, ...)`` in the input dtype, labels int64
        ``(total,)``, is_real bool ``(total,)``. A class with too few images of a source is a
        ``ValueError`` that gives the counts.
    """
    counts = per_class_counts(total)
    if not 0.0 <= float(real_fraction) <= 1.0:
        raise ValueError(f"real_fraction must lie in [0, 1] (a share, not a percentage), got "
                         f"{real_fraction}.")
    n_real = np.array([math.floor(real_fraction * count + 0.5) for count in counts])
    return _draw(real_images, real_labels, generated_images, generated_labels, n_real, counts,
                 seed)


def top_up(real_images, real_labels, generated_images, generated_labels, n_real, total, seed=0):
    """A small real set of ``n_real`` images topped up with generated ones to ``total``, both
    balanced per digit (``per_class_counts``); otherwise as ``mix_real_and_generated``."""
    n_real, total = check_count(n_real, "n_real"), check_count(total, "total")
    if n_real > total:
        raise ValueError(f"n_real={n_real} exceeds total={total}; the real images are part of "
                         f"the set, so choose n_real <= total.")
    return _draw(real_images, real_labels, generated_images, generated_labels,
                 per_class_counts(n_real), per_class_counts(total), seed)


SETTING_NAMES = {"mixed": "real share of a fixed-size set", "generated_only": "generated only",
                 "small_real": "small real set alone", "topped_up": "small real set + generated"}


def _generator_function(generator):
    """A conditional ``GAN``, a fitted ``ClassConditionalPPCA`` or such a function, as a
    function ``(labels int (n,), seed) -> images (n, ...)``."""
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
                       epochs=6, verbose=0, progress_bar=True):
    """Test accuracy on real digits of classifiers trained on mixes of real and generated ones.

    Per seed, a fresh network of the evaluator's architecture trains ``epochs`` on each set and
    is tested on ``test_images``: ``"mixed"`` (``total`` images, a share ``f`` real for each of
    ``real_fractions``), ``"generated_only"`` (the classification accuracy score), and with
    ``small_real`` that many real images alone (``"small_real"``) and topped up to ``total``
    (``"topped_up"``). The seed draws the real and generated images and initialises the net.

    Args:
        generator: a conditional ``GAN``, a fitted ``ClassConditionalPPCA``, or a function
            ``(labels int (n,), seed) -> images (n, 28, 28[, 1])``, model range or uint8.
        real_images, test_images: uint8 ``(N, 28, 28)`` or model range ``(N, 28, 28[, 1])``;
            real_labels, test_labels: int ``(N,)`` in 0..9.
        small_real: size of the small real set (< ``total``), or None to skip that comparison.
        verbose: Keras's per-epoch output of each classifier; progress_bar: one over them all.

    Returns:
        one dict per set and seed, in the order above: ``setting`` (a key of ``SETTING_NAMES``),
        ``real_fraction``, ``n_real``, ``n_generated``, ``seed``, ``epochs``, ``test_accuracy``.
    """
    make = _generator_function(generator)
    real = prepare_images(real_images)
    real_labels = check_labels(real_labels, len(real), "real_labels")
    test = prepare_images(test_images)
    test_labels = check_labels(test_labels, len(test), "test_labels")
    total = check_count(total, "total")
    if total < NUM_CLASSES:
        raise ValueError(f"total={total} cannot hold every digit; choose total >= {NUM_CLASSES}.")
    fractions = [float(f) for f in real_fractions]
    if any(not 0.0 <= f <= 1.0 for f in fractions):
        raise ValueError(f"real_fractions must be shares in [0, 1] (not percentages), got "
                         f"{list(real_fractions)}.")
    if small_real is not None and not 0 < check_count(small_real, "small_real") < total:
        raise ValueError(f"small_real={small_real} must lie between 1 and total - 1 = "
                         f"{total - 1}, or be None to skip the small-set comparison.")
    seeds = [int(seed) for seed in seeds]
    if not seeds:
        raise ValueError("seeds is empty; pass at least one seed, e.g. (0,).")
    check_count(epochs, "epochs", minimum=1)

    trained = {}  # one classifier per distinct (training set, seed)

    def test_accuracy(images, labels, seed):
        key = (seed, hashlib.sha1(images.tobytes() + labels.tobytes()).hexdigest())
        if key not in trained:  # e.g. "topped up" equals "mixed" when small_real/total is a share
            trained[key] = train_and_test(images, labels, test, test_labels, epochs=epochs,
                                          seed=seed, verbose=verbose)
        progress.add(1)
        return trained[key]

    per_seed = len(fractions) + 1 + (2 if small_real is not None else 0)
    progress = keras.utils.Progbar(per_seed * len(seeds), unit_name="classifier",
                                   verbose=1 if progress_bar else 0)

    records = []
    for seed in seeds:
        generated_labels = np.arange(total) % NUM_CLASSES  # per_class_counts(total) of each
        generated = prepare_images(make(generated_labels, seed))
        if len(generated) != total:
            raise ValueError(f"The generator returned {len(generated)} images for {total} "
                             f"labels; it must return one image per label.")

        def record(setting, images, labels, is_real):
            n_real = int(np.sum(is_real))
            records.append({"setting": setting, "real_fraction": n_real / len(labels),
                            "n_real": n_real, "n_generated": len(labels) - n_real, "seed": seed,
                            "epochs": epochs, "test_accuracy": test_accuracy(images, labels, seed)})

        for fraction in fractions:
            record("mixed", *mix_real_and_generated(real, real_labels, generated,
                                                    generated_labels, total, fraction, seed))
        record("generated_only", *mix_real_and_generated(  # the classification accuracy score
            real, real_labels, generated, generated_labels, total, 0.0, seed))
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
    """One row per configuration of ``augmentation_study``'s records, over the seeds, in their
    order: ``setting``, ``description``, ``real_fraction``, ``n_real``, ``n_generated``,
    ``n_seeds`` and the test accuracy's ``mean``, ``min`` and ``max`` (in [0, 1])."""
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
    """Accuracy against the real share of the fixed-size set, and the small real set alone
    against the same topped up: means over the seeds, bars min..max. Returns the ``Figure``;
    ``path`` also saves it."""
    rows = summarise_study(records)
    small = [r for r in rows if r["setting"] in ("small_real", "topped_up")]
    fig = new_figure(figsize=(10 if small else 5.5, 3.8))
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
        save_figure(fig, path)
    return fig
