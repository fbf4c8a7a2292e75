"""Shipping a trained generator: its float16 weights and provenance in ``gankit/weights/``.

``benchmarks/quality.py --export`` calls ``export`` after training a model in the full setting;
``gankit.pretrained`` loads what it writes, and ``check_scores`` is what a test re-scores.
"""

import io
import json

import numpy as np

from gankit import pretrained
from gankit.evaluation.scores import score_images
from gankit.files import write_atomic

MAX_FILE_BYTES = 5_000_000     # per weights file
MAX_TOTAL_BYTES = 12_000_000   # all shipped generators together
CHECK_SAMPLES = 2000           # the sample a test re-scores on every backend
CHECK_SEED = 0
INFO = {"recipe", "setting", "epochs", "batch_size", "seed", "backend", "train_seconds"}


def check_scores(gan, n=CHECK_SAMPLES, seed=CHECK_SEED):
    """The evaluator's scores of ``n`` samples of ``gan`` (seed ``seed``), as a provenance
    record stores them."""
    labels = gan.class_labels(n)
    return score_images(gan.generate(n, seed=seed, labels=labels), labels=labels)


def export(gan, model, info, folder=None, n_samples=10_000, seed=0):
    """Write ``gan``'s generator and its provenance to ``folder`` (default ``gankit/weights``).

    The weights are rounded to float16 first and every score is measured on the rounded
    generator, so the record describes exactly what ``pretrained.load_generator`` returns.

    Args:
        gan: a trained ``GAN`` built by ``gankit.recipes``.
        model: its name in ``pretrained.MODELS``.
        info: what made it, stored as given: at least the keys of ``INFO``.
        n_samples, seed: the scored sample (``scores``); the check sample is
            ``CHECK_SAMPLES`` images of seed ``CHECK_SEED`` (``check``).

    Returns:
        the provenance record (a dict).

    Raises:
        ValueError: ``info`` lacks a field, a weight does not fit float16, or a file would
            exceed ``MAX_FILE_BYTES``.
    """
    weights_path, record_path = pretrained.paths(model, folder)
    missing = INFO - set(info)
    if missing:
        raise ValueError(f"export needs {sorted(missing)} in info (what made the generator).")
    clusters = gan.clusters.get_weights() if gan.clusters is not None else []
    with np.errstate(over="ignore"):  # a weight beyond float16 becomes inf: refused below
        rounded, rounded_clusters = ([np.asarray(w).astype("float16") for w in weights]
                                     for weights in (gan.generator.get_weights(), clusters))
    if not all(np.isfinite(w).all() for w in rounded + rounded_clusters):
        raise ValueError(f"A weight of the {model} generator is beyond float16's range (65504) "
                         f"or not finite; it cannot be shipped in float16.")
    shipped = pretrained.build_with_weights(info["recipe"], rounded, info["seed"], model,
                                            "the rounded weights", cluster_arrays=rounded_clusters)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{f"w{i:03d}": w for i, w in enumerate(rounded)},
                        **{f"c{i:03d}": w for i, w in enumerate(rounded_clusters)})
    size = buffer.getbuffer().nbytes
    if size > MAX_FILE_BYTES:
        raise ValueError(f"The {model} generator takes {size:,} bytes in float16, over the "
                         f"{MAX_FILE_BYTES:,} allowed per file: ship a smaller generator.")
    labels = shipped.class_labels(n_samples)
    record = {"model": model, **info,
              "weights": {"file": weights_path.name, "dtype": "float16", "bytes": size,
                          "parameters": int(sum(w.size for w in rounded))},
              "n_samples": n_samples, "sample_seed": seed,
              "scores": score_images(shipped.generate(n_samples, seed=seed, labels=labels),
                                     labels=labels),
              "check": {"n_samples": CHECK_SAMPLES, "seed": CHECK_SEED,
                        "scores": check_scores(shipped)}}
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(weights_path, buffer.getvalue())
    write_atomic(record_path, json.dumps(record, indent=1) + "\n")
    return record
