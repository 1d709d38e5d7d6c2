#!/usr/bin/env bash
# Determinism: the same experiment and seed give byte-identical run directories whatever the
# thread count, for plain runs and for meta-learning (pathwise and REINFORCE), and a meta-learning
# run stopped on one thread count and resumed on another ends where an uninterrupted run ends
# (validation lifetimes included).
# Every file but run.json and meta_timing.csv (times, command line) and plots/ (images drawn from the results)
# is compared.
#
#   test_determinism.sh NEOHEBB_BINARY
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml  # the experiment the tests start from
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/lib.sh"  # check, expect_exit

results_in() { (cd "$1" && find . -type f -not -path './plots/*' | sort); }
# same_runs A B: both directories hold the same files with the same bytes (run.json aside).
same_runs() {
  local a=$1 b=$2 f ok=0
  [ "$(results_in "$a")" = "$(results_in "$b")" ] ||
    { echo "  $a and $b hold different files"; return 1; }
  while read -r f; do
    case $f in ./run.json | ./meta_timing.csv) continue ;; esac  # times
    cmp -s "$a/$f" "$b/$f" || { echo "  differs: $f"; ok=1; }
  done < <(results_in "$a")
  return $ok
}
run() {  # run NAME EXPERIMENT ARGS...: a run directory $work/NAME
  local name=$1 file=$2; shift 2
  "$neohebb" run "$file" --out "$work/$name" -q "$@" >"$work/$name.log" 2>&1 ||
    { echo "  run $name failed:"; cat "$work/$name.log"; return 1; }
}

cat >"$work/plain.toml" <<'TOML'
[experiment]
lifetimes = 5
trials = 20
[network]
size = 12
[trace]
type = "miconi_cubic"
[rule]
type = "three_factor"
[task]
type = "dnms"
stimulus1 = 5.0
delay1 = 5.0
stimulus2 = 5.0
delay2 = 5.0
response = 5.0
TOML

meta_toml() {  # meta_toml ESTIMATOR REWARD
  cat <<TOML
base = "$tiny_dnms"
[experiment]
trials = 10
reward = "$2"
[meta]
steps = 4
batch = 3
estimator = "$1"
learning_rate = 0.003
validation = 2        # validated before step 1 and after steps 3 and 4, across the resume below
validate_every = 3
TOML
}
meta_toml pathwise task >"$work/pathwise.toml"
meta_toml reinforce policy >"$work/reinforce.toml"

check "plain run: 1, 2 and 4 threads give identical run directories" bash -c "
  $(declare -f results_in same_runs run); work='$work' neohebb='$neohebb'
  run p1 '$work/plain.toml' --threads 1 && run p2 '$work/plain.toml' --threads 2 &&
  run p4 '$work/plain.toml' --threads 4 && same_runs '$work/p1' '$work/p2' &&
  same_runs '$work/p1' '$work/p4'"
for estimator in pathwise reinforce; do
  check "meta-learning ($estimator): 1 and 2 threads give identical run directories" bash -c "
    $(declare -f results_in same_runs run); work='$work' neohebb='$neohebb'
    run ${estimator}1 '$work/$estimator.toml' --threads 1 &&
    run ${estimator}2 '$work/$estimator.toml' --threads 2 &&
    same_runs '$work/${estimator}1' '$work/${estimator}2'"
  check "meta-learning ($estimator): stopped on 1 thread, resumed on 2, as if uninterrupted" bash -c "
    $(declare -f results_in same_runs run); work='$work' neohebb='$neohebb'
    run ${estimator}_cut '$work/$estimator.toml' --threads 1 --stop-after 2 &&
    test -d '$work/${estimator}_cut.partial' &&
    '$neohebb' run --resume '$work/${estimator}_cut.partial' --threads 2 -q >/dev/null &&
    same_runs '$work/${estimator}1' '$work/${estimator}_cut'"
done

echo "$failures failure(s)"
[ "$failures" = 0 ]
