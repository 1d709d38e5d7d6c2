#!/usr/bin/env bash
# End-to-end checks of the command line: exit codes, messages, the run directory and its files.
set -uo pipefail
neohebb=$1 root=$2
build=$(cd "$(dirname "$neohebb")" && pwd)
work=$(mktemp -d)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml  # the experiment the tests start from
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/lib.sh"  # check, expect_exit

cat >"$work/tiny.toml" <<'TOML'
[experiment]
lifetimes = 2
trials = 5
[network]
size = 10
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

check "plugins lists every first plugin" bash -c "'$neohebb' plugins | grep -q '^task dnms' && '$neohebb' plugins | grep -q '^neuron rate_tanh'"
check "plugins NAME shows its parameters" bash -c "'$neohebb' plugins three_factor | grep -q 'baseline_tau'"
check "plugins with an unknown name exits 1" expect_exit 1 "$neohebb" plugins nosuch
check "usage error exits 2" expect_exit 2 "$neohebb" run
check "unknown flag exits 2" expect_exit 2 "$neohebb" validate "$work/tiny.toml" --frobnicate
check "validate a good file" expect_exit 0 "$neohebb" validate "$root/experiments/miconi_dnms.toml"
check "validate the default experiment" expect_exit 0 "$neohebb" validate "$root/experiments/default.toml"
# Every committed experiment and learned rule still loads (a renamed or removed parameter would
# otherwise break a user's file unnoticed).
while IFS= read -r file; do
  check "validate ${file#"$root"/}" expect_exit 0 "$neohebb" validate "$file"
done < <(find "$root/experiments" -name '*.toml' | sort)

sed 's/size = 10/size = 0/' "$work/tiny.toml" >"$work/bad.toml"
check "validate a bad file exits 1" expect_exit 1 "$neohebb" validate "$work/bad.toml"
check "its error names file:line:col" grep -q "^error: $work/bad.toml:5:8: 'size' = 0 for \[network\] must be >= 1 and <= 2147483647$" "$work/err"

check "run writes a run directory" expect_exit 0 "$neohebb" run "$work/tiny.toml" --out "$work/run1" -q
check "summary on stdout names it" grep -q "^run directory: $work/run1$" "$work/out"
for f in experiment.toml run.json learning_curve.csv summary.json networks/lifetime_000/W.npy networks/lifetime_001/W_in.npy; do
  check "run directory has $f" test -s "$work/run1/$f"
done
check "learning curve has one row per trial" test "$(wc -l <"$work/run1/learning_curve.csv")" -eq 11
check "no partial directory left" test ! -e "$work/run1.partial"
check "the resolved experiment validates" expect_exit 0 "$neohebb" validate "$work/run1/experiment.toml"

cp "$work/run1/learning_curve.csv" "$work/curve1.csv"
check "an existing run is not overwritten" expect_exit 1 "$neohebb" run "$work/tiny.toml" --out "$work/run1" -q
check "and the error says so" grep -q "the run directory exists already" "$work/err"
check "its files are intact" cmp -s "$work/run1/learning_curve.csv" "$work/curve1.csv"
check "--overwrite replaces it" expect_exit 0 "$neohebb" run "$work/tiny.toml" --out "$work/run1" --overwrite -q

check "same seed, 1 vs 2 threads: identical files" bash -c "
  '$neohebb' run '$work/tiny.toml' --out '$work/t1' --threads 1 -q >/dev/null &&
  '$neohebb' run '$work/tiny.toml' --out '$work/t2' --threads 2 -q >/dev/null &&
  cmp -s '$work/t1/learning_curve.csv' '$work/t2/learning_curve.csv' &&
  cmp -s '$work/t1/networks/lifetime_001/W.npy' '$work/t2/networks/lifetime_001/W.npy'"
check "--set changes the seed and the results" bash -c "
  '$neohebb' run '$work/tiny.toml' --out '$work/s2' --set experiment.seed=2 -q >/dev/null &&
  ! cmp -s '$work/t1/learning_curve.csv' '$work/s2/learning_curve.csv'"

cat >"$work/faulty.toml" <<TOML
[plugins]
path = ["$build/test_plugins/neohebb-faulty.so"]
[experiment]
trials = 6
[network]
size = 5
[trace]
type = "miconi_cubic"
[rule]
type = "three_factor"
[task]
type = "faulty_task"
fail = "trial"
level = 1.0
TOML
check "a plugin throwing mid-run exits 1" expect_exit 1 "$neohebb" run "$work/faulty.toml" --out "$work/faulty_run" -q
check "naming the lifetime, the trial and the plugin's message" grep -q "^error: lifetime 0: trial 3: faulty_task: asked to fail in trial 3$" "$work/err"
check "and leaves no run directory" test ! -e "$work/faulty_run" -a ! -e "$work/faulty_run.partial"

cat >"$work/meta.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 12
[meta]
steps = 5
batch = 3
learning_rate = 0.003
TOML
check "meta-learning runs" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/meta_full" -q
for f in meta_metrics.csv theta.csv checkpoint.json theta.npy learned_trace.toml run.json experiment.toml; do
  check "meta run directory has $f" test -s "$work/meta_full/$f"
done
check "one metrics row per meta-step" test "$(wc -l <"$work/meta_full/meta_metrics.csv")" -eq 6
check "--stop-after 0 is refused (it would run every step)" expect_exit 2 "$neohebb" run "$work/meta.toml" --out "$work/meta_zero" --stop-after 0 -q
check "stopped after 2 meta-steps" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/meta_cut" --stop-after 2 -q
check "leaves a resumable partial directory" test -s "$work/meta_cut.partial/checkpoint.json" -a ! -e "$work/meta_cut"
check "resumes" expect_exit 0 "$neohebb" run --resume "$work/meta_cut" -q
for f in theta.csv meta_metrics.csv theta.npy checkpoint.json; do
  check "resumed run's $f is bit-identical" cmp -s "$work/meta_full/$f" "$work/meta_cut/$f"
done
# [meta] learn_tau_e: log tau_e is learned, kept by the checkpoint and written with the rule.
tau_sets=(--set meta.learn_tau_e=true --set eligibility.tau_e=100 --set meta.log_learning_rate=0.05)
check "learning tau_e runs" expect_exit 0 "$neohebb" run "$work/meta.toml" "${tau_sets[@]}" --out "$work/tau_full" -q
check "theta.csv has a log tau_e column" grep -q "log tau_e" "$work/tau_full/theta.csv"
check "learned_trace.toml gives the learned tau_e" grep -q "^tau_e = [0-9.e+-]*  # ms, meta-learned$" "$work/tau_full/learned_trace.toml"
check "learned tau_e moved" bash -c "! grep -q '^tau_e = 100.0 ' '$work/tau_full/learned_trace.toml'"
check "learning tau_e stops after 2 meta-steps" expect_exit 0 "$neohebb" run "$work/meta.toml" "${tau_sets[@]}" --out "$work/tau_cut" --stop-after 2 -q
check "and resumes" expect_exit 0 "$neohebb" run --resume "$work/tau_cut" -q
for f in theta.csv checkpoint.json learned_trace.toml; do
  check "resumed tau_e run's $f is bit-identical" cmp -s "$work/tau_full/$f" "$work/tau_cut/$f"
done
# [meta] learn_rule: the rule's baseline_tau is learned, kept by the checkpoint, written as [rule].
rule_sets=(--set 'meta.learn_rule="baseline_tau"' --set meta.log_learning_rate=0.05)
check "learning the rule's baseline_tau runs" expect_exit 0 "$neohebb" run "$work/meta.toml" "${rule_sets[@]}" --out "$work/rule_full" -q
check "theta.csv has a log baseline_tau column" grep -q "log baseline_tau" "$work/rule_full/theta.csv"
check "learned_trace.toml gives the learned baseline_tau" grep -q "^baseline_tau = [0-9.e+-]*$" "$work/rule_full/learned_trace.toml"
check "learning baseline_tau stops after 2 meta-steps" expect_exit 0 "$neohebb" run "$work/meta.toml" "${rule_sets[@]}" --out "$work/rule_cut" --stop-after 2 -q
check "and resumes" expect_exit 0 "$neohebb" run --resume "$work/rule_cut" -q
for f in theta.csv checkpoint.json learned_trace.toml; do
  check "resumed baseline_tau run's $f is bit-identical" cmp -s "$work/rule_full/$f" "$work/rule_cut/$f"
done
check "an unknown rule parameter is refused" expect_exit 1 "$neohebb" run "$work/meta.toml" --set 'meta.learn_rule="eta"' --out "$work/rule_bad" -q
# A failure after the last meta-step (here: theta.npy cannot be written) keeps every checkpoint.
check "stopped before its last meta-step" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/meta_late" --stop-after 4 -q
mkdir "$work/meta_late.partial/theta.npy"
check "a failed final write exits 1" expect_exit 1 "$neohebb" run --resume "$work/meta_late" -q
check "and says the meta-steps are checkpointed" grep -q "all 5 meta-steps are done and checkpointed" "$work/err"
check "and keeps them" test -s "$work/meta_late.partial/checkpoint.json"
rmdir "$work/meta_late.partial/theta.npy"
check "the run then finishes" expect_exit 0 "$neohebb" run --resume "$work/meta_late" -q
check "with the uninterrupted run's theta" cmp -s "$work/meta_full/theta.npy" "$work/meta_late/theta.npy"
check "1 thread gives the same theta as 2" bash -c "
  '$neohebb' run '$work/meta.toml' --out '$work/meta_t1' --threads 1 -q >/dev/null &&
  cmp -s '$work/meta_full/theta.npy' '$work/meta_t1/theta.npy'"
check "resuming a complete run is refused" expect_exit 1 "$neohebb" run --resume "$work/meta_full"
check "resuming nothing is refused" expect_exit 1 "$neohebb" run --resume "$work/nothing"
check "run with both a file and --resume is misuse" expect_exit 2 "$neohebb" run "$work/meta.toml" --resume "$work/meta_full"
# SIGINT: the meta-learning run stops after its current meta-step, checkpointed and resumable.
"$neohebb" run "$work/meta.toml" --out "$work/meta_int" --set meta.steps=1000000 -q >"$work/int_out" 2>&1 &
pid=$!
for _ in $(seq 50); do [ -s "$work/meta_int.partial/theta.csv" ] && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
check "SIGINT exits 130" test $? -eq 130
check "and says how to resume" grep -q "continue with: neohebb run --resume" "$work/int_out"
check "its checkpoint matches its metrics" bash -c "
  steps=\$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[\"step\"])' '$work/meta_int.partial/checkpoint.json')
  test \$((steps + 1)) -eq \$(wc -l <'$work/meta_int.partial/meta_metrics.csv')"
done_steps=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["step"])' "$work/meta_int.partial/checkpoint.json")
check "a resume with fewer meta-steps than done is refused" expect_exit 1 "$neohebb" run --resume "$work/meta_int" --set meta.steps=$((done_steps - 1)) -q
check "an interrupted run resumes" expect_exit 0 "$neohebb" run --resume "$work/meta_int" --set meta.steps=$((done_steps + 1)) -q

# SIGINT during the held-out evaluation: stops it, keeps the checkpoints, and a resume finishes.
"$neohebb" run "$work/meta.toml" --out "$work/meta_eval_int" --set meta.steps=1 --set meta.evaluate=100000 -q >"$work/eval_int_out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$work/meta_eval_int.partial/theta.csv" ] && break; sleep 0.1; done
sleep 0.5
kill -INT "$pid"
wait "$pid"
check "SIGINT during the held-out evaluation exits 130" test $? -eq 130
check "and says how to finish" grep -q "stopped during the held-out evaluation" "$work/eval_int_out"
check "which a resume does" expect_exit 0 "$neohebb" run --resume "$work/meta_eval_int" --set meta.evaluate=2 -q
check "writing held_out.csv" test -s "$work/meta_eval_int/held_out.csv"

check "check-gradients writes its tables" expect_exit 0 "$neohebb" check-gradients "$work/meta.toml" --out "$work/grad" --trials 6
check "gradient_check.csv has the cumulative table" grep -q "^cumulative,r^2 d^2," "$work/grad/gradient_check.csv"
check "forward mode agrees with the complex step" grep -qE "^cumulative +[0-9.]+e-1[0-9]" "$work/grad/gradient_check.txt"
check "reverse mode agrees with forward mode and the complex step" grep -qE \
  "^cumulative +[^ ]+ +[^ ]+ +[0-9.]+e(-1[0-9]|\+00) +[0-9.]+e(-1[0-9]|\+00)$" "$work/grad/gradient_check.txt"
check "gradient_check.csv has the adjoint column" grep -q "^table,coefficient,forward_mode,complex_step,finite_differences,adjoint$" "$work/grad/gradient_check.csv"
check "a meta-learning run in reverse mode" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/meta_adjoint" --set 'meta.gradient="adjoint"' -q

if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  check "numpy loads the weights" /usr/bin/python3 -c "
import numpy as np
W = np.load('$work/run1/networks/lifetime_000/W.npy'); assert W.shape == (10, 10) and np.isfinite(W).all()
Wo = np.load('$work/run1/networks/lifetime_000/W_out.npy'); assert Wo.shape == (1, 10)"
else
  echo "skipped: numpy is not installed for /usr/bin/python3"
fi

echo "$failures failure(s)"
[ "$failures" = 0 ]
