#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer, in build-sanitize/.
# Too slow for .ci/run's budget with the normal build beside it, so it is a separate command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEOHEBB_SANITIZE=ON \
      -DNEOHEBB_BUILD_BENCHMARKS=OFF >&2
cmake --build build-sanitize -j "$(nproc)" >&2
# Plugins are dlclose'd in tests; keep their symbols for readable reports.
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan_suppressions.txt"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-sanitize --output-on-failure -j "$(nproc)"
