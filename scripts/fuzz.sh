#!/usr/bin/env bash
# Fuzzes the experiment loader with libFuzzer for SECONDS (default 600) on one core.
#
#   scripts/fuzz.sh [SECONDS]
#
# Builds build-fuzz/ with clang-14 (-DNEOHEBB_FUZZ=ON: everything with ASan and UBSan) and runs
# build-fuzz/fuzz_experiment_loader on a corpus in build-fuzz/corpus, seeded from experiments/
# and tests/bad_inputs/*.toml. A finding is written to build-fuzz/findings/ and ends the run with
# a non-zero status; reproduce it with `build-fuzz/fuzz_experiment_loader FILE`. The last lines
# printed give the executions, exec/s and coverage (cov: edges, ft: features).
set -euo pipefail
seconds=${1:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEOHEBB_FUZZ=ON \
      -DCMAKE_CXX_COMPILER=clang++-14 -DNEOHEBB_BUILD_TESTS=OFF -DNEOHEBB_BUILD_BENCHMARKS=OFF >&2
cmake --build "$build" -j 2 --target fuzz_experiment_loader >&2

seeds=$build/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus" "$build/findings"
cp "$root"/experiments/*.toml "$seeds"/
for f in "$root"/tests/bad_inputs/*.toml; do cp "$f" "$seeds/bad_$(basename "$f")"; done
# Keys and section names the loader knows, so that mutations stay near valid experiments.
dict=$build/experiment.dict
grep -ohE '^\[[a-z_]+\]|^[a-z_0-9]+ *=' "$root"/experiments/*.toml "$root"/tests/bad_inputs/*.toml |
  sed -E 's/ *=$//' | sort -u | sed -E 's/.*/"&"/' >"$dict"

export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
exec ./fuzz_experiment_loader -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=4096 \
     -timeout=20 -print_final_stats=1 -dict="$dict" -artifact_prefix=findings/ corpus "$seeds"
