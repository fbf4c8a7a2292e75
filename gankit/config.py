"""Quick mode and the run sizes that every notebook and command reads.

One switch, the environment variable ``GANKIT_QUICK``, chooses between two settings:

- full (``GANKIT_QUICK`` unset or ``0``): all 60,000 training images and enough epochs to
  reproduce the published results (on a GPU or Colab);
- quick (``GANKIT_QUICK=1``): a small subset and a few steps, through exactly the same code,
  so that CI and a laptop can run every notebook top to bottom in minutes.

Notebooks never hard-code sizes; they read them from ``settings()``, so the switch stays here.
Introduced in notebook 00.
"""

import dataclasses
import os

QUICK_ENV = "GANKIT_QUICK"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def quick_mode():
    """Return True when ``GANKIT_QUICK`` asks for quick mode.

    Raises:
        ValueError: if the variable holds something other than 1/0, true/false, yes/no, on/off.
    """
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(
        f"{QUICK_ENV}={os.environ[QUICK_ENV]!r} is not understood: "
        f"set it to 1 for quick mode or 0 (or unset it) for the full setting."
    )


@dataclasses.dataclass(frozen=True)
class Settings:
    """Sizes for one setting. Read them with ``gankit.settings()``.

    Attributes:
        quick: True in quick mode.
        n_train: training images to use (60,000 is all of MNIST).
        n_test: test images to use for scores (10,000 is all of MNIST).
        batch_size: GAN training batch size.
        epochs: training epochs per model name (``"vanilla"``, ``"dcgan"``, ``"ccgan"``).
        sample_every: epochs between two sample grids.
        n_samples: generated images to score or save.
        evaluator_epochs: epochs to train the MNIST evaluator.
        ppca_components: numbers of PPCA components to compare.
        augment_sizes: (total training-set size, small real-set size) for the augmentation study.
        augment_seeds: seeds for the augmentation study.
        noise_fractions: corrupted fractions for the robustness study.
        noise_seeds: seeds for the robustness study.
        noise_epochs: epochs per GAN in the robustness study.
    """

    quick: bool
    n_train: int
    n_test: int
    batch_size: int
    epochs: dict
    sample_every: int
    n_samples: int
    evaluator_epochs: int
    ppca_components: tuple
    augment_sizes: tuple
    augment_seeds: tuple
    noise_fractions: tuple
    noise_seeds: tuple
    noise_epochs: int


FULL = Settings(
    quick=False,
    n_train=60_000,
    n_test=10_000,
    batch_size=256,
    epochs={"vanilla": 100, "dcgan": 50, "ccgan": 30},
    sample_every=5,
    n_samples=10_000,
    evaluator_epochs=6,
    ppca_components=(1, 8, 16, 32, 64, 128, 256),
    augment_sizes=(10_000, 1_000),
    augment_seeds=(0, 1),
    noise_fractions=(0.0, 0.05, 0.10, 0.20, 0.30, 0.50, 0.75),
    noise_seeds=(0,),
    noise_epochs=30,
)

QUICK = Settings(
    quick=True,
    n_train=512,
    n_test=1_000,
    batch_size=64,
    epochs={"vanilla": 2, "dcgan": 2, "ccgan": 2},
    sample_every=1,
    n_samples=256,
    evaluator_epochs=1,
    ppca_components=(1, 8, 32),
    augment_sizes=(600, 100),
    augment_seeds=(0,),
    noise_fractions=(0.0, 0.30),
    noise_seeds=(0,),
    noise_epochs=1,
)


def settings(quick=None):
    """Return the ``Settings`` of the current mode.

    Args:
        quick: force quick (True) or full (False); by default ``GANKIT_QUICK`` decides.
    """
    if quick is None:
        quick = quick_mode()
    return QUICK if quick else FULL
