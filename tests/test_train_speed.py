"""benchmarks/train_speed.py: it times the recipe at the setting's batch size and keeps one row
per backend, device, model and batch size."""

import json

from benchmark_modules import load


def test_rows_are_written_and_replaced(tmp_path, capsys):
    speed = load("train_speed")
    out = tmp_path / "speed.json"
    args = ["--models", "vanilla", "--images", "256", "--epochs", "2", "--out", str(out)]
    speed.main(args)
    speed.main(args + ["--batch-size", "128"])
    speed.main(args)
    rows = json.loads(out.read_text())["rows"]
    assert [r["batch_size"] for r in rows] == [128, speed.config.FULL.batch_size["vanilla"]]
    assert all(r["model"] == "vanilla" and r["images_per_second"] > 0 for r in rows)
    assert all(r["seconds_per_epoch"] > 0 and len(r["load_average"]) == 2 for r in rows)
    assert "| vanilla | 128 |" in capsys.readouterr().out
    speed.main(["--table", "--out", str(out)])
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 + len(rows) and "| vanilla | 128 | 256 |" in table[2]
