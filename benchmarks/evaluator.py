"""Retrain the shipped MNIST evaluator reproducibly and rescore the reference rows next to it.

    python benchmarks/evaluator.py                      # gankit/weights/evaluator.weights.h5
    python benchmarks/evaluator.py --epochs 6 --seed 0 --out runs/evaluator.weights.h5
    python benchmarks/evaluator.py --rescore            # the reference rows only, same weights

Trains the evaluator's network (``gankit.evaluation.classifier``) on the 60,000 MNIST training
images, saves its weights without the optimizer's state, and writes ``reference_scores.json``
beside them: the ceiling (real training digits) and the floors (uniform noise; one digit
repeated, total mode collapse) that ``gankit.evaluation.scores.reference_scores`` returns.
"""

import argparse
import json
import time
from pathlib import Path

import keras
import numpy as np

from gankit import data, files
from gankit.evaluation.classifier import (WEIGHTS_PATH, Evaluator, build_evaluator,
                                          load_evaluator, train_classifier)
from gankit.evaluation.scores import score_images

EPOCHS = 6  # passes over the 60,000 training images: about 99.5% test accuracy


def compute_reference_scores(evaluator, n=10_000, seed=0, data_dir=None, path=None,
                             details=None):
    """Score the rows ``real_train`` (``n`` training images, ``gankit.data.subset`` with
    ``seed``), ``uniform_noise`` (``n`` images uniform in [-1, 1], numpy seed ``seed``) and
    ``single_digit`` (the first training image repeated ``n`` times), each against the 10,000
    test images. With ``path``, also write them and ``details`` (a dict) to that JSON file.

    Returns:
        dict name -> row, each row the dict of ``score_images`` plus a ``description``.
    """
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
    rows = {name: dict(score_images(images, real_test=test_images, evaluator=evaluator),
                       description=description)
            for name, (images, description) in inputs.items()}
    if path is not None:
        method = ("Scores of gankit.evaluation.scores.score_images with the evaluator whose "
                  "weights are stored next to this file, each against all 10,000 MNIST test "
                  "images. Recompute with python benchmarks/evaluator.py.")
        content = {"method": method, "n": n, "seed": seed, **(details or {}), "rows": rows}
        files.write_atomic(path, json.dumps(content, indent=1) + "\n")
    return rows


def train_evaluator(epochs=EPOCHS, seed=0, path=WEIGHTS_PATH, data_dir=None, verbose=1):
    """Train the evaluator on the 60,000 training images, save it to ``path`` (a file ending
    in ``.weights.h5``) and rescore the reference rows into ``reference_scores.json`` beside it.
    Reproducible for a given seed on the same backend and device.

    Returns:
        dict with ``test_accuracy``, ``train_accuracy``, ``epochs``, ``seed``, ``backend``,
        ``seconds``, ``weights`` and ``reference_scores`` (paths).
    """
    path = Path(path).resolve()
    if not path.name.endswith(".weights.h5"):
        raise ValueError(f"Keras weights files must end in '.weights.h5'; got {path.name!r}.")
    train_images, train_labels = data.load_mnist("train", data_dir=data_dir)
    test_images, test_labels = data.load_mnist("test", data_dir=data_dir)
    start = time.time()
    model, history = train_classifier(data.to_model_range(train_images), train_labels,
                                      epochs=epochs, seed=seed, verbose=verbose)
    seconds = time.time() - start
    evaluator = Evaluator(model)
    result = {"test_accuracy": evaluator.accuracy(test_images, test_labels),
              "train_accuracy": float(history.history["accuracy"][-1]), "epochs": epochs,
              "seed": seed, "backend": keras.backend.backend(), "seconds": round(seconds, 1)}
    path.parent.mkdir(parents=True, exist_ok=True)
    uncompiled = build_evaluator()  # saves the weights without the optimizer's state (3x smaller)
    for target, source in zip(uncompiled.weights, model.weights):
        target.assign(source.value)
    uncompiled.save_weights(path)
    scores_path = path.parent / "reference_scores.json"
    compute_reference_scores(evaluator, data_dir=data_dir, path=scores_path,
                             details={"evaluator": dict(result, keras=keras.__version__)})
    return dict(result, weights=str(path), reference_scores=str(scores_path))


def rescore(path=WEIGHTS_PATH, data_dir=None):
    """Rescore the reference rows of the evaluator in ``path`` without training it again,
    keeping the training details that ``reference_scores.json`` beside it records.

    Raises:
        FileNotFoundError: if ``path`` or its ``reference_scores.json`` is missing.
    """
    path = Path(path).resolve()
    scores_path = path.parent / "reference_scores.json"
    if not scores_path.exists():
        raise FileNotFoundError(f"{scores_path} is missing: train the evaluator first "
                                f"(python benchmarks/evaluator.py --out {path}).")
    details = {"evaluator": json.loads(scores_path.read_text())["evaluator"]}
    return compute_reference_scores(load_evaluator(path), data_dir=data_dir, path=scores_path,
                                    details=details)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rescore", action="store_true",
                        help="only rescore the reference rows of the weights in --out")
    parser.add_argument("--out", default=WEIGHTS_PATH,
                        help="weights file (default: the kit's shipped weights)")
    args = parser.parse_args(argv)
    if args.rescore:
        for name, row in rescore(args.out).items():
            print(f"{name}: score {row['classifier_score']:.2f}, "
                  f"Fréchet {row['frechet_distance']:.2f}, "
                  f"recognisable {row['recognisable_fraction']:.3f}")
        return
    if args.epochs < 1:
        parser.error(f"--epochs must be a positive integer, got {args.epochs}.")
    print(train_evaluator(epochs=args.epochs, seed=args.seed, path=args.out))


if __name__ == "__main__":
    main()
