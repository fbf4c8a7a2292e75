"""The augmentation study: do generated digits help a classifier of real ones?

``augmentation_study`` trains a fresh classifier of the evaluator's architecture on each of
several training sets built by ``gankit.studies.augment`` (a fixed size with a varying real share,
generated digits only, a small real set alone and topped up) and tests it on real digits;
``summarise_study``, ``format_study_table`` and ``plot_study`` show its records.
Introduced in notebook 03.
"""

import dataclasses
import hashlib

import numpy as np
import keras

from gankit import config
from gankit.evaluation.classifier import prepare_images, train_and_test
from gankit.plotting import new_figure, save_figure
from gankit.studies.augment import (NUM_CLASSES, check_count, check_labels,
                                    mix_real_and_generated, top_up)


@dataclasses.dataclass(frozen=True)
class Sizes:
    """The augmentation study's size in one setting (``sizes()`` gives the current one).

    Attributes:
        total: size of every training set but the small real one.
        small_real: size of the small real set.
        seeds: one run of every configuration per seed.
        classifier_epochs: training epochs of each classifier.
    """

    total: int
    small_real: int
    seeds: tuple
    classifier_epochs: int


SIZES = {
    "quick": Sizes(total=600, small_real=100, seeds=(0,), classifier_epochs=1),
    "laptop": Sizes(total=10_000, small_real=1_000, seeds=(0,), classifier_epochs=3),
    "full": Sizes(total=10_000, small_real=1_000, seeds=(0, 1), classifier_epochs=6),
}


def sizes(setting=None):
    """The study's ``Sizes`` in ``setting`` (default: the current one, ``gankit.config``)."""
    return SIZES[setting or config.setting_name()]


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
                       epochs=6, verbose=0, progress_bar=True):
    """Test accuracy on real digits of classifiers trained on mixes of real and generated ones.

    For each seed, a fresh network of the evaluator's architecture
    (``gankit.evaluation.classifier.train_classifier``, ``epochs`` epochs) is trained on each of these sets
    and tested on ``test_images``:

    - ``"mixed"``: ``total`` images, a share ``f`` real, for each ``f`` in ``real_fractions``
      (``mix_real_and_generated``);
    - ``"generated_only"``: ``total`` generated images (the classification accuracy score);
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
        verbose: Keras's per-epoch output of each classifier.
        progress_bar: show a progress bar over the classifiers (``keras.utils.Progbar``).

    Returns:
        list of dicts, one per configuration and seed, in the order above: ``setting`` (a key
        of ``SETTING_NAMES``), ``real_fraction`` (float, share of real images), ``n_real``,
        ``n_generated``, ``seed``, ``epochs`` and ``test_accuracy`` (float in [0, 1]).
    """
    make = _generator_function(generator)
    real = prepare_images(real_images)
    real_labels = check_labels(real_labels, real, "real_labels")
    test = prepare_images(test_images)
    test_labels = check_labels(test_labels, test, "test_labels")
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
    if check_count(epochs, "epochs") < 1:
        raise ValueError("epochs must be at least 1.")

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
        record("generated_only", images, labels, is_real)  # the classification accuracy score
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
