"""The checks of notebooks 04 and 05: the closed-form PPCA fit and sampling (``gankit.ppca``),
pixel noise in range units (``gankit.studies.noise``), the high-frequency energy of the noise
detector and the share of corrupted samples that a detector's rates imply
(``gankit.studies.detectors``)."""

import functools

import numpy as np
from scipy import ndimage

from gankit import ppca
from gankit.exercises.core import run_check
from gankit.studies import detectors, noise


@functools.cache
def _data():
    """900 low-rank images plus noise, float64 ``(900, 784)`` in [-1, 1] (fixed seed)."""
    rng = np.random.default_rng(0)
    flat = rng.normal(size=(900, 8)) @ rng.normal(size=(8, 784)) * 0.1
    return np.clip(flat + rng.normal(0, 0.05, flat.shape), -1, 1).astype("float32").astype(float)


def _fitted(k):
    return ppca.PPCA(k).fit(_data().reshape(-1, 28, 28, 1))


def _eigenvalues():
    return np.linalg.eigvalsh(np.cov(_data(), rowvar=False))[::-1]


# Notebook 04 ---------------------------------------------------------------------------------

def _noise_variance(eigenvalues, k):
    return float(np.mean(eigenvalues[k:]))


def check_noise_variance(learner):
    cases = [(f"the 784 eigenvalues of a data set, k = {k}", (_eigenvalues(), k),
              _fitted(k).noise_variance_) for k in (3, 8, 20)]
    wrong = [(lambda e, k: np.mean(e[:k]), "that is the mean of the kept eigenvalues; sigma^2 "
              "is the mean of the D - k discarded ones"),
             (lambda e, k: np.sum(e[k:]), "a sum; sigma^2 is the mean of the discarded ones"),
             (lambda e, k: np.mean(e[k + 1:]), "off by one: with eigenvalues sorted from largest,"
              " the discarded ones are e[k:]")]
    return run_check("noise variance against gankit.ppca.PPCA's fit", learner, _noise_variance,
                     cases, wrong, hint="eigenvalues sorted from largest; the mean of those "
                     "after the first k", rtol=1e-6, atol=1e-9)


def _loadings(eigenvectors, eigenvalues, noise_variance):
    return eigenvectors * np.sqrt(eigenvalues - noise_variance)


def check_loadings(learner):
    cases = []
    for k in (3, 8):
        fitted = _fitted(k)
        args = (fitted.pca_.components_.T, fitted.pca_.explained_variance_, fitted.noise_variance_)
        cases.append((f"U_k (784, {k}), L_k and sigma^2 of a fitted PPCA", args,
                      fitted.components_))
    wrong = [(lambda u, v, s: u * (v - s), "the columns are scaled by a variance; W scales them "
              "by a standard deviation, sqrt(L_k - sigma^2)"),
             (lambda u, v, s: u * np.sqrt(v), "sigma^2 is not subtracted: the noise term already "
              "explains that much variance in every direction"),
             (lambda u, v, s: (u * np.sqrt(v - s)).T, "transposed: W is (784, k), one column per "
              "component")]
    return run_check("PPCA loadings W against gankit.ppca.PPCA's fit", learner, _loadings, cases,
                     wrong, hint="W = U_k (L_k - sigma^2 I)^(1/2): each column of U_k times "
                     "sqrt(its eigenvalue - sigma^2)", atol=1e-8)


def _sample(mean, loadings, noise_variance, n, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, loadings.shape[1]))
    samples = mean + z @ loadings.T
    return samples + np.sqrt(noise_variance) * rng.standard_normal(samples.shape)


def check_ppca_sample(learner):
    cases = []
    for k, n in ((3, 4), (8, 2)):
        fitted = _fitted(k)
        args = (fitted.mean_, fitted.components_, fitted.noise_variance_, n, 7)
        cases.append((f"{n} samples of a fitted PPCA with k = {k}, seed 7", args,
                      fitted._raw_samples(n, np.random.default_rng(7), True)))

    def variance(m, w, s, n, seed):
        return _sample(m, w, s ** 2, n, seed)

    wrong = [(variance, "the noise is scaled by sigma^2; scale it by sigma = sqrt(sigma^2)"),
             (lambda m, w, s, n, seed: _sample(m, w, 0.0, n, seed), "the noise term eps ~ N(0, "
              "sigma^2 I) is missing (draw it after z)")]
    return run_check("PPCA samples against gankit.ppca.PPCA.sample (before clipping)", learner,
                     _sample, cases, wrong, hint="rng = np.random.default_rng(seed); z first "
                     "(n, k), then mu + z @ W.T + sqrt(sigma^2) * eps, eps drawn (n, 784)")


# Notebook 05 ---------------------------------------------------------------------------------

RATES = [(0.3, 0.9, 0.1), (0.1, 0.9, 0.1), (0.55, 0.8, 0.3), (0.05, 0.9, 0.1), (0.95, 0.9, 0.1),
         (0.2, 0.6, 0.0)]


def check_corrected_share(learner):
    cases = [(f"flagged share {raw}, tpr {tpr}, fpr {fpr}", (raw, tpr, fpr),
              detectors._corrected_share(raw, tpr, fpr)) for raw, tpr, fpr in RATES]
    wrong = [(lambda r, t, f: (r - f) / (t - f), "not clipped: a share lies in [0, 1] (a flagged "
              "share below fpr means none)"),
             (lambda r, t, f: min(max(r / t, 0), 1), "false positives are ignored: subtract "
              "fpr first"),
             (lambda r, t, f: r, "the flagged share itself: correct it by both rates")]
    return run_check("corrected share against gankit.studies.detectors", learner,
                     detectors._corrected_share, cases, wrong,
                     hint="raw = p * tpr + (1 - p) * fpr; solve for p, clip to [0, 1]")


def _pixel_noise(images, std, seed):
    return noise._blur_and_noise(images, 0.0, std, np.random.default_rng(seed))


def check_pixel_noise(learner):
    images = np.random.default_rng(5).uniform(-1, 1, (3, 28, 28, 1)).astype("float32")
    images[:, :10] = -1.0
    cases = [(f"3 model-range images, std {std}, seed {seed}", (images, std, seed),
              _pixel_noise(images, std, seed)) for std, seed in ((0.25, 0), (0.1, 1))]
    wrong = [(lambda x, s, seed: np.clip(x + np.random.default_rng(seed).normal(0, s, x.shape),
                                         -1, 1), "std is a share of the range: the model range "
              "is 2 wide, so the noise's standard deviation is 2 * std"),
             (lambda x, s, seed: x + np.random.default_rng(seed).normal(0, 2 * s, x.shape),
              "not clipped: values must stay in [-1, 1]"),
             (lambda x, s, seed: np.clip(x + np.random.default_rng(seed).normal(
                 0, (2 * s) ** 2, x.shape), -1, 1), "a variance used as a standard deviation")]
    return run_check("pixel noise against gankit.studies.noise (no blur)", learner, _pixel_noise,
                     cases, wrong, hint="rng.normal(0, std * 2, images.shape) added, then "
                     "np.clip(..., -1, 1), as float32", atol=1e-6)


def check_high_frequency_energy(learner):
    images = np.random.default_rng(6).uniform(-1, 1, (4, 28, 28, 1)).astype("float32")
    images[:2, :, :] = np.where(images[:2] > 0.5, 1.0, -1.0)
    cases = [(f"4 images, sigma {sigma}", (images, sigma),
              detectors.high_frequency_energy(images, sigma)) for sigma in (1.0, 2.0)]
    wrong = [(lambda x, s: np.mean(np.abs(x[..., 0] - _blurred(x, s)).reshape(len(x), -1), 1),
              "a mean; the detector takes the median, which reads the flat background"),
             (lambda x, s: np.median((x[..., 0] - _blurred(x, s)).reshape(len(x), -1), 1),
              "the residual's sign: take the median of its absolute value")]
    return run_check("high-frequency energy against gankit.studies.detectors", learner,
                     detectors.high_frequency_energy, cases, wrong, hint="residual = x - "
                     "gaussian_filter(x, sigma=(0, sigma, sigma)) per image; median of |residual|")


def _blurred(images, sigma):
    return ndimage.gaussian_filter(images[..., 0].astype("float64"), sigma=(0, sigma, sigma))
