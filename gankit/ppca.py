"""Probabilistic PCA: a Gaussian generative model to compare the GANs with.

Probabilistic PCA (Tipping & Bishop 1999) models a data vector x of dimension D as

    x = mu + W z + eps,    z ~ N(0, I_k),    eps ~ N(0, sigma^2 I_D),

so x is Gaussian with mean mu and covariance W W^T + sigma^2 I. Its maximum-likelihood fit is
closed-form: with the eigenvalues l_1 >= ... >= l_D of the data covariance and U_k the first
k eigenvectors, sigma^2 is the mean of the D - k discarded eigenvalues and
W = U_k (L_k - sigma^2 I)^{1/2}, L_k = diag(l_1..l_k). New images are *drawn* from the model;
it never reconstructs existing ones.

scikit-learn's ``PCA`` computes everything the fit needs: ``components_`` (U_k^T),
``explained_variance_`` (L_k) and ``noise_variance_`` (sigma^2), and its ``score`` is the
PPCA log-likelihood. This module adds what a generator needs on top: the loadings W, sampling,
one model per digit (``ClassConditionalPPCA``), and the conversion between image conventions
(uint8 or model-range images in, model-range images out). Introduced in notebook 04.
"""

import time

import numpy as np
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError

from gankit.checks import check_count, check_labels
from gankit.data import to_model_range

IMAGE_SHAPE = (28, 28, 1)


def _as_matrix(data, name):
    """``(X, image_shape)``: X float64 ``(N, D)``; image_shape ``(28, 28, 1)`` or None (flat)."""
    data = np.asarray(data)
    if data.ndim == 2:
        if not (np.issubdtype(data.dtype, np.number) and np.isfinite(data).all()):
            raise ValueError(f"{name} got flat data of dtype {data.dtype} with non-finite or "
                             f"non-numeric values; pass finite real numbers.")
        return data.astype(np.float64), None
    if data.ndim not in (3, 4) or data.shape[1:3] != (28, 28) or (
            data.ndim == 4 and data.shape[3] != 1):
        raise ValueError(f"{name} expects images (N, 28, 28) or (N, 28, 28, 1), or flat data "
                         f"(N, D), got shape {data.shape}; reshape accordingly.")
    if data.dtype == np.uint8:
        data = to_model_range(data)
    elif not np.issubdtype(data.dtype, np.floating):
        raise ValueError(f"{name} expects uint8 images in 0..255 or float images in [-1, 1], "
                         f"got {data.dtype}; convert 0..255 values with .astype('uint8').")
    elif not np.isfinite(data).all() or data.min() < -1 - 1e-6 or data.max() > 1 + 1e-6:
        raise ValueError(f"{name} expects float images in the model range [-1, 1], got values "
                         f"{np.nanmin(data):.4g}..{np.nanmax(data):.4g}; convert uint8 images "
                         f"with gankit.data.to_model_range or pass them as uint8.")
    return data.reshape(len(data), -1).astype(np.float64), IMAGE_SHAPE


def _clip_to_images(samples):
    """Raw samples ``(n, 784)`` -> (float32 ``(n, 28, 28, 1)`` clipped to [-1, 1], share moved)."""
    samples = np.asarray(samples, dtype=np.float64).reshape(-1, *IMAGE_SHAPE)
    clipped = float(np.mean(np.abs(samples) > 1.0)) if samples.size else 0.0
    return np.clip(samples, -1.0, 1.0).astype(np.float32), clipped


def _finish(raw, image_shape, clip):
    """Raw samples -> (what ``sample`` returns, share clipped or None when nothing was clipped)."""
    if image_shape is None:
        if clip:
            raise ValueError("clip=True needs an image model; this model was fitted on flat "
                             "data, which has no image range. Use clip=None or clip=False.")
        return raw, None
    if clip is None or clip:
        return _clip_to_images(raw)
    return raw.reshape(-1, *image_shape).astype(np.float32), None


class PPCA:
    """Probabilistic PCA with ``n_components`` latent dimensions, fitted by maximum likelihood.

    Images (uint8 ``(N, 28, 28)`` or model-range floats ``(N, 28, 28[, 1])``) are modelled on
    the model range [-1, 1], flattened to D = 784; flat arrays ``(N, D)`` of any D are modelled
    as they are.

    Attributes (after ``fit``):
        mean_: float64 ``(D,)``, mu.
        components_: float64 ``(D, k)``, the loadings W = U_k (L_k - sigma^2 I)^{1/2}; note
            that scikit-learn's ``PCA.components_`` is U_k^T, ``(k, D)`` with unit rows.
        noise_variance_: float, sigma^2, the mean of the discarded eigenvalues.
        fit_time_: seconds that the fit took.
        image_shape_: ``(28, 28, 1)`` for an image model, None for flat data.
        pca_: the fitted ``sklearn.decomposition.PCA``.
        clipped_fraction_: share of pixel values that the last ``sample`` or ``to_images``
            moved into [-1, 1] (image models).
    """

    def __init__(self, n_components):
        self.n_components = check_count(n_components, "n_components", minimum=1)

    def fit(self, images):
        """Fit the model to ``images`` (see the class docstring for the accepted forms).

        Raises:
            ValueError: unless 1 <= n_components < min(n_samples, D) (with as many components
                as that minimum, nothing is left to estimate the noise variance from).
        """
        data, self.image_shape_ = _as_matrix(images, "PPCA.fit")
        n_samples, dim = data.shape
        k = self.n_components
        if not k < min(n_samples, dim):
            raise ValueError(f"n_components={k} is out of range for {n_samples} samples of "
                             f"dimension {dim}: choose 1 <= n_components <= "
                             f"{min(n_samples, dim) - 1} (min(n_samples, D) - 1), or fit on more "
                             f"samples.")
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

    def _check_fitted(self):
        if not hasattr(self, "mean_"):
            raise NotFittedError("This PPCA is not fitted yet; call fit(images) first.")

    def covariance(self):
        """The model covariance W W^T + sigma^2 I, float64 ``(D, D)``."""
        self._check_fitted()
        return self.components_ @ self.components_.T + self.noise_variance_ * np.eye(
            len(self.mean_))

    def sample(self, n, seed=None, clip=None, noise=True):
        """Draw ``n`` new samples x = mu + W z + eps.

        The Gaussian model puts some mass outside [-1, 1], so raw samples of an image model
        are not all valid images. Clipping them into [-1, 1] is a deliberate step, on by
        default for image models so that the result can be shown and scored; the share of
        values it moved is kept in ``clipped_fraction_``.

        Args:
            n: number of samples.
            seed: int, None (fresh randomness) or a ``numpy.random.Generator``.
            clip: clip image samples into [-1, 1] (the default, None, means True for an image
                model). ``clip=False`` returns the raw Gaussian samples. Flat models have no
                image range, so they always return raw samples and refuse ``clip=True``.
            noise: add eps ~ N(0, sigma^2 I); ``False`` gives mu + W z, the smooth part.

        Returns:
            Image models: float32 ``(n, 28, 28, 1)`` (in [-1, 1] when clipped). Flat models:
            float64 ``(n, D)``.
        """
        raw = self._raw_samples(check_count(n, "n"), seed, noise)
        samples, clipped = _finish(raw, self.image_shape_, clip)
        if clipped is not None:
            self.clipped_fraction_ = clipped
        return samples

    def _raw_samples(self, n, seed, noise):
        self._check_fitted()
        rng = np.random.default_rng(seed)
        samples = self.mean_ + rng.standard_normal((n, self.n_components)) @ self.components_.T
        if noise:
            samples += np.sqrt(self.noise_variance_) * rng.standard_normal(samples.shape)
        return samples

    def to_images(self, samples):
        """Clip raw samples of an image model into [-1, 1]: float32 ``(n, 28, 28, 1)``.

        Accepts ``(n, 784)`` or ``(n, 28, 28[, 1])`` raw samples; sets ``clipped_fraction_``.
        """
        self._check_fitted()
        if self.image_shape_ is None:
            raise ValueError("to_images needs an image model; this PPCA was fitted on flat data.")
        samples = np.asarray(samples)
        if samples.size % 784 or samples.ndim < 2:
            raise ValueError(f"to_images expects samples (n, 784) or (n, 28, 28[, 1]), got "
                             f"shape {samples.shape}.")
        images, self.clipped_fraction_ = _clip_to_images(samples)
        return images

    def log_likelihood(self, images):
        """Average log-likelihood per sample (nats) under the model (``PCA.score``).

        Images are measured in model-range coordinates, so only compare values computed on
        the same kind of data.
        """
        self._check_fitted()
        data, image_shape = _as_matrix(images, "PPCA.log_likelihood")
        if image_shape != self.image_shape_ or data.shape[1] != len(self.mean_):
            raise ValueError(f"log_likelihood got data of shape {np.shape(images)}, but the "
                             f"model was fitted on "
                             f"{'images' if self.image_shape_ else 'flat data'} of dimension "
                             f"{len(self.mean_)}; pass data of the same kind.")
        return float(self.pca_.score(data))


class ClassConditionalPPCA:
    """One ``PPCA`` per class (digit), for drawing samples of a requested class.

    Attributes (after ``fit``):
        classes_: int64 ``(C,)``, the sorted classes seen in ``fit``.
        models_: dict class -> fitted ``PPCA``.
        fit_time_: seconds that all fits took together.
        clipped_fraction_: share of pixel values that the last ``sample`` clipped.
    """

    def __init__(self, n_components):
        self.n_components = check_count(n_components, "n_components", minimum=1)

    def fit(self, images, labels):
        """Fit one PPCA per class on ``images`` (any form ``PPCA.fit`` takes) and ``labels``.

        Raises:
            ValueError: for labels that are not whole numbers of shape ``(N,)``, or a class
                with too few images (each needs more than ``n_components``).
        """
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

    def sample(self, n, labels=None, seed=None, clip=None, noise=True):
        """Draw ``n`` samples, each from the model of its class.

        Args:
            n: number of samples.
            labels: int ``(n,)``, the class of each sample, all among ``classes_``; by default
                balanced and sorted (``classes_`` repeated in blocks whose sizes differ by at
                most one).
            seed, clip, noise: as in ``PPCA.sample``.

        Returns:
            ``(samples, labels)``: samples as ``PPCA.sample`` returns them, labels int64 ``(n,)``.
        """
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
        first = self.models_[int(self.classes_[0])]
        raw = np.empty((n, len(first.mean_)))
        for c, model in self.models_.items():
            where = np.flatnonzero(labels == c)
            if where.size:
                raw[where] = model._raw_samples(where.size, rng, noise)
        samples, clipped = _finish(raw, first.image_shape_, clip)
        if clipped is not None:
            self.clipped_fraction_ = clipped
        return samples, labels
