"""The checks of notebooks 00 to 03: data conventions, the GAN losses, pixel entropy, the shape
arithmetic of (transposed) convolutions, a DCGAN block, the projection discriminator, latent
interpolation and conditional accuracy. Each compares the learner's function with the kit's own
(``gankit.data``, ``gankit.studies.noise``, ``gankit.backend.losses``, ``gankit.analysis``,
``gankit.models``, Keras's layers, ``gankit.evaluation.scores``) on fixed inputs."""

import keras
import numpy as np
from keras import layers, ops

from gankit import analysis, data, models
from gankit.backend import losses
from gankit.evaluation import scores
from gankit.exercises.core import as_array, run_check
from gankit.studies import noise


def _rng(seed=0):
    return np.random.default_rng(seed)


def _uint8_images(n, seed=0):
    """Digit-like uint8 images ``(n, 28, 28)``: a black background with a few bright strokes."""
    images = _rng(seed).integers(0, 256, (n, 28, 28)).astype(np.uint8)
    images[_rng(seed + 1).random((n, 28, 28)) < 0.7] = 0
    return images


# Notebook 00 ---------------------------------------------------------------------------------

def check_to_model_range(learner):
    images = _uint8_images(3)
    edges = np.array([[[0, 255] * 14] * 28], np.uint8)
    cases = [(name, (x,), data.to_model_range(x)) for name, x in
             (("three random images", images), ("an image of only 0 and 255", edges))]
    wrong = [(lambda x: x.astype(np.float32)[..., None] / 255, "your values lie in [0, 1]; the "
              "model range is [-1, 1] (0 -> -1, 255 -> 1)"),
             (lambda x: x.astype(np.float32) / 127.5 - 1, "the channel axis is missing: (N, 28, 28) "
              "-> (N, 28, 28, 1), e.g. with [..., None]")]
    return run_check("to_model_range maps 0..255 to [-1, 1] with a channel axis", learner,
                     data.to_model_range, cases, wrong, hint="x / 127.5 - 1, as float32, then "
                     "add the channel axis")


def check_letters_to_add(learner):
    shares = (0.05, 0.2, 0.5, 10_000 / 70_000)
    cases = [(f"{n:,} digits and share {share:.3g}", (n, share),
              noise.corrupted_count(n, share, "add")) for n in (60_000, 1_000) for share in shares]
    wrong = [(lambda n, share: round(share * n), "share * n_digits is the count for replacing; "
              "appended letters also count in the total, so solve k = share * (n_digits + k)")]
    return run_check("letters to append so that they make up a share of the set", learner,
                     lambda n, share: noise.corrupted_count(n, share, "add"), cases, wrong,
                     hint="k / (n_digits + k) = share; solve for k and round", atol=0)


# Notebook 01 ---------------------------------------------------------------------------------

def _logits():
    generator = _rng(1)
    return (generator.normal(1.0, 2.0, (16, 1)).astype("float32"),
            generator.normal(-1.0, 2.0, (16, 1)).astype("float32"))


def check_d_loss(learner):
    real, fake = _logits()
    cases = [(f"logits of 16 real and 16 generated images, smoothing {s}", (real, fake, s),
              losses.d_loss(real, fake, s)) for s in (0.0, 0.1)]
    bce = losses.bce
    wrong = [(lambda r, f, s: bce(f, 1 - s) + bce(r, 0.0), "real and generated targets are "
              "swapped: real logits aim at 1 - smoothing, generated ones at 0"),
             (lambda r, f, s: bce(r, 1.0) + bce(f, 0.0), "smoothing is ignored: real images aim "
              "at 1 - smoothing"),
             (lambda r, f, s: bce(r, s) + bce(f, 0.0), "the real target is smoothing, not "
              "1 - smoothing"),
             (lambda r, f, s: ops.mean(ops.binary_crossentropy(
                 ops.full_like(r, 1 - s), r)) + ops.mean(ops.binary_crossentropy(
                     ops.zeros_like(f), f)), "the inputs are logits: pass from_logits=True")]
    return run_check("d_loss against gankit.backend.losses.d_loss", learner, losses.d_loss,
                     cases, wrong, hint="BCE(real logits, 1 - smoothing) + BCE(generated "
                     "logits, 0), each a mean over the batch")


def check_g_loss(learner):
    real, fake = _logits()
    cases = [("logits of 16 generated images", (fake,), losses.g_loss(fake)),
             ("logits of 16 images the discriminator calls real", (real,), losses.g_loss(real))]
    wrong = [(lambda f: -losses.bce(f, 0.0), "this is the saturating (minimax) loss "
              "log(1 - D(G(z))); use the non-saturating -log D(G(z)): BCE against 'real'"),
             (lambda f: losses.bce(f, 0.0), "the generated images aim at 0 here; the generator "
              "wants them called real (target 1)"),
             (lambda f: -losses.bce(f, 1.0), "the sign is flipped: minimise BCE(logits, 1)")]
    return run_check("g_loss against gankit.backend.losses.g_loss", learner, losses.g_loss,
                     cases, wrong, hint="the non-saturating loss: BCE of the generated logits "
                     "against the target 1")


def check_image_entropy(learner):
    constant = np.full((1, 28, 28), 7, np.uint8)
    halves = np.zeros((1, 28, 28), np.uint8)
    halves[:, :14] = 255
    cases = [(name, (x,), analysis.image_entropy(x)) for name, x in
             (("four digit-like images", _uint8_images(4)), ("a constant image", constant),
              ("an image half black, half white", halves))]

    def natural(x):
        return analysis.image_entropy(x) * np.log(2)

    wrong = [(natural, "natural logarithms give nats; the entropy here is in bits (log2)"),
             (lambda x: np.full(len(x), np.mean(analysis.image_entropy(x))), "one value per "
              "image: count each image's pixel values on its own")]
    return run_check("image_entropy against gankit.analysis.image_entropy", learner,
                     analysis.image_entropy, cases, wrong, hint="per image: p_v = share of its 784 "
                     "pixels with value v, H = -sum p_v log2 p_v over the values that occur")


# Notebook 02 ---------------------------------------------------------------------------------

def _keras_size(layer, size):
    return layer.compute_output_shape((1, size, size, 1))[1]


def _transposed_size(size, kernel, stride, padding):
    return _keras_size(layers.Conv2DTranspose(1, kernel, strides=stride, padding=padding), size)


def _conv_size(size, kernel, stride, padding):
    return _keras_size(layers.Conv2D(1, kernel, strides=stride, padding=padding), size)


SIZES = [(7, 5, 1, "same"), (7, 5, 2, "same"), (14, 5, 2, "same"), (7, 5, 2, "valid"),
         (7, 4, 2, "valid"), (14, 3, 1, "valid")]
CONV_SIZES = [(28, 5, 2, "same"), (14, 5, 2, "same"), (7, 5, 2, "same"), (28, 5, 2, "valid"),
              (28, 3, 1, "valid"), (27, 4, 2, "valid")]


def check_transposed_size(learner):
    cases = [(f"size {n}, kernel {k}, stride {s}, {p!r}", (n, k, s, p), _transposed_size(n, k, s, p))
             for n, k, s, p in SIZES]
    wrong = [(lambda n, k, s, p: n * s + (k - 1 if p == "valid" else 0),
              "off by one with 'valid': the output is (n - 1) * stride + kernel"),
             (lambda n, k, s, p: n * s if p == "same" else (n - k) // s + 1,
              "'valid' here uses an ordinary convolution's formula; a transposed one grows")]
    return run_check("output size of Conv2DTranspose against Keras", learner, _transposed_size,
                     cases, wrong, hint="'same': size * stride; 'valid': (size - 1) * stride + "
                     "kernel (for kernel >= stride)", atol=0)


def check_conv_size(learner):
    cases = [(f"size {n}, kernel {k}, stride {s}, {p!r}", (n, k, s, p), _conv_size(n, k, s, p))
             for n, k, s, p in CONV_SIZES]
    wrong = [(lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1,
              "'same' rounds up: ceil(size / stride), so 7 -> 4 at stride 2"),
             (lambda n, k, s, p: -(-n // s) if p == "same" else (n - k) // s,
              "off by one with 'valid': (size - kernel) // stride + 1")]
    return run_check("output size of Conv2D against Keras", learner, _conv_size, cases, wrong,
                     hint="'same': ceil(size / stride); 'valid': (size - kernel) // stride + 1",
                     atol=0)


def _block_model(block, size, channels_in, channels):
    inputs = keras.Input((size, size, channels_in))
    return keras.Model(inputs, block(inputs, channels))


def check_dcgan_block(learner):
    def output(block, size, channels_in, channels):
        """The block's output on a fixed input, with the same fixed weights for every block
        whose weights have the kit's shapes (else its parameter count, shape (1,))."""
        model = _block_model(block, size, channels_in, channels)
        reference = _block_model(models.dcgan_block, size, channels_in, channels)
        shapes = [w.shape for w in reference.get_weights()]
        if [w.shape for w in model.get_weights()] != shapes:
            return np.array([float(model.count_params())])
        model.set_weights([_rng(i).normal(0.5, 0.2, s).astype("float32") + (1.0 if len(s) == 1
                           else 0.0) for i, s in enumerate(shapes)])
        x = _rng(9).normal(size=(2, size, size, channels_in)).astype("float32")
        return as_array(model(x, training=False))

    cases = [(f"a {n} x {n} x {c} input to {f} channels", (n, c, f),
              output(models.dcgan_block, n, c, f)) for n, c, f in ((7, 8, 4), (14, 4, 2))]
    wrong = [(lambda n, c, f: output(lambda x, k: models.dcgan_block(x, k, stride=1), n, c, f),
              "stride 1 keeps the size; the block doubles it (strides=2)")]

    def mine(n, c, f):
        return output(learner, n, c, f)

    chosen = run_check("dcgan_block against gankit.models.dcgan_block", mine, None, cases, wrong,
                       hint="Conv2DTranspose(channels, 5, strides=2, padding='same', "
                       "use_bias=False), BatchNormalization(), LeakyReLU(0.2); a result of "
                       "shape (1,) means your block's weights differ in number or shape")
    return learner if chosen is mine else models.dcgan_block


# Notebook 03 ---------------------------------------------------------------------------------

def _projection_reference(features, labels, kernel, bias, embeddings):
    """The kit's projection head (``gankit.models``) with these weights, on these inputs."""
    inputs = keras.Input((features.shape[1],)), keras.Input((), dtype="int32")
    head = keras.Model(inputs, models._discriminator_logit(inputs[0], inputs[1], len(embeddings)))
    head.get_layer("unconditional_logit").set_weights([kernel, bias])
    head.get_layer("label_embedding").set_weights([embeddings])
    return head([features, labels.astype("int32")])


def check_projection_logit(learner):
    generator = _rng(3)
    features = generator.normal(size=(6, 5)).astype("float32")
    kernel, bias = generator.normal(size=(5, 1)).astype("float32"), np.array([0.3], "float32")
    embeddings = generator.normal(size=(4, 5)).astype("float32")
    labels = np.array([0, 1, 2, 3, 3, 1])
    args = (features, labels, kernel, bias, embeddings)
    cases = [("6 feature vectors of 5 numbers, 4 classes", args, _projection_reference(*args)),
             ("the same with every label 0", (features, labels * 0, kernel, bias, embeddings),
              _projection_reference(features, labels * 0, kernel, bias, embeddings))]
    wrong = [(lambda f, y, k, b, e: f @ k + b, "the projection term is missing: add "
              "<embeddings[label], features> to the dense logit"),
             (lambda f, y, k, b, e: np.sum(e[y] * f, axis=1, keepdims=True), "the unconditional "
              "term is missing: the logit is features @ kernel + bias plus the projection"),
             (lambda f, y, k, b, e: f @ k + b + np.sum(e[(y + 1) % len(e)] * f, axis=1,
                                                        keepdims=True),
              "off by one in the label: row y of the embeddings belongs to label y")]
    return run_check("projection logit against the kit's conditional discriminator head", learner,
                     lambda *a: as_array(_projection_reference(*a)), cases, wrong,
                     hint="features @ kernel + bias + sum(embeddings[labels] * features, axis=1),"
                     " shape (N, 1)")


def _interpolate(z_0, z_1, steps):
    """The interpolation of notebook 03, section 5: ``steps`` points from z_0 to z_1, both ends."""
    t = np.linspace(0, 1, steps)[:, None]
    return (1 - t) * z_0 + t * z_1


def check_interpolate(learner):
    z_0, z_1 = _rng(1).standard_normal((2, 8))
    cases = [(f"{steps} steps between two 8-number latent vectors", (z_0, z_1, steps),
              _interpolate(z_0, z_1, steps)) for steps in (10, 2, 5)]
    wrong = [(lambda a, b, n: _interpolate(b, a, n), "the ends are swapped: the first row is z_0"),
             (lambda a, b, n: _interpolate(a, b, n + 1)[:-1], "the last row must be z_1 itself: "
              "both ends are included")]
    return run_check("latent interpolation against notebook 03's", learner, _interpolate, cases,
                     wrong, hint="t = np.linspace(0, 1, steps)[:, None]; (1 - t) * z_0 + t * z_1")


def check_conditional_accuracy(learner):
    generator = _rng(4)
    requested = np.repeat(np.arange(10), 5)
    predicted = np.where(generator.random(50) < 0.7, requested, generator.integers(0, 10, 50))
    cases = [("50 samples, some wrong", (predicted, requested),
              scores.conditional_accuracy(predicted, requested)[0]),
             ("all drawn as asked", (requested, requested), 1.0)]
    wrong = [(lambda p, r: np.sum(p == r), "that is a count; return the share in [0, 1]"),
             (lambda p, r: np.mean(p != r), "that is the error rate; return the share correct")]
    return run_check("conditional accuracy against gankit.evaluation.scores", learner,
                     lambda p, r: scores.conditional_accuracy(p, r)[0], cases, wrong,
                     hint="the share of samples whose predicted digit is the requested one")
