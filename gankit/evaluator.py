"""The MNIST evaluator: a small convolutional classifier that judges generated digits.

A GAN's losses say little about how good its samples are, so we ask a classifier trained on
real MNIST what it sees. The evaluator is LeNet-like:

    image (28, 28, 1) in [-1, 1]
    -> Conv 32 3x3 -> Conv 32 3x3 -> MaxPool 2 -> Conv 64 3x3 -> Conv 64 3x3 -> MaxPool 2
    -> Dense 128 ("features") -> Dropout 0.5 -> Dense 10 ("logits")

It outputs logits, not probabilities (training on logits is numerically safer);
``predict_proba`` applies the softmax. The 128 ReLU activations of the "features" layer are the
image representation for the Fréchet distance (``gankit.metrics``). Its weights ship with the
package (``gankit/weights/evaluator.weights.h5``, about 0.8 MB) and load on every backend: the
model is built from code, then ``load_weights`` fills it in.

    ev = load_evaluator()
    ev.predict(images)          # int64 (N,), the digit it sees
    ev.predict_proba(images)    # float32 (N, 10)
    ev.features(images)         # float32 (N, 128)

``python -m gankit evaluator train`` retrains it with ``train_evaluator``. Introduced in
notebook 01 ("How good is it?").
"""

import math
import time
from pathlib import Path

import numpy as np
import keras
from keras import layers
from scipy import special

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights" / "evaluator.weights.h5"
BATCH_SIZE = 1000
_RANGE_TOLERANCE = 1e-5


def build_evaluator(name="mnist_evaluator"):
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
    return keras.Model(images, logits, name=name)


def feature_extractor(model):
    """A model sharing ``model``'s layers: images (N, 28, 28, 1) -> features float32 (N, 128)."""
    return keras.Model(model.inputs, model.get_layer("features").output,
                       name=f"{model.name}_features")


def prepare_images(images):
    """Check images and return them as float32 (N, 28, 28, 1) in the model range [-1, 1].

    Accepts uint8 (N, 28, 28[, 1]) in 0..255 (converted with ``gankit.data.to_model_range``)
    and float (N, 28, 28[, 1]) already in [-1, 1]. Anything else raises ``ValueError`` with the
    fix, including floats in 0..255 or 0..1: a float batch with no negative pixel and a median
    below 0.5 is taken for 0..1 images, since in the model range MNIST's background is -1.
    """
    images = np.asarray(images)
    shape = images.shape
    if shape == (28, 28) or shape == (28, 28, 1):
        raise ValueError(f"Got a single image of shape {shape}; add a batch axis: images[None].")
    if len(shape) == 2 and shape[1] == 784:
        raise ValueError(f"Got flattened images {shape}; reshape them: images.reshape(-1, 28, 28, 1).")
    if len(shape) == 4 and shape[1:] == (1, 28, 28):
        raise ValueError(f"Got channels-first images {shape}; use images.transpose(0, 2, 3, 1).")
    if not (shape[1:] == (28, 28) or shape[1:] == (28, 28, 1)):
        raise ValueError(f"Expected images of shape (N, 28, 28) or (N, 28, 28, 1), got {shape}. "
                         "MNIST digits are 28x28; crop or resize others (32x32: images[:, 2:30, 2:30]).")
    if shape[0] == 0:
        raise ValueError("Got an empty batch (N = 0); pass at least one image.")
    if images.dtype == np.uint8:
        from gankit import data
        return data.to_model_range(images.reshape(-1, 28, 28))
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"Images of dtype {images.dtype} are not understood: pass uint8 in "
                         "0..255 (images.astype('uint8')) or floats in the model range [-1, 1].")
    if not np.all(np.isfinite(images)):
        raise ValueError("Images contain NaN or infinite values; the generator may have diverged.")
    low, high = float(images.min()), float(images.max())
    if low < -1 - _RANGE_TOLERANCE or high > 1 + _RANGE_TOLERANCE:
        fix = ("they look like 0..255 floats: use gankit.data.to_model_range(images.astype('uint8'))"
               if low >= 0 and high <= 255 else "rescale them to [-1, 1]")
        raise ValueError(f"Float images range from {low:.4g} to {high:.4g}, outside the model "
                         f"range [-1, 1] that the evaluator expects; {fix}.")
    if low >= 0 and float(np.median(images)) < 0.5:
        raise ValueError(f"Float images range from {low:.4g} to {high:.4g} with no negative pixel: "
                         "they look like 0..1 images, but the evaluator expects the model range "
                         "[-1, 1] (background -1); convert with images * 2 - 1.")
    return images.reshape(-1, 28, 28, 1).astype("float32")


class Evaluator:
    """A trained evaluator with batched (1,000 at a time) predictions on numpy arrays.

    Every method takes uint8 (N, 28, 28) images or model-range floats (N, 28, 28[, 1]) in [-1, 1]
    (see ``prepare_images``).

    Attributes:
        model: the keras.Model, images -> logits (N, 10).
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
        labels = np.asarray(labels)
        if labels.shape != (len(images),):
            raise ValueError(f"Expected one label per image, shape ({len(images)},); got "
                             f"{labels.shape}.")
        return float(np.mean(self.predict(images) == labels))


_LOADED = {}


def load_evaluator(path=None):
    """Load the evaluator (cached: later calls with the same path return the same object).

    Args:
        path: a ``.weights.h5`` file from ``train_evaluator``; default the shipped weights.

    Returns:
        Evaluator with ``predict_proba``, ``features``, ``predict``, ``probs_and_features``.
    """
    path = Path(path).resolve() if path is not None else WEIGHTS_PATH
    if path not in _LOADED:
        if not path.exists():
            raise FileNotFoundError(f"No evaluator weights at {path}. Train them with "
                                    "`python -m gankit evaluator train` (a few minutes on a CPU).")
        model = build_evaluator()
        model.load_weights(path)
        _LOADED[path] = Evaluator(model)
    return _LOADED[path]


def train_classifier(images, labels, epochs=6, seed=0, batch_size=128, verbose=0):
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
    labels = np.asarray(labels).astype("int32")
    keras.utils.set_random_seed(seed)
    model = build_evaluator()
    steps = epochs * math.ceil(len(images) / batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=max(steps, 1))
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(images, labels, batch_size=batch_size, epochs=epochs, shuffle=True,
                        verbose=verbose)
    return model, history


def train_evaluator(epochs=6, seed=0, path=None, data_dir=None, verbose=1):
    """Train the evaluator on the 60,000 MNIST training images, save it, rescore the references.

    Writes the weights to ``path`` and ``reference_scores.json`` (``gankit.metrics
    .compute_reference_scores``) next to them. Reproducible for a given seed on the same backend
    and device.

    Args:
        epochs: passes over the training set (6 reach about 99.5% test accuracy).
        seed: seed for initialisation, shuffling and dropout.
        path: a file ending in ``.weights.h5``; default the package's shipped weights.
        data_dir: local MNIST files (see ``gankit.data.load_mnist``).
        verbose: Keras ``fit`` verbosity (0, 1 or 2).

    Returns:
        dict with ``test_accuracy``, ``train_accuracy``, ``epochs``, ``seed``, ``backend``,
        ``seconds``, ``weights`` and ``reference_scores`` (paths).
    """
    from gankit import data, metrics
    path = Path(path).resolve() if path is not None else WEIGHTS_PATH
    if not path.name.endswith(".weights.h5"):
        raise ValueError(f"Keras weights files must end in '.weights.h5'; got {path.name!r}.")
    train_images, train_labels = data.load_mnist("train", data_dir=data_dir)
    test_images, test_labels = data.load_mnist("test", data_dir=data_dir)
    start = time.time()
    model, history = train_classifier(data.to_model_range(train_images), train_labels,
                                      epochs=epochs, seed=seed, verbose=verbose)
    seconds = time.time() - start
    evaluator = Evaluator(model)
    result = {"test_accuracy": evaluator.accuracy(test_images, test_labels),
              "train_accuracy": float(history.history["accuracy"][-1]), "epochs": epochs,
              "seed": seed, "backend": keras.backend.backend(), "seconds": round(seconds, 1)}
    path.parent.mkdir(parents=True, exist_ok=True)
    uncompiled = build_evaluator()  # saves the weights without the optimizer's state (3x smaller)
    for target, source in zip(uncompiled.weights, model.weights):
        target.assign(source.value)
    uncompiled.save_weights(path)
    _LOADED.pop(path, None)
    scores_path = path.parent / "reference_scores.json"
    metrics.compute_reference_scores(evaluator, data_dir=data_dir, path=scores_path,
                                     details={"evaluator": dict(result, keras=keras.__version__)})
    return dict(result, weights=str(path), reference_scores=str(scores_path))
