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
# Offline letters: the small stand-in is enough for the quick setting's 512 digits; the laptop
# setting's 60,000 need the full-size one (replacing 5% of them takes 3,000 letters).
standin=letters-standin
case " $* " in *" --setting laptop "*|*" --setting=laptop "*) standin=letters-standin-full ;; esac
if [ -z "${GANKIT_EMNIST_DIR:-}" ] && [ -d "${GANKIT_DATA_DIR:-/nonexistent}/$standin" ]; then
    export GANKIT_EMNIST_DIR="$GANKIT_DATA_DIR/$standin"
fi
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
if [ ! -x "$root/.venv-site/bin/python" ]; then
    echo "no .venv-site: run \`bash scripts/setup_site.sh\` first" >&2
    exit 1
fi
exec "$root/.venv-site/bin/python" "$root/scripts/build_site.py" "$@"
