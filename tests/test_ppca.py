"""Probabilistic PCA: recover known parameters, sample the fitted Gaussian, sample per class."""

import numpy as np
import pytest
from scipy import linalg, stats
from sklearn.exceptions import NotFittedError

from gankit.data import to_model_range
from gankit.ppca import PPCA, ClassConditionalPPCA

K, NOISE_VARIANCE = 3, 0.001


@pytest.fixture(scope="module")
def truth():
    """Parameters of a PPCA model of images and 20,000 samples from it, all inside [-1, 1]."""
    rng = np.random.default_rng(0)
    loadings = rng.normal(size=(784, K)) * np.array([0.04, 0.03, 0.02])
    mean = rng.uniform(-0.3, 0.3, 784)
    data = (mean + rng.normal(size=(20_000, K)) @ loadings.T
            + np.sqrt(NOISE_VARIANCE) * rng.normal(size=(20_000, 784)))
    assert np.abs(data).max() < 1
    return {"loadings": loadings, "mean": mean, "data": data.reshape(-1, 28, 28, 1)}


@pytest.fixture(scope="module")
def fitted(truth):
    return PPCA(K).fit(truth["data"])


def covariance(model):
    return model.components_ @ model.components_.T + model.noise_variance_ * np.eye(784)


def relative_error(estimate, target):
    return np.linalg.norm(estimate - target) / np.linalg.norm(target)


def random_images(n, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


# recovering known parameters -------------------------------------------------------------------

def test_fit_recovers_noise_variance_mean_and_subspace(truth, fitted):
    assert fitted.components_.shape == (784, K) and fitted.mean_.shape == (784,)
    assert fitted.noise_variance_ == pytest.approx(NOISE_VARIANCE, rel=0.05)
    np.testing.assert_allclose(fitted.mean_, truth["mean"], atol=0.01)
    assert np.max(linalg.subspace_angles(fitted.components_, truth["loadings"])) < 0.02
    # W is identifiable only up to a rotation of the latent space; W W^T is not
    true_wwt = truth["loadings"] @ truth["loadings"].T
    assert relative_error(fitted.components_ @ fitted.components_.T, true_wwt) < 0.05
    assert fitted.fit_time_ >= 0.0


def test_loadings_follow_the_maximum_likelihood_formula(fitted):
    # columns of W are orthogonal with squared norms l_i - sigma^2
    gram = fitted.components_.T @ fitted.components_
    np.testing.assert_allclose(gram, np.diag(np.diag(gram)), atol=1e-10)
    np.testing.assert_allclose(np.diag(gram),
                               fitted.pca_.explained_variance_ - fitted.noise_variance_)


def test_pca_score_is_the_gaussian_density_of_the_model(truth, fitted):
    # notebook 04's exercise reads the log-likelihood from the fitted PCA's score
    data = truth["data"][:200].reshape(200, -1)
    expected = stats.multivariate_normal(fitted.mean_, covariance(fitted)).logpdf(data).mean()
    assert fitted.pca_.score(data) == pytest.approx(expected, rel=1e-8)


# sampling ----------------------------------------------------------------------------------------

def test_samples_have_the_fitted_mean_and_covariance(fitted):
    samples = fitted.sample(5_000, seed=1)
    assert samples.shape == (5_000, 28, 28, 1) and samples.dtype == np.float32
    assert fitted.clipped_fraction_ == 0.0
    samples = samples.reshape(5_000, -1).astype(np.float64)
    tolerance = 4 * np.sqrt(np.diag(covariance(fitted)) / len(samples))
    assert np.all(np.abs(samples.mean(axis=0) - fitted.mean_) < tolerance)
    assert relative_error(np.cov(samples.T), covariance(fitted)) < 0.05


def test_samples_without_noise_lie_in_the_k_dimensional_subspace(fitted):
    samples = fitted.sample(2_000, seed=2, noise=False).reshape(2_000, -1).astype(np.float64)
    eigenvalues = np.linalg.eigvalsh(np.cov(samples.T))[::-1]
    assert eigenvalues[K - 1] > 1e-2 and np.all(eigenvalues[K:] < 1e-6 * eigenvalues[0])


def test_sampling_is_reproducible_with_a_seed(fitted):
    np.testing.assert_array_equal(fitted.sample(5, seed=3), fitted.sample(5, seed=3))
    assert not np.array_equal(fitted.sample(5, seed=3), fitted.sample(5, seed=4))


# images ------------------------------------------------------------------------------------------

def test_samples_are_clipped_into_the_model_range_and_the_share_is_kept():
    images = random_images(60)
    model = PPCA(5).fit(images)
    assert model.components_.shape == (784, 5)
    clipped = model.sample(50, seed=0)
    assert clipped.shape == (50, 28, 28, 1) and clipped.dtype == np.float32
    assert clipped.min() >= -1.0 and clipped.max() <= 1.0
    raw = model._raw_samples(50, np.random.default_rng(0), noise=True)
    np.testing.assert_array_equal(np.clip(raw, -1, 1).astype(np.float32).reshape(clipped.shape),
                                  clipped)
    outside = np.mean(np.abs(raw) > 1.0)
    assert model.clipped_fraction_ == pytest.approx(outside) and 0 < outside < 1


def test_uint8_and_model_range_images_give_the_same_model():
    images = random_images(40)
    from_uint8, from_floats = PPCA(4).fit(images), PPCA(4).fit(to_model_range(images))
    np.testing.assert_allclose(from_floats.mean_, from_uint8.mean_, atol=1e-6)
    np.testing.assert_allclose(from_floats.noise_variance_, from_uint8.noise_variance_, rtol=1e-5)


# per-class models --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def class_data():
    """Three classes of images around the grey levels -0.5, 0 and 0.5."""
    rng = np.random.default_rng(5)
    labels = np.repeat([0, 1, 2], 400)
    data = 0.5 * (labels[:, None] - 1) + 0.03 * rng.normal(size=(len(labels), 2)) @ rng.normal(
        size=(2, 784)) + 0.01 * rng.normal(size=(len(labels), 784))
    return data.reshape(-1, 28, 28, 1), labels


def test_class_conditional_samples_follow_the_requested_labels(class_data):
    data, labels = class_data
    model = ClassConditionalPPCA(2).fit(data, labels)
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    wanted = np.array([2, 0, 1, 1, 2, 2, 0])
    samples, returned = model.sample(len(wanted), labels=wanted, seed=0)
    np.testing.assert_array_equal(returned, wanted)
    class_means = np.stack([model.models_[c].mean_ for c in range(3)])
    flat = samples.reshape(len(wanted), -1)
    nearest = np.argmin(((flat[:, None] - class_means) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(nearest, wanted)


def test_class_conditional_default_labels_are_balanced(class_data):
    model = ClassConditionalPPCA(2).fit(*class_data)
    samples, labels = model.sample(10, seed=0)
    assert samples.shape == (10, 28, 28, 1)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(model.sample(10, seed=0)[0], samples)


def test_class_conditional_image_samples_resemble_their_class():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 20)
    images = rng.integers(0, 40, size=(200, 28, 28)).astype(np.uint8)
    for index, digit in enumerate(labels):
        images[index, 2 * digit + 4:2 * digit + 6] = 200 + rng.integers(0, 40)
    model = ClassConditionalPPCA(3).fit(images, labels)
    samples, sampled_labels = model.sample(30, seed=1)
    assert samples.shape == (30, 28, 28, 1) and samples.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(sampled_labels), np.full(10, 3))
    bright_rows = samples[..., 0].mean(axis=2)[:, 4:24].reshape(30, 10, 2).mean(axis=2).argmax(1)
    np.testing.assert_array_equal(bright_rows, sampled_labels)
    assert 0.0 <= model.clipped_fraction_ < 1.0


# errors ----------------------------------------------------------------------------------------

def test_invalid_number_of_components_names_the_valid_range():
    with pytest.raises(ValueError, match=">= 1"):
        PPCA(0)
    with pytest.raises(ValueError, match="1 <= n_components <= 4"):
        PPCA(5).fit(random_images(5))
    with pytest.raises(ValueError, match="1 <= n_components <= 99"):
        PPCA(100).fit(random_images(100))


def test_wrong_input_is_rejected(class_data):
    with pytest.raises(ValueError, match="shape"):
        PPCA(2).fit(np.zeros((10, 28, 27), np.uint8))
    with pytest.raises(ValueError, match=r"reshape\(-1, 28, 28\)"):
        PPCA(2).fit(np.zeros((10, 784)))
    with pytest.raises(ValueError, match="to_model_range"):
        PPCA(2).fit(np.full((10, 28, 28), 255.0))
    with pytest.raises(NotFittedError, match="fit"):
        PPCA(2).sample(3)
    model = ClassConditionalPPCA(2).fit(*class_data)
    with pytest.raises(ValueError, match=r"labels \[3\].*\[0, 1, 2\]"):
        model.sample(2, labels=[0, 3])
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        model.sample(3, labels=[0, 1])
    with pytest.raises(ValueError, match=r"classes have only \{2: 2\}"):
        ClassConditionalPPCA(2).fit(class_data[0][:802], class_data[1][:802])
