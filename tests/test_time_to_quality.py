"""benchmarks/time_to_quality.py: each candidate stops at the first check reaching the targets,
the scoring stays off the clock, the rows are written and read back with the ratio to gankit 0.2's
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
    g_optimizer = None  # no moving average


def test_the_scoring_stays_off_the_clock_and_the_first_check_reaching_the_targets_stops(
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
    scorer = ttq.ScoreAsItTrains(start=0.0, n=100, per_epoch=2,
                                 targets={"classifier_score": 9.3, "recognisable_fraction": 0.93})
    gan = FakeGAN()
    scorer.set_model(gan)
    scorer.set_params({"steps": 4, "epochs": 5})
    scorer.on_train_begin()
    for epoch in range(2):
        scorer.on_epoch_begin(epoch)
        for batch in range(4):
            clock[0] += 2.5  # each step trains for 2.5 s: an epoch 10 s
            scorer.on_train_batch_end(batch, {})
            if gan.stop_training:
                break
        else:
            scorer.on_epoch_end(epoch, {})
    assert gan.stop_training  # a check in the middle of the second epoch reached the targets
    assert [(c["epoch"], c["train_seconds"]) for c in scorer.checks] == [
        (0.5, 5.0), (1, 10.0), (1.5, 15.0)]
    assert scorer.reached == 1.5 and scorer.scoring == 300.0


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
    ttq.main(["--candidates", "0.2", "--candidate", 'b128={"batch_size": 128}',
              "--images", "256", "--n-samples", "100", "--max-epochs", "3", "--score", "9.3",
              "--recognisable", "0.9", "--repeats", "2", "--checks-per-epoch", "1",
              "--out", str(out)])
    rows = ttq.bookkeeping.read_rows(out)
    assert [(r["candidate"], r["seed"]) for r in rows] == [
        ("0.2", 0), ("b128", 0), ("b128", 1), ("0.2", 1)]  # the order alternates
    for row in rows:
        assert row["reached_epoch"] == 2 and len(row["checks"]) == 2  # stopped at the first
        assert row["seconds_to_target"] == row["checks"][1]["train_seconds"] > 0
        assert row["cluster_seconds"] <= row["checks"][0]["train_seconds"]  # k-means counted
        assert row["n_train"] == 256 and row["processor"]
    assert rows[1]["batch_size"] == 128 and rows[0]["batch_size"] == 64
    capsys.readouterr()
    ttq.main(["--table", "--out", str(out)])
    table = capsys.readouterr().out
    assert "| 0.2 |" in table and "| 1.00 |" in table
    assert '| b128 | {"batch_size": 128} | 128 | 2 | 2 | 2 |' in table


def test_a_candidate_that_never_reaches_the_targets_says_so(ttq, tmp_path, capsys):
    out = tmp_path / "ttq.json"
    ttq.main(["--candidates", "0.2", "--images", "256", "--n-samples", "100",
              "--max-epochs", "1", "--score", "11", "--out", str(out)])  # a score above 10
    (row,) = ttq.bookkeeping.read_rows(out)
    assert row["reached_epoch"] is None and row["seconds_to_target"] is None
    assert len(row["checks"]) == 4 and row["score_seconds"] > 0  # 3 within the epoch, 1 at its end
    assert [c["epoch"] for c in row["checks"]] == [0.25, 0.5, 0.75, 1]
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
    ttq.main(["--candidates", "0.2", "--candidate", 'b128={"batch_size": 128}',
              "--images", "256", "--n-samples", "100", "--out", str(out)])
    rows = ttq.bookkeeping.read_rows(out)
    assert [r["candidate"] for r in rows] == ["0.2", "b128"]
    assert all(r["reached_epoch"] is None and r["diverged"] ==
               "Training diverged in epoch 1: d_loss is nan" for r in rows)


def test_a_check_within_an_epoch_scores_the_average_and_gives_the_trained_weights_back(
        ttq, monkeypatch):
    import numpy as np
    from gankit import recipes, training

    gan = recipes.make_gan("dcgan", clusters=None)
    assert gan.g_optimizer.use_ema
    x = np.random.default_rng(0).uniform(-1, 1, (128, 28, 28, 1)).astype("float32")
    gan.fit(x, batch_size=64, epochs=1, verbose=0)  # trained weights and an average that differ
    for callback in training.average_callbacks(gan):  # fit without them left the trained ones
        callback.set_model(gan)
        callback.on_epoch_begin(0)
    trained = [w.numpy().copy() for w in gan.generator.weights]
    trainable = [w.numpy().copy() for w in gan.generator.trainable_weights]
    seen = []
    monkeypatch.setattr(ttq, "score", lambda g, n, seed: seen.append(
        [w.numpy().copy() for w in g.generator.trainable_weights]) or {
        "classifier_score": 1.0, "recognisable_fraction": 0.1, "frechet_distance": 1.0})
    scorer = ttq.ScoreAsItTrains(start=0.0, n=10, per_epoch=2,
                                 targets={"classifier_score": 9.3})
    scorer.set_model(gan)
    scorer.set_params({"steps": 2, "epochs": 1})
    scorer.on_train_begin()
    scorer.on_epoch_begin(0)
    scorer.on_train_batch_end(0, {})  # half way: a check
    assert len(scorer.checks) == 1 and scorer.checks[0]["epoch"] == 0.5
    assert any(not np.array_equal(a, b) for a, b in zip(seen[0], trainable))  # the average
    after = [w.numpy() for w in gan.generator.weights]
    assert all(np.array_equal(a, b) for a, b in zip(after, trained))  # trained ones back, exactly
