"""Scores for generated MNIST digits, computed with the shipped evaluator (``gankit.evaluation.classifier``).

A GAN has no test loss, so we judge its samples with a classifier trained on real digits:

- ``classifier_score``       exp(E_x KL(p(y|x) || p(y))): the Inception Score (Salimans et al.
  2016) with the MNIST evaluator in place of Inception, TF-GAN's "MNIST score". It is high when
  each sample is confidently one digit (sharp p(y|x)) and all digits occur (flat p(y)); from 1
  (noise, or one digit only) to 10 (ten equally used, perfectly clear digits).
- ``frechet_distance``       the distance between Gaussians fitted to the evaluator's
  penultimate-layer features of generated and of real test images (the FID formula of Heusel
  et al. 2017 with MNIST features: TF-GAN's "MNIST Fréchet distance"); 0 is best.
- ``recognisable_fraction``  the share of samples that the evaluator calls a digit with at
  least 90% confidence: a reproducible version of "95 of 100 look like digits".
- ``class_coverage``         which digits occur, and how far their mix is from uniform: a
  direct look at mode collapse.
- ``conditional_accuracy``   for a conditional GAN: does it draw the digit it was asked for?
- ``classification_accuracy_score``  train a fresh classifier on generated digits only and
  test it on real ones.

``score_images`` computes them all for a batch of images; ``reference_scores`` gives the
ceiling (real digits) and the floors (noise, one repeated digit) to read them against.
Every score depends on the number of samples (the Fréchet distance most): compare scores
computed from the same number of images. Introduced in notebook 01.
"""

import hashlib
import warnings
import weakref

import numpy as np
from scipy import linalg, special
from sklearn.metrics import confusion_matrix

from gankit import data
from gankit.checks import NUM_CLASSES, check_probabilities, check_score_count
from gankit.evaluation.classifier import load_evaluator, prepare_images, train_and_test

RECOGNISABLE_THRESHOLD = 0.9  # "recognisable": the evaluator is at least this confident


def _as_labels(values, name):
    """Class labels int64 (N,) in 0..9 from labels (N,) or probabilities (N, 10) (argmax)."""
    values = np.asarray(values)
    if values.ndim == 2:
        return check_probabilities(values).argmax(axis=1)
    if values.ndim != 1 or values.shape[0] == 0:
        raise ValueError(f"{name} must be labels of shape (N,) or probabilities of shape "
                         f"(N, {NUM_CLASSES}), got shape {values.shape}.")
    if not np.issubdtype(values.dtype, np.integer):
        if not np.all(np.mod(values, 1) == 0):
            raise ValueError(f"{name} must be integer class labels 0..9, got {values.dtype} "
                             f"values that are not whole numbers.")
    labels = values.astype(np.int64)
    if labels.min() < 0 or labels.max() >= NUM_CLASSES:
        raise ValueError(f"{name} must lie in 0..{NUM_CLASSES - 1}, got values from "
                         f"{labels.min()} to {labels.max()}.")
    return labels


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


def frechet_distance(feats_a, feats_b, eps=1e-6):
    """Fréchet distance between Gaussian fits of two feature sets (the FID formula).

    d^2 = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), with means and covariances
    estimated from the rows. As in the reference FID implementation (pytorch-fid), when the
    matrix square root of S_a S_b is not finite (near-singular covariances, e.g. dead ReLU
    units or a single repeated image), ``eps`` is added to both diagonals and the root is
    taken again; tiny imaginary parts left by rounding are dropped.

    Args:
        feats_a, feats_b: float (N_a, D) and (N_b, D) with N >= 2 each, e.g. evaluator
            features (D = 128).
        eps: diagonal offset for near-singular covariances.

    Returns:
        float >= 0 (up to rounding, around 1e-9 for identical sets).
    """
    stats = []
    for name, feats in (("feats_a", feats_a), ("feats_b", feats_b)):
        feats = np.asarray(feats, dtype=np.float64)
        if feats.ndim != 2 or feats.shape[0] < 2:
            raise ValueError(f"{name} must have shape (N, D) with N >= 2 samples, got "
                             f"{feats.shape}. Get features with load_evaluator().features(images).")
        if not np.all(np.isfinite(feats)):
            raise ValueError(f"{name} contains NaN or infinite values; check the images.")
        stats.append((feats.mean(axis=0), np.cov(feats, rowvar=False)))
    (mu_a, sigma_a), (mu_b, sigma_b) = stats
    if mu_a.shape != mu_b.shape:
        raise ValueError(f"Feature sizes differ: {mu_a.shape[0]} vs {mu_b.shape[0]}; compute "
                         "both with the same evaluator.")
    sigma_a, sigma_b = np.atleast_2d(sigma_a), np.atleast_2d(sigma_b)
    with warnings.catch_warnings():  # a singular product is handled just below
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(sigma_a @ sigma_b)
    if not np.all(np.isfinite(covmean)):
        offset = np.eye(sigma_a.shape[0]) * eps
        covmean = linalg.sqrtm((sigma_a + offset) @ (sigma_b + offset))
    if np.iscomplexobj(covmean):
        largest = np.max(np.abs(np.diagonal(covmean).imag))
        if largest > 1e-3:
            raise ValueError(f"The covariance square root has an imaginary part of {largest:.3g}: "
                             "the fit is too unstable; use more samples (N well above D).")
        covmean = covmean.real
    diff = mu_a - mu_b
    return float(diff @ diff + np.trace(sigma_a) + np.trace(sigma_b) - 2 * np.trace(covmean))


def recognisable_fraction(probs, threshold=RECOGNISABLE_THRESHOLD):
    """Share of samples whose most likely class has probability >= ``threshold``.

    Read it together with the other scores: a classifier can be confidently wrong on inputs
    unlike anything it was trained on (the evaluator calls most uniform noise an "8").

    Args:
        probs: float (N, 10) class probabilities.
        threshold: confidence in (0, 1] needed to count as a recognisable digit.

    Returns:
        float in [0, 1].
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}.")
    return float(np.mean(check_probabilities(probs).max(axis=1) >= threshold))


def class_coverage(predictions, min_share=0.01):
    """Which digits the samples show, and how evenly.

    Args:
        predictions: predicted labels int (N,) in 0..9, or probabilities (N, 10) (argmax taken).
        min_share: a class counts as covered when at least this share of the samples
            (default 1%) is predicted as it, so that a few stray samples do not count.

    Returns:
        dict with ``counts`` (list of 10 ints, samples per predicted class), ``covered`` (int,
        0..10, classes with share >= ``min_share``) and ``kl_from_uniform`` (float, in nats:
        KL(q || uniform) = log 10 - H(q) of the predicted-class shares q; 0 for a perfectly
        even mix, log 10 = 2.303 when all samples are one digit).
    """
    labels = _as_labels(predictions, "predictions")
    counts = np.bincount(labels, minlength=NUM_CLASSES)
    shares = counts / counts.sum()
    kl = special.rel_entr(shares, np.full(NUM_CLASSES, 1 / NUM_CLASSES)).sum()
    return {"counts": counts.tolist(), "covered": int(np.sum(shares >= min_share)),
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
    pred = _as_labels(pred_labels, "pred_labels")
    requested = _as_labels(requested_labels, "requested_labels")
    if pred.shape != requested.shape:
        raise ValueError(f"pred_labels has {pred.shape[0]} entries but requested_labels has "
                         f"{requested.shape[0]}; pass one requested label per sample.")
    matrix = confusion_matrix(requested, pred, labels=np.arange(NUM_CLASSES))
    return float(np.mean(pred == requested)), matrix


def classification_accuracy_score(gen_images, gen_labels, test_images=None, test_labels=None,
                                  epochs=5, seed=0, verbose=0):
    """Test accuracy on real digits of a classifier trained only on generated ones.

    A fresh network of the evaluator's architecture is trained on the labelled samples of a
    conditional generator, then tested on real MNIST test images. Close to the real-data
    accuracy (about 99%) means the samples carry everything a classifier needs.

    Args:
        gen_images: generated images, uint8 (N, 28, 28) or model range (N, 28, 28[, 1]).
        gen_labels: int (N,) in 0..9, the labels the generator was asked for.
        test_images, test_labels: real test digits; by default all 10,000 MNIST test images.
        epochs, seed: training length and seed (same backend and device for identical results).

    Returns:
        float in [0, 1].
    """
    labels = _as_labels(gen_labels, "gen_labels")
    images = prepare_images(gen_images, "gen_images")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"gen_images has {images.shape[0]} images but gen_labels has "
                         f"{labels.shape[0]} labels; pass one label per image.")
    if test_images is None or test_labels is None:
        test_images, test_labels = data.load_mnist("test")
    test_labels = _as_labels(test_labels, "test_labels")
    return train_and_test(images, labels, test_images, test_labels, epochs=epochs, seed=seed,
                          verbose=verbose)


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


def score_images(images, labels=None, real_test=None, n=None, evaluator=None):
    """All scores for a batch of generated images, in one call.

    Args:
        images: uint8 (N, 28, 28) or model range float (N, 28, 28[, 1]) in [-1, 1].
        labels: for a conditional generator, the requested labels int (N,) in 0..9.
        real_test: real images for the Fréchet distance; by default the 10,000 MNIST test
            images. Their features are cached, so repeated calls cost only the new images.
        n: score only the first ``n`` images (default: all).
        evaluator: an object from ``gankit.evaluation.load_evaluator`` (default: the shipped one).

    Returns:
        dict with ``n``, ``classifier_score``, ``frechet_distance``, ``recognisable_fraction``,
        ``covered``, ``kl_from_uniform``, ``counts``, and with ``labels`` also
        ``conditional_accuracy`` and ``confusion_matrix`` (list of 10 lists).
    """
    if evaluator is None:
        evaluator = load_evaluator()
    if n is not None:
        if not 1 <= n <= len(images):
            raise ValueError(f"n={n} but only {len(images)} images were given; pass n between "
                             f"1 and {len(images)}, or None for all.")
        images = images[:n]
        labels = None if labels is None else labels[:n]
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
