#!/usr/bin/env bash
# The test command: unit tests on the TensorFlow, JAX and PyTorch backends, then every
# notebook executed top to bottom (nbval). Expects the environments made by scripts/setup.sh
# (.venv with requirements.txt; .venv-notf with requirements-notf.txt) and, offline,
# GANKIT_DATA_DIR / GANKIT_EMNIST_DIR pointing at local IDX files (default: ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
export GANKIT_QUICK="${GANKIT_QUICK:-1}"
# Offline machines keep MNIST and the EMNIST-layout letter stand-in in ../shared/data.
if [ -z "${GANKIT_DATA_DIR:-}" ] && [ -d ../shared/data ]; then
    export GANKIT_DATA_DIR="$(cd ../shared/data && pwd)"
fi
if [ -z "${GANKIT_EMNIST_DIR:-}" ] && [ -d "${GANKIT_DATA_DIR:-/nonexistent}/letters-standin" ]; then
    export GANKIT_EMNIST_DIR="$GANKIT_DATA_DIR/letters-standin"
fi
export MPLBACKEND="${MPLBACKEND:-Agg}"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

echo "== lint (ruff, configured in pyproject.toml)"
.venv/bin/ruff check gankit tests benchmarks
echo "== unit tests, TensorFlow backend"
KERAS_BACKEND=tensorflow .venv/bin/python -m pytest -q -p no:cacheprovider tests
if [ -x .venv-notf/bin/python ]; then
    echo "== unit tests, JAX backend (no TensorFlow installed)"
    KERAS_BACKEND=jax .venv-notf/bin/python -m pytest -q -p no:cacheprovider tests
    echo "== trainer tests, PyTorch backend (no TensorFlow installed)"
    KERAS_BACKEND=torch .venv-notf/bin/python -m pytest -q -p no:cacheprovider \
        tests/test_gan.py tests/test_models.py tests/test_checkpoint.py tests/test_pretrained.py
else
    echo "== skipping the JAX and PyTorch runs: .venv-notf is missing (see the README)"
fi
echo "== notebooks (quick mode: GANKIT_QUICK=$GANKIT_QUICK)"
KERAS_BACKEND=tensorflow .venv/bin/python -m pytest -q -p no:cacheprovider \
    --nbval-lax --nbval-current-env --nbval-cell-timeout=900 notebooks
