"""gankit.data and gankit.idx: loading MNIST / EMNIST Letters, file checks, converters, subsets."""

import gzip
import hashlib
import subprocess
import sys
import time

import numpy as np
import pytest

from gankit import data, idx

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]

# An asymmetric "image": an L with a dot in the top-right corner; its transpose differs.
KNOWN = np.zeros((28, 28), np.uint8)
KNOWN[4:24, 6:9] = 255
KNOWN[21:24, 6:20] = 200
KNOWN[2:4, 24:26] = 90


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No environment variables from outside, an empty default folder, and never a download."""
    monkeypatch.delenv("GANKIT_DATA_DIR", raising=False)
    monkeypatch.delenv("GANKIT_EMNIST_DIR", raising=False)
    monkeypatch.setattr(data, "default_data_dir", lambda: tmp_path / "default")
    monkeypatch.setattr(data, "_online", lambda timeout=3.0: False)


@pytest.fixture(scope="session")
def mnist_dir(shared_data_dir):
    if not (shared_data_dir / "mnist").is_dir():
        pytest.skip(f"no mnist/ in {shared_data_dir}")
    return shared_data_dir / "mnist"


@pytest.fixture(scope="session")
def letters_dir(shared_data_dir):
    if not (shared_data_dir / "letters-standin").is_dir():
        pytest.skip(f"no letters-standin/ in {shared_data_dir}")
    return shared_data_dir / "letters-standin"


def write_idx(path, array):
    """``array`` as an IDX file of bytes (gzipped for a ``.gz`` name), as MNIST is published."""
    array = np.asarray(array, np.uint8)
    contents = bytes([0, 0, 8, array.ndim]) + np.asarray(array.shape, ">u4").tobytes() \
        + array.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(contents) if path.suffix == ".gz" else contents)


def write_pair(folder, names, images, labels, gz=True):
    suffix = ".gz" if gz else ""
    write_idx(folder / (names[0] + suffix), images)
    write_idx(folder / (names[1] + suffix), labels)
    return folder


@pytest.fixture
def unverified(monkeypatch):
    """Small MNIST files of our own, which cannot pass MNIST's checksums."""
    monkeypatch.setattr(data, "MNIST_SHA256", {})


def tiny_mnist(folder, n=5, split="train", gz=True, value=7):
    images = np.full((n, 28, 28), value, np.uint8)
    return write_pair(folder, data.MNIST_FILES[split], images, np.arange(n, dtype=np.uint8) % 10, gz)


def tiny_letters(folder, stored_images, labels=None):
    labels = np.arange(1, len(stored_images) + 1, dtype=np.uint8) if labels is None else labels
    return write_pair(folder, data.EMNIST_FILES["train"], stored_images, labels)


# The real files ------------------------------------------------------------------------------

@pytest.mark.parametrize("split, counts", [("train", TRAIN_COUNTS), ("test", TEST_COUNTS)])
def test_mnist_splits_have_mnists_shapes_labels_and_report(split, counts, shared_data_dir,
                                                           mnist_dir, capsys):
    loaded = data.load_mnist(split, data_dir=shared_data_dir)
    images, labels = loaded
    n = sum(counts)
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == counts
    assert loaded.images is images and loaded.labels is labels
    assert 0 == images.min() < images.max() == 255
    assert loaded.source == f"local IDX files in {mnist_dir}"
    assert capsys.readouterr().out == f"MNIST {split}: {n:,} images from {loaded.source}\n"


def test_verbose_false_prints_nothing_and_mnist_files_pass_their_checksums(mnist_dir, capsys):
    images, _ = data.load_mnist("test", data_dir=mnist_dir, verbose=False)
    assert capsys.readouterr().out == "" and len(images) == 10_000
    for name, digest in data.MNIST_SHA256.items():
        contents = gzip.decompress((mnist_dir / f"{name}.gz").read_bytes())
        assert hashlib.sha256(contents).hexdigest() == digest


def test_uncompressed_and_regzipped_copies_pass_and_a_changed_byte_fails(mnist_dir, tmp_path):
    contents = gzip.decompress((mnist_dir / "t10k-labels-idx1-ubyte.gz").read_bytes())
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(contents)
    (tmp_path / "t10k-images-idx3-ubyte.gz").symlink_to(mnist_dir / "t10k-images-idx3-ubyte.gz")
    _, labels = data.load_mnist("test", data_dir=tmp_path)
    assert np.bincount(labels).tolist() == TEST_COUNTS
    changed = bytearray(contents)
    changed[100] = (changed[100] + 1) % 10  # still a valid label, so only the checksum can tell
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(bytes(changed))
    with pytest.raises(idx.CorruptDataError, match=r"t10k-labels-idx1-ubyte fails its checksum"):
        data.load_mnist("test", data_dir=tmp_path)


@pytest.mark.parametrize("split, n", [("train", 2600), ("test", 520)])
def test_letters_standin_loads_like_emnist(split, n, letters_dir, capsys):
    loaded = data.load_emnist_letters(split, data_dir=letters_dir)
    images, labels = loaded
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8 and labels.dtype == np.uint8
    assert labels.min() == 1 and labels.max() == 26
    assert loaded.source == f"local IDX files in {letters_dir}"
    assert capsys.readouterr().out == f"EMNIST Letters {split}: {n:,} images from {loaded.source}\n"


# Where files come from ------------------------------------------------------------------------

def test_argument_then_environment_then_default_folder(tmp_path, monkeypatch, unverified):
    argument, env, default = (tiny_mnist(tmp_path / name, n) for name, n in
                              [("argument", 3), ("env", 4), ("default", 5)])
    monkeypatch.setenv("GANKIT_DATA_DIR", str(env))
    assert len(data.load_mnist(data_dir=argument)[0]) == 3
    assert len(data.load_mnist()[0]) == 4
    monkeypatch.delenv("GANKIT_DATA_DIR")
    assert data.load_mnist().source == f"local IDX files in {default}"


def test_emnist_dir_comes_before_data_dir_but_after_the_argument(tmp_path, monkeypatch):
    for name, n in [("argument", 2), ("emnist", 3), ("data", 4)]:
        tiny_letters(tmp_path / name, np.zeros((n, 28, 28), np.uint8))
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "data"))
    assert len(data.load_emnist_letters(verbose=False)[0]) == 4
    monkeypatch.setenv("GANKIT_EMNIST_DIR", str(tmp_path / "emnist"))
    assert len(data.load_emnist_letters(verbose=False)[0]) == 3
    assert len(data.load_emnist_letters(data_dir=tmp_path / "argument", verbose=False)[0]) == 2


@pytest.mark.parametrize("sub", ["", "mnist"])
@pytest.mark.parametrize("gz", [True, False])
def test_flat_and_subfolder_layouts_gzipped_or_not(tmp_path, sub, gz, unverified):
    folder = tiny_mnist(tmp_path / sub, n=6, split="test", gz=gz, value=9)
    images, labels = data.load_mnist("test", data_dir=tmp_path, verbose=False)
    assert images.shape == (6, 28, 28) and (images == 9).all() and labels.tolist() == [0, 1, 2, 3, 4, 5]
    assert images.flags.writeable
    assert data.load_mnist("test", data_dir=tmp_path).source.endswith(str(folder))


def test_small_mnist_files_fail_the_checksum(tmp_path, monkeypatch):
    tiny_mnist(tmp_path)
    with pytest.raises(idx.CorruptDataError, match=r"train-images-idx3-ubyte.gz fails its checksum"):
        data.load_mnist(data_dir=tmp_path)
    monkeypatch.setattr(data, "MNIST_SHA256", {})
    assert len(data.load_mnist(data_dir=tmp_path)[0]) == 5


def test_emnist_images_are_transposed_to_mnist_orientation_and_mnist_ones_are_not(tmp_path,
                                                                                  unverified):
    tiny_letters(tmp_path / "letters", np.stack([KNOWN.T, KNOWN.T]))
    images, labels = data.load_emnist_letters(data_dir=tmp_path / "letters", verbose=False)
    assert np.array_equal(images[0], KNOWN) and labels.tolist() == [1, 2]
    assert images.flags.c_contiguous
    write_pair(tmp_path / "digits", data.MNIST_FILES["train"], KNOWN[None], np.zeros(1, np.uint8))
    assert np.array_equal(data.load_mnist(data_dir=tmp_path / "digits")[0][0], KNOWN)


# Missing and damaged files --------------------------------------------------------------------

def test_an_explicit_folder_without_the_files_raises_instead_of_falling_through(tmp_path,
                                                                                monkeypatch, unverified):
    tiny_mnist(tmp_path / "default")  # would load, but GANKIT_DATA_DIR was asked for
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("GANKIT_DATA_DIR", str(tmp_path / "empty"))
    with pytest.raises(data.DataNotFoundError, match="GANKIT_DATA_DIR") as error:
        data.load_mnist()
    message = str(error.value)
    assert "train-images-idx3-ubyte[.gz]" in message and "train-labels-idx1-ubyte[.gz]" in message
    assert str(tmp_path / "empty" / "mnist") in message
    with pytest.raises(FileNotFoundError, match="does not exist"):
        data.load_mnist(data_dir=tmp_path / "missing")


def test_images_without_labels_raise(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(data.DataNotFoundError, match="not t10k-labels-idx1-ubyte"):
        data.load_mnist("test", data_dir=tmp_path)


def test_offline_without_local_files_raises_quickly_and_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_tfds_installed", lambda: True)
    start = time.monotonic()
    with pytest.raises(data.DataNotFoundError, match="no internet connection") as error:
        data.load_mnist()
    assert time.monotonic() - start < 10
    message = str(error.value)
    assert "GANKIT_DATA_DIR" in message and str(tmp_path / "default" / "mnist") in message
    assert "t10k" not in message and "train-images-idx3-ubyte[.gz]" in message
    with pytest.raises(data.DataNotFoundError, match="GANKIT_EMNIST_DIR or GANKIT_DATA_DIR"):
        data.load_emnist_letters("test")


def test_missing_tensorflow_datasets_says_to_install_it_or_set_the_folder(monkeypatch):
    monkeypatch.setattr(data, "_tfds_installed", lambda: False)
    with pytest.raises(data.DataNotFoundError, match=r"pip install tensorflow tensorflow-datasets"
                                                     r"\), or set GANKIT_DATA_DIR"):
        data.load_mnist()


def test_connectivity_check_gives_up_within_its_timeout(monkeypatch):
    monkeypatch.undo()  # the real _online
    monkeypatch.setattr(data.socket, "create_connection", lambda *args, **kw: time.sleep(5))
    start = time.monotonic()
    assert data._online(timeout=0.2) is False
    assert time.monotonic() - start < 2


def test_gzip_that_is_corrupt_or_cut_short_raises(tmp_path, unverified):
    folder = tiny_mnist(tmp_path, n=50)
    path = folder / "train-images-idx3-ubyte.gz"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(idx.CorruptDataError, match=r"train-images-idx3-ubyte.gz is not a valid gzip"):
        data.load_mnist(data_dir=tmp_path)
    path.write_bytes(b"this is not gzip data at all")
    with pytest.raises(idx.CorruptDataError, match="download it again"):
        data.load_mnist(data_dir=tmp_path)


def test_truncated_file_wrong_magic_and_extra_bytes_raise(tmp_path, unverified):
    folder = tiny_mnist(tmp_path, n=4, gz=False)
    path = folder / "train-images-idx3-ubyte"
    whole = path.read_bytes()
    path.write_bytes(whole[:-10])
    with pytest.raises(idx.CorruptDataError, match=r"train-images-idx3-ubyte: .*truncated"):
        data.load_mnist(data_dir=tmp_path)
    path.write_bytes(whole + b"\0")
    with pytest.raises(idx.CorruptDataError, match="extra bytes"):
        data.load_mnist(data_dir=tmp_path)
    path.write_bytes(b"\x1f\x8b" + whole[2:])
    with pytest.raises(idx.CorruptDataError, match="magic number"):
        data.load_mnist(data_dir=tmp_path)
    path.write_bytes(whole[:10])
    with pytest.raises(idx.CorruptDataError, match="ends inside its header"):
        data.load_mnist(data_dir=tmp_path)


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((3, 28, 28), np.uint8), np.array([1, 27, 3], np.uint8), "outside 1..26"),
    (np.zeros((3, 28, 28), np.uint8), np.array([0, 2, 3], np.uint8), "outside 1..26"),
    (np.zeros((3, 28, 28), np.uint8), np.array([1, 2], np.uint8), "do not belong together"),
    (np.zeros((3, 32, 32), np.uint8), np.array([1, 2, 3], np.uint8), r"not uint8 \(N, 28, 28\)"),
    (np.zeros((3, 784), np.uint8), np.array([1, 2, 3], np.uint8), r"not uint8 \(N, 28, 28\)"),
])
def test_emnist_files_are_checked_by_header_and_labels(tmp_path, images, labels, message):
    tiny_letters(tmp_path, images, labels)
    with pytest.raises(idx.CorruptDataError, match=message):
        data.load_emnist_letters(data_dir=tmp_path)


def test_mnist_labels_out_of_range_raise_even_without_verification(tmp_path, unverified):
    write_pair(tmp_path, data.MNIST_FILES["test"], np.zeros((2, 28, 28), np.uint8),
               np.array([3, 10], np.uint8))
    with pytest.raises(idx.CorruptDataError, match=r"t10k-labels-idx1-ubyte.gz holds labels 3..10"):
        data.load_mnist("test", data_dir=tmp_path)


def test_unknown_split_raises():
    with pytest.raises(ValueError, match=r"split must be one of \('train', 'test'\)"):
        data.load_mnist("validation")


def test_importing_and_loading_never_imports_tensorflow(mnist_dir):
    code = ("import sys; from gankit import data; "
            f"data.load_mnist('test', data_dir={str(mnist_dir)!r}, verbose=False); "
            "assert 'tensorflow' not in sys.modules and 'tensorflow_datasets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# Converters and subsets ----------------------------------------------------------------------

def test_every_uint8_value_round_trips_exactly_through_the_model_range():
    images = (np.arange(256 * 28 * 28) % 256).astype(np.uint8).reshape(256, 28, 28)
    model = data.to_model_range(images)
    assert model.dtype == np.float32 and model.shape == images.shape + (1,)
    assert model.min() == -1.0 and model.max() == 1.0
    assert np.array_equal(data.to_uint8(model), images)
    assert np.array_equal(data.to_uint8(model[..., 0]), images)
    assert np.array_equal(data.to_model_range(images[..., None]), model)
    assert data.to_uint8(images[..., None]).shape == images.shape


def test_to_uint8_accepts_the_tolerance_and_rounds():
    images = np.array([-1 - 5e-7, -0.999, 0.0, 1 + 5e-7], np.float32)[:, None, None] * np.ones((28, 28))
    assert data.to_uint8(images)[:, 0, 0].tolist() == [0, 0, 128, 255]


@pytest.mark.parametrize("images, message", [
    (np.full((2, 28, 28), 1.01, np.float32), "tanh"),
    (np.full((2, 28, 28, 1), -1.5, np.float32), "tanh"),
    (np.full((2, 28, 28), np.nan, np.float32), "NaN"),
    (np.zeros((2, 28, 28), np.int64), "float images"),
    (np.zeros((28, 28), np.float32), r"image\[None\]"),
])
def test_to_uint8_rejects_what_is_not_model_range(images, message):
    with pytest.raises(ValueError, match=message):
        data.to_uint8(images)


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 28, 28), np.float32), "expects uint8"),
    (np.zeros((2, 784), np.uint8), r"reshape\(-1, 28, 28\)"),
    (np.zeros((2, 28, 28, 3), np.uint8), r"\(N, 28, 28, 1\)"),
])
def test_to_model_range_rejects_wrong_dtype_and_shape(images, message):
    with pytest.raises(ValueError, match=message):
        data.to_model_range(images)


def test_subset_is_reproducible_without_replacement_and_keeps_pairs():
    images = np.arange(100 * 28 * 28).reshape(100, 28, 28)
    labels = np.arange(100)
    first_images, first_labels = data.subset(images, labels, n=30, seed=4)
    again_images, again_labels = data.subset(images, labels, n=30, seed=4)
    assert np.array_equal(first_images, again_images) and np.array_equal(first_labels, again_labels)
    assert len(set(first_labels.tolist())) == 30
    assert np.array_equal(first_images[:, 0, 0] // (28 * 28), first_labels)
    assert not np.array_equal(data.subset(images, n=30, seed=5), first_images)
    assert np.array_equal(data.subset(images, n=100), images)
    with pytest.raises(ValueError, match=r"n \(the images to draw\) must be a whole number in 0..100"):
        data.subset(images, labels, n=101)
    with pytest.raises(ValueError, match="100 images but 99 labels"):
        data.subset(images, labels[:99], n=10)


def test_check_labels_accepts_whole_numbers_in_range_only():
    from gankit.checks import check_labels
    assert check_labels(np.array([0.0, 9.0]), 2).dtype == np.int64
    with pytest.raises(ValueError, match="one label per image"):
        check_labels([1, 2, 3], 2)
    with pytest.raises(ValueError, match="whole-number"):
        check_labels([0.5, 1.0], 2)
    with pytest.raises(ValueError, match=r"must lie in 0\.\.4"):
        check_labels([0, 5], 2, num_classes=5)
