"""Generators trained in the full setting, shipped with the kit: good samples without training.

    gan = load_generator("dcgan")          # no network access; any Keras backend
    images = gan.generate(16, seed=0)      # float32 (16, 28, 28, 1) in [-1, 1]
    provenance("dcgan")["scores"]          # what its samples scored, 10,000 of them

Each generator is two files in ``gankit/weights/``:

- ``<model>_generator.npz``: the generator's weights in float16 (half the bytes of float32; the
  samples do not change visibly), keys ``w000``, ``w001``, ... in the order of
  ``generator.weights``, and for a recipe with clusters (``gankit.clusters``) their weights,
  keys ``c000``, ... in the order of ``clusters.weights``;
- ``<model>_generator.json``: its provenance: the recipe (networks and optimizers), setting,
  epochs, seed, backend, training time, and the scores of its samples, measured after the
  float16 rounding, on ``n_samples`` (10,000) samples and on a check sample of
  ``CHECK_SAMPLES`` (seed ``CHECK_SEED``) that a test recomputes on every backend.

``export`` writes both from a trained GAN; ``benchmarks/quality.py --export`` trains each model
in the full setting and exports it (the README gives the command per model).
Introduced in notebooks 01 to 04.
"""

import json
import os
from pathlib import Path

import numpy as np

from gankit import recipes
from gankit.evaluation import score_images

MODELS = ("vanilla", "dcgan", "ccgan")
FOLDER = Path(__file__).resolve().parent / "weights"
MAX_FILE_BYTES = 5_000_000     # per weights file
MAX_TOTAL_BYTES = 12_000_000   # all shipped generators together
CHECK_SAMPLES = 2000           # the sample a test re-scores on every backend
CHECK_SEED = 0


def _check_model(model):
    if model not in MODELS:
        raise ValueError(f"Unknown pretrained model {model!r}; choose one of {list(MODELS)}.")
    return model


def paths(model, folder=None):
    """``(weights, provenance)`` paths of ``model``'s generator in ``folder`` (default the
    package's ``gankit/weights``)."""
    stem = Path(folder or FOLDER) / f"{_check_model(model)}_generator"
    return stem.with_suffix(".npz"), stem.with_suffix(".json")


def available(folder=None):
    """The models whose pretrained generator is in ``folder``, in ``MODELS`` order."""
    return [m for m in MODELS if all(p.is_file() for p in paths(m, folder))]


def provenance(model, folder=None):
    """The provenance record of ``model``'s pretrained generator (a dict, see the module)."""
    weights, record = paths(model, folder)
    if not (weights.is_file() and record.is_file()):
        raise FileNotFoundError(
            f"No pretrained {model} generator in {weights.parent} (missing {weights.name} or "
            f"{record.name}). Train and export it in the full setting: GANKIT_SETTING=full "
            f"python benchmarks/quality.py --models {model} --export")
    return json.loads(record.read_text())


def describe(model, folder=None):
    """Two lines on how ``model``'s pretrained generator was made and how its samples scored
    (from its provenance record), for a notebook to print."""
    made = provenance(model, folder)
    scores = made["scores"]
    made_line = (f"trained for {made['epochs']} epochs ({made['setting']} setting, batch "
                 f"{made['batch_size']}, {made['backend']}), {made['train_seconds'] / 60:.0f} min "
                 f"on the machine that made it" + (f" ({made['note']})" if "note" in made else ""))
    score_line = (f"scores of {scores['n']:,} samples: classifier score "
                  f"{scores['classifier_score']:.2f}, Fréchet {scores['frechet_distance']:.1f}, "
                  f"recognisable {scores['recognisable_fraction']:.2f}")
    if "conditional_accuracy" in scores:
        score_line += f", conditional accuracy {scores['conditional_accuracy']:.3f}"
    return made_line + "\n" + score_line


def load_generator(model, folder=None):
    """The pretrained generator of ``model`` (``"vanilla"``, ``"dcgan"`` or ``"ccgan"``).

    Returns:
        a ``GAN`` whose generator holds the shipped weights, ready for ``generate(n, seed=...)``
        (``float32 (n, 28, 28, 1)`` in [-1, 1]; the CCGAN also takes ``labels``). Its
        discriminator is freshly initialised (only the generator ships): use it to sample, not
        to go on training.

    Raises:
        FileNotFoundError: the files are missing (the message gives the command that makes them).
        ValueError: the weights do not fit the recorded recipe's generator.
    """
    record = provenance(model, folder)
    weights_path = paths(model, folder)[0]
    with np.load(weights_path) as stored:
        arrays = {prefix: [stored[key] for key in sorted(stored.files) if key.startswith(prefix)]
                  for prefix in "wc"}
    return _with_weights(record["recipe"], arrays["w"], record["seed"], model, weights_path,
                         cluster_arrays=arrays["c"])


def _with_weights(recipe, arrays, seed, model, source, cluster_arrays=()):
    """A ``GAN`` of ``recipe`` whose generator (and clusters, if any) hold ``arrays`` (and
    ``cluster_arrays``), converted to float32."""
    gan = recipes.build(recipe, seed=seed, name=f"pretrained_{model}")
    for layer, given, what in ((gan.generator, arrays, "generator"),
                               (gan.clusters, cluster_arrays, "clusters")):
        expected = [tuple(v.shape) for v in (layer.weights if layer is not None else [])]
        if [tuple(a.shape) for a in given] != expected:
            raise ValueError(
                f"{source} holds {len(given)} {what} arrays that do not fit the {model} {what} "
                f"of its recipe ({len(expected)} weights); export it again with "
                f"benchmarks/quality.py --models {model} --export.")
        if layer is not None:
            layer.set_weights([np.asarray(a, dtype="float32") for a in given])
    return gan


def check_scores(gan, n=CHECK_SAMPLES, seed=CHECK_SEED):
    """The evaluator's scores of ``n`` samples of ``gan`` (seed ``seed``), as a provenance
    record stores them."""
    labels = gan.class_labels(n)
    return score_images(gan.generate(n, seed=seed, labels=labels), labels=labels)


def export(gan, model, info, folder=None, n_samples=10_000, seed=0):
    """Write ``gan``'s generator and its provenance to ``folder`` (default ``gankit/weights``).

    The weights are rounded to float16 first and every score is measured on the rounded
    generator, so the record describes exactly what ``load_generator`` returns.

    Args:
        gan: a trained ``GAN`` built by ``gankit.recipes``.
        model: its name in ``MODELS``.
        info: what made it, stored as given: at least ``recipe`` (the recipe dict),
            ``setting``, ``epochs``, ``batch_size``, ``seed``, ``backend``, ``train_seconds``.
        n_samples, seed: the scored sample (``scores``); the check sample is
            ``CHECK_SAMPLES`` images of seed ``CHECK_SEED`` (``check``).

    Returns:
        the provenance record (a dict).

    Raises:
        ValueError: ``info`` lacks a field, a weight does not fit float16, or a file would
            exceed ``MAX_FILE_BYTES``.
    """
    _check_model(model)
    missing = ({"recipe", "setting", "epochs", "batch_size", "seed", "backend", "train_seconds"}
               - set(info))
    if missing:
        raise ValueError(f"export needs {sorted(missing)} in info (what made the generator).")
    clusters = gan.clusters.get_weights() if gan.clusters is not None else []
    with np.errstate(over="ignore"):  # a weight beyond float16 becomes inf: refused below
        rounded, rounded_clusters = ([np.asarray(w).astype("float16") for w in weights]
                                     for weights in (gan.generator.get_weights(), clusters))
    if not all(np.isfinite(w).all() for w in rounded + rounded_clusters):
        raise ValueError(f"A weight of the {model} generator is beyond float16's range (65504) "
                         f"or not finite; it cannot be shipped in float16.")
    shipped = _with_weights(info["recipe"], rounded, info["seed"], model, "the rounded weights",
                            cluster_arrays=rounded_clusters)
    weights_path, record_path = paths(model, folder)
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = weights_path.with_name(weights_path.name + ".tmp")
    with open(temporary, "wb") as f:
        np.savez_compressed(f, **{f"w{i:03d}": w for i, w in enumerate(rounded)},
                            **{f"c{i:03d}": w for i, w in enumerate(rounded_clusters)})
    size = os.path.getsize(temporary)
    if size > MAX_FILE_BYTES:
        os.remove(temporary)
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
    record_temporary = record_path.with_name(record_path.name + ".tmp")
    record_temporary.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(temporary, weights_path)
    os.replace(record_temporary, record_path)
    return record
