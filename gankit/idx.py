"""Reading IDX files, the binary format in which MNIST and EMNIST are published (notebook 00).

An IDX file of bytes is the magic number 00 00 08 ndim, one big-endian uint32 per dimension,
then the values in C order; the published files are gzipped. ``gankit.data`` reads through here.
"""

import gzip
import hashlib
import zlib
from pathlib import Path

import numpy as np

FIX = "delete the file and download it again (or copy a good one in its place)"


class CorruptDataError(ValueError):
    """A data file is truncated, corrupt or not the file it claims to be."""


def read_idx(path, expected_sha256=None):
    """The uint8 array an IDX file holds (gunzipped if the name ends in ``.gz``), e.g.
    ``(60000, 28, 28)``; ``expected_sha256`` is that of the *uncompressed* contents, so a
    correct copy passes gzipped or not. Raises ``CorruptDataError`` for bad gzip data, a wrong
    magic number, a length that differs from the header or a checksum mismatch."""
    path = Path(path)
    contents = path.read_bytes()
    if path.suffix == ".gz":
        try:
            contents = gzip.decompress(contents)
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise CorruptDataError(
                f"{path} is not a valid gzip file ({error}); it is probably damaged or was "
                f"only partly downloaded: {FIX}.") from None
    if expected_sha256 is not None and (
            digest := hashlib.sha256(contents).hexdigest()) != expected_sha256:
        raise CorruptDataError(
            f"{path} fails its checksum: the SHA-256 of its uncompressed contents is {digest}, "
            f"expected {expected_sha256}; the file is damaged or is not the original: {FIX}.")
    if len(contents) < 4 or contents[:3] != b"\0\0\x08":
        raise CorruptDataError(
            f"{path} does not start with the IDX magic number of byte data (got "
            f"{contents[:4].hex() or 'nothing'}); it is not an IDX file or it is damaged: {FIX}.")
    ndim = contents[3]
    offset = 4 + 4 * ndim
    if len(contents) < offset:
        raise CorruptDataError(f"{path} ends inside its header ({len(contents)} bytes); "
                               f"it is truncated: {FIX}.")
    shape = tuple(int(d) for d in np.frombuffer(contents, ">u4", count=ndim, offset=4))
    expected, found = int(np.prod(shape, dtype=np.int64)), len(contents) - offset
    if found != expected:
        problem = "it is truncated" if found < expected else "extra bytes follow the data"
        raise CorruptDataError(
            f"{path}: the header announces shape {shape} ({expected:,} bytes of data) but the "
            f"file holds {found:,} bytes; {problem}: {FIX}.")
    return np.frombuffer(contents, np.uint8, offset=offset).reshape(shape).copy()
