#!/usr/bin/env bash
# The set-up: three fresh virtual environments with gankit installed in each.
#   .venv        requirements.txt        (TensorFlow; runs the notebooks and the main job)
#   .venv-notf   requirements-notf.txt   (JAX and PyTorch, no TensorFlow; backend tests)
#   .venv-floor  requirements-floor.txt  (the oldest versions gankit supports: Colab's runtime)
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

echo "== installing (TensorFlow environment)"
rm -rf .venv .venv-notf .venv-floor
python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
.venv/bin/pip install -q --no-deps -e .
echo "== installing (JAX + PyTorch environment, no TensorFlow)"
python3 -m venv .venv-notf
.venv-notf/bin/pip install -q -r requirements-notf.txt
.venv-notf/bin/pip install -q --no-deps -e .
echo "== installing (the floor: Google Colab's runtime, TensorFlow and JAX)"
python3 -m venv .venv-floor
.venv-floor/bin/pip install -q -r requirements-floor.txt
.venv-floor/bin/pip install -q --no-deps -e .
