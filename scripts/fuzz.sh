#!/usr/bin/env bash
# Fuzzes one of the libFuzzer targets of tests/fuzz/ for SECONDS (default 600) on one core.
#
#   scripts/fuzz.sh [TARGET] [SECONDS]
#
# TARGET (default experiment_loader; the fuzz_ prefix may be given or left out):
#   experiment_loader  an experiment file, then `--set` overrides after a NUL byte; seeds:
#                      experiments/*.toml and tests/bad_inputs/*.toml
#   set_override       `--set` arguments (two, split on a NUL byte) over a small valid experiment;
#                      seeds: tests/fuzz/set_override.seeds and the --set arguments of
#                      tests/bad_inputs/*.args
#   checkpoint_reader  checkpoint.json text or .npy bytes (the first byte chooses the reader);
#                      seeds: written by the target itself (a checkpoint of a short meta-learning
#                      run, .npy arrays of several shapes)
# Each target gets a dictionary of the names its inputs are made of (section and key names, JSON
# keys), so that mutations stay near valid inputs. A bare number as the only argument is SECONDS
# for the default target.
#
# Builds build-fuzz/ with clang-14 (-DNEOHEBB_FUZZ=ON: everything with ASan and UBSan) and runs
# build-fuzz/fuzz_TARGET on its corpus, build-fuzz/corpus/TARGET (kept between runs, so that a
# later run starts where the last stopped). A finding is written to build-fuzz/findings/TARGET/
# and ends the run with a non-zero status; reproduce it with `build-fuzz/fuzz_TARGET FILE`. The
# last lines printed give the executions (stat::number_of_executed_units), exec/s
# (stat::average_exec_per_sec), coverage (the last `cov:` edges and `ft:` features) and the peak
# memory (stat::peak_rss_mb).
set -euo pipefail
target=experiment_loader
if [ $# -ge 1 ] && ! [[ $1 =~ ^[0-9]+$ ]]; then
  target=${1#fuzz_}
  shift
fi
seconds=${1:-600}
case $target in
  experiment_loader | set_override | checkpoint_reader) ;;
  *)
    echo "unknown fuzz target '$target' (experiment_loader, set_override, checkpoint_reader)" >&2
    exit 2
    ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-fuzz
binary=$build/fuzz_$target
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEOHEBB_FUZZ=ON \
      -DCMAKE_CXX_COMPILER=clang++-14 -DNEOHEBB_BUILD_TESTS=OFF -DNEOHEBB_BUILD_BENCHMARKS=OFF >&2
cmake --build "$build" -j 2 --target "fuzz_$target" >&2

seeds=$build/seeds/$target
corpus=$build/corpus/$target
findings=$build/findings/$target
dict=$build/$target.dict
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$findings"

# "section.key=" for every key written under a section in these TOML files.
dotted_keys() {
  awk 'FNR == 1 { section = "" }
       /^\[[a-z_.]+\]/ { section = substr($1, 2, length($1) - 2); next }
       /^[a-z_0-9]+ *=/ { if (section != "") { sub(/ *=.*/, ""); print section "." $0 "=" } }' "$@"
}

case $target in
  experiment_loader)
    cp "$root"/experiments/*.toml "$seeds"/
    for f in "$root"/tests/bad_inputs/*.toml; do cp "$f" "$seeds/bad_$(basename "$f")"; done
    grep -ohE '^\[[a-z_]+\]|^[a-z_0-9]+ *=' "$root"/experiments/*.toml \
         "$root"/tests/bad_inputs/*.toml | sed -E 's/ *=$//' | sort -u | sed -E 's/.*/"&"/' >"$dict"
    ;;
  set_override)
    n=0
    while IFS= read -r line; do
      case $line in '#'* | '') continue ;; esac
      n=$((n + 1))
      printf '%s' "$line" | tr '\t' '\0' >"$seeds/seed$n"
    done <"$root/tests/fuzz/set_override.seeds"
    # The argument after each --set in the bad-input corpus.
    for f in "$root"/tests/bad_inputs/*.args; do
      i=0
      while IFS= read -r line; do
        i=$((i + 1))
        printf '%s' "$line" >"$seeds/bad_$(basename "$f" .args)_$i"
      done < <(awk 'previous == "--set" { print } { previous = $0 }' "$f")
    done
    printf 'experiment.trials=5\nseed=2' >"$seeds/newline_in_value"
    {
      dotted_keys "$root"/experiments/*.toml "$root"/tests/cli/tiny_dnms.toml \
                  "$root"/tests/bad_inputs/*.toml
      printf '%s\n' '=' '.' '[' ']' '{' '}' ',' '"' "'" '\n' '\"' '\u0001' '"""' true false inf \
        nan -inf 1e308 -1 0 9223372036854775807 4294967298 '#'
    } | sort -u | sed -E 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' >"$dict"
    printf '%s\n' '"\x0A"' >>"$dict"  # a newline inside an argument
    ;;
  checkpoint_reader)
    NEOHEBB_FUZZ_WRITE_SEEDS="$seeds" "$binary" >&2
    grep -ohE '"[a-z_]+":' "$seeds"/* | sort -u | sed -E 's/"/\\"/g; s/.*/"&"/' >"$dict"
    printf '"%s"\n' '\x93NUMPY' "'descr'" "'<f8'" "'fortran_order'" True False "'shape'" \
      '(' ')' ',' '{' '}' >>"$dict"
    ;;
esac

export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
exec nice -n 10 "$binary" -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=4096 \
     -timeout=20 -print_final_stats=1 -dict="$dict" -artifact_prefix="$findings/" \
     "$corpus" "$seeds"
