"""The reference rows that scores of generated digits are read against.

``compute_reference_scores`` scores the ceiling (real training digits against the test set) and
two floors (uniform noise; one digit repeated: total mode collapse) with the shipped evaluator;
``reference_scores`` reads the rows stored next to its weights
(``gankit/weights/reference_scores.json``). Introduced in notebook 01.
"""

import json
from pathlib import Path

import numpy as np

from gankit import data
from gankit.evaluation.classifier import WEIGHTS_PATH, load_evaluator
from gankit.evaluation.scores import score_images

REFERENCE_PATH = WEIGHTS_PATH.parent / "reference_scores.json"


def compute_reference_scores(evaluator=None, n=10_000, seed=0, data_dir=None, path=None,
                             details=None):
    """Score the ceiling and the floors that generated digits are read against.

    Rows: ``real_train`` (``n`` real training images, ``gankit.data.subset`` with ``seed``,
    against the test set: the best a generator can hope for), ``uniform_noise`` (``n`` images
    uniform in [-1, 1], numpy seed ``seed``) and ``single_digit`` (the first training image,
    repeated ``n`` times: total mode collapse).

    Args:
        evaluator: from ``load_evaluator`` (default: the shipped weights).
        path: if given, also write the rows and how they were computed to this JSON file.
        details: a dict of further facts to store in that file (e.g. the evaluator's accuracy).

    Returns:
        dict name -> row, each row the dict of ``score_images`` plus a ``description``.
    """
    if evaluator is None:
        evaluator = load_evaluator()
    train_images, train_labels = data.load_mnist("train", data_dir=data_dir)
    test_images = data.load_mnist("test", data_dir=data_dir)[0]
    real, _ = data.subset(train_images, train_labels, n=n, seed=seed)
    noise = np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")
    single = np.repeat(train_images[:1], n, axis=0)
    inputs = {
        "real_train": (real, f"{n} real training images (gankit.data.subset, seed {seed})"),
        "uniform_noise": (noise, f"{n} images of uniform noise in [-1, 1] (numpy seed {seed})"),
        "single_digit": (single, f"the first training image (a {int(train_labels[0])}) "
                                 f"repeated {n} times"),
    }
    rows = {}
    for name, (images, description) in inputs.items():
        rows[name] = dict(score_images(images, real_test=test_images, evaluator=evaluator),
                          description=description)
    if path is not None:
        method = ("Scores of gankit.evaluation.score_images with the evaluator whose weights are "
                  "stored next to this file, each against all 10,000 MNIST test images. "
                  "Recompute with gankit.evaluation.compute_reference_scores().")
        content = {"method": method, "n": n, "seed": seed, **(details or {}), "rows": rows}
        Path(path).write_text(json.dumps(content, indent=1) + "\n")
    return rows


def reference_scores(path=None):
    """The reference rows stored with the shipped evaluator (see ``compute_reference_scores``).

    Returns:
        dict name -> row for ``real_train``, ``uniform_noise``, ``single_digit``.
    """
    path = Path(path) if path is not None else REFERENCE_PATH
    if not path.exists():
        raise FileNotFoundError(f"No reference scores at {path}. Compute them with "
                                "gankit.evaluation.compute_reference_scores(path=...).")
    return json.loads(path.read_text())["rows"]
