"""Generator and discriminator builders: shapes, ranges, names, argument checks."""

import numpy as np
import pytest

from gankit import models


@pytest.mark.parametrize("kind", ["vanilla", "dcgan"])
@pytest.mark.parametrize("conditional", [False, True])
def test_pair_shapes_and_ranges(kind, conditional):
    num_classes = 10 if conditional else None
    generator, discriminator = models.build_pair(kind, num_classes=num_classes)
    z = np.random.default_rng(0).standard_normal((5, 100)).astype("float32")
    labels = np.arange(5, dtype="int32")
    images = np.asarray(generator.predict([z, labels] if conditional else z, verbose=0))
    assert images.shape == (5, 28, 28, 1)
    assert images.min() >= -1 and images.max() <= 1
    logits = np.asarray(discriminator.predict([images, labels] if conditional else images,
                                              verbose=0))
    assert logits.shape == (5, 1)
    prefix = "conditional_" if conditional else ""
    assert generator.name == f"{prefix}{kind}_generator"
    assert discriminator.name == f"{prefix}{kind}_discriminator"


def test_vanilla_sizes_follow_the_original_study():
    generator = models.build_vanilla_generator()
    widths = [layer.units for layer in generator.layers if hasattr(layer, "units")]
    assert widths == [256, 512, 1024, 784]
    discriminator = models.build_vanilla_discriminator()
    widths = [layer.units for layer in discriminator.layers if hasattr(layer, "units")]
    assert widths == [1024, 512, 256, 1]


def test_dcgan_sizes():
    generator = models.build_dcgan_generator(filters=(32, 16, 8))
    assert generator.output_shape == (None, 28, 28, 1)
    assert sum("batch_normalization" in layer.name for layer in generator.layers) == 3


@pytest.mark.parametrize("call, message", [
    (lambda: models.build_pair("resnet"), r"family must be one of \('vanilla', 'dcgan'\)"),
    (lambda: models.build_dcgan_generator(kernel_size=(5, 0)), "kernel_size must be positive"),
    (lambda: models.build_dcgan_generator(filters=(8, 8)), "three channel counts"),
    (lambda: models.build_vanilla_generator(latent_dim=0), "latent_dim"),
    (lambda: models.build_vanilla_discriminator(dropout=1.5), "dropout"),
])
def test_bad_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
