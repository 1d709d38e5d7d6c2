#!/usr/bin/env bash
# What a run directory survives: a second process, a tampered checkpoint, a plain run killed and
# resumed, a write that fails (the file size limit, like a full disk), and --resume --set.
#
#   test_run_directory_safety.sh NEOHEBB_BINARY
#
# Each check prints `ok NAME` or `FAIL NAME: why`; the script exits non-zero if any failed.
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
failures=0
ok() { echo "ok $1"; }
fail() {
  echo "FAIL $1: $2"
  failures=$((failures + 1))
}
expect_in() {  # expect_in NAME FILE TEXT: FILE must contain TEXT
  grep -qF -- "$3" "$2" && return 0
  fail "$1" "expected '$3' in: $(head -c 600 "$2")"
  return 1
}

cat >"$work/meta.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 30
[meta]
steps = 12
batch = 2
learning_rate = 0.003
TOML
cat >"$work/plain.toml" <<TOML
base = "$tiny_dnms"
[experiment]
lifetimes = 3
trials = 200
TOML

results_of() { (cd "$1" && for f in theta.csv meta_metrics.csv checkpoint.json theta.npy; do
  md5sum "$f"
done); }

"$neohebb" run "$work/meta.toml" --out "$work/reference" -q --threads 1 >/dev/null 2>&1 ||
  fail reference "the uninterrupted meta run failed"

# Waits until DIR.partial holds a checkpoint after meta-step >= N (or the process ended).
wait_for_step() {  # wait_for_step DIR N PID
  for _ in $(seq 3000); do
    kill -0 "$3" 2>/dev/null || return 0
    [ -f "$1.partial/checkpoint.json" ] &&
      [ "$(grep -o '"step": [0-9]*' "$1.partial/checkpoint.json" | tail -1 | grep -o '[0-9]*$')" \
        -ge "$2" ] 2>/dev/null && return 0
    sleep 0.01
  done
}

# 1. A second process on a live run directory is refused, naming the holder's pid; the first
#    completes to the reference's numbers.
"$neohebb" run "$work/meta.toml" --out "$work/live" -q --threads 1 >/dev/null 2>"$work/first.err" &
first=$!
wait_for_step "$work/live" 1 "$first"
"$neohebb" run --resume "$work/live" -q 2>"$work/second.err"
status=$?
"$neohebb" run "$work/meta.toml" --out "$work/live" -q 2>"$work/third.err"
status3=$?
wait "$first"
if [ "$status" -ne 1 ] || [ "$status3" -ne 1 ]; then
  fail lock "a second process on a live run exited $status / $status3, not 1"
elif expect_in lock "$work/second.err" "in use by another neohebb process (pid $first)" &&
  expect_in lock "$work/third.err" "(pid $first)"; then
  if [ "$(results_of "$work/live")" = "$(results_of "$work/reference")" ] &&
    [ ! -e "$work/live/.lock" ]; then ok lock; else fail lock "the run's results differ"; fi
fi

# 2. A checkpoint that was tampered with is refused by name, and the partial directory is kept.
interrupted_copy() {  # interrupted_copy NAME: a partial meta run stopped after 2 meta-steps
  "$neohebb" run "$work/meta.toml" --out "$work/$1" -q --threads 1 --stop-after 2 >/dev/null 2>&1
}
tamper() {  # tamper NAME PYTHON_EXPRESSION_ON_c EXPECTED_MESSAGE
  interrupted_copy "$1"
  python3 - "$work/$1.partial/checkpoint.json" "$2" <<'PY'
import json, sys
path, change = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(change)
json.dump(c, open(path, "w"))
PY
  "$neohebb" run --resume "$work/$1" -q 2>"$work/$1.err"
  local status=$?
  if [ "$status" -ne 1 ]; then
    fail "$1" "exit $status"
  elif [ ! -d "$work/$1.partial" ] || [ -d "$work/$1" ]; then
    fail "$1" "the partial directory was not kept as it was"
  elif expect_in "$1" "$work/$1.err" "$3"; then
    ok "$1"
  fi
}
tamper checkpoint_short_theta 'c["theta"] = c["theta"][:3]' "theta has 3 entries; this experiment needs 9"
tamper checkpoint_long_theta 'c["theta"] += [0.5] * 40' "theta has 49 entries"
tamper checkpoint_step_beyond 'c["step"] = 99' "beyond this experiment's [meta] steps = 12"
tamper checkpoint_step_negative 'c["step"] = -1' "step = -1 is out of range"
tamper checkpoint_short_adam 'c["adam_m"] = c["adam_m"][:2]' "adam_m has 2 entries"
tamper checkpoint_other_experiment 'c["shape"]["fingerprint"] = "0badc0de"' \
  "written for another experiment: its experiment fingerprint is 0badc0de"
# ... which is also what a run begun by a version with other parameters shows: it says so.
expect_in checkpoint_other_version "$work/checkpoint_other_experiment.err" \
  "or was the run begun by a version whose plugins or sections have other parameters? Such a run cannot be resumed; start it again" &&
  ok checkpoint_other_version

# Another experiment's experiment.toml in the partial directory: its checkpoint does not fit.
interrupted_copy foreign_experiment
sed -i 's/^size = 8$/size = 9/' "$work/foreign_experiment.partial/experiment.toml"
"$neohebb" run --resume "$work/foreign_experiment" -q 2>"$work/foreign.err"
[ $? -eq 1 ] && expect_in foreign_experiment "$work/foreign.err" "written for another experiment" &&
  ok foreign_experiment

# 3. --resume --set: what changes the numbers is refused; meta.steps may grow, and is recorded.
interrupted_copy resume_set
"$neohebb" run --resume "$work/resume_set" --set network.size=12 -q 2>"$work/resume_set.err"
[ $? -eq 1 ] && expect_in resume_set "$work/resume_set.err" "--resume cannot change network.size" &&
  ok resume_set_refused
"$neohebb" run --resume "$work/resume_set" --set meta.steps=14 -q >/dev/null 2>"$work/steps.err" ||
  fail resume_set_steps "$(cat "$work/steps.err")"
grep -q '^steps = 14$' "$work/resume_set/experiment.toml" &&
  [ "$(($(wc -l <"$work/resume_set/meta_metrics.csv") - 1))" -eq 14 ] && ok resume_set_steps ||
  fail resume_set_steps "experiment.toml or meta_metrics.csv does not show 14 meta-steps"

# 4. A plain run killed with SIGKILL leaves DIR.partial; --resume runs it again to the numbers of
#    an uninterrupted run, with no meta-learning file added.
"$neohebb" run "$work/plain.toml" --out "$work/plain_reference" -q --threads 1 >/dev/null 2>&1
"$neohebb" run "$work/plain.toml" --out "$work/plain_killed" -q --threads 1 >/dev/null 2>&1 &
victim=$!
for _ in $(seq 500); do [ -f "$work/plain_killed.partial/experiment.toml" ] && break; sleep 0.01; done
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null
if [ ! -d "$work/plain_killed.partial" ]; then
  echo "note plain_resume: the plain run finished before its kill; resuming a copy instead"
  cp -r "$work/plain_reference" "$work/plain_killed.partial"
  rm "$work/plain_killed.partial/learning_curve.csv"
fi
"$neohebb" run --resume "$work/plain_killed" -q >/dev/null 2>"$work/plain.err"
if [ $? -ne 0 ]; then
  fail plain_resume "$(cat "$work/plain.err")"
elif cmp -s "$work/plain_killed/learning_curve.csv" "$work/plain_reference/learning_curve.csv" &&
  cmp -s "$work/plain_killed/summary.json" "$work/plain_reference/summary.json" &&
  [ ! -e "$work/plain_killed/checkpoint.json" ]; then
  ok plain_resume
else
  fail plain_resume "the resumed plain run differs from the uninterrupted one"
fi

# 5. A write that fails mid-run (the file size limit; a full disk takes the same path) keeps the
#    last good checkpoint and says how to resume; the resumed run ends at the reference's numbers.
(
  ulimit -f 4  # 4 KiB: checkpoint.json outgrows it after a few meta-steps
  exec "$neohebb" run "$work/meta.toml" --out "$work/full" -q --threads 1
) >/dev/null 2>"$work/full.err"
status=$?
if [ "$status" -ne 1 ]; then
  fail disk_full "exit $status: $(cat "$work/full.err")"
elif expect_in disk_full "$work/full.err" "the file size limit, ulimit -f, is reached" &&
  expect_in disk_full "$work/full.err" "continue with: neohebb run --resume"; then
  python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/full.partial/checkpoint.json" ||
    fail disk_full "the checkpoint left behind does not parse"
  "$neohebb" run --resume "$work/full" -q >/dev/null 2>&1
  [ "$(results_of "$work/full")" = "$(results_of "$work/reference")" ] && ok disk_full ||
    fail disk_full "the resumed run differs from the reference"
fi

# 6. An override is one line: a newline inside --set is refused (it used to crash the parser).
"$neohebb" validate "$work/meta.toml" --set $'experiment.trials=5\nseed=2' 2>"$work/newline.err"
[ $? -eq 1 ] && expect_in set_newline "$work/newline.err" "control character 0x0a" && ok set_newline

# 7. check-gradients stops on SIGINT like run does (it ran on while its memory grew), keeping
#    nothing.
"$neohebb" check-gradients "$work/meta.toml" --trials 1000000 --out "$work/grad" --threads 1 \
  >/dev/null 2>"$work/grad.err" &
checker=$!
sleep 1
kill -INT "$checker"
wait "$checker"
status=$?
if [ "$status" -ne 130 ]; then
  fail check_gradients_sigint "exit $status: $(cat "$work/grad.err")"
elif [ -e "$work/grad" ] || [ -e "$work/grad.partial" ]; then
  fail check_gradients_sigint "it left a directory behind"
elif expect_in check_gradients_sigint "$work/grad.err" "interrupted"; then
  ok check_gradients_sigint
fi

[ "$failures" -eq 0 ] && echo "all checks passed" || echo "$failures check(s) failed"
exit $((failures > 0))
