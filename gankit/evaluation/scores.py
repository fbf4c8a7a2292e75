"""Scores for generated MNIST digits, computed with the shipped evaluator, and the reference rows
(real digits, noise, one repeated digit) to read them against. Introduced in notebook 01.

Every score depends on the number of samples (the Fréchet distance most): compare scores
computed from the same number of images.
"""

import hashlib
import json
import warnings
import weakref

import numpy as np
from scipy import linalg, special
from sklearn.metrics import confusion_matrix

from gankit import data
from gankit.checks import (NUM_CLASSES, check_features, check_predictions, check_probabilities,
                           check_score_count)
from gankit.evaluation.classifier import WEIGHTS_PATH, load_evaluator

RECOGNISABLE_THRESHOLD = 0.9  # "recognisable": the evaluator is at least this confident
MIN_SHARE = 0.01  # a class is covered by at least 1% of the samples, not by a few strays
REFERENCE_PATH = WEIGHTS_PATH.parent / "reference_scores.json"


def classifier_score(probs):
    """The classifier ("Inception") score exp(E_x KL(p(y|x) || p(y))), natural logarithms.

    Computed over the whole batch at once (Salimans et al. averaged 10 splits of 5,000).

    Args:
        probs: float (N, 10), each row the evaluator's p(y|x) for one sample.

    Returns:
        float in [1, 10]: k for confident predictions spread evenly over k classes.
    """
    probs = check_probabilities(probs)
    marginal = probs.mean(axis=0, keepdims=True)
    kl = special.rel_entr(probs, marginal).sum(axis=1)  # rel_entr treats 0 * log 0 as 0
    return float(np.exp(kl.mean()))


def frechet_distance(feats_a, feats_b):
    """Fréchet distance between Gaussian fits of two feature sets (the FID formula).

    d^2 = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), with means and covariances
    estimated from the rows. As in pytorch-fid, when the matrix square root of S_a S_b is not
    finite (near-singular covariances: dead ReLU units, one repeated image), 1e-6 is added to
    both diagonals and the root taken again; tiny imaginary parts left by rounding are dropped.

    Args:
        feats_a, feats_b: float (N_a, D) and (N_b, D) with N >= 2 each, e.g. evaluator
            features (D = 128).

    Returns:
        float >= 0 (up to rounding, around 1e-9 for identical sets).
    """
    feats_a, feats_b = check_features(feats_a, "feats_a"), check_features(feats_b, "feats_b")
    mu_a, mu_b = feats_a.mean(axis=0), feats_b.mean(axis=0)
    sigma_a, sigma_b = np.cov(feats_a, rowvar=False), np.cov(feats_b, rowvar=False)
    if mu_a.shape != mu_b.shape:
        raise ValueError(f"Feature sizes differ: {mu_a.shape[0]} vs {mu_b.shape[0]}; compute "
                         "both with the same evaluator.")
    sigma_a, sigma_b = np.atleast_2d(sigma_a), np.atleast_2d(sigma_b)
    with warnings.catch_warnings():  # a singular product is handled just below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(sigma_a @ sigma_b)
    if not np.all(np.isfinite(covmean)):
        offset = np.eye(sigma_a.shape[0]) * 1e-6
        covmean = linalg.sqrtm((sigma_a + offset) @ (sigma_b + offset))
    if np.iscomplexobj(covmean):
        largest = np.max(np.abs(np.diagonal(covmean).imag))
        if largest > 1e-3:
            raise ValueError(f"The covariance square root has an imaginary part of {largest:.3g}: "
                             "the fit is too unstable; use more samples (N well above D).")
        covmean = covmean.real
    diff = mu_a - mu_b
    return float(diff @ diff + np.trace(sigma_a) + np.trace(sigma_b) - 2 * np.trace(covmean))


def recognisable_fraction(probs):
    """Share in [0, 1] of samples whose most likely class has probability >= 0.9.

    Read it together with the other scores: a classifier can be confidently wrong on inputs
    unlike anything it was trained on (the evaluator calls most uniform noise an "8").

    Args:
        probs: float (N, 10) class probabilities.
    """
    return float(np.mean(check_probabilities(probs).max(axis=1) >= RECOGNISABLE_THRESHOLD))


def class_coverage(predictions):
    """Which digits the samples show, and how evenly.

    Args:
        predictions: predicted labels int (N,) in 0..9, or probabilities (N, 10) (argmax taken).

    Returns:
        dict with ``counts`` (list of 10 ints, samples per predicted class), ``covered`` (int,
        0..10, classes predicted for at least 1% of the samples) and ``kl_from_uniform``
        (float, in nats: KL(q || uniform) = log 10 - H(q) of the predicted-class shares q; 0
        for a perfectly even mix, log 10 = 2.303 when all samples are one digit).
    """
    labels = check_predictions(predictions, "predictions")
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    shares = counts / counts.sum()
    kl = special.rel_entr(shares, np.full(NUM_CLASSES, 1 / NUM_CLASSES)).sum()
    return {"counts": counts.tolist(), "covered": int(np.sum(shares >= MIN_SHARE)),
            "kl_from_uniform": float(kl)}


def conditional_accuracy(pred_labels, requested_labels):
    """How often a conditional generator drew the digit it was asked for.

    Args:
        pred_labels: the evaluator's labels int (N,) (or probabilities (N, 10)) for the samples.
        requested_labels: the labels int (N,) in 0..9 the generator was given.

    Returns:
        (accuracy float in [0, 1], confusion matrix int64 (10, 10)): row = requested digit,
        column = digit the evaluator saw.
    """
    pred = check_predictions(pred_labels, "pred_labels")
    requested = check_predictions(requested_labels, "requested_labels")
    if pred.shape != requested.shape:
        raise ValueError(f"pred_labels has {pred.shape[0]} entries but requested_labels has "
                         f"{requested.shape[0]}; pass one requested label per sample.")
    matrix = confusion_matrix(requested, pred, labels=np.arange(NUM_CLASSES))
    return float(np.mean(pred == requested)), matrix


_REAL_FEATURES = weakref.WeakKeyDictionary()  # evaluator -> {image-set key: features}


def _real_test_features(evaluator, real_test):
    """Evaluator features of the real test images, cached per evaluator and image set."""
    if real_test is None:
        key = "mnist-test"
    else:
        real_test = np.ascontiguousarray(real_test)
        key = (hashlib.sha1(real_test.tobytes()).hexdigest(), real_test.shape, str(real_test.dtype))
    cache = _REAL_FEATURES.setdefault(evaluator, {})
    if key not in cache:
        if real_test is None:
            real_test = data.load_mnist("test")[0]
        cache[key] = evaluator.features(real_test)
    return cache[key]


def score_images(images, labels=None, real_test=None, evaluator=None):
    """All scores for a batch of generated images, in one call.

    Args:
        images: uint8 (N, 28, 28) or model range float (N, 28, 28[, 1]) in [-1, 1].
        labels: for a conditional generator, the requested labels int (N,) in 0..9.
        real_test: real images for the Fréchet distance; by default the 10,000 MNIST test
            images. Their features are cached, so repeated calls cost only the new images.
        evaluator: an ``Evaluator`` (default: the shipped one, ``load_evaluator()``).

    Returns:
        dict with ``n``, ``classifier_score``, ``frechet_distance``, ``recognisable_fraction``,
        ``covered``, ``kl_from_uniform``, ``counts``, and with ``labels`` also
        ``conditional_accuracy`` and ``confusion_matrix`` (list of 10 lists).
    """
    if evaluator is None:
        evaluator = load_evaluator()
    check_score_count(len(images))
    probs, feats = evaluator.probs_and_features(images)
    scores = {"n": int(len(probs)), "classifier_score": classifier_score(probs),
              "frechet_distance": frechet_distance(feats, _real_test_features(evaluator, real_test)),
              "recognisable_fraction": recognisable_fraction(probs)}
    coverage = class_coverage(probs)
    scores.update(covered=coverage["covered"], kl_from_uniform=coverage["kl_from_uniform"],
                  counts=coverage["counts"])
    if labels is not None:
        accuracy, matrix = conditional_accuracy(probs, labels)
        scores.update(conditional_accuracy=accuracy, confusion_matrix=matrix.tolist())
    return scores


def reference_scores():
    """The rows of ``score_images`` that scores are read against: ``real_train`` (10,000 real
    training digits, the ceiling), ``uniform_noise`` and ``single_digit`` (one digit repeated:
    total mode collapse), each with a ``description``; stored next to the evaluator's weights.
    """
    if not REFERENCE_PATH.exists():
        raise FileNotFoundError(f"No reference scores at {REFERENCE_PATH}: reinstall gankit, or "
                                "compute them with `python benchmarks/evaluator.py` in a copy "
                                "of the kit.")
    return json.loads(REFERENCE_PATH.read_text())["rows"]
