#!/usr/bin/env bash
# Write every notebook's student version (solutions replaced by a stub) or instructor version
# (solutions in place) into DIR, from the source in notebooks/solutions/:
#   bash scripts/exercises.sh student DIR
#   bash scripts/exercises.sh solutions DIR
# `bash scripts/exercises.sh student notebooks` refreshes the committed student version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$root/.venv/bin/python"
[ -x "$python" ] || python="$(command -v python3)"
exec "$python" "$root/scripts/exercises.py" "$@"
