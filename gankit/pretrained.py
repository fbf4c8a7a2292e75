"""Generators trained in the full setting, shipped with the kit: good samples without training.

    gan = load_generator("dcgan")          # no network access; any Keras backend
    images = gan.generate(16, seed=0)      # float32 (16, 28, 28, 1) in [-1, 1]
    provenance("dcgan")["scores"]          # what its samples scored, 10,000 of them

Each generator is two files in ``gankit/weights/``: ``<model>_generator.npz``, its weights in
float16 (keys ``w000``, ... in the order of ``generator.weights``, then ``c000``, ... for a
recipe's ``clusters``), and ``<model>_generator.json``, its provenance: recipe, setting, epochs,
seed, backend, training time and the scores of its float16 samples (``scores``, and a smaller
``check`` sample a test re-scores on every backend). ``benchmarks/export.py`` writes them.
Introduced in notebooks 01 to 04.
"""

import json
from pathlib import Path

import numpy as np

from gankit import recipes

MODELS = ("vanilla", "dcgan", "ccgan")
FOLDER = Path(__file__).resolve().parent / "weights"


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
        FileNotFoundError: the files are missing; ValueError: they do not fit the recipe.
    """
    record = provenance(model, folder)
    weights_path = paths(model, folder)[0]
    with np.load(weights_path) as stored:
        arrays = {prefix: [stored[key] for key in sorted(stored.files) if key.startswith(prefix)]
                  for prefix in "wc"}
    return build_with_weights(record["recipe"], arrays["w"], record["seed"], model,
                              weights_path, cluster_arrays=arrays["c"])


def build_with_weights(recipe, arrays, seed, model, source, cluster_arrays=()):
    """A ``GAN`` of ``recipe`` whose generator (and clusters, if any) hold ``arrays`` (and
    ``cluster_arrays``), converted to float32; ``source`` names where they came from."""
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
