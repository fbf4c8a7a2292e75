"""Pretrained generators: export writes what load_generator reads; the shipped ones load on this
backend, draw the right shapes and ranges, and score as their provenance records say."""

import json

import numpy as np
import keras
import pytest

from benchmark_modules import load
from gankit import cli, config, pretrained, recipes

export = load("export")

# Scores of the check sample recomputed here differ from the record only in the last digits:
# another backend (or CPU) rounds the arithmetic differently. Measured for the vanilla
# generator recorded on TensorFlow: relative differences of at most 5e-8 on JAX and PyTorch.
# A generator that loaded wrongly misses by orders of magnitude more.
TOLERANCE = {"classifier_score": 1e-3, "frechet_distance": 1e-3, "recognisable_fraction": 1e-3,
             "conditional_accuracy": 1e-3}


@pytest.fixture
def data_env(shared_data_dir, monkeypatch):
    monkeypatch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))


# A narrow CCGAN: the round trip does not depend on the size or on training.
SMALL_CCGAN = {**recipes.RECIPES["ccgan"], "generator": {"filters": (32, 16, 8)},
               "discriminator": {"filters": (8, 16)}}


def _info(recipe):
    return {"recipe": recipe, "setting": "quick", "epochs": 0, "batch_size": 64, "seed": 0,
            "backend": keras.backend.backend(), "train_seconds": 0.0}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, shared_data_dir):
    """An untrained narrow CCGAN, exported to a temporary folder."""
    folder = tmp_path_factory.mktemp("weights")
    gan = recipes.build(SMALL_CCGAN, seed=3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GANKIT_DATA_DIR", str(shared_data_dir))
        record = export.export(gan, "ccgan", _info(SMALL_CCGAN), folder=folder,
                                   n_samples=200)
    return gan, record, folder


def test_export_writes_float16_weights_and_a_provenance_record(exported, data_env):
    gan, record, folder = exported
    weights, provenance = pretrained.paths("ccgan", folder)
    with np.load(weights) as stored:
        assert {stored[k].dtype for k in stored.files} == {np.dtype("float16")}
        assert len(stored.files) == len(gan.generator.weights)
    assert json.loads(provenance.read_text()) == json.loads(json.dumps(record))
    for field in ("recipe", "setting", "epochs", "seed", "backend", "train_seconds", "scores"):
        assert field in record
    assert record["check"]["n_samples"] == export.CHECK_SAMPLES
    assert record["weights"]["bytes"] == weights.stat().st_size <= export.MAX_FILE_BYTES
    assert pretrained.available(folder) == ["ccgan"]


def test_describe_says_how_it_was_made_and_scored(exported):
    _, record, folder = exported
    made, scored = pretrained.describe("ccgan", folder).splitlines()
    assert made.startswith("trained for 0 epochs (quick setting, batch 64, ")
    assert f"scores of {record['scores']['n']:,} samples" in scored
    assert f"conditional accuracy {record['scores']['conditional_accuracy']:.3f}" in scored


def test_load_generator_returns_the_rounded_generator(exported, data_env):
    gan, record, folder = exported
    loaded = pretrained.load_generator("ccgan", folder=folder)
    for mine, theirs in zip(gan.generator.get_weights(), loaded.generator.get_weights()):
        np.testing.assert_array_equal(mine.astype("float16").astype("float32"), theirs)
    images = loaded.generate(20, seed=1, labels=np.arange(20) % 10)
    assert images.shape == (20, 28, 28, 1) and images.dtype == np.float32
    assert -1 <= images.min() and images.max() <= 1
    assert export.check_scores(loaded) == record["check"]["scores"]  # same backend: exact


# A narrow DCGAN on 3 clusters: its file carries the clusters it draws from.
SMALL_DCGAN = {**recipes.RECIPES["dcgan"], "clusters": 3, "generator": {"filters": (32, 16, 8)},
               "discriminator": {"filters": (8, 16)}}


def test_export_and_load_carry_the_clusters(tmp_path, data_env):
    gan = recipes.build(SMALL_DCGAN, seed=3)
    images = np.random.default_rng(0).uniform(-1, 1, (200, 28, 28, 1)).astype("float32")
    gan.clusters.fit(images)
    record = export.export(gan, "dcgan", _info(SMALL_DCGAN), folder=tmp_path, n_samples=200)
    with np.load(pretrained.paths("dcgan", tmp_path)[0]) as stored:
        clusters = sorted(key for key in stored.files if key.startswith("c"))
        assert len(clusters) == len(gan.clusters.weights) == 4
        assert {stored[k].dtype for k in stored.files} == {np.dtype("float16")}
    loaded = pretrained.load_generator("dcgan", folder=tmp_path)
    assert loaded.clusters.fitted and not loaded.conditional
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded.clusters.frequencies),
                               keras.ops.convert_to_numpy(gan.clusters.frequencies), atol=1e-3)
    assert export.check_scores(loaded) == record["check"]["scores"]  # same backend: exact


def test_missing_or_mismatched_weights_are_refused(tmp_path, exported):
    with pytest.raises(FileNotFoundError, match="--export"):
        pretrained.load_generator("dcgan", folder=tmp_path)
    with pytest.raises(ValueError, match="Unknown pretrained model"):
        pretrained.load_generator("stylegan")
    _, record, folder = exported
    (tmp_path / "ccgan_generator.json").write_text(json.dumps(
        {**record, "recipe": recipes.RECIPES["vanilla"]}))
    (tmp_path / "ccgan_generator.npz").write_bytes(
        pretrained.paths("ccgan", folder)[0].read_bytes())
    with pytest.raises(ValueError, match="do not fit"):
        pretrained.load_generator("ccgan", folder=tmp_path)


def test_export_refuses_what_it_cannot_ship(tmp_path):
    vanilla = recipes.RECIPES["vanilla"]
    gan = recipes.build(vanilla)
    with pytest.raises(ValueError, match="train_seconds"):
        export.export(gan, "vanilla", {"recipe": vanilla}, folder=tmp_path)
    weights = gan.generator.get_weights()
    gan.generator.set_weights([np.full_like(w, 1e6) for w in weights])
    with pytest.raises(ValueError, match="float16"):
        export.export(gan, "vanilla", _info(vanilla), folder=tmp_path)
    wide = {**vanilla, "generator": {"hidden": (1024, 2048, 1024)}}  # 5.1 million weights
    with pytest.raises(ValueError, match="allowed per file"):
        export.export(recipes.build(wide), "vanilla", _info(wide),
                          folder=tmp_path)
    assert not list(tmp_path.iterdir()), "nothing is written when the export is refused"


def test_the_shipped_generators_fit_the_size_limits():
    sizes = [pretrained.paths(m)[0].stat().st_size for m in pretrained.available()]
    assert all(size <= export.MAX_FILE_BYTES for size in sizes)
    assert sum(sizes) <= export.MAX_TOTAL_BYTES


@pytest.mark.parametrize("model", pretrained.available())
def test_a_shipped_generator_is_the_full_setting_of_todays_recipe(model):
    """A changed recipe or full setting needs the generator exported again (README command)."""
    record = pretrained.provenance(model)
    recipe = json.loads(json.dumps(recipes.RECIPES[model]))  # tuples as the record keeps them
    removed = {"loss": "bce"}  # options removed since, at the value the kit now always uses
    assert {key: recipe.get(key, removed.get(key)) for key in record["recipe"]} == record["recipe"]
    # a key that today's recipe adds must not change what the generator is
    for key in ("builder", "conditional", "clusters"):
        assert record["recipe"].get(key) == recipe.get(key), key
    assert record["setting"] == "full"
    assert record["epochs"] == config.FULL.epochs[model]
    assert record["batch_size"] == config.FULL.batch_size[model]


@pytest.mark.parametrize("model", pretrained.available())
def test_a_shipped_generator_scores_as_its_record_says(model, data_env):
    record = pretrained.provenance(model)
    gan = pretrained.load_generator(model)
    images = gan.generate(8, seed=0, labels=gan.class_labels(8))
    assert images.shape == (8, 28, 28, 1) and -1 <= images.min() and images.max() <= 1
    check = record["check"]
    scores = export.check_scores(gan, n=check["n_samples"], seed=check["seed"])
    for name, tolerance in TOLERANCE.items():
        if name in check["scores"]:
            assert scores[name] == pytest.approx(check["scores"][name], rel=tolerance), name


def test_sample_writes_the_pretrained_generators_samples(exported, data_env, monkeypatch,
                                                         tmp_path, capsys):
    monkeypatch.setattr(pretrained, "FOLDER", exported[2])
    out, grid = tmp_path / "ccgan.npz", tmp_path / "grid.png"
    assert cli.main(["sample", "ccgan", "--n", "30", "--out", str(out), "--grid", str(grid)]) == 0
    assert grid.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with np.load(out) as stored:
        assert stored["images"].shape == (30, 28, 28) and stored["images"].dtype == np.uint8
        np.testing.assert_array_equal(stored["labels"], np.arange(30) % 10)
    assert "pretrained ccgan" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--n", "5", "--out", "samples.png"], "ending in .npz"),
    (["--n", "0", "--out", "x.npz"], "positive integer"),
    (["--n", "5", "--out", "x.npz", "--run", "no/such/run"], "no such folder"),
    (["--n", "5", "--out", "x.npz", "--grid", "grid.jpg"], "ending in .png"),
])
def test_sample_refuses_bad_arguments(args, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main(["sample", "vanilla", *args])
    except SystemExit as exit:  # argparse's own checks
        code = exit.code
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "x.npz").exists()


def test_sample_says_how_to_make_a_missing_generator(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pretrained, "FOLDER", tmp_path)
    assert cli.main(["sample", "dcgan", "--n", "5", "--out", str(tmp_path / "x.npz")]) == 2
    assert "benchmarks/quality.py --models dcgan --export" in capsys.readouterr().err

