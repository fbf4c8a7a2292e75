"""benchmarks/train_speed.py: it times the recipe at the setting's batch size and keeps one row
per backend, device, model and batch size."""

import json
import time

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
    assert all(len(r["epoch_seconds"]) == 2 and r["seconds_per_epoch"] == r["epoch_seconds"][1]
               for r in rows)  # two epochs: the warm-up, and the one reported
    assert "| vanilla | 128 |" in capsys.readouterr().out
    speed.main(["--table", "--out", str(out)])
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 + len(rows) and "| vanilla | 128 | 256 |" in table[2]


def test_an_averaged_recipe_is_timed_with_its_average(tmp_path, monkeypatch):
    speed = load("train_speed")
    timed = []
    average_callbacks = speed.training.average_callbacks

    def recording(gan):
        found = average_callbacks(gan)
        timed.append((gan.name, len(found)))
        return found

    monkeypatch.setattr(speed.training, "average_callbacks", recording)
    monkeypatch.setitem(speed.recipes.RECIPES["vanilla"], "ema_momentum", 0.9)
    speed.main(["--models", "vanilla", "--images", "256", "--epochs", "2",
                "--out", str(tmp_path / "speed.json")])
    assert timed == [("vanilla_gan", 1)]


def test_the_fastest_epoch_leaves_out_the_warm_up():
    speed = load("train_speed")
    row = {"images": 600, "epoch_seconds": [1.0, 3.0, 2.0, 6.0]}  # warm-up first
    assert speed.fastest_speed(row) == 300


def test_models_take_their_epochs_in_turn(tmp_path, monkeypatch):
    speed = load("train_speed")
    order = []

    def recording(kind, x, labels, batch_size):
        def train(epoch, timer):
            order.append((kind, epoch))
            timer.on_epoch_begin(epoch)
            time.sleep(0.01)
            timer.on_epoch_end(epoch, {"d_loss": 0.0})
        return train

    monkeypatch.setattr(speed, "epoch_trainer", recording)
    speed.main(["--models", "vanilla", "ccgan", "--images", "64", "--epochs", "3",
                "--out", str(tmp_path / "speed.json")])
    assert order == [("vanilla", 0), ("ccgan", 0), ("vanilla", 1), ("ccgan", 1),
                     ("vanilla", 2), ("ccgan", 2)]
    rows = speed.bookkeeping.read_rows(tmp_path / "speed.json")
    assert [len(r["epoch_seconds"]) for r in rows] == [3, 3]
