"""The shipped MNIST evaluator, on the current Keras backend (run the file once per backend)."""

import json

import numpy as np
import pytest
import keras

from benchmark_modules import load
from gankit.evaluation import classifier as evaluator


@pytest.fixture(scope="module")
def mnist_test(shared_data_dir):
    from gankit import data
    return data.load_mnist("test", data_dir=shared_data_dir)


def test_architecture_maps_images_to_logits_and_features():
    model = evaluator.build_evaluator()
    images = np.zeros((2, 28, 28, 1), "float32")
    assert tuple(model(images).shape) == (2, 10)
    assert evaluator.Evaluator(model).features(images).shape == (2, 128)
    assert model.count_params() < 300_000  # the weights file stays small


def test_shipped_weights_reach_99_percent_on_the_full_test_set(mnist_test):
    images, labels = mnist_test
    assert len(images) == 10_000
    accuracy = evaluator.load_evaluator().accuracy(images, labels)
    assert accuracy >= 0.99
    # Same weights, same answer on every backend (up to a few borderline digits).
    stored = json.loads((evaluator.WEIGHTS_PATH.parent / "reference_scores.json").read_text())
    assert accuracy == pytest.approx(stored["evaluator"]["test_accuracy"], abs=5e-4)


def test_outputs_have_documented_shapes_and_ranges(mnist_test):
    images = mnist_test[0][:64]
    ev = evaluator.load_evaluator()
    assert evaluator.load_evaluator() is ev  # cached
    probs, feats = ev.predict_proba(images), ev.features(images)
    assert probs.shape == (64, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    assert feats.shape == (64, 128) and feats.min() >= 0
    assert np.array_equal(ev.predict(images), probs.argmax(axis=1))


def test_uint8_and_model_range_inputs_agree(mnist_test):
    from gankit import data
    images = mnist_test[0][:64]
    ev = evaluator.load_evaluator()
    model_range = data.to_model_range(images)
    np.testing.assert_allclose(ev.predict_proba(images), ev.predict_proba(model_range), atol=1e-6)
    np.testing.assert_allclose(ev.predict_proba(model_range[..., 0]),
                               ev.predict_proba(model_range), atol=1e-6)


@pytest.mark.parametrize("images, message", [
    (np.zeros((4, 784), "float32"), r"reshape\(-1, 28, 28, 1\)"),
    (np.zeros((4, 32, 32, 1), "float32"), "crop or resize"),
    (np.zeros((4, 1, 28, 28), "float32"), "channels-first"),
    (np.zeros((28, 28), "uint8"), r"images\[None\]"),
    (np.zeros((0, 28, 28), "uint8"), "empty"),
    (np.full((4, 28, 28), 255.0, "float32"), "to_model_range"),
    (np.linspace(-3, 3, 4 * 784, dtype="float32").reshape(4, 28, 28), r"rescale them to \[-1, 1\]"),
    (np.zeros((4, 28, 28), "int64"), "uint8"),
    (np.full((4, 28, 28), np.nan, "float32"), "NaN"),
])
def test_wrong_shapes_and_ranges_raise_with_the_fix(images, message):
    with pytest.raises(ValueError, match=message):
        evaluator.prepare_images(images)


def test_zero_to_one_floats_are_rejected_but_model_range_is_not():
    digits = np.zeros((4, 28, 28), "float32")
    digits[:, 10:18, 12:16] = 1.0
    with pytest.raises(ValueError, match=r"images \* 2 - 1"):
        evaluator.prepare_images(digits)
    prepared = evaluator.prepare_images(digits * 2 - 1)
    assert prepared.shape == (4, 28, 28, 1) and prepared.dtype == np.float32
    # A generator collapsed to all-white output is scored, not mistaken for 0..1 data.
    assert evaluator.prepare_images(np.ones((4, 28, 28, 1), "float32")).min() == 1.0


def test_train_classifier_is_reproducible():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (64, 28, 28, 1)).astype("float32")
    labels = rng.integers(0, 10, 64)
    first, _ = evaluator.train_classifier(images, labels, epochs=1, seed=3)
    second, _ = evaluator.train_classifier(images, labels, epochs=1, seed=3)
    for a, b in zip(first.weights, second.weights):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(a.value),
                                   keras.ops.convert_to_numpy(b.value), rtol=1e-5, atol=1e-6)


def test_missing_weights_file_says_how_to_train(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmarks/evaluator.py --out"):
        evaluator.load_evaluator(tmp_path / "none.weights.h5")


@pytest.mark.slow
def test_train_evaluator_saves_weights_and_reference_scores(tmp_path, monkeypatch,
                                                             shared_data_dir):
    import functools
    from gankit import data
    retrain = load("evaluator")  # benchmarks/evaluator.py
    root = shared_data_dir
    real_load = data.load_mnist

    def small_load(split="train", data_dir=None):  # 3,000 images each keep this quick
        images, labels = real_load(split, data_dir=root)
        return images[:3000], labels[:3000]

    monkeypatch.setattr(data, "load_mnist", small_load)
    monkeypatch.setattr(retrain, "compute_reference_scores",
                        functools.partial(retrain.compute_reference_scores, n=500))
    result = retrain.train_evaluator(epochs=1, path=tmp_path / "ev.weights.h5", verbose=0)
    assert 0.3 < result["test_accuracy"] <= 1.0 and result["backend"] == keras.backend.backend()
    loaded = evaluator.load_evaluator(tmp_path / "ev.weights.h5")
    test_images, test_labels = small_load("test")
    assert loaded.accuracy(test_images, test_labels) == pytest.approx(result["test_accuracy"])
    rows = json.loads((tmp_path / "reference_scores.json").read_text())["rows"]
    assert set(rows) == {"real_train", "uniform_noise", "single_digit"}
    with pytest.raises(ValueError, match=".weights.h5"):
        retrain.train_evaluator(path=tmp_path / "ev.h5")
    # Rescoring the same weights gives the same rows and keeps the training details.
    before = json.loads((tmp_path / "reference_scores.json").read_text())
    (tmp_path / "reference_scores.json").write_text(json.dumps(dict(before, rows={})))
    retrain.rescore(tmp_path / "ev.weights.h5")
    after = json.loads((tmp_path / "reference_scores.json").read_text())
    assert after["evaluator"] == before["evaluator"]
    for name, row in before["rows"].items():
        assert after["rows"][name]["counts"] == row["counts"]
        assert after["rows"][name]["classifier_score"] == pytest.approx(row["classifier_score"])
    (tmp_path / "reference_scores.json").unlink()
    with pytest.raises(FileNotFoundError, match="train the evaluator first"):
        retrain.rescore(tmp_path / "ev.weights.h5")
