"""gankit.clusters and a GAN trained on clusters: k-means finds the groups of the images alone,
the GAN is unconditional to its user, draws clusters with their frequencies, and its weight
files carry the clusters."""

import numpy as np
import keras
import pytest

from gankit import models, recipes
from gankit.clusters import Clusters
from gankit.gan import GAN


def grouped_images(sizes=(40, 20, 20), seed=0):
    """uint8 images ``(sum(sizes), 28, 28)`` around three random centres, and their group."""
    rng = np.random.default_rng(seed)
    centres = rng.integers(0, 256, (len(sizes), 28, 28))
    group = np.repeat(np.arange(len(sizes)), sizes)
    images = np.clip(centres[group] + rng.normal(0, 5, (len(group), 28, 28)), 0, 255)
    return images.astype("uint8"), group


def to_model_range(images):
    return (images[..., None].astype("float32") / 127.5 - 1).astype("float32")


def test_clusters_find_the_groups_without_labels():
    images, group = grouped_images()
    clusters = Clusters(3, components=5).fit(images)
    indices = clusters.assign(images)
    assert indices.shape == (80,) and indices.dtype == np.int32
    # one cluster per group, whatever its number
    assert all(len(set(indices[group == g])) == 1 for g in range(3)) and len(set(indices)) == 3
    np.testing.assert_allclose(sorted(keras.ops.convert_to_numpy(clusters.frequencies)),
                               [0.25, 0.25, 0.5], rtol=1e-6)
    assert clusters.purity(images, group) == 1.0
    # the model range [-1, 1] is clustered as the same pixels
    np.testing.assert_array_equal(clusters.assign(to_model_range(images)), indices)


def test_samples_follow_the_clusters_frequencies():
    images, _ = grouped_images()
    clusters = Clusters(3, components=5).fit(images)
    big = clusters.assign(images[:1])[0]  # the cluster of the group of 40
    drawn = clusters.sample(20_000, np.random.default_rng(0))
    assert drawn.dtype == np.int32 and set(drawn) == {0, 1, 2}
    assert np.mean(drawn == big) == pytest.approx(0.5, abs=0.02)


def test_clusters_refuse_too_few_images_and_use_before_fit():
    images, _ = grouped_images()
    with pytest.raises(ValueError, match="80 images are too few for 100 clusters.*at least 100"):
        Clusters(100, components=5).fit(images)
    with pytest.raises(ValueError, match="not fitted yet: call fit"):
        Clusters(3).sample(5)
    with pytest.raises(ValueError, match="k \\(the number of clusters\\)"):
        Clusters(1)


def clustered_gan(k=3, seed=0):
    generator = models.build_dcgan_generator(latent_dim=8, filters=(8, 8, 4), num_classes=k)
    discriminator = models.build_dcgan_discriminator(filters=(4, 8), num_classes=k)
    gan = GAN(generator, discriminator, seed=seed, clusters=Clusters(k, components=5))
    gan.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5))
    return gan


def test_a_gan_with_clusters_trains_and_samples_without_labels(tmp_path):
    images, group = grouped_images()
    x = to_model_range(images)
    gan = clustered_gan()
    assert not gan.conditional and gan.takes_labels and gan.num_classes == 3
    with pytest.raises(ValueError, match="not on labels: call fit\\(images\\) without labels"):
        gan.fit(x, group, epochs=1, verbose=0)
    history = gan.fit(x, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0]) and gan.clusters.fitted
    assert gan.clusters.purity(images, group) == 1.0
    a, b = gan.generate(6, seed=1), gan.generate(6, seed=1)
    assert a.shape == (6, 28, 28, 1) and np.array_equal(a, b)
    assert gan.class_labels(6) is None  # scores and sample files ask for no labels
    # a cluster can be asked for; out of range is refused
    assert gan.generate(2, seed=1, labels=[2, 2]).shape == (2, 28, 28, 1)
    with pytest.raises(ValueError, match=r"0\.\.2"):
        gan.generate(1, seed=1, labels=[3])
    # the weights file carries the clusters: a fresh GAN loads them and samples the same
    gan.save_weights(tmp_path / "gan.weights.h5")
    again = clustered_gan()
    assert not again.clusters.fitted
    again.load_weights(tmp_path / "gan.weights.h5")
    np.testing.assert_array_equal(again.clusters.assign(images), gan.clusters.assign(images))
    np.testing.assert_array_equal(again.generate(6, seed=1), a)


def test_clusters_need_a_conditional_pair():
    generator = models.build_dcgan_generator(latent_dim=8, filters=(8, 8, 4))
    discriminator = models.build_dcgan_discriminator(filters=(4, 8))
    with pytest.raises(ValueError, match="clusters need a conditional pair"):
        GAN(generator, discriminator, clusters=Clusters(3))


def test_the_dcgan_recipe_trains_on_100_clusters():
    gan = recipes.make_gan("dcgan")
    assert gan.clusters.k == gan.num_classes == 100 and not gan.conditional
    assert gan.discriminator.get_layer("label_embedding").input_dim == 100
    plain = recipes.make_gan("dcgan", clusters=None)
    assert plain.clusters is None and not plain.takes_labels
