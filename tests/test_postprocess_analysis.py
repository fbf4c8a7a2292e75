"""Smoothing, entropy and pixel histograms: constructed images with known answers."""

import numpy as np
import pytest
from scipy import ndimage, stats

from gankit import analysis, postprocess
from gankit.data import to_model_range, to_uint8


def random_uint8(n=8, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, 28, 28), dtype=np.uint8)


# smooth --------------------------------------------------------------------------------------

@pytest.mark.parametrize("images", [random_uint8(), to_model_range(random_uint8()),
                                    to_model_range(random_uint8())[..., 0].astype(np.float64)])
def test_smooth_keeps_dtype_and_shape(images):
    smoothed = postprocess.smooth(images, sigma=1.0)
    assert smoothed.dtype == images.dtype and smoothed.shape == images.shape
    assert not np.array_equal(smoothed, images)


def test_smooth_with_sigma_zero_returns_an_equal_copy():
    images = random_uint8()
    smoothed = postprocess.smooth(images, sigma=0)
    assert np.array_equal(smoothed, images) and smoothed is not images
    smoothed[0, 0, 0] ^= 1
    assert not np.array_equal(smoothed, images)  # a copy, not a view


def test_smooth_filters_each_image_on_its_own():
    images = np.zeros((3, 28, 28, 1), np.float32) - 1.0
    images[1, 14, 14, 0] = 1.0
    smoothed = postprocess.smooth(images, sigma=1.5)
    assert np.all(smoothed[[0, 2]] == -1.0)  # nothing leaks into the neighbouring images
    expected = ndimage.gaussian_filter(images[1, :, :, 0].astype(np.float64), 1.5)
    np.testing.assert_allclose(smoothed[1, :, :, 0], expected, atol=1e-6)
    assert -1.0 < smoothed[1, 14, 14, 0] < 1.0  # the bright pixel spread out


def test_smooth_rounds_uint8_and_stays_in_range():
    images = random_uint8()
    expected = np.rint(ndimage.gaussian_filter(images.astype(np.float64), (0, 2.0, 2.0)))
    smoothed = postprocess.smooth(images, sigma=2.0)
    np.testing.assert_array_equal(smoothed, expected.astype(np.uint8))
    assert images.std() > 2 * smoothed.astype(float).std()  # noise is averaged away


def test_smooth_rejects_bad_input():
    with pytest.raises(ValueError, match="sigma must be a finite number >= 0"):
        postprocess.smooth(random_uint8(), sigma=-1)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        postprocess.smooth(np.zeros((28, 28), np.uint8))
    with pytest.raises(ValueError, match="to_model_range"):
        postprocess.smooth(random_uint8().astype(np.float32))  # 0..255 floats


# image_entropy -------------------------------------------------------------------------------

def test_entropy_of_known_images():
    constant = np.full((28, 28), 7, np.uint8)
    halves = np.zeros((28, 28), np.uint8)
    halves[:14] = 255
    entropy = analysis.image_entropy(np.stack([constant, halves]))
    assert entropy.dtype == np.float64 and entropy.shape == (2,)
    np.testing.assert_allclose(entropy, [0.0, 1.0], atol=1e-12)
    distinct = np.linspace(-1, 1, 784).reshape(1, 28, 28, 1)
    assert analysis.image_entropy(distinct, quantize=False)[0] == pytest.approx(np.log2(784))


def test_entropy_matches_a_direct_count():
    images = random_uint8(3) // 32  # 8 levels
    for image, entropy in zip(images, analysis.image_entropy(images)):
        _, counts = np.unique(image, return_counts=True)
        assert entropy == pytest.approx(-np.sum(counts / 784 * np.log2(counts / 784)))


def test_quantised_float_entropy_equals_that_of_the_uint8_copy():
    floats = np.random.default_rng(1).uniform(-1, 1, size=(5, 28, 28, 1)).astype(np.float32)
    np.testing.assert_array_equal(analysis.image_entropy(floats),
                                  analysis.image_entropy(to_uint8(floats)))
    uint8 = random_uint8(5)
    np.testing.assert_array_equal(analysis.image_entropy(to_model_range(uint8)),
                                  analysis.image_entropy(uint8))


def test_unquantised_floats_inflate_the_entropy():
    # a two-level image plus faint noise: it looks the same, but every pixel is a new value
    image = np.where(np.arange(784) < 392, -0.6, 0.6).reshape(1, 28, 28)
    noisy = image + np.random.default_rng(0).normal(0, 1e-3, image.shape)
    assert analysis.image_entropy(noisy)[0] == pytest.approx(1.0)
    assert analysis.image_entropy(noisy, quantize=False)[0] == pytest.approx(np.log2(784))


def test_entropy_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        analysis.image_entropy(np.full((1, 28, 28), 3.0))
    with pytest.raises(ValueError, match="uint8"):
        analysis.image_entropy(np.zeros((1, 28, 28), np.int64))
    with pytest.raises(ValueError, match=r"image\[None\]"):
        analysis.image_entropy(np.zeros((28, 28), np.uint8))


# histograms and their distances ----------------------------------------------------------------

def test_identical_batches_are_at_distance_zero():
    images = random_uint8()
    assert analysis.histogram_distance(images, images.copy()) == pytest.approx(0.0, abs=1e-12)
    # a float batch lands in the same bins as its uint8 copy
    assert analysis.histogram_distance(images, to_model_range(images)) == pytest.approx(
        0.0, abs=1e-12)


def test_distance_of_disjoint_constant_batches_is_their_grey_level_gap():
    dark, light = np.full((4, 28, 28), 10, np.uint8), np.full((4, 28, 28), 30, np.uint8)
    assert analysis.histogram_distance(dark, light) == pytest.approx(20.0)


def test_wasserstein_equals_scipy_on_the_raw_pixel_values():
    real, generated = random_uint8(4, seed=1), random_uint8(4, seed=2) // 2
    expected = stats.wasserstein_distance(real.ravel(), generated.ravel())
    assert analysis.histogram_distance(real, generated) == pytest.approx(expected)
    assert analysis.histogram_distance(generated, real) == pytest.approx(expected)


def test_histogram_distance_rejects_bad_batches():
    with pytest.raises(ValueError, match=r"generated is empty"):
        analysis.histogram_distance(random_uint8(), np.zeros((0, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"real are floats but not all in \[-1, 1\]"):
        analysis.histogram_distance(np.full((2, 28, 28), 3.0), random_uint8())
