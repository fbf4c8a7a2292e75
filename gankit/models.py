"""Generator and discriminator builders: the fully connected pair of notebook 01, the DCGAN
pair of notebook 02, and their class-conditional forms (notebook 03).

A generator maps ``z`` ``float32 (N, latent_dim)`` (standard Gaussian), and for a conditional
one also a label ``int32 (N,)`` in ``0..num_classes-1``, to images ``float32 (N, 28, 28, 1)``
in [-1, 1] (tanh). A discriminator maps such images (and labels) to one logit per image,
``float32 (N, 1)``: positive means "real". A conditional discriminator takes the label by
``"projection"`` (Miyato & Koyama 2018: ``D(x, y) = w.phi(x) + b + e_y.phi(x)``) or by
``"channel"`` (a learned 28x28 label plane stacked on the image).
"""

import keras
from keras import layers

from gankit.checks import IMAGE_SHAPE, check_choice, check_sizes

LATENT_DIM = 100
CONDITIONINGS = ("projection", "channel")


def _generator_input(latent_dim, num_classes):
    """Inputs ``z`` (and ``label``) and the tensor the layers start from: z, or z joined to a
    learned 50-dimensional embedding of the label."""
    z = keras.Input((latent_dim,), name="z")
    if not num_classes:
        return z, z
    label = keras.Input((), dtype="int32", name="label")
    embedded = layers.Embedding(num_classes, 50, name="label_embedding")(label)
    return [z, label], layers.Concatenate(name="z_and_label")([z, embedded])


def _discriminator_input(num_classes, dropout, conditioning):
    """Inputs, the tensor the layers start from, and the label for the projection (or None)."""
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}.")
    check_choice(conditioning, CONDITIONINGS, "conditioning")
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
    """One logit from ``features`` ``(N, F)``: ``dense(features)``, plus with a label the
    projection ``<embedding(label), features>``."""
    logit = layers.Dense(1, name="logit" if label is None else "unconditional_logit")(features)
    if label is None:
        return logit
    embedded = layers.Embedding(num_classes, features.shape[-1], name="label_embedding")(label)
    projection = layers.Dot(axes=1, name="label_projection")([embedded, features])
    return layers.Add(name="logit")([logit, projection])


def _name(name, num_classes, default):
    return name or ("conditional_" if num_classes else "") + default


def build_vanilla_generator(latent_dim=LATENT_DIM, hidden=(256, 512, 1024), num_classes=None,
                            name=None):
    """Fully connected generator: z -> 256 -> 512 -> 1024 (LeakyReLU 0.2) -> 784 (tanh)."""
    check_sizes(latent_dim=latent_dim, hidden=hidden)
    inputs, x = _generator_input(latent_dim, num_classes)
    for width in hidden:
        x = layers.Dense(width)(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Dense(28 * 28, activation="tanh")(x)
    images = layers.Reshape(IMAGE_SHAPE, name="image")(x)
    return keras.Model(inputs, images, name=_name(name, num_classes, "vanilla_generator"))


def build_vanilla_discriminator(hidden=(1024, 512, 256), dropout=0.3, num_classes=None,
                                conditioning="projection", name=None):
    """Fully connected discriminator: 784 -> 1024 -> 512 -> 256 (LeakyReLU 0.2, dropout) -> 1."""
    check_sizes(hidden=hidden)
    inputs, x, label = _discriminator_input(num_classes, dropout, conditioning)
    x = layers.Flatten()(x)
    for width in hidden:
        x = layers.Dense(width)(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(dropout)(x)
    logit = _discriminator_logit(x, label, num_classes)
    return keras.Model(inputs, logit, name=_name(name, num_classes, "vanilla_discriminator"))


def dcgan_block(x, channels, kernel_size=5, stride=2):
    """One block of the DCGAN generator (notebook 02): a bias-free ``Conv2DTranspose`` ("same"
    padding: the size times ``stride``), batch norm, LeakyReLU(0.2)."""
    x = layers.Conv2DTranspose(channels, kernel_size, strides=stride, padding="same",
                               use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.LeakyReLU(0.2)(x)


def build_dcgan_generator(latent_dim=LATENT_DIM, filters=(256, 128, 64), kernel_size=5,
                          num_classes=None, name=None):
    """DCGAN generator (TensorFlow's DCGAN tutorial): Dense to 7x7xfilters[0], a stride-1
    ``Conv2DTranspose`` to filters[1], then stride 2 to 14x14xfilters[2] and to 28x28x1 (tanh);
    batch norm and LeakyReLU(0.2) after every layer but the last."""
    check_sizes(latent_dim=latent_dim, filters=filters, kernel_size=kernel_size)
    if len(filters) != 3:
        raise ValueError(f"filters needs three channel counts (7x7, 7x7, 14x14), got {filters!r}.")
    inputs, x = _generator_input(latent_dim, num_classes)
    x = layers.Dense(7 * 7 * filters[0], use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((7, 7, filters[0]))(x)
    for channels, stride in ((filters[1], 1), (filters[2], 2)):
        x = dcgan_block(x, channels, kernel_size, stride)
    images = layers.Conv2DTranspose(1, kernel_size, strides=2, padding="same",
                                    activation="tanh")(x)
    return keras.Model(inputs, images, name=_name(name, num_classes, "dcgan_generator"))


def build_dcgan_discriminator(filters=(64, 128), kernel_size=5, dropout=0.3, num_classes=None,
                              conditioning="projection", name=None):
    """DCGAN discriminator: stride-2 convolutions (28 -> 14 -> 7) with LeakyReLU(0.2) and
    dropout, then one logit."""
    check_sizes(filters=filters, kernel_size=kernel_size)
    inputs, x, label = _discriminator_input(num_classes, dropout, conditioning)
    for channels in filters:
        x = layers.Conv2D(channels, kernel_size, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Dropout(dropout)(x)
    logit = _discriminator_logit(layers.Flatten()(x), label, num_classes)
    return keras.Model(inputs, logit, name=_name(name, num_classes, "dcgan_discriminator"))


BUILDERS = {
    "vanilla": (build_vanilla_generator, build_vanilla_discriminator),
    "dcgan": (build_dcgan_generator, build_dcgan_discriminator),
}


def build_pair(family, latent_dim=LATENT_DIM, num_classes=None, conditioning="projection",
               generator_options=None, discriminator_options=None):
    """``(generator, discriminator)`` of ``family`` (``"vanilla"`` or ``"dcgan"``);
    ``num_classes`` 10 for a conditional pair; the options are further builder arguments."""
    build_generator, build_discriminator = BUILDERS[check_choice(family, BUILDERS, "family")]
    return (build_generator(latent_dim=latent_dim, num_classes=num_classes,
                            **(generator_options or {})),
            build_discriminator(num_classes=num_classes, conditioning=conditioning,
                                **(discriminator_options or {})))
