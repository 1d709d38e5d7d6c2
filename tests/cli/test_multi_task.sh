#!/usr/bin/env bash
# Meta-learning over several tasks ([meta] tasks) from the command line: per-task columns and
# files, the same numbers whatever the threads, from the run's own experiment.toml, and after a
# stop and --resume.
#
#   test_multi_task.sh NEOHEBB_BINARY
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/lib.sh"  # check, expect_exit

# Three tasks at a 20 ms step: DNMS (this file), go/no-go (a table) and selective integration (a
# file with its own network, whose trace, rule and meta are replaced by this file's).
cat >"$work/si.toml" <<'TOML'
[experiment]
trials = 12
[network]
size = 14
[neuron]
dt = 20.0
[trace]
type = "hebbian"
[task]
type = "selective_integration"
pre_evidence = 0.0
evidence = 80.0
trial = 120.0
response = 40.0
TOML
cat >"$work/multi.toml" <<'TOML'
[experiment]
trials = 10
[network]
size = 12
[neuron]
dt = 20.0
[trace]
type = "monomial"
degree = 2
coefficients = [0.0, 0.0, 0.0, 0.0, -0.5, 0.0, 0.0, 0.0, 0.0]
learnable = [0, 0, 0, 0, 1, 1, 0, 1, 1]
[rule]
type = "three_factor"
eta = 0.3
[meta]
steps = 3
batch = 6
gradient = "adjoint"
validation = 3
evaluate = 2
tasks = [{}, { task = { type = "go_nogo", stimulus = 40.0, delay = 40.0, decision = 40.0 } },
         "si.toml"]
[task]
type = "dnms"
stimulus1 = 40.0
delay1 = 40.0
stimulus2 = 40.0
delay2 = 40.0
response = 40.0
TOML

check "runs" expect_exit 0 "$neohebb" run "$work/multi.toml" --out "$work/a" -q --threads 2
header=$(head -1 "$work/a/meta_metrics.csv")
for t in task1 go_nogo si; do
  check "a column per task: $t" grep -q "objective_$t,correct_late_$t" <<<"$header"
  check "its resolved experiment: tasks/$t.toml" test -f "$work/a/tasks/$t.toml"
  check "its held-out lifetimes: held_out_$t.csv" test -f "$work/a/held_out_$t.csv"
done
check "the scales of the tasks" test "$(wc -l <"$work/a/task_scales.csv")" = 4
check "the plot per task" test -f "$work/a/plots/meta_learning_tasks.png"
check "a file task keeps its network" grep -q "^size = 14$" "$work/a/tasks/si.toml"
check "and takes the experiment's trace" grep -q '^type = "monomial"$' "$work/a/tasks/si.toml"

check "one thread" expect_exit 0 "$neohebb" run "$work/multi.toml" --out "$work/b" -q --threads 1
check "the same numbers" cmp "$work/a/theta.csv" "$work/b/theta.csv"
check "the same metrics" cmp "$work/a/meta_metrics.csv" "$work/b/meta_metrics.csv"

check "the run's experiment.toml runs" \
  expect_exit 0 "$neohebb" run "$work/a/experiment.toml" --out "$work/c" -q --threads 2
check "and reproduces it" cmp "$work/a/theta.csv" "$work/c/theta.csv"

check "stopped after one meta-step" \
  expect_exit 0 "$neohebb" run "$work/multi.toml" --out "$work/d" -q --stop-after 1
check "resumed" expect_exit 0 "$neohebb" run --resume "$work/d" -q --threads 2
check "the same as without the stop" cmp "$work/a/meta_metrics.csv" "$work/d/meta_metrics.csv"

echo "$failures failure(s)"
[ "$failures" = 0 ]
