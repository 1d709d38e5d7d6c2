#!/usr/bin/env bash
# The README's second command (and CI's): build, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh -DNEOHEBB_WARNINGS_AS_ERRORS=ON  # a warning in our code fails the suite
ctest --test-dir build --output-on-failure -j "$(nproc)"
