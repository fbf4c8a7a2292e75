#!/usr/bin/env bash
# The test command: unit tests on the TensorFlow, JAX and PyTorch backends (the pinned stack),
# the version-sensitive ones again on the floor stack (Google Colab's runtime), then every
# notebook executed top to bottom once per stack. Expects the environments made by
# scripts/setup.sh (.venv, .venv-notf and .venv-floor) and, offline,
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
.venv/bin/ruff check gankit tests benchmarks scripts
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
if [ -x .venv-floor/bin/python ]; then
    # The floor (requirements-floor.txt, Google Colab's runtime): the tests of what differs
    # between versions: building, training, checkpoints and exact resume, the moving average,
    # clusters, the AmbientGAN layer, pretrained loading, scores, the CLI, the exercise checks.
    FLOOR_TESTS="tests/test_versions.py tests/test_gan.py tests/test_models.py tests/test_checkpoint.py
        tests/test_ema.py tests/test_clusters.py tests/test_conditional.py tests/test_noise.py
        tests/test_pretrained.py tests/test_evaluator.py tests/test_metrics.py tests/test_cli.py
        tests/test_exercises.py"
    echo "== unit tests, TensorFlow backend, floor stack (Colab's runtime)"
    KERAS_BACKEND=tensorflow .venv-floor/bin/python -m pytest -q -p no:cacheprovider $FLOOR_TESTS
    echo "== unit tests, JAX backend, floor stack (Colab's runtime)"
    KERAS_BACKEND=jax .venv-floor/bin/python -m pytest -q -p no:cacheprovider $FLOOR_TESTS
else
    echo "== skipping the floor stack: .venv-floor is missing (see the README)"
fi
# Every notebook, executed once per stack from a pip-installed gankit outside the checkout
# (the quick setting, Jupyter's inline figures); the checks then read the executed copies. The
# pinned stack runs the instructor version (every exercise check prints "passed"), the floor
# the student version (every check "not attempted", the notebook still runs to the end).
for stack in pinned:.venv:solutions floor:.venv-floor:student; do
    name="${stack%%:*}" rest="${stack#*:}"
    venv="${rest%%:*}" version="${rest#*:}"
    [ -x "$venv/bin/python" ] || continue
    echo "== notebooks ($version version) executed in the $name stack ($venv, into build/notebooks/$name)"
    KERAS_BACKEND=tensorflow "$venv/bin/python" scripts/execute_notebooks.py "build/notebooks/$name" \
        --version "$version"
    GANKIT_EXECUTED_DIR="build/notebooks/$name" KERAS_BACKEND=tensorflow "$venv/bin/python" -m \
        pytest -q -p no:cacheprovider tests/test_executed_notebooks.py
done
# The course site (README, "The course as a site"): every student notebook executed once more,
# in the quick setting, through myst-nb's cache, then every page opened in headless Chromium.
# Needs scripts/setup_site.sh's .venv-site and chromium (CI's .ci/run makes them).
if [ -x .venv-site/bin/python ] && [ -x .venv/bin/python ]; then
    echo "== the course site, quick setting (build/site-quick), checked in headless Chromium"
    site_started=$SECONDS
    bash scripts/build_site.sh --setting quick build/site-quick
    if command -v chromium > /dev/null; then
        .venv-site/bin/python scripts/check_site.py build/site-quick \
            --executed build/site/quick/executed --screenshots build/site-screenshots
    elif [ -n "${GANKIT_SITE_BROWSER_REQUIRED:-}" ]; then
        echo "== no chromium, and GANKIT_SITE_BROWSER_REQUIRED is set (CI): failing" >&2
        exit 1
    else
        echo "== no chromium: the browser check is skipped (as root: apt-get install chromium)"
    fi
    echo "== course site built and checked in $((SECONDS - site_started)) s"
else
    echo "== skipping the course site: .venv-site is missing (bash scripts/setup_site.sh)"
fi
