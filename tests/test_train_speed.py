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


def test_the_learner_row_times_training_train_beside_the_bare_step(tmp_path, monkeypatch, capsys,
                                                                   shared_data_dir):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))
    speed = load("train_speed")
    out = tmp_path / "speed.json"
    old = {"backend": "tensorflow", "device": "cpu", "model": "dcgan", "batch_size": 64,
           "images": 2000, "epochs": 2, "seconds_per_epoch": 2.0, "images_per_second": 1000,
           "epoch_seconds": [3.0, 2.0], "keras": "3", "load_average": [1.0, 1.0]}
    speed.bookkeeping.write_json(out, {"rows": [old]})
    bare_epochs = []
    timed = speed.bare_epochs

    def recording(gan, x, y, batch_size):
        train = timed(gan, x, y, batch_size)

        def epoch(e):
            bare_epochs.append(e)
            return train(e)
        return epoch

    monkeypatch.setattr(speed, "bare_epochs", recording)
    speed.main(["--learner", "--profile", "--images", "256", "--epochs", "2", "--repeats", "2",
                "--out", str(out)])
    printed = capsys.readouterr().out
    assert "| Checkpoint | on_epoch_end |" in printed and "| checkpoint.save | sha256 |" in printed
    assert "| fit setup | cluster indices |" in printed
    assert bare_epochs == [0, 1, 0, 1]  # one after each of the learner's epochs, per repeat
    rows = speed.bookkeeping.read_rows(out)
    assert rows[0] == old  # the bare step's rows stay as they were
    row = rows[1]
    assert (row["path"], row["model"], row["batch_size"], row["images"]) == ("learner", "dcgan",
                                                                             64, 256)
    assert row["repeats"] == 2 and len(row["cluster_seconds"]) == 2
    assert [len(e) for e in row["learner_epoch_seconds"] + row["bare_epoch_seconds"]] == [2] * 4
    assert row["learner_repeat_seconds"] == [e[1] for e in row["learner_epoch_seconds"]]
    low, high = row["ratio_range"]
    assert 0 < low <= row["ratio"] <= high and row["checkpoint_bytes"] > 0 and row["processor"]
    speed.main(["--table", "--out", str(out)])
    table = capsys.readouterr().out
    assert "| dcgan | 64 | 2,000 | 2.00 | 1,000 | 1,000 |" in table  # the old format
    assert "learner / bare" in table and "| dcgan | 64 | 256 | 2 |" in table


def test_a_timed_callback_is_its_inner_one_and_keeps_keras_defaults(tmp_path):
    speed = load("train_speed")
    seconds = speed.collections.defaultdict(float)
    timer = speed.Timed(speed.callbacks.EpochTimer(report=False), seconds)
    assert getattr(timer.on_train_batch_end, "_is_default", False)  # Keras may dispatch async
    saver = speed.Timed(speed.callbacks.Checkpoint(tmp_path / "checkpoint"), seconds)
    assert saver.resume_fit == saver.inner.resume_fit and saver.directory == saver.inner.directory
    timer.set_params({"epochs": 1})
    timer.on_train_begin()
    timer.on_epoch_begin(0)
    timer.on_epoch_end(0, {"d_loss": 0.0})
    assert set(seconds) == {("EpochTimer", h) for h in ("on_train_begin", "on_epoch_begin",
                                                        "on_epoch_end")}
