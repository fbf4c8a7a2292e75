"""Classes without labels: k-means clusters of the training images, for an unconditional GAN.

A class-conditional GAN (notebook 03) learns MNIST much faster than an unconditional one: the
label tells the generator which digit to draw and the discriminator which digit to expect.
``Clusters`` gives an unconditional GAN that help without any label (Sage et al. 2018, "Logo
synthesis and manipulation with clustered generative adversarial networks"; Liu et al. 2020,
"Diverse image generation via self-conditioned GANs"): it groups the training images into ``k``
clusters (scikit-learn's k-means on their first 50 principal components), the GAN's networks
are trained as a conditional pair on the cluster indices, and ``GAN.generate`` draws each
sample's cluster with the clusters' frequencies, so the samples keep the training images' mix.

Its state (the principal components, the centroids, the frequencies) is non-trainable weights
of the ``GAN``: checkpoints and the shipped generators carry it. Introduced in notebook 02.
"""

import numpy as np
import keras
from keras import ops

from gankit.checks import check_count, check_images

PIXELS = 28 * 28


class Clusters(keras.layers.Layer):
    """``k`` k-means clusters of images, in the space of their first ``components`` principal
    components.

    Args:
        k: the number of clusters (at least 2).
        components: principal components the clustering works in (at most 784).
        seed: seed of the PCA and of k-means (``random_state``).

    Images are the GAN's training images, ``float32 (N, 28, 28, 1)`` in [-1, 1], or ``uint8
    (N, 28, 28)`` in 0..255 (``gankit.data.load_mnist``); both are clustered as pixels in [0, 1].
    """

    def __init__(self, k, components=50, seed=0, **kwargs):
        super().__init__(trainable=False, **kwargs)
        self.k = check_count(k, "k (the number of clusters)", minimum=2)
        self.components = check_count(components, "components", minimum=1)
        if self.components > PIXELS:
            raise ValueError(f"components must be at most {PIXELS} (the pixels of an image), "
                             f"got {components}.")
        self.seed = seed
        weight = lambda name, *shape: self.add_weight(shape=shape, initializer="zeros",
                                                      trainable=False, name=name)
        self.mean = weight("mean", PIXELS)
        self.basis = weight("basis", PIXELS, self.components)
        self.centroids = weight("centroids", self.k, self.components)
        self.frequencies = weight("frequencies", self.k)
        self.built = True

    @property
    def fitted(self):
        """True once ``fit`` (or loaded weights) has set the clusters."""
        return bool(ops.convert_to_numpy(ops.sum(self.frequencies)) > 0)

    def _features(self, images, name):
        images = check_images(images, name)
        pixels = images.reshape(len(images), -1).astype("float32")
        return pixels / 255 if images.dtype == np.uint8 else (pixels + 1) / 2  # in [0, 1]

    def fit(self, images):
        """Find the clusters of ``images`` (PCA, then k-means with 4 starts); returns ``self``.

        Raises:
            ValueError: fewer images than ``max(k, components)``.
        """
        from sklearn.cluster import KMeans
        from sklearn.decomposition import PCA

        pixels = self._features(images, "images to cluster")
        if len(pixels) < max(self.k, self.components):
            raise ValueError(
                f"{len(pixels)} images are too few for {self.k} clusters in {self.components} "
                f"principal components: give at least {max(self.k, self.components)} images, "
                f"or ask for fewer clusters (recipe option clusters, e.g. "
                f"make_gan('dcgan', clusters=10)).")
        pca = PCA(self.components, random_state=self.seed).fit(pixels)
        kmeans = KMeans(self.k, n_init=4, random_state=self.seed).fit(pca.transform(pixels))
        self.mean.assign(pca.mean_.astype("float32"))
        self.basis.assign(pca.components_.T.astype("float32"))
        self.centroids.assign(kmeans.cluster_centers_.astype("float32"))
        counts = np.bincount(kmeans.labels_, minlength=self.k)
        self.frequencies.assign((counts / counts.sum()).astype("float32"))
        return self

    def assign(self, images, batch_size=10_000):
        """The nearest cluster of each image: ``int32 (N,)`` in ``0..k-1``."""
        self._check_fitted()
        pixels = self._features(images, "images to assign")
        mean, basis, centroids = (ops.convert_to_numpy(v)
                                  for v in (self.mean, self.basis, self.centroids))
        indices = []
        for start in range(0, len(pixels), batch_size):
            features = (pixels[start:start + batch_size] - mean) @ basis
            distances = (-2 * features @ centroids.T) + (centroids ** 2).sum(axis=1)
            indices.append(distances.argmin(axis=1))
        return np.concatenate(indices).astype("int32") if indices else np.zeros(0, "int32")

    def sample(self, n, rng=None):
        """``n`` cluster indices ``int32 (n,)`` drawn with the clusters' frequencies, from the
        NumPy generator ``rng`` (default NumPy's global one)."""
        self._check_fitted()
        frequencies = ops.convert_to_numpy(self.frequencies).astype("float64")
        rng = np.random if rng is None else rng
        return rng.choice(self.k, size=n, p=frequencies / frequencies.sum()).astype("int32")

    def purity(self, images, labels):
        """The share of ``images`` whose label (``(N,)`` integers) is the most common label of
        their cluster, in [0, 1]: how closely the clusters follow the classes."""
        indices, labels = self.assign(images), np.asarray(labels).astype("int64")
        return float(sum(np.bincount(labels[indices == c]).max()
                         for c in np.unique(indices)) / len(indices))

    def _check_fitted(self):
        if not self.fitted:
            raise ValueError("The clusters are not fitted yet: call fit(images) first (GAN.fit "
                             "does it on its training images), or load trained weights.")
