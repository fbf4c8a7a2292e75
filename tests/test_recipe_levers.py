"""benchmarks/recipe_levers.py: every lever builds, a finished row is not trained again, the
cluster levers are the DCGAN's."""

import keras
import pytest

from benchmark_modules import load


@pytest.fixture(scope="module")
def levers():
    return load("recipe_levers")


def test_every_lever_is_a_recipe_that_builds(levers):
    for name, (what, overrides, batch_size) in levers.LEVERS.items():
        gan = levers.make_lever_gan("dcgan", name)
        assert gan.generator.output_shape == (None, 28, 28, 1), name
        assert batch_size >= 1 and what
        policy = overrides.get("dtype_policy", "float32")
        assert gan.generator.dtype_policy.name == policy, name
        # a lever changes the recipe as it was before the average: it averages only if it says so
        assert gan.g_optimizer.use_ema == ("ema_momentum" in overrides), name
        assert gan.update == overrides.get("update", "alternating"), name
        filters = overrides.get("discriminator", {"filters": (64, 128)})["filters"]
        first = next(layer for layer in gan.discriminator.layers
                     if isinstance(layer, keras.layers.Conv2D))
        assert first.filters == filters[0], name
        # a lever trains on clusters only if it says so: the DCGAN on its k clusters
        assert gan.num_classes == overrides.get("clusters"), name
        assert (gan.clusters is not None) == ("clusters" in overrides), name
    assert keras.config.dtype_policy().name == "float32", "the global policy is restored"


def test_a_finished_lever_is_skipped(levers, monkeypatch, tmp_path, capsys):
    trained = []

    def run_lever(model, name, epochs, settings, runs_dir, seed=0):
        trained.append(name)
        return {"model": model, "lever": name, "epochs": epochs, "backend": "any",
                "n_train": settings.n_train, "batch_size": 64, "train_seconds": 1.0,
                "images_per_second": 10, "classifier_score": 1.0, "frechet_distance": 9.0,
                "recognisable_fraction": 0.5}

    monkeypatch.setattr(levers, "run_lever", run_lever)
    monkeypatch.setattr(levers.keras.backend, "backend", lambda: "any")
    out = ["--levers", "paper", "half", "--epochs", "1", "--out", str(tmp_path / "rows.json")]
    assert levers.main(out) == 0 and trained == ["paper", "half"]
    assert levers.main(out) == 0 and trained == ["paper", "half"]
    text = capsys.readouterr().out
    assert "paper: finished earlier" in text and "| dcgan | half | 64 | 1 |" in text


def test_cluster_levers_condition_the_dcgan_only(levers):
    with pytest.raises(ValueError, match="use --model dcgan"):
        levers.make_lever_gan("ccgan", "half-b64-wide-d-k10")
    gan = levers.make_lever_gan("dcgan", "half-b64-wide-d-k30")
    dcgan = levers.recipes.RECIPES["dcgan"]
    assert gan.label_smoothing == dcgan["label_smoothing"]
    images = gan.generate(4, seed=0, labels=[0, 10, 20, 29])
    assert images.shape == (4, 28, 28, 1)
