"""Retrain the shipped evaluator reproducibly: ``python -m gankit evaluator train``.

``train_evaluator`` trains the evaluator's network on the 60,000 MNIST training images, saves the
weights without the optimizer's state, and rescores the reference rows next to them
(``gankit.evaluation.reference``). Introduced in notebook 01.
"""

import time
from pathlib import Path

import keras

from gankit import data
from gankit.evaluation.classifier import (WEIGHTS_PATH, Evaluator, build_evaluator,
                                          forget_loaded, train_classifier)
from gankit.evaluation.reference import compute_reference_scores

EPOCHS = 6  # passes over the 60,000 training images: about 99.5% test accuracy

def train_evaluator(epochs=EPOCHS, seed=0, path=None, data_dir=None, verbose=1):
    """Train the evaluator on the 60,000 MNIST training images, save it, rescore the references.

    Writes the weights to ``path`` and ``reference_scores.json`` (``gankit.evaluation
    .compute_reference_scores``) next to them. Reproducible for a given seed on the same backend
    and device.

    Args:
        epochs: passes over the training set (6 reach about 99.5% test accuracy).
        seed: seed for initialisation, shuffling and dropout.
        path: a file ending in ``.weights.h5``; default the package's shipped weights.
        data_dir: local MNIST files (see ``gankit.data.load_mnist``).
        verbose: Keras ``fit`` verbosity (0, 1 or 2).

    Returns:
        dict with ``test_accuracy``, ``train_accuracy``, ``epochs``, ``seed``, ``backend``,
        ``seconds``, ``weights`` and ``reference_scores`` (paths).
    """
    path = Path(path).resolve() if path is not None else WEIGHTS_PATH
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
    forget_loaded(path)
    scores_path = path.parent / "reference_scores.json"
    compute_reference_scores(evaluator, data_dir=data_dir, path=scores_path,
                                     details={"evaluator": dict(result, keras=keras.__version__)})
    return dict(result, weights=str(path), reference_scores=str(scores_path))
