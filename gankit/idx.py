"""Read and write IDX files, the simple binary format in which MNIST and EMNIST are published.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian int32 per dimension, then the values in C order. The published files are
gzipped; both forms are read here. ``gankit.data`` loads the datasets through these functions.
Introduced in notebook 00.
"""

import gzip
import hashlib
import zlib
from pathlib import Path

import numpy as np

# IDX type code -> numpy dtype (multi-byte values are stored big-endian).
_DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
           0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_CODES = {dtype.newbyteorder("="): code for code, dtype in _DTYPES.items()}

FIX = "delete the file and download it again (or copy a good one in its place)"


class CorruptDataError(ValueError):
    """A data file is truncated, corrupt or not the file it claims to be."""


def read_bytes(path):
    """Return the uncompressed contents of ``path`` (gunzipped when the name ends in ``.gz``).

    Raises:
        FileNotFoundError: if the file does not exist.
        CorruptDataError: if a ``.gz`` file is not valid, complete gzip data.
    """
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix != ".gz":
        return raw
    try:
        return gzip.decompress(raw)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise CorruptDataError(
            f"{path} is not a valid gzip file ({error}); it is probably damaged or was only "
            f"partly downloaded: {FIX}.") from None


def sha256(contents):
    """Return the SHA-256 hex digest of ``contents`` (bytes)."""
    return hashlib.sha256(contents).hexdigest()


def parse_idx(contents, path="<bytes>"):
    """Parse uncompressed IDX ``contents`` (bytes) into a new, writable numpy array.

    ``path`` only names the file in error messages. Multi-byte values come back in native
    byte order; the shape is the one stored in the header.

    Raises:
        CorruptDataError: wrong magic number, or a data length that differs from the header.
    """
    if len(contents) < 4 or contents[:2] != b"\0\0" or contents[2] not in _DTYPES:
        raise CorruptDataError(
            f"{path} does not start with an IDX magic number (got {contents[:4].hex() or 'nothing'}); "
            f"it is not an IDX file or it is damaged: {FIX}.")
    dtype, ndim = _DTYPES[contents[2]], contents[3]
    offset = 4 + 4 * ndim
    if len(contents) < offset:
        raise CorruptDataError(f"{path} ends inside its header ({len(contents)} bytes); "
                               f"it is truncated: {FIX}.")
    shape = tuple(int(d) for d in np.frombuffer(contents, ">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(contents) - offset
    if found != expected:
        problem = "it is truncated" if found < expected else "extra bytes follow the data"
        raise CorruptDataError(
            f"{path}: the header announces shape {shape} ({expected:,} bytes of data) but the file "
            f"holds {found:,} bytes; {problem}: {FIX}.")
    array = np.frombuffer(contents, dtype, offset=offset).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def read_idx(path, expected_sha256=None):
    """Read an IDX file (gzipped when the name ends in ``.gz``) into a numpy array.

    Args:
        path: the file, e.g. ``train-images-idx3-ubyte.gz``.
        expected_sha256: if given, the SHA-256 hex digest that the *uncompressed* contents must
            have, so that a correct copy passes whether or not (and however) it was gzipped.

    Returns:
        The stored array, e.g. ``uint8 (60000, 28, 28)`` for MNIST's training images.

    Raises:
        CorruptDataError (a ValueError): bad gzip data, wrong magic number, truncated file, or
            a checksum mismatch. Nothing is returned from a file that fails a check.
    """
    contents = read_bytes(path)
    if expected_sha256 is not None and sha256(contents) != expected_sha256:
        raise CorruptDataError(
            f"{path} fails its checksum: the SHA-256 of its uncompressed contents is "
            f"{sha256(contents)}, expected {expected_sha256}; the file is damaged or is not the "
            f"original: {FIX}.")
    return parse_idx(contents, path)


def write_idx(path, array):
    """Write ``array`` as an IDX file, gzipped when ``path`` ends in ``.gz``; return the Path.

    Args:
        path: where to write; parent folders are created.
        array: numpy array of dtype uint8, int8, int16, int32, float32 or float64.
    """
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        raise ValueError(f"IDX files cannot hold dtype {array.dtype}; convert the array to one of "
                         "uint8, int8, int16, int32, float32, float64 first.")
    code = _CODES[native]
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    contents = header + np.ascontiguousarray(array, _DTYPES[code]).tobytes()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        contents = gzip.compress(contents, mtime=0)
    path.write_bytes(contents)
    return path
