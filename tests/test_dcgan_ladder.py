"""benchmarks/dcgan_ladder.py: one change per rung from the plain DCGAN to the recipe, a time
budget that stops training, finished rows skipped, the summary over seeds."""

import keras
import pytest

from benchmark_modules import load
from gankit import recipes


@pytest.fixture(scope="module")
def ladder():
    return load("dcgan_ladder")


def recipe_of(ladder, name):
    return {**recipes.RECIPES["dcgan_plain"], **ladder.RUNGS[name][1]}


def changes(ladder, before, after):
    """What a rung changes: recipe keys (both networks' sizes count as one, "channels", and
    both learning rates as one, "rates") and the batch size."""
    keys = {k for k in recipes.RECIPES["dcgan"]
            if recipe_of(ladder, before)[k] != recipe_of(ladder, after)[k]}
    networks, rates = {"generator", "discriminator"}, {"learning_rate", "d_learning_rate"}
    return ((keys - networks - rates) | ({"channels"} if keys & networks else set())
            | ({"rates"} if keys & rates else set())
            | ({"batch"} if ladder.RUNGS[before][2] != ladder.RUNGS[after][2] else set()))


def test_the_ladder_climbs_from_the_plain_dcgan_to_the_recipe_one_change_at_a_time(ladder):
    names = list(ladder.RUNGS)
    assert recipe_of(ladder, names[0]) == recipes.RECIPES["dcgan_plain"]
    assert recipe_of(ladder, names[-1]) == recipes.RECIPES["dcgan"]
    for before, after in zip(names, names[1:]):
        assert len(changes(ladder, before, after)) == 1, (before, after)
    assert [changes(ladder, a, b) for a, b in zip(names, names[1:])] == [
        {"batch"}, {"channels"}, {"update"}, {"ema_momentum"}, {"clusters"}, {"ema_momentum"},
        {"rates"}]


def test_the_budget_stops_training(ladder):
    x = keras.random.uniform((64, 28, 28, 1), -1, 1)
    gan = recipes.make_gan("dcgan_plain", generator={"filters": (16, 8, 4), "kernel_size": 5},
                           discriminator={"filters": (4, 8), "kernel_size": 5, "dropout": 0.3})
    stop = ladder.StopAfter(0.0, start=0.0)  # spent before it starts: one batch, then stop
    history = gan.fit(keras.ops.convert_to_numpy(x), batch_size=16, epochs=50, verbose=0,
                      callbacks=[stop])
    assert stop.batches == 1 and len(history.epoch) == 1


def test_finished_rows_are_skipped_and_summarised_over_seeds(ladder, monkeypatch, tmp_path,
                                                             capsys):
    trained = []

    def run_rung(name, seed, seconds, images, n_samples):
        trained.append((name, seed))
        return {"rung": name, "seed": seed, "budget_seconds": seconds, "backend": "any",
                "n_train": len(images), "what": ladder.RUNGS[name][0], "epochs": 1.0 + seed,
                "classifier_score": 2.0 + seed, "frechet_distance": 100.0 - seed,
                "recognisable_fraction": 0.5}

    monkeypatch.setattr(ladder, "run_rung", run_rung)
    monkeypatch.setattr(ladder.keras.backend, "backend", lambda: "any")
    out = tmp_path / "ladder.json"
    args = ["--rungs", "plain", "b64", "--seeds", "0", "1", "--seconds", "5", "--out", str(out)]
    ladder.main(args)
    ladder.main(args)
    assert trained == [("plain", 0), ("b64", 0), ("plain", 1), ("b64", 1)]
    rows = ladder.bookkeeping.read_rows(out)
    summary = ladder.summary(rows)
    assert list(summary) == ["plain", "b64"]
    assert summary["plain"]["seeds"] == 2
    assert summary["plain"]["classifier_score"] == (2.5, 2.0, 3.0)
    assert "| plain |" in capsys.readouterr().out
