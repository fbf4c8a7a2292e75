"""gankit.noise: exact counts, untouched images, masks, determinism, ranges and every bad input."""

import numpy as np
import pytest
from scipy import stats

from gankit import data
from gankit.studies import noise
from gankit.studies.noise import corrupted_count, make_noisy_dataset


def digits(n=50, seed=0):
    """Fake uint8 "digits": a random bright blob on black, different for every image."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28), np.uint8)
    for image in images:
        top, left = rng.integers(4, 14, size=2)
        image[top:top + 10, left:left + 6] = rng.integers(100, 256)
    return images


def letters(n=40):
    """Fake letters: a horizontal bar whose height encodes the index, so each is traceable."""
    images = np.zeros((n, 28, 28), np.uint8)
    for i, image in enumerate(images):
        image[2 + i % 20, :] = 255
        image[:, 2 + i // 20] = 128
    return images


@pytest.mark.parametrize("kind", ["gaussian", "emnist"])
@pytest.mark.parametrize("n, fraction, expected", [
    (50, 0.0, 0), (50, 1.0, 50), (50, 0.1, 5), (50, 0.34, 17), (7, 0.5, 4), (5, 0.5, 2),
    (0, 0.3, 0), (1, 0.4, 0), (1, 0.6, 1)])
def test_replace_corrupts_exactly_round_fraction_n(kind, n, fraction, expected):
    images = digits(n)
    options = {"letters": letters(60)} if kind == "emnist" else {}
    noisy, mask = make_noisy_dataset(images, kind, fraction, seed=3, **options)
    assert corrupted_count(n, fraction) == expected
    assert noisy.shape == images.shape and mask.shape == (n,) and mask.dtype == bool
    assert mask.sum() == expected


@pytest.mark.parametrize("kind", ["gaussian", "emnist"])
def test_uncorrupted_images_are_bit_identical_and_in_place(kind):
    images = digits(60)
    options = {"letters": letters(40)} if kind == "emnist" else {}
    noisy, mask = make_noisy_dataset(images, kind, 0.3, seed=1, **options)
    assert np.array_equal(noisy[~mask], images[~mask])
    # The mask is exact: every marked image really changed (the fake images are never blank
    # bars, and noise of 0.25 of the range changes some pixel with certainty here).
    assert all(not np.array_equal(noisy[i], images[i]) for i in np.flatnonzero(mask))


def test_replaced_images_are_distinct_letters():
    pool = letters(40)
    noisy, mask = make_noisy_dataset(digits(60), "emnist", 0.5, seed=2, letters=pool)
    used = [next(j for j in range(len(pool)) if np.array_equal(image, pool[j]))
            for image in noisy[mask]]
    assert len(set(used)) == len(used) == 30  # drawn without replacement


def test_add_mode_appends_letters_with_the_requested_share():
    images = digits(60)
    noisy, mask = make_noisy_dataset(images, "emnist", 0.25, seed=0, mode="add",
                                     letters=letters(40))
    k = corrupted_count(60, 0.25, mode="add")
    assert k == 20 and len(noisy) == 80 and mask.sum() == 20
    assert np.array_equal(noisy[:60], images) and not mask[:60].any() and mask[60:].all()
    assert mask.mean() == pytest.approx(0.25)


def test_add_mode_reproduces_the_study_share():
    # 10,000 letters added to 60,000 digits: letters are 1/7 of the returned set.
    assert corrupted_count(60_000, 10_000 / 70_000, mode="add") == 10_000
    assert corrupted_count(60_000, 0.14, mode="add") == round(0.14 * 60_000 / 0.86)
    assert corrupted_count(60_000, 0.0, mode="add") == 0


def test_add_mode_fraction_zero_returns_the_input():
    images = digits(10)
    noisy, mask = make_noisy_dataset(images, "emnist", 0.0, mode="add", letters=letters(5))
    assert np.array_equal(noisy, images) and mask.shape == (10,) and not mask.any()


def test_fraction_zero_needs_no_letters(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("letters were loaded although none are needed")
    monkeypatch.setattr(data, "load_emnist_letters", fail)
    noisy, mask = make_noisy_dataset(digits(10), "emnist", 0.0)
    assert not mask.any()


def test_default_letters_come_from_load_emnist_letters(monkeypatch):
    pool = letters(30)
    fake = data.Loaded(pool, np.ones(30, np.uint8), "fake")
    monkeypatch.setattr(data, "load_emnist_letters", lambda split="train", **kwargs: fake)
    noisy, mask = make_noisy_dataset(digits(20), "emnist", 0.5, seed=0)
    assert all(any(np.array_equal(image, letter) for letter in pool) for image in noisy[mask])


@pytest.mark.parametrize("kind, options", [
    ("gaussian", {}), ("emnist", {"letters": letters(40)}),
    ("emnist", {"letters": letters(40), "mode": "add"})])
def test_same_seed_same_result_different_seed_different(kind, options):
    images = digits(50)
    first = make_noisy_dataset(images, kind, 0.3, seed=7, **options)
    again = make_noisy_dataset(images, kind, 0.3, seed=7, **options)
    other = make_noisy_dataset(images, kind, 0.3, seed=8, **options)
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not np.array_equal(first[0], other[0])


def test_input_is_not_modified():
    images = digits(30)
    before = images.copy()
    make_noisy_dataset(images, "gaussian", 1.0)
    make_noisy_dataset(images, "emnist", 1.0, letters=letters(40))
    assert np.array_equal(images, before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("channel", [False, True])
def test_float_model_range_keeps_dtype_shape_and_range(dtype, channel):
    images = data.to_model_range(digits(40)).astype(dtype)
    if not channel:
        images = images[..., 0]
    for kind, options in (("gaussian", {"std": 0.5}), ("emnist", {"letters": letters(30)})):
        noisy, mask = make_noisy_dataset(images, kind, 0.5, **options)
        assert noisy.dtype == dtype and noisy.shape == images.shape
        assert noisy.min() >= -1 and noisy.max() <= 1
        assert np.array_equal(noisy[~mask], images[~mask])


def test_uint8_keeps_dtype_and_channel_axis():
    images = digits(20)[..., None]
    noisy, mask = make_noisy_dataset(images, "gaussian", 0.5, std=0.6)
    assert noisy.dtype == np.uint8 and noisy.shape == (20, 28, 28, 1)


def test_letters_are_converted_to_the_images_convention():
    pool = letters(20)
    as_float = make_noisy_dataset(data.to_model_range(digits(10)), "emnist", 1.0, letters=pool)[0]
    assert as_float.dtype == np.float32
    assert {data.to_uint8(image[None])[0].tobytes() for image in as_float} <= \
        {letter.tobytes() for letter in pool}
    as_uint8 = make_noisy_dataset(digits(10), "emnist", 1.0,
                                  letters=data.to_model_range(pool))[0]
    assert as_uint8.dtype == np.uint8
    assert {image.tobytes() for image in as_uint8} <= {letter.tobytes() for letter in pool}


def test_noise_std_is_relative_to_the_range():
    # A mid-grey image, no blur, little noise (nothing clipped): the measured std of the noise
    # is std * 255 for uint8 and std * 2 for model-range floats.
    grey = np.full((200, 28, 28), 128, np.uint8)
    noisy, _ = make_noisy_dataset(grey, "gaussian", 1.0, blur_sigma=0, std=0.05)
    assert np.std(noisy.astype(float) - 128) == pytest.approx(0.05 * 255, rel=0.02)
    grey_float = np.zeros((200, 28, 28), np.float64)
    noisy, _ = make_noisy_dataset(grey_float, "gaussian", 1.0, blur_sigma=0, std=0.05)
    assert np.std(noisy) == pytest.approx(0.05 * 2, rel=0.02)


def test_clipping_only_where_noise_leaves_the_range():
    images = np.full((100, 28, 28), 250, np.uint8)
    noisy, _ = make_noisy_dataset(images, "gaussian", 1.0, blur_sigma=0, std=0.1)
    values = noisy.astype(int)
    assert values.max() == 255 and values.min() < 250 - 40  # clipped above, free below
    # Every value the noise pushed past 255 (after rounding: past 254.5) lands on 255, and
    # nothing else is clipped: the lower tail reaches far below 250 but not 0.
    expected = stats.norm.sf(4.5 / (0.1 * 255))
    assert (values == 255).mean() == pytest.approx(expected, abs=0.01) and values.min() > 0
    floats = np.full((100, 28, 28), 0.96, np.float32)
    noisy, _ = make_noisy_dataset(floats, "gaussian", 1.0, blur_sigma=0, std=0.1)
    assert noisy.max() == 1.0 and noisy.min() > -1
    assert (noisy == 1.0).mean() == pytest.approx(stats.norm.sf(0.04 / 0.2), abs=0.01)


def test_blur_only_is_deterministic_filtering_of_each_image():
    from scipy import ndimage
    images = digits(10)
    noisy, mask = make_noisy_dataset(images, "gaussian", 1.0, blur_sigma=1.5, std=0)
    expected = np.stack([np.rint(ndimage.gaussian_filter(image.astype(float), 1.5))
                         for image in images]).astype(np.uint8)
    assert np.array_equal(noisy, expected)  # one image at a time: none leaks into another
    assert noisy.sum() > 0 and not np.array_equal(noisy, images)


def test_noise_only_leaves_no_blur():
    images = digits(200)
    noisy, _ = make_noisy_dataset(images, "gaussian", 1.0, blur_sigma=0, std=0.02)
    # Pixels far from 0 and 255 move by the noise only, so their mean does not change.
    inside = (images > 30) & (images < 225)
    difference = noisy.astype(float)[inside] - images[inside]
    assert abs(difference.mean()) < 0.2 and 0.02 * 255 * 0.9 < difference.std() < 0.02 * 255 * 1.1


def test_zero_blur_and_zero_noise_change_nothing_but_still_mark():
    images = digits(20)
    noisy, mask = make_noisy_dataset(images, "gaussian", 0.5, blur_sigma=0, std=0)
    assert np.array_equal(noisy, images) and mask.sum() == 10


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan"), "0.3", None, True])
def test_bad_fraction(fraction):
    with pytest.raises(ValueError, match="fraction"):
        make_noisy_dataset(digits(5), "gaussian", fraction)


def test_fraction_one_with_add_is_an_error():
    with pytest.raises(ValueError, match="infinitely many letters"):
        make_noisy_dataset(digits(5), "emnist", 1.0, mode="add", letters=letters(5))


@pytest.mark.parametrize("option", ["blur_sigma", "std"])
@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf"), "1"])
def test_bad_sigma(option, value):
    with pytest.raises(ValueError, match=option):
        make_noisy_dataset(digits(5), "gaussian", 0.5, **{option: value})


@pytest.mark.parametrize("images, match", [
    (np.zeros((5, 28, 27), np.uint8), r"shape \(N, 28, 28\)"),
    (np.zeros((28, 28), np.uint8), r"shape \(N, 28, 28\)"),
    (np.zeros((5, 784), np.uint8), "reshape"),
    (np.zeros((5, 28, 28, 3), np.uint8), r"\(N, 28, 28, 1\)"),
    (np.zeros((5, 28, 28), np.int64), r"uint8 images in 0..255 or float images \(float32/float64\)"),
    (np.zeros((5, 28, 28), np.float16), "float32/float64"),
    (np.full((5, 28, 28), 255.0, np.float32), r"not all in \[-1, 1\]"),
    (np.full((5, 28, 28), np.nan, np.float32), "NaN"),
    ((np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8)), "tuple"),
])
def test_bad_images(images, match):
    with pytest.raises(ValueError, match=match):
        make_noisy_dataset(images, "gaussian", 0.5)


def test_bad_letters():
    with pytest.raises(ValueError, match=r"letters must have shape"):
        make_noisy_dataset(digits(5), "emnist", 0.5, letters=np.zeros((5, 32, 32), np.uint8))
    with pytest.raises(ValueError, match=r"letters are floats but not all in \[-1, 1\]"):
        make_noisy_dataset(digits(5), "emnist", 0.5, letters=np.full((5, 28, 28), 9.0))


def test_too_few_letters_says_how_many_are_available():
    with pytest.raises(ValueError, match=r"needs 8 letters .* only 3 are available"):
        make_noisy_dataset(digits(10), "emnist", 0.8, letters=letters(3))


def test_unknown_kind_mode_and_options():
    with pytest.raises(ValueError, match="Unknown kind of corruption 'salt'.*'gaussian'.*'letters'"):
        make_noisy_dataset(digits(5), "salt", 0.5)
    with pytest.raises(ValueError, match="Unknown mode 'append'.*'replace'.*'add'"):
        make_noisy_dataset(digits(5), "emnist", 0.5, mode="append", letters=letters(5))
    with pytest.raises(ValueError, match="Unknown option.*sigma.*blur_sigma and std"):
        make_noisy_dataset(digits(5), "gaussian", 0.5, sigma=1.0)
    with pytest.raises(ValueError, match="Unknown option.*mode.*kind='gaussian'"):
        make_noisy_dataset(digits(5), "gaussian", 0.5, mode="add")
    with pytest.raises(ValueError, match="Unknown option.*std.*letters and mode"):
        make_noisy_dataset(digits(5), "emnist", 0.5, std=0.1, letters=letters(5))


def test_defaults_are_documented_values():
    assert noise.DEFAULT_BLUR_SIGMA == 1.0 and noise.DEFAULT_NOISE_STD == 0.25
    images = digits(30)
    default = make_noisy_dataset(images, "gaussian", 0.5, seed=4)
    explicit = make_noisy_dataset(images, "gaussian", 0.5, seed=4, blur_sigma=1.0, std=0.25)
    assert np.array_equal(default[0], explicit[0])


def test_with_the_letters_on_disk(shared_data_dir, monkeypatch):
    folder = shared_data_dir / "letters-standin"
    if not folder.is_dir():
        pytest.skip(f"no letters-standin/ in {shared_data_dir}")
    monkeypatch.setenv("GANKIT_EMNIST_DIR", str(folder))
    images = digits(100)
    noisy, mask = make_noisy_dataset(data.to_model_range(images), "emnist", 0.2, seed=0,
                                     mode="add")
    assert noisy.shape == (125, 28, 28, 1) and mask.sum() == 25 and noisy.dtype == np.float32
    assert noisy.min() >= -1 and noisy.max() <= 1


@pytest.mark.parametrize("kind, options", [
    ("gaussian", {}), ("emnist", {"letters": letters(40)}),
    ("emnist", {"letters": letters(40), "mode": "add"})])
def test_sets_are_nested_across_fractions(kind, options):
    images = digits(60)
    small, small_mask = make_noisy_dataset(images, kind, 0.1, seed=5, **options)
    large, large_mask = make_noisy_dataset(images, kind, 0.4, seed=5, **options)
    if options.get("mode") == "add":  # the first letters appended are the same
        assert np.array_equal(large[:len(small)], small)
    else:
        assert (large_mask[small_mask]).all() and large_mask.sum() > small_mask.sum()
        assert np.array_equal(large[small_mask], small[small_mask])
