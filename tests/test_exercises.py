"""The graded exercises' checks (``gankit.exercises``): each accepts a learner's correct answer,
rejects the plausible wrong ones (a saturating loss, swapped targets, a wrong sign, an
off-by-one size, a variance for a standard deviation, ...) with a ``failed`` line, and reports
a stub as ``not attempted``; every time it returns the function the cells below should use."""

import keras
import numpy as np
import pytest
from keras import layers, ops
from scipy import ndimage

from gankit import exercises, models


def bce(logits, target):
    return ops.mean(ops.binary_crossentropy(ops.full_like(logits, target), logits,
                                            from_logits=True))


def stub(*args):
    raise NotImplementedError()


def blurred(x, sigma):
    return ndimage.gaussian_filter(x[..., 0].astype("float64"), sigma=(0, sigma, sigma))


def leaky_block(x, channels, use_bias=False, stride=2, padding="same", activation=None):
    x = layers.Conv2DTranspose(channels, 5, strides=stride, padding=padding, use_bias=use_bias)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation(activation)(x) if activation else layers.LeakyReLU(0.2)(x)


# check name -> (a correct answer, {mistake: wrong answer})
CASES = {
    "to_model_range": (lambda x: (x.astype("float32") / 127.5 - 1)[..., None], {
        "divided by 255": lambda x: (x.astype("float32") / 255)[..., None],
        "no channel axis": lambda x: x.astype("float32") / 127.5 - 1,
        "no offset": lambda x: (x.astype("float32") / 127.5)[..., None]}),
    "letters_to_add": (lambda n, s: round(s * n / (1 - s)), {
        "the replace count": lambda n, s: round(s * n),
        "truncated": lambda n, s: int(s * n / (1 - s) + 0.3)}),
    "d_loss": (lambda r, f, s: bce(r, 1 - s) + bce(f, 0.0), {
        "swapped targets": lambda r, f, s: bce(r, 0.0) + bce(f, 1 - s),
        "swapped inputs": lambda r, f, s: bce(f, 1 - s) + bce(r, 0.0),
        "no smoothing": lambda r, f, s: bce(r, 1.0) + bce(f, 0.0),
        "wrong sign": lambda r, f, s: -(bce(r, 1 - s) + bce(f, 0.0)),
        "probabilities": lambda r, f, s: ops.mean(ops.binary_crossentropy(
            ops.full_like(r, 1 - s), r)) + ops.mean(ops.binary_crossentropy(ops.zeros_like(f), f)),
        "sum, not mean": lambda r, f, s: ops.sum(ops.binary_crossentropy(
            ops.full_like(r, 1 - s), r, from_logits=True)) + bce(f, 0.0)}),
    "g_loss": (lambda f: bce(f, 1.0), {
        "saturating": lambda f: -bce(f, 0.0),
        "target 0": lambda f: bce(f, 0.0),
        "wrong sign": lambda f: -bce(f, 1.0)}),
    "image_entropy": (lambda x: np.array([-np.sum(p * np.log2(p)) for p in (
        np.unique(i, return_counts=True)[1] / i.size for i in x)]), {
        "nats": lambda x: np.array([-np.sum(p * np.log(p)) for p in (
            np.unique(i, return_counts=True)[1] / i.size for i in x)]),
        "one value for the batch": lambda x: np.full(len(x), -np.sum(
            (c := np.unique(x, return_counts=True)[1] / x.size) * np.log2(c))),
        "a scalar": lambda x: -np.sum((c := np.unique(x, return_counts=True)[1] / x.size)
                                      * np.log2(c))}),
    "transposed_size": (lambda n, k, s, p: n * s if p == "same" else (n - 1) * s + max(k, s), {
        "off by one": lambda n, k, s, p: n * s if p == "same" else n * s + k - 1,
        "conv formula": lambda n, k, s, p: n * s if p == "same" else (n - k) // s + 1,
        "stride ignored": lambda n, k, s, p: n if p == "same" else n + k - 1}),
    "conv_size": (lambda n, k, s, p: -(-n // s) if p == "same" else (n - k) // s + 1, {
        "rounded down": lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1,
        "off by one": lambda n, k, s, p: -(-n // s) if p == "same" else (n - k) // s,
        "transposed formula": lambda n, k, s, p: n * s if p == "same" else (n - 1) * s + k}),
    "dcgan_block": (lambda x, c: models.dcgan_block(x, c), {
        "stride 1": lambda x, c: leaky_block(x, c, stride=1),
        "with bias": lambda x, c: leaky_block(x, c, use_bias=True),
        "valid padding": lambda x, c: leaky_block(x, c, padding="valid"),
        "relu": lambda x, c: leaky_block(x, c, activation="relu"),
        "no batch norm": lambda x, c: layers.LeakyReLU(0.2)(layers.Conv2DTranspose(
            c, 5, strides=2, padding="same", use_bias=False)(x))}),
    "projection_logit": (lambda f, y, k, b, e: f @ k + b + np.sum(e[y] * f, 1, keepdims=True), {
        "no projection": lambda f, y, k, b, e: f @ k + b,
        "no dense term": lambda f, y, k, b, e: np.sum(e[y] * f, 1, keepdims=True),
        "off-by-one label": lambda f, y, k, b, e: f @ k + b + np.sum(
            e[(y + 1) % len(e)] * f, 1, keepdims=True),
        "flat shape": lambda f, y, k, b, e: (f @ k + b)[:, 0] + np.sum(e[y] * f, 1)}),
    "interpolate": (lambda a, b, n: a + np.linspace(0, 1, n)[:, None] * (b - a), {
        "swapped ends": lambda a, b, n: b + np.linspace(0, 1, n)[:, None] * (a - b),
        "end left out": lambda a, b, n: a + np.arange(n)[:, None] / n * (b - a),
        "one step too many": lambda a, b, n: a + np.linspace(0, 1, n + 1)[:, None] * (b - a)}),
    "conditional_accuracy": (lambda p, r: np.mean(np.asarray(p) == np.asarray(r)), {
        "a count": lambda p, r: np.sum(p == r),
        "the error rate": lambda p, r: np.mean(p != r)}),
    "noise_variance": (lambda e, k: np.mean(e[k:]), {
        "kept eigenvalues": lambda e, k: np.mean(e[:k]),
        "a sum": lambda e, k: np.sum(e[k:]),
        "off by one": lambda e, k: np.mean(e[k + 1:]),
        "ascending order": lambda e, k: np.mean(np.sort(e)[k:])}),
    "loadings": (lambda u, v, s: u * np.sqrt(v - s), {
        "variance for std": lambda u, v, s: u * (v - s),
        "sigma not subtracted": lambda u, v, s: u * np.sqrt(v),
        "transposed": lambda u, v, s: (u * np.sqrt(v - s)).T}),
    "ppca_sample": (lambda m, w, s, n, seed: (lambda rng: m + rng.standard_normal(
        (n, w.shape[1])) @ w.T + np.sqrt(s) * rng.standard_normal((n, len(m))))(
        np.random.default_rng(seed)), {
        "variance for std": lambda m, w, s, n, seed: (lambda rng: m + rng.standard_normal(
            (n, w.shape[1])) @ w.T + s * rng.standard_normal((n, len(m))))(
            np.random.default_rng(seed)),
        "no noise": lambda m, w, s, n, seed: m + np.random.default_rng(seed).standard_normal(
            (n, w.shape[1])) @ w.T,
        "no mean": lambda m, w, s, n, seed: (lambda rng: rng.standard_normal(
            (n, w.shape[1])) @ w.T + np.sqrt(s) * rng.standard_normal((n, len(m))))(
            np.random.default_rng(seed))}),
    "corrected_share": (lambda r, t, f: min(max((r - f) / (t - f), 0.0), 1.0), {
        "not clipped": lambda r, t, f: (r - f) / (t - f),
        "fpr ignored": lambda r, t, f: min(r / t, 1.0),
        "rates swapped": lambda r, t, f: min(max((r - t) / (f - t), 0.0), 1.0),
        "raw share": lambda r, t, f: r}),
    "pixel_noise": (lambda x, s, seed: np.clip(x + np.random.default_rng(seed).normal(
        0, 2 * s, x.shape), -1, 1).astype("float32"), {
        "std not in range units": lambda x, s, seed: np.clip(
            x + np.random.default_rng(seed).normal(0, s, x.shape), -1, 1),
        "variance for std": lambda x, s, seed: np.clip(
            x + np.random.default_rng(seed).normal(0, (2 * s) ** 2, x.shape), -1, 1),
        "not clipped": lambda x, s, seed: x + np.random.default_rng(seed).normal(0, 2 * s,
                                                                                x.shape),
        "uint8 range": lambda x, s, seed: np.clip(
            x + np.random.default_rng(seed).normal(0, 255 * s, x.shape), -1, 1)}),
    "high_frequency_energy": (lambda x, s: np.median(np.abs(x[..., 0] - blurred(x, s)).reshape(
        len(x), -1), axis=1), {
        "mean": lambda x, s: np.mean(np.abs(x[..., 0] - blurred(x, s)).reshape(len(x), -1), 1),
        "no absolute value": lambda x, s: np.median((x[..., 0] - blurred(x, s)).reshape(
            len(x), -1), 1),
        "one number": lambda x, s: np.median(np.abs(x[..., 0] - blurred(x, s))),
        "sigma ignored": lambda x, s: np.median(np.abs(x[..., 0] - blurred(x, 1.0)).reshape(
            len(x), -1), axis=1)}),
}


def run(name, function, capsys):
    returned = getattr(exercises, f"check_{name}")(function)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1, f"check_{name} printed {lines}"
    return lines[0], returned


def test_there_are_at_least_17_checks_and_each_is_tested():
    assert len(exercises.__all__) >= 17
    assert sorted(f"check_{name}" for name in CASES) == sorted(exercises.__all__)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_correct_answer_passes_and_is_used(name, capsys):
    line, returned = run(name, CASES[name][0], capsys)
    assert line.startswith("passed: "), line
    assert returned is CASES[name][0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_stub_is_not_attempted_and_the_reference_is_used(name, capsys):
    line, returned = run(name, stub, capsys)
    assert line.startswith("not attempted: "), line
    assert returned is not stub and callable(returned)
    again, _ = run(name, returned, capsys)  # what the cells below get is a correct answer
    assert again.startswith("passed: "), again


@pytest.mark.parametrize("name,mistake", [(name, mistake) for name in sorted(CASES)
                                          for mistake in CASES[name][1]])
def test_a_plausible_mistake_fails_with_a_hint(name, mistake, capsys):
    wrong = CASES[name][1][mistake]
    line, returned = run(name, wrong, capsys)
    assert line.startswith("failed: "), f"{mistake}: {line}"
    assert "Hint:" in line or ";" in line, line
    assert returned is not wrong


def test_a_known_mistake_is_named(capsys):
    line, _ = run("g_loss", CASES["g_loss"][1]["saturating"], capsys)
    assert "saturating" in line
    line, _ = run("d_loss", CASES["d_loss"][1]["swapped inputs"], capsys)
    assert "swapped" in line
    line, _ = run("pixel_noise", CASES["pixel_noise"][1]["variance for std"], capsys)
    assert "variance" in line


def test_an_error_in_the_learners_code_is_reported_not_raised(capsys):
    line, returned = run("d_loss", lambda r, f, s: r.undefined, capsys)
    assert line.startswith("failed: ") and "AttributeError" in line
    assert returned is not None


def test_backend_tensors_are_accepted(capsys):
    line, _ = run("g_loss", lambda f: keras.ops.convert_to_tensor(CASES["g_loss"][0](f)), capsys)
    assert line.startswith("passed")
