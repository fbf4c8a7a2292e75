"""gankit: a small helper package for a course on Generative Adversarial Networks.

The notebooks in ``notebooks/`` import it; each module does one job:

- ``gankit.config``      quick mode and the sizes every notebook reads
- ``gankit.data``        MNIST and EMNIST Letters, online or from local IDX files
- ``gankit.noise``       noisy training sets for the robustness study
- ``gankit.models``      generator and discriminator builders
- ``gankit.gan``         the ``GAN`` Keras model (``compile`` / ``fit`` on every backend)
- ``gankit.callbacks``   sample grids, loss curves, checkpoints that resume, NaN stop
- ``gankit.recipes``     the recommended settings per model; the command line's training run
- ``gankit.plotting``    image grids and other figures
- ``gankit.postprocess``, ``gankit.analysis``  smoothing, histograms, entropy
- ``gankit.evaluator``, ``gankit.metrics``     the shipped MNIST classifier and its scores
- ``gankit.ppca``        the probabilistic PCA baseline
- ``gankit.augment``, ``gankit.augmentation_study``  real/generated training-set mixes
- ``gankit.robustness``, ``gankit.robustness_report``, ``gankit.ambient``  the noise study

Submodules are imported on first use, so ``import gankit`` is quick and never imports
TensorFlow.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "ambient", "analysis", "augment", "augmentation_study", "callbacks", "cli", "config", "data",
    "evaluator", "gan", "idx", "metrics", "models", "noise", "plotting", "postprocess", "ppca",
    "recipes", "robustness", "robustness_report",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("settings", "quick_mode"):
        return getattr(importlib.import_module(f"{__name__}.config"), name)
    raise AttributeError(f"module 'gankit' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + ["settings", "quick_mode"])
