#!/usr/bin/env bash
# Build the course site into OUT_DIR (README, "The course as a site"):
#   bash scripts/build_site.sh [--setting quick|laptop] OUT_DIR [NAME ...]
# Every student notebook runs in the setting (default quick) through myst-nb's execution cache
# (build/site/<setting>/), so a rebuild runs only what changed. Needs scripts/setup.sh's .venv
# (the notebooks' kernel) and scripts/setup_site.sh's .venv-site; offline, MNIST and the
# EMNIST-layout letter stand-in come from ../shared/data, as in scripts/test.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${GANKIT_DATA_DIR:-}" ] && [ -d "$root/../shared/data" ]; then
    export GANKIT_DATA_DIR="$(cd "$root/../shared/data" && pwd)"
fi
if [ -z "${GANKIT_EMNIST_DIR:-}" ] && [ -d "${GANKIT_DATA_DIR:-/nonexistent}/letters-standin" ]; then
    export GANKIT_EMNIST_DIR="$GANKIT_DATA_DIR/letters-standin"
fi
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
if [ ! -x "$root/.venv-site/bin/python" ]; then
    echo "no .venv-site: run \`bash scripts/setup_site.sh\` first" >&2
    exit 1
fi
exec "$root/.venv-site/bin/python" "$root/scripts/build_site.py" "$@"
