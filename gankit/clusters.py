"""k-means clusters of the training images: classes without labels for an unconditional GAN
(notebook 02; Liu et al. 2020, "Diverse image generation via self-conditioned GANs").

The GAN's networks train as a conditional pair on the cluster indices, and ``GAN.generate``
draws each sample's cluster with the clusters' frequencies. The state (principal components,
centroids, frequencies) is non-trainable weights, so checkpoints and shipped weights carry it.
"""

import numpy as np
import keras
from keras import ops

from gankit.checks import check_count, check_images

PIXELS = 28 * 28


class Clusters(keras.layers.Layer):
    """``k`` >= 2 k-means clusters of images in their first ``components`` (1..784) principal
    components; ``seed`` seeds PCA and k-means. Images are model-range floats or uint8
    ``(N, 28, 28[, 1])``, both clustered as pixels in [0, 1]."""

    def __init__(self, k, components=50, seed=0, **kwargs):
        super().__init__(trainable=False, **kwargs)
        self.k = check_count(k, "k (the number of clusters)", minimum=2)
        self.components = check_count(components, "components", minimum=1, maximum=PIXELS)
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
        """True once ``fit`` or loaded weights set the clusters."""
        return bool(ops.convert_to_numpy(ops.sum(self.frequencies)) > 0)

    def _features(self, images, name):
        images = check_images(images, name)
        pixels = images.reshape(len(images), -1).astype("float32")
        return pixels / 255 if images.dtype == np.uint8 else (pixels + 1) / 2  # in [0, 1]

    def fit(self, images):
        """Find the clusters of at least ``max(k, components)`` images (PCA, then k-means with
        4 starts); returns ``self``."""
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

    def assign(self, images):
        """The nearest cluster of each image: ``int32 (N,)`` in ``0..k-1``."""
        self._check_fitted()
        pixels = self._features(images, "images to assign")
        mean, basis, centroids = (ops.convert_to_numpy(v)
                                  for v in (self.mean, self.basis, self.centroids))
        indices = []
        for start in range(0, len(pixels), 10_000):  # bounds the distance matrices' memory
            features = (pixels[start:start + 10_000] - mean) @ basis
            distances = (-2 * features @ centroids.T) + (centroids ** 2).sum(axis=1)
            indices.append(distances.argmin(axis=1))
        return np.concatenate(indices).astype("int32") if indices else np.zeros(0, "int32")

    def sample(self, n, rng=None):
        """``n`` cluster indices ``int32 (n,)`` drawn with the clusters' frequencies by ``rng``
        (a NumPy generator; default NumPy's global one)."""
        self._check_fitted()
        frequencies = ops.convert_to_numpy(self.frequencies).astype("float64")
        rng = np.random if rng is None else rng
        return rng.choice(self.k, size=n, p=frequencies / frequencies.sum()).astype("int32")

    def purity(self, images, labels):
        """How closely the clusters follow the classes: the share (0..1) of images whose label
        (integers ``(N,)``) is the most common one in their cluster."""
        indices, labels = self.assign(images), np.asarray(labels).astype("int64")
        return float(sum(np.bincount(labels[indices == c]).max()
                         for c in np.unique(indices)) / len(indices))

    def _check_fitted(self):
        if not self.fitted:
            raise ValueError("The clusters are not fitted yet: call fit(images) first (GAN.fit "
                             "does it on its training images), or load trained weights.")
