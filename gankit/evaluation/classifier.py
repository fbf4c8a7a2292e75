"""The MNIST evaluator: a small convolutional classifier, trained on real digits, that judges
generated ones (a GAN's losses say little about its samples). Introduced in notebook 01.

    image (28, 28, 1) in [-1, 1]
    -> Conv 32 3x3 -> Conv 32 3x3 -> MaxPool 2 -> Conv 64 3x3 -> Conv 64 3x3 -> MaxPool 2
    -> Dense 128 ("features") -> Dropout 0.5 -> Dense 10 ("logits")

Its weights ship with the kit (``gankit/weights/evaluator.weights.h5``) and load on every
backend: the model is built from code, then ``load_weights`` fills it in.
"""

import math
from pathlib import Path

import numpy as np
import keras
from keras import layers
from scipy import special

from gankit.checks import check_images, check_labels
from gankit.data import to_model_range

WEIGHTS_PATH = Path(__file__).resolve().parents[1] / "weights" / "evaluator.weights.h5"
BATCH_SIZE = 1000


def build_evaluator():
    """The evaluator's architecture, freshly initialised.

    Returns:
        keras.Model: images float32 (N, 28, 28, 1) in [-1, 1] -> logits float32 (N, 10).
        Its layer "features" (Dense 128, ReLU) is the penultimate layer.
    """
    images = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu", name="conv1")(images)
    x = layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv3")(x)
    x = layers.Conv2D(64, 3, activation="relu", name="conv4")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(128, activation="relu", name="features")(x)
    x = layers.Dropout(0.5, name="dropout")(x)
    logits = layers.Dense(10, name="logits")(x)
    return keras.Model(images, logits, name="mnist_evaluator")


def prepare_images(images, name="images"):
    """Check images and return them as float32 (N, 28, 28, 1) in the model range [-1, 1].

    Accepts uint8 (N, 28, 28[, 1]) in 0..255 (converted with ``gankit.data.to_model_range``)
    and float (N, 28, 28[, 1]) already in [-1, 1]; anything else raises ``ValueError`` with the
    fix (``gankit.checks.check_images``), including floats in 0..255 or 0..1.
    """
    images = check_images(images, name, channel="add")
    if images.dtype == np.uint8:
        return to_model_range(images)
    return images.astype("float32")


class Evaluator:
    """A trained evaluator (``model``: images -> logits (N, 10)) with batched predictions.

    Every method takes uint8 (N, 28, 28) images or model-range floats (N, 28, 28[, 1]) in [-1, 1]
    (see ``prepare_images``).
    """

    def __init__(self, model):
        self.model = model
        self._both = keras.Model(model.inputs, [model.output, model.get_layer("features").output])

    def logits_and_features(self, images):
        """(logits float32 (N, 10), features float32 (N, 128)) in one pass."""
        logits, feats = self._both.predict(prepare_images(images), batch_size=BATCH_SIZE, verbose=0)
        return np.asarray(logits, dtype="float32"), np.asarray(feats, dtype="float32")

    def probs_and_features(self, images):
        """(probabilities float32 (N, 10), features float32 (N, 128)) in one pass."""
        logits, feats = self.logits_and_features(images)
        return special.softmax(logits.astype("float64"), axis=1).astype("float32"), feats

    def predict_proba(self, images):
        """Class probabilities float32 (N, 10); each row sums to 1."""
        return self.probs_and_features(images)[0]

    def features(self, images):
        """Penultimate-layer activations float32 (N, 128), all >= 0."""
        return self.logits_and_features(images)[1]

    def predict(self, images):
        """The most likely digit for each image, int64 (N,) in 0..9."""
        return self.logits_and_features(images)[0].argmax(axis=1)

    def accuracy(self, images, labels):
        """Share of ``images`` whose predicted digit equals ``labels`` (int (N,) in 0..9)."""
        labels = check_labels(labels, len(images))
        return float(np.mean(self.predict(images) == labels))


_LOADED = {}


def load_evaluator(path=None):
    """The ``Evaluator`` with the shipped weights, or those in ``path`` (a ``.weights.h5`` file
    of ``benchmarks/evaluator.py``); cached: later calls with the same path return it again."""
    path = Path(path).resolve() if path is not None else WEIGHTS_PATH
    if path not in _LOADED:
        if not path.exists():
            raise FileNotFoundError(f"No evaluator weights at {path}: reinstall gankit, or train "
                                    f"them with `python benchmarks/evaluator.py --out {path}` in "
                                    "a copy of the kit (a few minutes on a CPU).")
        model = build_evaluator()
        model.load_weights(path)
        _LOADED[path] = Evaluator(model)
    return _LOADED[path]


def train_classifier(images, labels, epochs=6, seed=0, verbose=0):
    """Train a fresh evaluator-architecture network on labelled images.

    Adam (learning rate 1e-3, cosine decay to 0 over the run), cross-entropy on logits.
    ``keras.utils.set_random_seed(seed)`` makes runs repeatable; bit-identical weights also
    need the same backend, library versions and device.

    Args:
        images: float32 (N, 28, 28, 1) in [-1, 1] (or uint8 (N, 28, 28)).
        labels: int (N,) in 0..9.

    Returns:
        (keras.Model, keras History).
    """
    images = prepare_images(images)
    labels = check_labels(labels, len(images)).astype("int32")
    keras.utils.set_random_seed(seed)
    model = build_evaluator()
    batch_size = 128
    steps = epochs * math.ceil(len(images) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=max(steps, 1))
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=batch_size, epochs=epochs, shuffle=True,
                        verbose=verbose)
    return model, history


def train_and_test(images, labels, test_images, test_labels, epochs=6, seed=0, verbose=0):
    """Train a fresh classifier on ``images`` (``train_classifier``) and test it on real digits.

    Used by the augmentation study (notebook 03).

    Args:
        images, test_images: uint8 (N, 28, 28) or model range float32 (N, 28, 28[, 1]).
        labels, test_labels: int (N,) in 0..9.

    Returns:
        float in [0, 1]: the share of ``test_images`` classified as ``test_labels``.
    """
    test_images = prepare_images(test_images, "test_images")
    test_labels = check_labels(test_labels, len(test_images), "test_labels")
    model, _ = train_classifier(images, labels, epochs=epochs, seed=seed, verbose=verbose)
    logits = model.predict(test_images, batch_size=BATCH_SIZE, verbose=0)
    return float(np.mean(np.asarray(logits).argmax(axis=1) == test_labels))
