#!/usr/bin/env bash
# The README's first command: build, then run the default experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
build/neohebb run experiments/default.toml "$@"
