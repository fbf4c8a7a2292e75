"""Probabilistic PCA (Tipping & Bishop 1999), the Gaussian baseline of notebook 04.

An image x (D = 784 pixels in the model range) is modelled as x = mu + W z + eps, with
z ~ N(0, I_k) and eps ~ N(0, sigma^2 I). The maximum-likelihood fit is closed-form:
sigma^2 is the mean of the D - k discarded eigenvalues of the data covariance, and
W = U_k (L_k - sigma^2 I)^{1/2}. scikit-learn's ``PCA`` does the eigendecomposition (its
``score`` is the PPCA log-likelihood); this module adds the loadings, sampling and one model per
class (``ClassConditionalPPCA``).
"""

import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError

from gankit.checks import check_count, check_images, check_labels
from gankit.data import to_model_range


def _as_matrix(images, name):
    """uint8 or model-range images ``(N, 28, 28[, 1])`` -> float64 ``(N, 784)`` in [-1, 1]."""
    images = check_images(images, name)
    if images.dtype == np.uint8:
        images = to_model_range(images)
    return images.reshape(len(images), -1).astype(np.float64)


def _to_images(raw):
    """Raw samples ``(n, 784)`` -> float32 ``(n, 28, 28, 1)`` clipped to [-1, 1], share clipped."""
    clipped = float(np.mean(np.abs(raw) > 1.0)) if raw.size else 0.0
    return np.clip(raw, -1.0, 1.0).astype(np.float32).reshape(-1, 28, 28, 1), clipped


class PPCA:
    """Probabilistic PCA with ``n_components`` (k) latent dimensions, fitted to images.

    Attributes after ``fit``: ``mean_`` float64 ``(784,)``; ``components_`` float64
    ``(784, k)``, the loadings W (scikit-learn's ``components_`` is U_k^T); ``noise_variance_``
    sigma^2; ``fit_time_`` seconds; ``pca_`` the fitted ``sklearn.decomposition.PCA``;
    ``clipped_fraction_`` the share of pixel values the last ``sample`` clipped into [-1, 1].
    """

    def __init__(self, n_components):
        self.n_components = check_count(n_components, "n_components", minimum=1)

    def fit(self, images):
        """Fit to uint8 ``(N, 28, 28[, 1])`` or model-range images; needs k < min(N, 784)."""
        data = _as_matrix(images, "PPCA.fit images")
        n_samples, dim = data.shape
        k = self.n_components
        if not k < min(n_samples, dim):
            # with k = min(N, D) nothing is left to estimate the noise variance from
            raise ValueError(f"n_components={k} is out of range for {n_samples} images of "
                             f"dimension {dim}: choose 1 <= n_components <= "
                             f"{min(n_samples, dim) - 1} (min(N, D) - 1), or fit on more images.")
        start = time.perf_counter()
        # exact solvers: the covariance eigendecomposition when it is the smaller problem
        solver = "covariance_eigh" if n_samples >= dim else "full"
        self.pca_ = PCA(n_components=k, svd_solver=solver).fit(data)
        self.mean_ = self.pca_.mean_
        self.noise_variance_ = float(self.pca_.noise_variance_)
        # l_i >= sigma^2 holds for the kept eigenvalues; max() only absorbs rounding error
        scale = np.sqrt(np.maximum(self.pca_.explained_variance_ - self.noise_variance_, 0.0))
        self.components_ = self.pca_.components_.T * scale
        self.fit_time_ = time.perf_counter() - start
        return self

    def sample(self, n, seed=None, noise=True):
        """``n`` new images mu + W z (+ eps unless ``noise=False``), clipped into [-1, 1]:
        float32 ``(n, 28, 28, 1)``. ``seed``: an int, None or a ``numpy.random.Generator``."""
        images, self.clipped_fraction_ = _to_images(
            self._raw_samples(check_count(n, "n"), np.random.default_rng(seed), noise))
        return images

    def _raw_samples(self, n, rng, noise):
        if not hasattr(self, "mean_"):
            raise NotFittedError("This PPCA is not fitted yet; call fit(images) first.")
        samples = self.mean_ + rng.standard_normal((n, self.n_components)) @ self.components_.T
        if noise:
            samples += np.sqrt(self.noise_variance_) * rng.standard_normal(samples.shape)
        return samples


class ClassConditionalPPCA:
    """One ``PPCA`` per class, to draw samples of a requested class.

    Attributes after ``fit``: ``classes_`` int64 ``(C,)`` sorted; ``models_`` dict class ->
    ``PPCA``; ``fit_time_`` seconds for all fits; ``clipped_fraction_`` as in ``PPCA``.
    """

    def __init__(self, n_components):
        self.n_components = check_count(n_components, "n_components", minimum=1)

    def fit(self, images, labels):
        """Fit one PPCA per class: images as for ``PPCA.fit``, labels whole numbers ``(N,)``;
        each class needs more than ``n_components`` images."""
        labels = check_labels(labels, len(images), "labels", num_classes=None)
        self.classes_ = np.unique(labels)
        counts = {int(c): int(np.sum(labels == c)) for c in self.classes_}
        too_few = {c: count for c, count in counts.items() if count <= self.n_components}
        if too_few:
            raise ValueError(f"n_components={self.n_components} needs more than "
                             f"{self.n_components} images per class, but classes have only "
                             f"{too_few} (class: images); lower n_components or give more "
                             f"images of those classes.")
        images = np.asarray(images)
        start = time.perf_counter()
        self.models_ = {int(c): PPCA(self.n_components).fit(images[labels == c])
                        for c in self.classes_}
        self.fit_time_ = time.perf_counter() - start
        return self

    def sample(self, n, labels=None, seed=None, noise=True):
        """``(images, labels)``: ``n`` images as ``PPCA.sample`` returns them, each from the
        model of its label, and the labels int64 ``(n,)``. ``labels`` default: ``classes_`` in
        sorted, balanced blocks (sizes differ by at most one)."""
        if not hasattr(self, "models_"):
            raise NotFittedError("This ClassConditionalPPCA is not fitted yet; call "
                                 "fit(images, labels) first.")
        n = check_count(n, "n")
        if labels is None:
            labels = self.classes_[np.arange(n) * len(self.classes_) // max(n, 1)]
        labels = check_labels(labels, n, "labels", num_classes=None)
        unknown = np.setdiff1d(labels, self.classes_)
        if unknown.size:
            raise ValueError(f"sample got labels {unknown.tolist()} that the model was not "
                             f"fitted on; choose labels among {self.classes_.tolist()}.")
        rng = np.random.default_rng(seed)
        raw = np.empty((n, 28 * 28))
        for c, model in self.models_.items():
            where = np.flatnonzero(labels == c)
            if where.size:
                raw[where] = model._raw_samples(where.size, rng, noise)
        images, self.clipped_fraction_ = _to_images(raw)
        return images, labels
