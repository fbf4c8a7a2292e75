"""gankit: the helper package of a course on Generative Adversarial Networks, which the notebooks
in ``notebooks/`` import (from notebook 00 on); README.md, "The package", maps its modules.

Submodules are imported on first use (``gankit.data``). Importing gankit quiets TensorFlow's C++
start-up logs (``GANKIT_TF_LOGS=1`` shows them) and stops at once, with the fix, where Keras or
its backend is older than gankit supports (``gankit.versions``).
"""

import importlib
import pkgutil

from gankit import logs as _logs, versions as _versions

__version__ = "0.1.0"

_versions.check()  # before Keras is imported: one clear message for packages that are too old
_logs.quiet_tensorflow()

_SUBMODULES = {module.name for module in pkgutil.iter_modules(__path__)} - {"__main__"}


def __getattr__(name):
    if name == "settings":  # every notebook's first cell reads gankit.settings()
        return importlib.import_module(f"{__name__}.config").settings
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'gankit' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBMODULES, "settings"])
