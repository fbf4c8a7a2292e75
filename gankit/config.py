"""The three settings (quick, laptop, full) and the run sizes every notebook and command reads.

One switch, the environment variable ``GANKIT_SETTING``, chooses the setting:

- ``quick``: a small subset and a few steps, through exactly the same code, so that CI runs every
  notebook top to bottom in minutes (the digits are blobs). ``GANKIT_QUICK=1`` means the same.
- ``laptop``: all 60,000 training images and recipes sized so that each training notebook trains
  in about 10 minutes on a 2-core CPU and draws digits you read at a glance.
- ``full``: the epochs that reproduce the kit's published results (an hour or more on a CPU).

With neither variable set, gankit chooses ``full`` when Keras sees a GPU and ``laptop``
otherwise, and ``describe()`` says which and why. Notebooks never hard-code sizes; they read them
from ``settings()``. The studies keep their own sizes per setting (``gankit.studies``).
Introduced in notebook 00.
"""

import dataclasses
import os
import platform

SETTING_ENV = "GANKIT_SETTING"
QUICK_ENV = "GANKIT_QUICK"
RUNS_ENV = "GANKIT_RUNS_DIR"
SETTINGS = ("quick", "laptop", "full")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclasses.dataclass(frozen=True)
class Settings:
    """Sizes for one setting. Read them with ``gankit.settings()``.

    Attributes:
        name: ``"quick"``, ``"laptop"`` or ``"full"``.
        n_train: training images to use (60,000 is all of MNIST).
        n_test: test images to use for scores (10,000 is all of MNIST).
        batch_size: GAN training batch size per model name (``"vanilla"``, ``"dcgan"``,
            ``"ccgan"``): the convolutional GANs learn more per second at batch 64 on a CPU
            (``benchmarks/recipe_levers.py``).
        epochs: training epochs per model name.
        sample_every: epochs between two sample grids.
        n_samples: generated images to score or save.
        ppca_components: numbers of PPCA components to compare (notebook 04).
    """

    name: str
    n_train: int
    n_test: int
    batch_size: dict
    epochs: dict
    sample_every: int
    n_samples: int
    ppca_components: tuple

    @property
    def quick(self):
        """True in the quick setting (CI smoke runs)."""
        return self.name == "quick"


FULL = Settings(
    name="full",
    n_train=60_000,
    n_test=10_000,
    batch_size={"vanilla": 256, "dcgan_plain": 256, "dcgan": 64, "ccgan": 64},
    epochs={"vanilla": 100, "dcgan_plain": 24, "dcgan": 24, "ccgan": 18},
    sample_every=5,
    n_samples=10_000,
    ppca_components=(1, 8, 16, 32, 64, 128, 256),
)

# The full setting's data and scoring sizes, with fewer epochs and a grid every epoch.
LAPTOP = dataclasses.replace(FULL, name="laptop", sample_every=1,
                             epochs={"vanilla": 28, "dcgan_plain": 2, "dcgan": 4, "ccgan": 3})

QUICK = Settings(
    name="quick",
    n_train=512,
    n_test=1_000,
    batch_size={"vanilla": 64, "dcgan_plain": 64, "dcgan": 64, "ccgan": 64},
    epochs={"vanilla": 2, "dcgan_plain": 2, "dcgan": 2, "ccgan": 2},
    sample_every=1,
    n_samples=256,
    ppca_components=(1, 8, 32),
)

BY_NAME = {s.name: s for s in (QUICK, LAPTOP, FULL)}


def _gpu_seen():
    """True when the current Keras backend sees a GPU."""
    # Imported here, not at the top: reading a setting must not import TensorFlow.
    import keras
    if keras.backend.backend() == "torch":
        import torch
        return torch.cuda.is_available()
    return any(d.lower().startswith("gpu") for d in keras.distribution.list_devices())


def choose_setting():
    """Return ``(name, reason)``: the setting the environment asks for, and why.

    Raises:
        ValueError: if ``GANKIT_SETTING`` or ``GANKIT_QUICK`` holds a value it does not know,
            or the two disagree.
    """
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
    if _gpu_seen():
        return "full", f"a GPU is visible and {SETTING_ENV} is unset"
    return "laptop", f"no GPU is visible and {SETTING_ENV} is unset"


def setting_name():
    """The current setting's name: ``"quick"``, ``"laptop"`` or ``"full"``."""
    return choose_setting()[0]


def quick_mode():
    """Return True when the current setting is ``quick``."""
    return setting_name() == "quick"


def settings(name=None, quick=None):
    """Return the ``Settings`` of ``name`` (default: the current setting, ``choose_setting``).

    Args:
        name: ``"quick"``, ``"laptop"`` or ``"full"``.
        quick: True forces ``quick``, False forces ``full`` (kept for older code).
    """
    if name is None and quick is not None:
        name = "quick" if quick else "full"
    name = name or setting_name()
    if name not in BY_NAME:
        raise ValueError(f"Unknown setting {name!r}; choose one of {', '.join(SETTINGS)}.")
    return BY_NAME[name]


def runs_dir():
    """The folder for training runs and their checkpoints: ``GANKIT_RUNS_DIR``, else ``runs``.

    In Colab, point it at Google Drive (``/content/drive/MyDrive/gankit-runs``) so that a run
    survives a disconnect.
    """
    return os.environ.get(RUNS_ENV) or "runs"


def processor():
    """The CPU's model name (``/proc/cpuinfo`` on Linux, else ``platform.processor()``), e.g.
    ``"AMD EPYC"``: result rows keep it, as run times depend on it."""
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    except OSError:
        names = []
    return names[0] if names else (platform.processor() or platform.machine())


def describe():
    """One line for a notebook's setup cell: the setting and why, the backend and the device."""
    import keras  # not at the top: see _gpu_seen
    name, reason = choose_setting()
    device = "GPU" if _gpu_seen() else "CPU"
    return (f"setting: {name} ({reason}) · Keras {keras.__version__}, backend "
            f"{keras.backend.backend()} · device: {device}")
