"""Generator and discriminator builders.

Every generator maps a latent vector ``z`` (``float32 (N, latent_dim)``, standard Gaussian) to
images ``float32 (N, 28, 28, 1)`` in [-1, 1] (a tanh output). Every discriminator maps such
images to one logit per image, ``float32 (N, 1)``: positive means "real".

Conditional builders (notebook 03) take the digit label as a second input, ``int32 (N,)`` in
0..9: the generator embeds it and joins it to ``z``. The discriminator takes it in one of two
ways (``conditioning``):

- ``"projection"`` (default; Miyato & Koyama 2018): ``D(x, y) = w.phi(x) + b + e_y.phi(x)``,
  the inner product of the convolutional features ``phi(x)`` with a learned embedding of ``y``;
- ``"channel"``: the label becomes a learned 28x28 plane stacked on the image as an extra
  channel, so every convolution sees which digit it is asked to judge.

Projection makes the label enter the verdict directly and trains the conditioning much faster.

The fully connected pair is introduced in notebook 01, the DCGAN pair in notebook 02.
"""

import keras
from keras import layers

from gankit.checks import IMAGE_SHAPE, NUM_CLASSES, check_count  # noqa: F401  (re-exported)

LATENT_DIM = 100


def _check_positive(**sizes):
    """Each size (an int, or a non-empty tuple of ints) must be positive integers."""
    for name, value in sizes.items():
        values = value if isinstance(value, (tuple, list)) else (value,)
        if not values:
            raise ValueError(f"{name} must be positive integers, got {value!r}.")
        for v in values:
            try:
                check_count(v, name, minimum=1)
            except ValueError:
                raise ValueError(f"{name} must be positive integers, got {value!r}.") from None


def _label_input_for_generator(latent_dim, num_classes):
    """Inputs (z, label) and their join: z concatenated with a learned label embedding."""
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, 50, name="label_embedding")(label)
    return [z, label], layers.Concatenate(name="z_and_label")([z, embedded])


CONDITIONINGS = ("projection", "channel")


def _discriminator_input(num_classes, dropout, conditioning="projection"):
    """Inputs, the tensor the discriminator's layers start from, and the label (or None).

    Unconditional, or conditional by projection: the image (the label joins at the logit, see
    ``_discriminator_logit``). Conditional by channel: the label becomes a learned 28x28 plane
    stacked on the image as an extra channel.
    """
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    if conditioning not in CONDITIONINGS:
        raise ValueError(f"conditioning must be one of {CONDITIONINGS}, got {conditioning!r}.")
    image = keras.Input(IMAGE_SHAPE, name="image")
    if not num_classes:
        return image, image, None
    label = keras.Input((), dtype="int32", name="label")
    if conditioning == "projection":
        return [image, label], image, label
    plane = layers.Embedding(num_classes, 28 * 28, name="label_embedding")(label)
    plane = layers.Reshape(IMAGE_SHAPE, name="label_plane")(plane)
    return [image, label], layers.Concatenate(name="image_and_label")([image, plane]), None


def _discriminator_logit(features, label, num_classes):
    """One logit from ``features`` ``(N, F)``; with a label, the projection discriminator of
    Miyato & Koyama (2018): ``dense(features) + <embedding(label), features>``, so the label
    picks a direction in feature space along which "real" must point."""
    logit = layers.Dense(1, name="logit" if label is None else "unconditional_logit")(features)
    if label is None:
        return logit
    embedded = layers.Embedding(num_classes, features.shape[-1], name="label_embedding")(label)
    projection = layers.Dot(axes=1, name="label_projection")([embedded, features])
    return layers.Add(name="logit")([logit, projection])


def build_vanilla_generator(latent_dim=LATENT_DIM, hidden=(256, 512, 1024), batch_norm=False,
                            num_classes=None, name=None):
    """Fully connected generator: latent_dim -> 256 -> 512 -> 1024 -> 784 (tanh) -> 28x28x1.

    Args:
        latent_dim: size of z.
        hidden: widths of the hidden layers.
        batch_norm: add batch normalisation after each hidden layer.
        num_classes: if given, a conditional generator with inputs ``[z, label]``.
    """
    _check_positive(latent_dim=latent_dim, hidden=hidden)
    if num_classes:
        inputs, x = _label_input_for_generator(latent_dim, num_classes)
    else:
        inputs = x = keras.Input((latent_dim,), name="z")
    for width in hidden:
        x = layers.Dense(width)(x)
        if batch_norm:
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Dense(28 * 28, activation="tanh")(x)
    images = layers.Reshape(IMAGE_SHAPE, name="image")(x)
    default = "conditional_vanilla_generator" if num_classes else "vanilla_generator"
    return keras.Model(inputs, images, name=name or default)


def build_vanilla_discriminator(hidden=(1024, 512, 256), dropout=0.3, num_classes=None,
                                conditioning="projection", name=None):
    """Fully connected discriminator: 784 -> 1024 -> 512 -> 256 -> 1 logit.

    Each hidden layer is followed by LeakyReLU(0.2) and dropout. ``conditioning`` (conditional
    only): ``"projection"`` or ``"channel"``, see the module docstring.
    """
    _check_positive(hidden=hidden)
    inputs, x, label = _discriminator_input(num_classes, dropout, conditioning)
    x = layers.Flatten()(x)
    for width in hidden:
        x = layers.Dense(width)(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(dropout)(x)
    logit = _discriminator_logit(x, label, num_classes)
    default = "conditional_vanilla_discriminator" if num_classes else "vanilla_discriminator"
    return keras.Model(inputs, logit, name=name or default)


def build_dcgan_generator(latent_dim=LATENT_DIM, filters=(256, 128, 64), kernel_size=5,
                          upsampling="transpose", num_classes=None, name=None):
    """DCGAN generator: Dense to 7x7xfilters[0], then up to 28x28x1.

    The widely used recipe (Radford et al. 2016, TensorFlow's DCGAN tutorial): batch norm and
    LeakyReLU after every layer but the last, a stride-1 block at 7x7, then two stride-2 steps
    (7 -> 14 -> 28) and a tanh output.

    Args:
        filters: channels at 7x7, 7x7 and 14x14.
        upsampling: ``"transpose"`` for stride-2 ``Conv2DTranspose`` or ``"resize"`` for
            nearest-neighbour ``UpSampling2D`` followed by a ``Conv2D`` (avoids checkerboard
            artefacts).
    """
    _check_positive(latent_dim=latent_dim, filters=filters, kernel_size=kernel_size)
    if len(filters) != 3:
        raise ValueError(f"filters needs three channel counts (7x7, 7x7, 14x14), got {filters!r}.")
    if upsampling not in ("transpose", "resize"):
        raise ValueError(f"upsampling must be 'transpose' or 'resize', got {upsampling!r}.")
    if num_classes:
        inputs, x = _label_input_for_generator(latent_dim, num_classes)
    else:
        inputs = x = keras.Input((latent_dim,), name="z")
    x = layers.Dense(7 * 7 * filters[0], use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((7, 7, filters[0]))(x)

    def block(x, channels, stride, activation=None):
        if upsampling == "transpose" or stride == 1:
            return layers.Conv2DTranspose(channels, kernel_size, strides=stride, padding="same",
                                          use_bias=activation is not None,
                                          activation=activation)(x)
        x = layers.UpSampling2D(stride)(x)
        return layers.Conv2D(channels, kernel_size, padding="same",
                             use_bias=activation is not None, activation=activation)(x)

    for channels, stride in ((filters[1], 1), (filters[2], 2)):
        x = block(x, channels, stride)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)
    images = block(x, 1, 2, activation="tanh")
    default = "conditional_dcgan_generator" if num_classes else "dcgan_generator"
    return keras.Model(inputs, images, name=name or default)


def build_dcgan_discriminator(filters=(64, 128), kernel_size=5, dropout=0.3, num_classes=None,
                              conditioning="projection", name=None):
    """DCGAN discriminator: stride-2 convolutions (28 -> 14 -> 7) with LeakyReLU and dropout,
    then one logit. ``conditioning`` (conditional only): ``"projection"`` or ``"channel"``.
    """
    _check_positive(filters=filters, kernel_size=kernel_size)
    inputs, x, label = _discriminator_input(num_classes, dropout, conditioning)
    for channels in filters:
        x = layers.Conv2D(channels, kernel_size, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Flatten()(x)
    logit = _discriminator_logit(x, label, num_classes)
    default = "conditional_dcgan_discriminator" if num_classes else "dcgan_discriminator"
    return keras.Model(inputs, logit, name=name or default)


BUILDERS = {
    "vanilla": (build_vanilla_generator, build_vanilla_discriminator),
    "dcgan": (build_dcgan_generator, build_dcgan_discriminator),
}


def build_pair(family, latent_dim=LATENT_DIM, num_classes=None, conditioning="projection",
               generator_options=None, discriminator_options=None):
    """Return ``(generator, discriminator)`` of ``family``, default sizes unless told otherwise.

    Args:
        family: ``"vanilla"`` (fully connected) or ``"dcgan"`` (convolutional).
        num_classes: 10 for a class-conditional pair (notebook 03), None otherwise.
        conditioning: how a conditional discriminator takes the label, ``"projection"`` or
            ``"channel"``.
        generator_options, discriminator_options: further keyword arguments of the builders
            (``filters=``, ``kernel_size=``, ...).
    """
    if family not in BUILDERS:
        raise ValueError(f"Unknown model family {family!r}; choose one of {sorted(BUILDERS)}.")
    build_generator, build_discriminator = BUILDERS[family]
    return (build_generator(latent_dim=latent_dim, num_classes=num_classes,
                            **(generator_options or {})),
            build_discriminator(num_classes=num_classes, conditioning=conditioning,
                                **(discriminator_options or {})))
