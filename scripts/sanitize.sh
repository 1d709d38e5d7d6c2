#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   scripts/sanitize.sh [CTEST_ARGUMENTS...]     e.g. scripts/sanitize.sh -R bad_inputs
#
# Configures build-sanitize/ with -DNEOHEBB_SANITIZE=ON (everything, plugins and tests included,
# built with -fsanitize=address,undefined), builds it and runs ctest there. The jobs of the build
# and of ctest are NEOHEBB_JOBS (default: the number of cores). Too slow for .ci/run's budget with
# the normal build beside it, so it is a separate command.
#
# The sanitizers stop a test at its first error (halt_on_error, and no recovery from undefined
# behaviour) and print the report with a full stack trace in that test's output, which ctest
# shows for every failing test (--output-on-failure): look for "ERROR: AddressSanitizer",
# "runtime error:" (UBSan) or "ERROR: LeakSanitizer". Leak detection is on where LeakSanitizer
# works; it cannot run under ptrace (a debugger, strace, some containers), and this script then
# says so and runs without it. scripts/lsan_suppressions.txt names the leaks of system libraries
# that are not neohebb's memory.
#
# The last lines printed are ctest's summary ("N% tests passed, F tests failed out of T") and the
# wall time of the build and of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${NEOHEBB_JOBS:-$(nproc)}
build="build-sanitize"
scripts/bootstrap.sh --packages-only

start=$(date +%s)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEOHEBB_SANITIZE=ON \
      -DNEOHEBB_BUILD_BENCHMARKS=OFF >&2
cmake --build "$build" -j "$jobs" >&2
built=$(date +%s)

# Whether LeakSanitizer can stop the world here: a sanitized program that leaks nothing must exit
# cleanly with leak detection on.
leaks=1
probe=$build/lsan_probe
echo 'int main() { return 0; }' | c++ -x c++ -fsanitize=address - -o "$probe"
if ! ASAN_OPTIONS=detect_leaks=1 "$probe" >"$probe.log" 2>&1; then
  leaks=0
  echo "LeakSanitizer does not work here, so leak detection is off:" >&2
  sed 's/^/  /' "$probe.log" >&2
fi

# halt_on_error: the first error ends the process (ASan's default, said here for UBSan too);
# fast_unwind_on_malloc=0: full stacks for allocations made in plugins, which tests dlclose;
# check_initialization_order: static initializers that read another file's statics too early.
export ASAN_OPTIONS="detect_leaks=$leaks:halt_on_error=1:fast_unwind_on_malloc=0:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan_suppressions.txt:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# A bad-input case may take 60 s under the sanitizers on a loaded machine (100,000 errors).
export NEOHEBB_CASE_TIMEOUT=300
status=0
ctest --test-dir "$build" --output-on-failure -j "$jobs" "$@" || status=$?
finished=$(date +%s)
echo "sanitizers: ASan and UBSan, leak detection $([ "$leaks" = 1 ] && echo on || echo off)"
echo "build: $((built - start)) s, tests: $((finished - built)) s (wall time, $jobs jobs)"
exit "$status"
