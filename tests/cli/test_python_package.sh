#!/usr/bin/env bash
# The Python package's unit tests (python/tests, stdlib unittest) with this build's neohebb, and
# through them the worked example of docs/results-in-python.md. Exits 77 (skipped) when
# /usr/bin/python3 lacks NumPy or pandas, which scripts/bootstrap.sh installs.
set -uo pipefail
neohebb=$(realpath "$1") root=$2
if ! /usr/bin/python3 -c "import numpy, pandas" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 has no numpy or pandas (scripts/bootstrap.sh installs them)"
  exit 77
fi
cd "$root/python" || exit 1
NEOHEBB=$neohebb PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1 \
  exec /usr/bin/python3 -m unittest discover -s tests -v
