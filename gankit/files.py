"""Writing a file so that a crash leaves either the old file or the new one, never half of one.

Checkpoints (notebook 02), result tables and study records all write through here.
"""

import contextlib
import os
import pathlib


@contextlib.contextmanager
def replacing(path):
    """Yield a temporary path beside ``path``; on success it is flushed to disk and renamed
    onto ``path`` in one step (``os.replace``), on an exception it is removed."""
    path = pathlib.Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    sync_folder(path.parent)


def move_atomic(source, path):
    """Put the written file ``source`` at ``path`` as ``replacing`` does: flushed to disk, then
    renamed onto ``path`` in one step (both in the same folder)."""
    with open(source, "rb") as f:
        os.fsync(f.fileno())
    os.replace(source, path)
    sync_folder(pathlib.Path(path).parent)


def write_atomic(path, data):
    """Write ``data`` (``bytes`` or ``str``, UTF-8) to ``path`` through ``replacing``."""
    with replacing(path) as temporary:
        pathlib.Path(temporary).write_bytes(data.encode() if isinstance(data, str) else data)


def sync_folder(folder):
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
