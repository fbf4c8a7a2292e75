"""Mixed real and generated training sets: exact shares per class, reproducible, checked input."""

import numpy as np
import pytest

from gankit.studies import augmentation
from gankit.data import to_model_range


def tagged_images(per_class, source, seed):
    """uint8 images whose first pixels hold (source, index): every image can be traced back."""
    labels = np.random.default_rng(seed).permutation(np.repeat(np.arange(10), per_class))
    images = np.zeros((len(labels), 28, 28), np.uint8)
    images[:, 0, 0] = source
    images[:, 0, 1], images[:, 0, 2] = np.divmod(np.arange(len(labels)), 256)
    return images, labels


@pytest.fixture(scope="module")
def sources():
    real_images, real_labels = tagged_images(30, source=1, seed=0)
    generated_images, generated_labels = tagged_images(40, source=2, seed=1)
    return real_images, real_labels, generated_images, generated_labels


def trace(images, sources):
    """(is_real, label of the source image, index in its source) for each image."""
    real_labels, generated_labels = sources[1], sources[3]
    is_real = images[:, 0, 0] == 1
    index = images[:, 0, 1].astype(int) * 256 + images[:, 0, 2]
    labels = np.empty(len(images), np.int64)
    labels[is_real] = real_labels[index[is_real]]
    labels[~is_real] = generated_labels[index[~is_real]]
    return is_real, labels, index


def check_set(images, labels, is_real, sources):
    traced_real, traced_labels, index = trace(images, sources)
    np.testing.assert_array_equal(is_real, traced_real)
    np.testing.assert_array_equal(labels, traced_labels)  # labels travel with their images
    for flag in (True, False):  # drawn without replacement
        assert len(np.unique(index[is_real == flag])) == np.sum(is_real == flag)


@pytest.mark.parametrize("fraction, real_per_class", [(0.0, 0), (0.3, 6), (0.5, 10), (1.0, 20)])
def test_mix_has_the_exact_share_of_real_images_in_every_class(sources, fraction, real_per_class):
    images, labels, is_real = augmentation.mix_real_and_generated(*sources, total=200,
                                                             real_fraction=fraction)
    assert images.shape == (200, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and is_real.dtype == bool
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), np.full(10, 20))
    np.testing.assert_array_equal(np.bincount(labels[is_real], minlength=10),
                                  np.full(10, real_per_class))
    check_set(images, labels, is_real, sources)


def test_remainder_goes_to_the_first_classes_and_shares_round_half_up(sources):
    np.testing.assert_array_equal(augmentation.per_class_counts(23), [3, 3, 3] + [2] * 7)
    images, labels, is_real = augmentation.mix_real_and_generated(*sources, total=23,
                                                             real_fraction=0.5)
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), [3, 3, 3] + [2] * 7)
    # 0.5 * 3 = 1.5 rounds up to 2 real images; 0.5 * 2 = 1
    np.testing.assert_array_equal(np.bincount(labels[is_real], minlength=10), [2, 2, 2] + [1] * 7)
    check_set(images, labels, is_real, sources)


def test_mix_is_reproducible_and_shuffled(sources):
    first = augmentation.mix_real_and_generated(*sources, total=100, real_fraction=0.4, seed=7)
    again = augmentation.mix_real_and_generated(*sources, total=100, real_fraction=0.4, seed=7)
    other = augmentation.mix_real_and_generated(*sources, total=100, real_fraction=0.4, seed=8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    assert not np.all(np.diff(first[1]) >= 0)  # labels are not left in class order
    assert not np.array_equal(first[2], np.sort(first[2])[::-1])  # real ones not all in front


def test_mix_works_on_model_range_images(sources):
    real, real_labels, generated, generated_labels = sources
    images, labels, is_real = augmentation.mix_real_and_generated(
        to_model_range(real), real_labels, to_model_range(generated), generated_labels,
        total=50, real_fraction=0.2)
    assert images.shape == (50, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(np.bincount(labels[is_real], minlength=10), np.ones(10))


def test_top_up_keeps_n_real_balanced_and_fills_with_generated(sources):
    images, labels, is_real = augmentation.top_up(*sources, n_real=25, total=100, seed=0)
    assert len(images) == 100 and is_real.sum() == 25
    np.testing.assert_array_equal(np.bincount(labels, minlength=10), np.full(10, 10))
    np.testing.assert_array_equal(np.bincount(labels[is_real], minlength=10),
                                  [3] * 5 + [2] * 5)
    check_set(images, labels, is_real, sources)


def test_errors_name_the_problem(sources):
    real, real_labels, generated, generated_labels = sources
    mix = augmentation.mix_real_and_generated
    with pytest.raises(ValueError, match="class 0 needs 35 real images but has 30"):
        mix(*sources, total=500, real_fraction=0.7)
    with pytest.raises(ValueError, match="needs 50 generated images but has 40"):
        mix(*sources, total=500, real_fraction=0.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        mix(*sources, total=100, real_fraction=30)
    bad_labels = real_labels.copy()
    bad_labels[0] = 10
    with pytest.raises(ValueError, match="0..9"):
        mix(real, bad_labels, generated, generated_labels, total=100, real_fraction=0.5)
    with pytest.raises(ValueError, match="one label per image"):
        mix(real, real_labels[:-1], generated, generated_labels, total=100, real_fraction=0.5)
    with pytest.raises(ValueError, match="share dtype and shape"):
        mix(real, real_labels, to_model_range(generated), generated_labels, total=100,
            real_fraction=0.5)
    with pytest.raises(ValueError, match="model range"):
        mix(real.astype(np.float32), real_labels, generated.astype(np.float32),
            generated_labels, total=100, real_fraction=0.5)
    with pytest.raises(ValueError, match="n_real <= total"):
        augmentation.top_up(*sources, n_real=50, total=40)
    with pytest.raises(ValueError, match="total must be a whole number"):
        mix(*sources, total=-10, real_fraction=0.5)
