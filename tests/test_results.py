"""gankit.results: the rows files the benchmarks keep."""

import json

from gankit import results


def test_save_row_replaces_the_row_of_the_same_key(tmp_path):
    file = tmp_path / "rows.json"
    assert results.read_rows(file) == []
    key = lambda r: (r["model"], r["backend"])
    results.save_row(file, {"model": "dcgan", "backend": "jax", "seconds": 3}, key)
    results.save_row(file, {"model": "dcgan", "backend": "tensorflow", "seconds": 2}, key)
    rows = results.save_row(file, {"model": "dcgan", "backend": "jax", "seconds": 1}, key)
    assert [(r["backend"], r["seconds"]) for r in rows] == [("tensorflow", 2), ("jax", 1)]
    assert results.read_rows(file) == rows
    assert not list(tmp_path.glob("*.tmp"))


def test_save_row_can_keep_the_rows_sorted(tmp_path):
    file = tmp_path / "rows.json"
    for name in ("05", "01", "03", "01"):
        rows = results.save_row(file, {"notebook": name}, key=lambda r: r["notebook"], sort=True)
    assert [r["notebook"] for r in rows] == ["01", "03", "05"]


def test_write_json_replaces_the_whole_file(tmp_path):
    file = tmp_path / "record.json"
    results.write_json(file, {"a": [1, 2]})
    results.write_json(file, {"b": 3})
    assert json.loads(file.read_text()) == {"b": 3}
