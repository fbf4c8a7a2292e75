"""The three settings (quick, laptop, full): every size a notebook, study or command reads.

``GANKIT_SETTING`` chooses one (``GANKIT_QUICK=1`` means ``quick``); unset, gankit chooses
``full`` when Keras sees a GPU and ``laptop`` otherwise, and ``describe()`` says which and why.
Notebooks never hard-code sizes: they read ``settings()``. Introduced in notebook 00.
"""

import dataclasses
import os

SETTING_ENV, QUICK_ENV, RUNS_ENV = "GANKIT_SETTING", "GANKIT_QUICK", "GANKIT_RUNS_DIR"
SETTINGS = ("quick", "laptop", "full")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


# The noise-robustness study (notebook 05): corrupted shares of the training set, the seeds of
# every point, seeds run only around each threshold (benchmarks/robustness.py), the GAN.
RobustnessSizes = dataclasses.make_dataclass("RobustnessSizes", [
    "fractions", "seeds", "spread_seeds", "epochs", "model", "batch_size"], frozen=True)
# The augmentation study (notebook 03): images per training set, the small real set, seeds.
AugmentationSizes = dataclasses.make_dataclass("AugmentationSizes", [
    "total", "small_real", "seeds", "classifier_epochs"], frozen=True)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Sizes for one setting: ``n_train`` / ``n_test`` MNIST images, GAN ``batch_size`` and
    ``epochs`` per recipe name, ``sample_every`` epochs a grid, ``n_samples`` to score,
    ``ppca_components`` (notebook 04), and the studies' sizes: ``robustness`` (the original
    study's fully connected GAN), ``robustness_dcgan`` (the same grid on the DCGAN recipe) and
    ``augmentation``."""

    name: str
    n_train: int
    n_test: int
    batch_size: dict
    epochs: dict
    sample_every: int
    n_samples: int
    ppca_components: tuple
    robustness: RobustnessSizes
    robustness_dcgan: RobustnessSizes
    augmentation: AugmentationSizes


FULL = Settings(
    name="full", n_train=60_000, n_test=10_000,  # batch 64: benchmarks/recipe_levers.py
    batch_size={"vanilla": 256, "dcgan_plain": 256, "dcgan": 64, "ccgan": 64},
    epochs={"vanilla": 100, "dcgan_plain": 24, "dcgan": 24, "ccgan": 18},
    sample_every=5, n_samples=10_000, ppca_components=(1, 8, 16, 32, 64, 128, 256),
    # 28 GANs on JAX (7 fractions x 2 kinds x plain/noise-aware) plus seed 1 around each
    # threshold; batch 64: on JAX four times the steps cost little more per epoch.
    robustness=RobustnessSizes(fractions=(0.0, 0.05, 0.10, 0.20, 0.30, 0.50, 0.75), seeds=(0,),
                               spread_seeds=(1,), epochs=10, model="vanilla", batch_size=64),
    # The same grid on the DCGAN recipe: 2 epochs, the laptop recipe's (9.39 / 0.937, dcgan.json).
    robustness_dcgan=RobustnessSizes(fractions=(0.0, 0.05, 0.10, 0.20, 0.30, 0.50, 0.75),
                                     seeds=(0,), spread_seeds=(1,), epochs=2, model="dcgan",
                                     batch_size=64),
    augmentation=AugmentationSizes(total=10_000, small_real=1_000, seeds=(0, 1),
                                   classifier_epochs=6))

# Each training notebook in about 10 minutes on a 2-core CPU; notebook 05's 12 GANs in 15
# (gankit/results/notebook_times.json), at batch 256 where TensorFlow's epoch costs half.
LAPTOP = dataclasses.replace(
    FULL, name="laptop", sample_every=1,
    epochs={"vanilla": 28, "dcgan_plain": 2, "dcgan": 2, "ccgan": 3},
    robustness=RobustnessSizes(fractions=(0.0, 0.30, 0.75), seeds=(0,), spread_seeds=(),
                               epochs=2, model="vanilla", batch_size=256),
    robustness_dcgan=RobustnessSizes(fractions=(0.0, 0.30, 0.75), seeds=(0,), spread_seeds=(),
                                     epochs=1, model="dcgan", batch_size=64),
    augmentation=dataclasses.replace(FULL.augmentation, seeds=(0,), classifier_epochs=3))

# The same code on a few hundred images, so that CI runs every notebook in minutes.
QUICK = Settings(
    name="quick", n_train=512, n_test=1_000,
    batch_size=dict.fromkeys(FULL.batch_size, 64), epochs=dict.fromkeys(FULL.epochs, 2),
    sample_every=1, n_samples=256, ppca_components=(1, 8, 32),
    robustness=RobustnessSizes(fractions=(0.0, 0.30), seeds=(0,), spread_seeds=(), epochs=1,
                               model="vanilla", batch_size=64),
    robustness_dcgan=RobustnessSizes(fractions=(0.0, 0.30), seeds=(0,), spread_seeds=(), epochs=1,
                                     model="dcgan", batch_size=64),
    augmentation=AugmentationSizes(total=600, small_real=100, seeds=(0,), classifier_epochs=1))

BY_NAME = {s.name: s for s in (QUICK, LAPTOP, FULL)}


def gpu_seen():
    """True when the current Keras backend sees a GPU."""
    import keras  # here, not at the top: reading a setting must not import TensorFlow
    if keras.backend.backend() == "torch":
        import torch
        return torch.cuda.is_available()
    return any(d.lower().startswith("gpu") for d in keras.distribution.list_devices())


def choose_setting():
    """``(name, reason)``: the setting the environment asks for, and why (a ``ValueError``
    for a value it does not know, or ``GANKIT_SETTING`` and ``GANKIT_QUICK`` disagreeing)."""
    setting = os.environ.get(SETTING_ENV, "").strip().lower()
    quick = os.environ.get(QUICK_ENV, "").strip().lower()
    if setting and setting not in SETTINGS:
        raise ValueError(f"{SETTING_ENV}={os.environ[SETTING_ENV]!r} is not a setting: set it to "
                         f"one of {', '.join(SETTINGS)} (or unset it to choose by the device).")
    if quick not in _TRUE + _FALSE:
        raise ValueError(f"{QUICK_ENV}={os.environ[QUICK_ENV]!r} is not understood: set it to 1 "
                         f"for quick mode, or use {SETTING_ENV}=quick|laptop|full.")
    if quick in _TRUE:
        if setting not in ("", "quick"):
            raise ValueError(f"{QUICK_ENV}=1 asks for the quick setting but {SETTING_ENV}="
                             f"{setting}; unset one of them.")
        return "quick", f"{QUICK_ENV}={os.environ[QUICK_ENV]}"
    if setting:
        return setting, f"{SETTING_ENV}={setting}"
    if gpu_seen():
        return "full", f"a GPU is visible and {SETTING_ENV} is unset"
    return "laptop", f"no GPU is visible and {SETTING_ENV} is unset"


def setting_name():
    """The current setting's name: ``"quick"``, ``"laptop"`` or ``"full"``."""
    return choose_setting()[0]


def quick_mode():
    return setting_name() == "quick"


def settings(name=None):
    """The ``Settings`` of ``name`` (``"quick"``, ``"laptop"`` or ``"full"``; default: the
    current setting, ``choose_setting``)."""
    name = name or setting_name()
    if name not in BY_NAME:
        raise ValueError(f"Unknown setting {name!r}; choose one of {', '.join(SETTINGS)}.")
    return BY_NAME[name]


def runs_dir():
    """Where runs and checkpoints go: ``GANKIT_RUNS_DIR`` (in Colab, a Drive folder survives a
    disconnect), else ``runs``."""
    return os.environ.get(RUNS_ENV) or "runs"


def describe():
    """One line for a notebook's setup cell: the setting and why, the backend and the device."""
    import keras  # not at the top: see gpu_seen
    name, reason = choose_setting()
    return (f"setting: {name} ({reason}) · Keras {keras.__version__}, backend "
            f"{keras.backend.backend()} · device: {'GPU' if gpu_seen() else 'CPU'}")
