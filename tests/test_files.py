"""gankit.files: an interrupted write leaves the old file whole."""

import pytest

from gankit import files


def test_write_atomic_replaces_whole(tmp_path):
    target = tmp_path / "record.json"
    files.write_atomic(target, "old")
    files.write_atomic(target, b"new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_failed_write_keeps_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "record.json"
    files.write_atomic(target, "old")
    with pytest.raises(RuntimeError):
        with files.replacing(target) as temporary:
            temporary.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]
