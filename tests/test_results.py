"""gankit.results (the shipped files) and benchmarks/bookkeeping.py (the rows files)."""

import json
import platform

import pytest

from benchmark_modules import load
from gankit import results

bookkeeping = load("bookkeeping")


def test_a_missing_result_names_the_command_that_makes_it():
    assert results.load_json("dcgan.json")["model"] == "dcgan"
    with pytest.raises(FileNotFoundError, match="the command that makes it"):
        results.path("nothing.json")


def test_save_row_replaces_the_row_of_the_same_key(tmp_path):
    file = tmp_path / "rows.json"
    assert bookkeeping.read_rows(file) == []
    key = lambda r: (r["model"], r["backend"])
    bookkeeping.save_row(file, {"model": "dcgan", "backend": "jax", "seconds": 3}, key)
    bookkeeping.save_row(file, {"model": "dcgan", "backend": "tensorflow", "seconds": 2}, key)
    rows = bookkeeping.save_row(file, {"model": "dcgan", "backend": "jax", "seconds": 1}, key)
    assert [(r["backend"], r["seconds"]) for r in rows] == [("tensorflow", 2), ("jax", 1)]
    assert bookkeeping.read_rows(file) == rows
    assert [p.name for p in tmp_path.iterdir()] == ["rows.json"], "no temporary file left"


def test_save_row_can_keep_the_rows_sorted(tmp_path):
    file = tmp_path / "rows.json"
    for name in ("05", "01", "03", "01"):
        rows = bookkeeping.save_row(file, {"notebook": name}, key=lambda r: r["notebook"],
                                    sort=True)
    assert [r["notebook"] for r in rows] == ["01", "03", "05"]


def test_write_json_replaces_the_whole_file(tmp_path):
    file = tmp_path / "record.json"
    bookkeeping.write_json(file, {"a": [1, 2]})
    bookkeeping.write_json(file, {"b": 3})
    assert json.loads(file.read_text()) == {"b": 3}


def test_processor_names_the_cpu_or_falls_back_to_platform(monkeypatch):
    name = bookkeeping.processor()
    assert isinstance(name, str) and name
    real_open = open

    def no_cpuinfo(path, *args, **kwargs):
        if str(path) == "/proc/cpuinfo":
            raise OSError("no such file")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", no_cpuinfo)
    assert bookkeeping.processor() == (platform.processor() or platform.machine())
