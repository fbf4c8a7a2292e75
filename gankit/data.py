"""MNIST and EMNIST Letters as NumPy arrays, and the converters between the two image
conventions (uint8 ``(N, 28, 28)`` in 0..255; the model range, ``float32 (N, 28, 28, 1)`` in
[-1, 1]). Introduced in notebook 00.

The IDX files are looked for in the ``data_dir`` argument, else ``GANKIT_DATA_DIR`` (for EMNIST
``GANKIT_EMNIST_DIR`` first), else the default folder (``default_data_dir``), each directly or
in ``mnist/`` or ``emnist/``, gzipped or not. Only the default folder falls back to a download
with tensorflow-datasets (cached there): a folder named explicitly must hold the files.
"""

import importlib.util
import os
import socket
import threading
from pathlib import Path

import numpy as np

from gankit.checks import check_choice, check_count, check_folder, check_images
from gankit.idx import CorruptDataError, read_idx

MNIST_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
EMNIST_FILES = {split: (f"emnist-letters-{split}-images-idx3-ubyte",
                        f"emnist-letters-{split}-labels-idx1-ubyte") for split in ("train", "test")}
# SHA-256 of the *uncompressed* canonical MNIST files: any correct copy passes, gzipped or not.
MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
DOWNLOAD_HOST = ("storage.googleapis.com", 443)  # where tensorflow-datasets downloads from


class DataNotFoundError(FileNotFoundError):
    """The dataset files are neither in the folders searched nor downloadable."""


class Loaded(tuple):
    """``(images, labels)`` with ``.images``, ``.labels`` and ``.source`` (where they came from)."""

    def __new__(cls, images, labels, source):
        loaded = super().__new__(cls, (images, labels))
        loaded.source = source
        return loaded

    def __getnewargs__(self):  # lets copy and pickle rebuild it
        return (self[0], self[1], self.source)

    images = property(lambda self: self[0])
    labels = property(lambda self: self[1])

    def __repr__(self):
        return (f"Loaded(images={self[0].dtype} {self[0].shape}, labels={self[1].dtype} "
                f"{self[1].shape}, source={self.source!r})")


def default_data_dir():
    """The repository's ``data/`` folder in a checkout, else ``~/.cache/gankit``."""
    root = Path(__file__).resolve().parents[1]
    return root / "data" if (root / "pyproject.toml").is_file() else Path.home() / ".cache" / "gankit"


def load_mnist(split="train", data_dir=None, verbose=True):
    """MNIST's ``"train"`` (60,000) or ``"test"`` (10,000) digits, checked against their
    SHA-256: a ``Loaded`` ``(images uint8 (N, 28, 28) in 0..255, labels uint8 (N,) in 0..9)``.
    ``verbose`` prints what was loaded and from where."""
    return _load("MNIST", "mnist", MNIST_FILES, split, data_dir, ("GANKIT_DATA_DIR",),
                 labels_range=(0, 9), checksums=MNIST_SHA256, verbose=verbose)


def load_emnist_letters(split="train", data_dir=None, verbose=True):
    """EMNIST Letters (``"train"`` or ``"test"``), oriented like MNIST (the files store each
    image transposed): a ``Loaded`` ``(images uint8 (N, 28, 28), labels uint8 (N,) in 1..26)``,
    a/A = 1, ..., z/Z = 26."""
    return _load("EMNIST Letters", "emnist", EMNIST_FILES, split, data_dir,
                 ("GANKIT_EMNIST_DIR", "GANKIT_DATA_DIR"), labels_range=(1, 26), checksums={},
                 verbose=verbose)


def _load(title, subfolder, files, split, data_dir, env_names, labels_range, checksums, verbose):
    names = files[check_choice(split, files, "split")]
    expected = " and ".join(f"{name}[.gz]" for name in names)
    folder, origin = _chosen_folder(data_dir, env_names)
    searched = [folder, folder / subfolder]
    found = _find_pair(searched, names)
    if found is not None:
        images_path, labels_path = found
        images = read_idx(images_path, checksums.get(names[0]))
        labels = read_idx(labels_path, checksums.get(names[1]))
        source = f"local IDX files in {images_path.parent}"
    elif origin is not None:
        problem = "does not hold" if folder.is_dir() else "does not exist, so it cannot hold"
        raise DataNotFoundError(
            f"{title} {split}: the folder {folder} (from {origin}) {problem} {expected}. "
            f"Searched: {', '.join(map(str, searched))}. Put the IDX files there (gzipped or not, "
            f"directly or in {subfolder}/), or pass data_dir= or set {' or '.join(env_names)} "
            f"to the folder that holds them.")
    else:
        tfds_name = "mnist" if subfolder == "mnist" else "emnist/letters"
        images_path, labels_path = names  # for error messages only
        images, labels, source = _download(title, tfds_name, split, folder, env_names,
                                           searched, expected)
    _check_pair(images, labels, images_path, labels_path, labels_range)
    if subfolder == "emnist":
        images = np.ascontiguousarray(images.transpose(0, 2, 1))  # stored transposed
    if verbose:
        print(f"{title} {split}: {len(images):,} images from {source}")
    return Loaded(images, labels, source)


def _chosen_folder(data_dir, env_names):
    """The folder to search and what chose it (None for the default folder)."""
    if data_dir is not None:
        return Path(check_folder(Path(data_dir).expanduser(), "data_dir")), "the data_dir argument"
    for env_name in env_names:
        if os.environ.get(env_name):
            folder = check_folder(Path(os.environ[env_name]).expanduser(), env_name)
            return Path(folder), env_name
    return default_data_dir(), None


def _find_pair(folders, names):
    for folder in folders:
        paths = [next((path for path in (folder / name, folder / f"{name}.gz") if path.is_file()),
                      None) for name in names]
        if all(paths):
            return paths
        if any(paths):
            missing = names[paths.index(None)]
            raise DataNotFoundError(f"{folder} holds {names[1 - paths.index(None)]} but not "
                                    f"{missing}[.gz]; put both files in the same folder.")
    return None


def _check_pair(images, labels, images_path, labels_path, labels_range):
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise CorruptDataError(f"{images_path} holds {images.dtype} {images.shape}, not uint8 "
                               f"(N, 28, 28) images; is it the right file? If not, replace it.")
    if labels.dtype != np.uint8 or labels.shape != (len(images),):
        raise CorruptDataError(f"{labels_path} holds {labels.dtype} {labels.shape}, not uint8 "
                               f"labels for the {len(images):,} images of {images_path}; the two "
                               f"files do not belong together: replace them with a matching pair.")
    low, high = labels_range
    if len(labels) and (labels.min() < low or labels.max() > high):
        raise CorruptDataError(f"{labels_path} holds labels {labels.min()}..{labels.max()}, "
                               f"outside {low}..{high}; the file is damaged or is not this "
                               f"dataset's: delete it and download it again.")


def _tfds_installed():
    return importlib.util.find_spec("tensorflow_datasets") is not None


def _online(timeout=3.0):
    """True if the download host answers within ``timeout`` seconds (DNS included)."""
    answer = []

    def connect():
        try:
            socket.create_connection(DOWNLOAD_HOST, timeout=timeout).close()
            answer.append(True)
        except Exception:  # any failure to connect means: offline
            pass

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer)


def _download(title, tfds_name, split, folder, env_names, searched, expected):
    env = " or ".join(env_names)
    where = (f"No {expected} in {', '.join(map(str, searched))}, so {title} must be downloaded "
             f"with tensorflow-datasets")
    if not _tfds_installed():
        raise DataNotFoundError(f"{where}, which is not installed. Install it (pip install "
                                f"tensorflow tensorflow-datasets), or set {env} to a folder "
                                f"that holds the IDX files.")
    if not _online():
        raise DataNotFoundError(f"{where}, but there is no internet connection "
                                f"({DOWNLOAD_HOST[0]} does not answer). Connect to the internet, "
                                f"or set {env} to a folder that holds the IDX files.")
    import tensorflow_datasets as tfds

    cache = folder / "tensorflow_datasets"
    images, labels = tfds.as_numpy(tfds.load(tfds_name, split=split, batch_size=-1,
                                             as_supervised=True, data_dir=str(cache)))
    # TFDS keeps the IDX contents: EMNIST still transposed, Letters labels 1..26 as in the files
    return images.reshape(-1, 28, 28).astype(np.uint8), labels.astype(np.uint8), \
        f"tensorflow-datasets (cached in {cache})"


def to_model_range(images):
    """uint8 ``(N, 28, 28[, 1])`` in 0..255 -> ``float32 (N, 28, 28, 1)`` in [-1, 1]:
    ``images / 127.5 - 1``."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(f"to_model_range expects uint8 images in 0..255, got {images.dtype}. "
                         f"Convert 0..255 values with .astype('uint8'); images already in "
                         f"[-1, 1] need no conversion.")
    images = check_images(images, "to_model_range", channel="drop", allow_empty=True)
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


def to_uint8(images):
    """Model-range floats ``(N, 28, 28[, 1])`` -> ``uint8 (N, 28, 28)``, rounding
    ``(x + 1) * 127.5``; uint8 input comes back as it is, without its channel axis."""
    images = check_images(images, "to_uint8", channel="drop", allow_empty=True)
    if images.dtype == np.uint8:
        return images
    # clip only absorbs the 1e-6 tolerance allowed by check_images
    return np.rint((images.astype(np.float32) + 1.0) * 127.5).clip(0, 255).astype(np.uint8)


def subset(images, labels=None, n=1000, seed=0):
    """``n`` images drawn without replacement (same seed, same subset), in their order:
    ``(images[index], labels[index])``, or ``images[index]`` alone without labels."""
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"subset got {len(images)} images but {len(labels)} labels; pass "
                         f"matching arrays.")
    n = check_count(n, "n (the images to draw)", maximum=len(images))
    index = np.sort(np.random.default_rng(seed).choice(len(images), size=n, replace=False))
    return images[index] if labels is None else (images[index], labels[index])
