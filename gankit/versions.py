"""The oldest package versions gankit supports, checked when gankit is imported, so that a
too-old Colab or laptop stops every notebook's setup cell with one message and the fix.

The floors are Google Colab's runtime, as in ``pyproject.toml`` and ``requirements-floor.txt``
(``tests/test_versions.py`` keeps the three in step); h5py's is the pinned stack's.
"""

import json
import os
import re
from importlib import metadata

MINIMUM = {  # distribution name -> the oldest version gankit supports
    "keras": "3.13.2",
    "numpy": "2.1.3",
    "scipy": "1.16.3",
    "scikit-learn": "1.6.1",
    "matplotlib": "3.10.0",
    "h5py": "3.14.0",
    "tensorflow": "2.20.0",
    "jax": "0.7.2",
}
# Checked only when they are Keras's backend; keras and the rest are always checked.
BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax"}


def _release(version):
    """``(major, minor, micro)``: ``"2.20.0rc1"`` and ``"2.20.0+cpu"`` are ``(2, 20, 0)``."""
    numbers = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if numbers is None:
        raise ValueError(f"not a version number: {version!r}")
    return tuple(int(n or 0) for n in numbers.groups())


def keras_backend():
    """The backend Keras will use, read as Keras reads it (``KERAS_BACKEND``, else
    ``~/.keras/keras.json``, else TensorFlow), without importing Keras."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as f:
            return json.load(f).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def too_old(installed=None, backend=None):
    """``[(package, installed version, minimum)]`` for every checked package below its floor.
    ``installed``: ``{package: version}``, default the installed distributions (a missing one
    fails on import with its own message); ``backend``: default ``keras_backend()``."""
    backend = backend or keras_backend()
    names = [n for n in MINIMUM if n not in BACKEND_PACKAGES.values()]
    names += [BACKEND_PACKAGES[backend]] if backend in BACKEND_PACKAGES else []
    if installed is None:
        installed = {}
        for name in names:
            try:
                installed[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                pass
    return [(name, installed[name], MINIMUM[name]) for name in names
            if name in installed and _release(installed[name]) < _release(MINIMUM[name])]


def check(installed=None, backend=None):
    """Raise ``ImportError`` naming every package below gankit's floor, with the fix."""
    old = too_old(installed, backend)
    if not old:
        return
    found = ", ".join(f"{name} {version} (needs {minimum} or newer)" for name, version, minimum
                      in old)
    fix = " ".join(f'"{name}>={minimum}"' for name, _, minimum in old)
    raise ImportError(
        f"gankit needs newer packages than this environment has: {found}. Upgrade them with "
        f"`pip install -U {fix}` and restart the Python kernel (in Colab: Runtime > Restart "
        "session).")
