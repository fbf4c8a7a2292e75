"""Scores for generated MNIST digits, computed with the shipped evaluator (``gankit.evaluator``).

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
import json
import warnings
import weakref
from pathlib import Path

import numpy as np
from scipy import linalg, special
from sklearn.metrics import confusion_matrix

NUM_CLASSES = 10
REFERENCE_PATH = Path(__file__).resolve().parent / "weights" / "reference_scores.json"


def _check_probs(probs):
    """Return ``probs`` as float64 (N, 10) after checking that rows are distributions."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[1] != NUM_CLASSES or probs.shape[0] == 0:
        raise ValueError(
            f"Expected class probabilities of shape (N, {NUM_CLASSES}) with N >= 1, got "
            f"{probs.shape}. Get them with gankit.evaluator.load_evaluator().predict_proba(images).")
    if not np.all(np.isfinite(probs)) or probs.min() < 0:
        raise ValueError("Probabilities must be finite and non-negative; if these are logits, "
                         "apply a softmax first (scipy.special.softmax(logits, axis=1)).")
    sums = probs.sum(axis=1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        raise ValueError(
            f"Each row of probabilities must sum to 1; row sums range from {sums.min():.4g} to "
            f"{sums.max():.4g}. If these are logits, apply scipy.special.softmax(logits, axis=1).")
    return probs


def _as_labels(values, name):
    """Class labels int64 (N,) in 0..9 from labels (N,) or probabilities (N, 10) (argmax)."""
    values = np.asarray(values)
    if values.ndim == 2:
        return _check_probs(values).argmax(axis=1)
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
    probs = _check_probs(probs)
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


def recognisable_fraction(probs, threshold=0.9):
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
    return float(np.mean(_check_probs(probs).max(axis=1) >= threshold))


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
    from gankit import data, evaluator
    labels = _as_labels(gen_labels, "gen_labels")
    images = evaluator.prepare_images(gen_images)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"gen_images has {images.shape[0]} images but gen_labels has "
                         f"{labels.shape[0]} labels; pass one label per image.")
    if test_images is None or test_labels is None:
        test_images, test_labels = data.load_mnist("test")
    model, _ = evaluator.train_classifier(images, labels, epochs=epochs, seed=seed,
                                          verbose=verbose)
    test_labels = _as_labels(test_labels, "test_labels")
    logits = model.predict(evaluator.prepare_images(test_images), batch_size=1000, verbose=0)
    return float(np.mean(np.asarray(logits).argmax(axis=1) == test_labels))


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
            from gankit import data
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
        evaluator: an object from ``gankit.evaluator.load_evaluator`` (default: the shipped one).

    Returns:
        dict with ``n``, ``classifier_score``, ``frechet_distance``, ``recognisable_fraction``,
        ``covered``, ``kl_from_uniform``, ``counts``, and with ``labels`` also
        ``conditional_accuracy`` and ``confusion_matrix`` (list of 10 lists).
    """
    if evaluator is None:
        from gankit.evaluator import load_evaluator
        evaluator = load_evaluator()
    if n is not None:
        if not 1 <= n <= len(images):
            raise ValueError(f"n={n} but only {len(images)} images were given; pass n between "
                             f"1 and {len(images)}, or None for all.")
        images = images[:n]
        labels = None if labels is None else labels[:n]
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
    from gankit import data
    if evaluator is None:
        from gankit.evaluator import load_evaluator
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
        method = ("Scores of gankit.metrics.score_images with the evaluator whose weights are "
                  "stored next to this file, each against all 10,000 MNIST test images. "
                  "Recompute with gankit.metrics.compute_reference_scores().")
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
                                "gankit.metrics.compute_reference_scores(path=...).")
    return json.loads(path.read_text())["rows"]
