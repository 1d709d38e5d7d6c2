#!/usr/bin/env bash
# The README's second command (and CI's): build, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
