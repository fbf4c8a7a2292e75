"""How much of the corruption a generator copies, and cleaning a training set of letters.

The detectors measure the share of samples that are letters or noisy, corrected for their
error rates on held-out real images; ``clean_with_evaluator`` is the letters' noise-aware
option. Introduced in notebook 05.
"""

import math

import numpy as np
from scipy import ndimage
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from gankit.evaluation.classifier import load_evaluator, prepare_images
from gankit.evaluation.scores import RECOGNISABLE_THRESHOLD
from gankit.studies import noise

CLEAN_THRESHOLD = RECOGNISABLE_THRESHOLD  # keep what recognisable_fraction counts as a digit


def clean_with_evaluator(images, mask=None, threshold=CLEAN_THRESHOLD, evaluator=None):
    """Keep the images whose largest class probability is >= ``threshold`` (the rule of
    ``gankit.evaluation.recognisable_fraction``). A letter that looks like a digit (o, l, s)
    is kept and an untidy digit dropped; ``mask`` (``make_noisy_dataset``'s) counts both.

    Args: images uint8 ``(N, 28, 28)`` or model range ``(N, 28, 28[, 1])``; mask bool ``(N,)``.

    Returns:
        ``(kept_images, keep, report)``: the kept images (as ``images``), the bool ``(N,)`` mask
        and counts: ``n_images``, ``n_kept``, ``n_dropped`` and, with ``mask``, ``letters``,
        ``letters_kept``, ``digits_dropped``, ``letter_keep_rate``, ``digit_drop_rate``.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}; 0.9 is the default.")
    if evaluator is None:
        evaluator = load_evaluator()
    keep = evaluator.predict_proba(images).max(axis=1) >= threshold
    report = {"threshold": threshold, "n_images": int(len(keep)), "n_kept": int(keep.sum()),
              "n_dropped": int((~keep).sum())}
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != keep.shape:
            raise ValueError(f"mask must be bool with one entry per image {keep.shape}, got "
                             f"{mask.shape}; pass the mask that make_noisy_dataset returned.")
        letters, letters_kept = int(mask.sum()), int((keep & mask).sum())
        digits, digits_dropped = int((~mask).sum()), int((~keep & ~mask).sum())
        report.update(letters=letters, letters_kept=letters_kept, digits=digits,
                      digits_dropped=digits_dropped,
                      letter_keep_rate=letters_kept / letters if letters else 0.0,
                      digit_drop_rate=digits_dropped / digits if digits else 0.0)
    return images[keep], keep, report


def _corrected_share(raw, tpr, fpr):
    """The true share p behind an observed share ``raw = p tpr + (1 - p) fpr`` (Rogan-Gladen),
    clipped to [0, 1] (sampling error near the ends)."""
    if tpr - fpr <= 0.05:
        return float("nan")  # the detector cannot tell the two apart: no estimate
    return float(np.clip((raw - fpr) / (tpr - fpr), 0.0, 1.0))


class _Detector:
    """Shared part: ``is_contaminated(images)`` plus held-out rates -> shares."""

    def share(self, images):
        """``{"raw_share": flagged share, "share": corrected share, "tpr", "fpr"}``."""
        raw = float(np.mean(self.is_contaminated(images)))
        return {"raw_share": raw, "share": _corrected_share(raw, self.tpr, self.fpr),
                "tpr": self.tpr, "fpr": self.fpr}


class LetterDetector(_Detector):
    """Digit-versus-letter logistic regression on the evaluator's 128 features: a letter at
    probability >= 0.5; ``tpr``/``fpr``, the shares of held-out letters/digits called letters.
    It knows these two classes only: a grey blob of a barely trained generator is still called
    one of them, so read its share next to the scores."""

    def __init__(self, classifier, evaluator, tpr, fpr, source):
        self.classifier, self.evaluator = classifier, evaluator
        self.tpr, self.fpr, self.source = float(tpr), float(fpr), source

    def letter_probability(self, images):
        return self.classifier.predict_proba(self.evaluator.features(images))[:, 1]

    def is_contaminated(self, images):
        return self.letter_probability(images) >= 0.5


def fit_letter_detector(digits, letters, test_digits, test_letters, evaluator=None, source="",
                        max_blur=2.0, seed=0):
    """Fit a ``LetterDetector`` on real ``digits`` and ``letters`` (uint8 or model range) and
    measure it on held-out ones. Generated digits are smoother than real ones, and a detector
    fitted on sharp images takes blur for a letter: every image is also added blurred (sigma
    uniform in [0, ``max_blur``]), which leaves shape as the only difference."""
    if evaluator is None:
        evaluator = load_evaluator()
    rng = np.random.default_rng(seed)
    features, is_letter = [], []
    for label, images in enumerate((digits, letters)):
        images = prepare_images(images)
        if max_blur > 0:
            sigmas = rng.uniform(0, max_blur, len(images))
            blurred = np.stack([ndimage.gaussian_filter(image, (s, s, 0), mode="reflect")
                                for image, s in zip(images, sigmas)])
            images = np.concatenate([images, blurred])
        features.append(evaluator.features(images))
        is_letter.append(np.full(len(images), label))
    classifier = make_pipeline(StandardScaler(), LogisticRegression(
        C=0.1, class_weight="balanced", max_iter=2000)).fit(np.concatenate(features),
                                                            np.concatenate(is_letter))
    detector = LetterDetector(classifier, evaluator, 0.0, 0.0, source)
    detector.tpr = float(np.mean(detector.is_contaminated(test_letters)))
    detector.fpr = float(np.mean(detector.is_contaminated(test_digits)))
    return detector


def high_frequency_energy(images, sigma=1.0):
    """Per-image median of ``|x - gaussian_filter(x, sigma)|`` in the model range: float64
    ``(N,)``. The median reads the background, where noise shows and a clean digit is flat (a
    standard deviation, moved by the stroke edges, flagged 7% of clean digits as noisy)."""
    x = prepare_images(images)[..., 0].astype("float64")
    residual = x - ndimage.gaussian_filter(x, sigma=(0, sigma, sigma), mode="reflect")
    return np.median(np.abs(residual).reshape(len(x), -1), axis=1)


class NoiseDetector(_Detector):
    """Per-image noise level, linear in the high-frequency energy: clean real images read 0,
    corrupted ones ``std``; above ``std / 2`` an image counts as contaminated."""

    def __init__(self, h_clean, h_corrupted, std):
        self.h_clean, self.h_corrupted, self.std = float(h_clean), float(h_corrupted), std
        self.threshold = std / 2
        self.tpr = self.fpr = 0.0

    def noise_level(self, images):
        h = high_frequency_energy(images)
        return self.std * (h - self.h_clean) / (self.h_corrupted - self.h_clean)

    def is_contaminated(self, images):
        return self.noise_level(images) > self.threshold

    def share(self, images):
        """Plus ``mean_level``, the mean noise level over ``std``: it also sees noise a generator
        spreads thinly over all its samples, which the flagged share misses."""
        return {**super().share(images),
                "mean_level": float(np.mean(self.noise_level(images)) / self.std)}


def fit_noise_detector(clean, test_clean, blur_sigma=noise.DEFAULT_BLUR_SIGMA,
                       std=noise.DEFAULT_NOISE_STD, seed=0):
    """Calibrate a ``NoiseDetector`` on ``clean`` real images and their copies corrupted by
    ``make_noisy_dataset(..., "gaussian", 1.0)``; ``test_clean`` (other real images, corrupted
    the same way) gives ``tpr`` and ``fpr``. ``std`` must be > 0: blur leaves no noise."""
    if not std > 0:
        raise ValueError("The noise detector measures pixel noise, but std=0 adds none; use "
                         "std > 0, or judge blur-only corruption from the scores alone.")
    options = {"blur_sigma": blur_sigma, "std": std}
    corrupted = noise.make_noisy_dataset(clean, "gaussian", 1.0, seed=seed, **options)[0]
    h_clean = np.median(high_frequency_energy(clean))
    h_corrupted = np.median(high_frequency_energy(corrupted))
    if not math.isfinite(h_corrupted - h_clean) or h_corrupted <= h_clean:
        raise ValueError(f"Corrupted images have no more high-frequency energy than clean ones "
                         f"({h_corrupted:.3g} vs {h_clean:.3g}); raise std.")
    detector = NoiseDetector(h_clean, h_corrupted, std)
    test_corrupted = noise.make_noisy_dataset(test_clean, "gaussian", 1.0, seed=seed + 1,
                                              **options)[0]
    detector.tpr = float(np.mean(detector.is_contaminated(test_corrupted)))
    detector.fpr = float(np.mean(detector.is_contaminated(test_clean)))
    return detector
