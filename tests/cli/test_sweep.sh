#!/usr/bin/env bash
# A sweep of 2 x 2 points, killed (SIGKILL) during its second point and started again with the
# same command, ends with the same sweep.csv and the same results as an uninterrupted sweep. The
# grid crosses a rule setting with meta-learning on and off: the killed point is a meta-learning
# run, which resumes from its checkpoint; a plain point left unfinished is run again.
#
#   test_sweep.sh NEOHEBB_BINARY
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml  # the experiment the tests start from
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/lib.sh"  # check, expect_exit

cat >"$work/sweep.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 8
lifetimes = 2
[meta]
batch = 2
learning_rate = 0.003

[sweep.grid]
"rule.eta" = [0.05, 0.1]
"meta.steps" = [0, 400]
TOML

results_of() { (cd "$1" && find . -type f -not -path '*/plots/*' -not -name run.json -not -name meta_timing.csv -not -name .lock | sort); }
same_results() {  # same_results A B: every result file, byte for byte (run.json: times)
  [ "$(results_of "$1")" = "$(results_of "$2")" ] || return 1
  local f
  for f in $(results_of "$1"); do cmp -s "$1/$f" "$2/$f" || { echo "  differs: $f"; return 1; }; done
}

"$neohebb" sweep "$work/sweep.toml" --out "$work/reference" --threads 1 -q >"$work/log" 2>&1
check "the uninterrupted sweep succeeds" test $? -eq 0
check "it has a row per point" test "$(grep -c '^point_00[0-3],done,' "$work/reference/sweep.csv")" -eq 4

# Points run one at a time (--threads 1): kill while point_001 (meta-learning) is under way.
"$neohebb" sweep "$work/sweep.toml" --out "$work/killed" --threads 1 -q >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 4000); do
  [ -f "$work/killed/point_001.partial/checkpoint.json" ] && grep -q '^[1-9]' "$work/killed/point_001.partial/meta_metrics.csv" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.005
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "killed during its second point" test -d "$work/killed/point_001.partial" -a ! -d "$work/killed/point_002"
check "the first point was complete" test -f "$work/killed/point_000/run.json"
check "sweep.csv says which points are pending" grep -q '^point_001,pending,' "$work/killed/sweep.csv"

# What a plain run killed mid-way leaves: its partial directory. It is run again from scratch.
mkdir -p "$work/killed/point_002.partial" && echo junk >"$work/killed/point_002.partial/W.npy"

"$neohebb" sweep "$work/sweep.toml" --out "$work/killed" --threads 1 -q >"$work/log2" 2>&1
check "the same command finishes it" test $? -eq 0
check "the same sweep.csv as the uninterrupted sweep" cmp -s "$work/reference/sweep.csv" "$work/killed/sweep.csv"
check "the same results in every point" same_results "$work/reference" "$work/killed"

# Started again when complete: nothing runs, nothing changes.
before=$(stat -c %Y "$work/killed/point_003/run.json")
"$neohebb" sweep "$work/sweep.toml" --out "$work/killed" --threads 2 -q >"$work/log3" 2>&1
check "a complete sweep started again runs nothing" test "$(stat -c %Y "$work/killed/point_003/run.json")" = "$before"
check "and keeps its sweep.csv" cmp -s "$work/reference/sweep.csv" "$work/killed/sweep.csv"

# Points side by side (--threads 4: 4 points at once) give the same numbers.
"$neohebb" sweep "$work/sweep.toml" --out "$work/parallel" --threads 4 -q >"$work/log4" 2>&1
check "points side by side give the same sweep.csv" cmp -s "$work/reference/sweep.csv" "$work/parallel/sweep.csv"

# The same grid from --grid arguments: the same points, the same numbers.
grep -v -e '^\[sweep.grid\]' -e '^"rule.eta"' -e '^"meta.steps"' "$work/sweep.toml" >"$work/plain.toml"
"$neohebb" sweep "$work/plain.toml" --grid rule.eta=0.05,0.1 --grid meta.steps=0,400 \
  --out "$work/from_args" --threads 2 -q >"$work/log6" 2>&1
check "a sweep from --grid arguments runs every point" test $? -eq 0
check "with the same sweep.csv" cmp -s "$work/reference/sweep.csv" "$work/from_args/sweep.csv"

# A second process on a sweep directory in use is refused, naming the holder.
"$neohebb" sweep "$work/sweep.toml" --out "$work/busy" --threads 1 -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 2000); do [ -d "$work/busy/point_000.partial" ] || [ -d "$work/busy/point_000" ] && break; sleep 0.005; done
"$neohebb" sweep "$work/sweep.toml" --out "$work/busy" --threads 1 -q >"$work/log7" 2>&1
check "a second process on a busy sweep directory is refused" test $? -eq 1
check "naming the process that holds it" grep -q "in use by another neohebb process (pid $pid)" "$work/log7"
wait "$pid"
check "and the first one finishes" cmp -s "$work/reference/sweep.csv" "$work/busy/sweep.csv"

# Another grid into the same directory is refused, and nothing is lost.
"$neohebb" sweep "$work/sweep.toml" --grid rule.baseline=global,none --out "$work/killed" -q \
  >"$work/log5" 2>&1
check "another sweep into the directory is refused" test $? -eq 1
check "saying so" grep -q "holds another sweep" "$work/log5"
check "and the directory is untouched" cmp -s "$work/reference/sweep.csv" "$work/killed/sweep.csv"

[ "$failures" -eq 0 ] || { cat "$work/log" "$work/log2"; exit 1; }
