"""Quiet TensorFlow's C++ start-up logs, so that a learner's first cell does not read as a failure.

``import gankit`` sets ``TF_CPP_MIN_LOG_LEVEL=3`` (unless set) and, in a notebook or on the command
line, imports TensorFlow with standard error muted for that moment ("failed call to cuInit" is
no error of the learner's). ``GANKIT_TF_LOGS=1`` shows every message; Python warnings and
errors are never hidden. Used from notebook 00 on.
"""

import contextlib
import importlib.util
import json
import os
import sys

LOGS_ENV = "GANKIT_TF_LOGS"


def _backend_is_tensorflow():
    name = os.environ.get("KERAS_BACKEND")
    if name is None:  # Keras's own default, or ~/.keras/keras.json
        config = os.path.join(os.environ.get("KERAS_HOME", os.path.expanduser("~/.keras")),
                              "keras.json")
        try:
            with open(config) as f:
                name = json.load(f).get("backend", "tensorflow")
        except (OSError, ValueError):
            name = "tensorflow"
    return name == "tensorflow"


@contextlib.contextmanager
def _stderr_muted():
    """Send file descriptor 2 (where C++ libraries log) to /dev/null for the block."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (some notebook front ends): nothing to mute
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def quiet_tensorflow(import_now=None):
    """Hide TensorFlow's C++ logs; ``import_now``: import it now, muted (default: in IPython)."""
    if os.environ.get(LOGS_ENV, "").strip() in ("1", "true", "yes", "on"):
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if import_now is None:
        import_now = "IPython" in sys.modules
    if (import_now and "tensorflow" not in sys.modules and _backend_is_tensorflow()
            and importlib.util.find_spec("tensorflow") is not None):
        with _stderr_muted():
            import tensorflow  # noqa: F401
