"""benchmarks/time_to_quality.py: each candidate stops at the first epoch reaching the targets,
the scoring stays off the clock, the rows are written and read back with the ratio to today's
recipe from the same run."""

import pytest

from benchmark_modules import load


@pytest.fixture
def ttq(shared_data_dir, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))
    monkeypatch.setenv("GANKIT_QUICK", "1")
    monkeypatch.delenv("GANKIT_SETTING", raising=False)
    return load("time_to_quality")


class FakeGAN:
    stop_training = False


def test_the_scoring_stays_off_the_clock_and_the_first_epoch_reaching_the_targets_stops(
        ttq, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(ttq.time, "perf_counter", lambda: clock[0])
    scores = iter([(9.0, 0.95), (9.4, 0.92), (9.4, 0.94), (9.9, 0.99)])

    def scoring(gan, n, seed):
        clock[0] += 100.0  # scoring takes 100 s of the fake clock
        score, recognisable = next(scores)
        return {"classifier_score": score, "recognisable_fraction": recognisable,
                "frechet_distance": 1.0}

    monkeypatch.setattr(ttq, "score", scoring)
    scorer = ttq.ScoreEachEpoch(start=0.0, n=100, targets={"classifier_score": 9.3,
                                                           "recognisable_fraction": 0.93})
    gan = FakeGAN()
    scorer.set_model(gan)
    for epoch in range(3):
        clock[0] += 10.0  # each epoch trains for 10 s
        scorer.on_epoch_end(epoch, {})
        assert gan.stop_training == (epoch == 2)
    assert [e["train_seconds"] for e in scorer.epochs] == [10.0, 20.0, 30.0]
    assert scorer.reached == 3 and scorer.scoring == 300.0


def test_candidates_train_until_the_targets_and_the_table_gives_the_ratio(ttq, tmp_path,
                                                                          monkeypatch, capsys):
    out = tmp_path / "ttq.json"
    scored = []

    def scoring(gan, n, seed):  # rises with each epoch of a run: 9.2, 9.4, ...
        scored.append(id(gan))
        epoch = scored.count(id(gan))
        return {"classifier_score": 9.0 + 0.2 * epoch, "recognisable_fraction": 0.9,
                "frechet_distance": 1.0}

    monkeypatch.setattr(ttq, "score", scoring)
    ttq.main(["--candidates", "today", "--candidate", 'b128={"batch_size": 128}',
              "--images", "256", "--n-samples", "100", "--max-epochs", "3", "--score", "9.3",
              "--recognisable", "0.9", "--repeats", "2", "--out", str(out)])
    rows = ttq.bookkeeping.read_rows(out)
    assert [(r["candidate"], r["seed"]) for r in rows] == [
        ("today", 0), ("b128", 0), ("b128", 1), ("today", 1)]  # the order alternates
    for row in rows:
        assert row["reached_epoch"] == 2 and len(row["epochs"]) == 2  # stopped at the first
        assert row["seconds_to_target"] == row["epochs"][1]["train_seconds"] > 0
        assert row["cluster_seconds"] <= row["epochs"][0]["train_seconds"]  # k-means counted
        assert row["n_train"] == 256 and row["processor"]
    assert rows[1]["batch_size"] == 128 and rows[0]["batch_size"] == 64
    capsys.readouterr()
    ttq.main(["--table", "--out", str(out)])
    table = capsys.readouterr().out
    assert "| today |" in table and "| 1.00 |" in table
    assert '| b128 | {"batch_size": 128} | 128 | 2 | 2 | 2 |' in table


def test_a_candidate_that_never_reaches_the_targets_says_so(ttq, tmp_path, capsys):
    out = tmp_path / "ttq.json"
    ttq.main(["--candidates", "today", "--images", "256", "--n-samples", "100",
              "--max-epochs", "1", "--score", "11", "--out", str(out)])  # a score above 10
    (row,) = ttq.bookkeeping.read_rows(out)
    assert row["reached_epoch"] is None and row["seconds_to_target"] is None
    assert len(row["epochs"]) == 1 and row["score_seconds"] > 0
    assert "not reached" in capsys.readouterr().out


def test_a_candidate_names_only_recipe_entries(ttq):
    assert ttq.parse_candidate('x={"learning_rate": 1e-3}') == ("x", {"learning_rate": 1e-3})
    with pytest.raises(ttq.argparse.ArgumentTypeError, match="unknown entries"):
        ttq.parse_candidate('x={"lr": 1e-3}')
    with pytest.raises(ttq.argparse.ArgumentTypeError, match="NAME=JSON"):
        ttq.parse_candidate("x")


def test_a_candidate_that_diverges_is_not_reached_and_the_run_goes_on(ttq, tmp_path,
                                                                      monkeypatch):
    def diverging(*args, **kwargs):
        raise ttq.TrainingDiverged("Training diverged in epoch 1: d_loss is nan. Resume ...")

    monkeypatch.setattr(ttq.training, "train", diverging)
    out = tmp_path / "ttq.json"
    ttq.main(["--candidates", "today", "--candidate", 'b128={"batch_size": 128}',
              "--images", "256", "--n-samples", "100", "--out", str(out)])
    rows = ttq.bookkeeping.read_rows(out)
    assert [r["candidate"] for r in rows] == ["today", "b128"]
    assert all(r["reached_epoch"] is None and r["diverged"] ==
               "Training diverged in epoch 1: d_loss is nan" for r in rows)
