"""gankit: a small helper package for a course on Generative Adversarial Networks.

The notebooks in ``notebooks/`` import it. The core, in the order a learner meets it:

- ``gankit.config``      the settings (quick, laptop, full) and the sizes every notebook reads
- ``gankit.checks``      the input checks every public function uses
- ``gankit.data``        MNIST and EMNIST Letters, online or from local IDX files (``idx``)
- ``gankit.models``      generator and discriminator builders
- ``gankit.gan``         the ``GAN`` Keras model; its backend half in ``gankit.backend``
- ``gankit.clusters``    k-means clusters of the images: classes without labels (the DCGAN's)
- ``gankit.recipes``     the recommended networks and optimizers per model
- ``gankit.training``    the training run: callbacks, checkpoints, what a run writes
- ``gankit.callbacks``   sample grids, loss curves, epoch timing, checkpoints, NaN stop
- ``gankit.checkpoint``  how a checkpoint lies on disk: atomic, verified, tied to its run
- ``gankit.plotting``    image grids and other figures
- ``gankit.postprocess``, ``gankit.analysis``  smoothing; histograms and entropy
- ``gankit.ppca``        the probabilistic PCA baseline
- ``gankit.cli``         ``python -m gankit``

Then ``gankit.evaluation`` (the shipped MNIST classifier and the scores), ``gankit.studies``
(augmentation, noisy datasets, the robustness study) and ``gankit.results`` (the results that
ship with the kit). Submodules are imported on first use. Importing gankit quiets TensorFlow's
C++ start-up logs (``gankit.logs``; ``GANKIT_TF_LOGS=1`` shows them) and checks that Keras and
its backend are not older than gankit supports (``gankit.versions``).
"""

import importlib

from gankit import logs as _logs, versions as _versions

__version__ = "0.1.0"

_versions.check()  # before Keras is imported: one clear message for packages that are too old
_logs.quiet_tensorflow()

_SUBMODULES = {
    "analysis", "backend", "callbacks", "checkpoint", "checks", "cli", "clusters", "config",
    "data", "evaluation", "gan", "idx", "logs", "models", "plotting", "postprocess", "ppca",
    "recipes", "results", "studies", "training", "versions",
}
# Where modules of earlier versions moved; ``from gankit import metrics`` keeps working.
MOVED = {
    "evaluator": "gankit.evaluation", "metrics": "gankit.evaluation",
    "noise": "gankit.studies.noise", "augment": "gankit.studies.augmentation",
    "augmentation_study": "gankit.studies.augmentation", "ambient": "gankit.studies.ambient",
    "robustness": "gankit.studies.robustness",
    "robustness_report": "gankit.studies.robustness_findings",
}


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in MOVED:
        return importlib.import_module(MOVED[name])
    if name in ("settings", "quick_mode"):
        return getattr(importlib.import_module(f"{__name__}.config"), name)
    raise AttributeError(f"module 'gankit' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + ["settings", "quick_mode"])
