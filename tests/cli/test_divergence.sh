#!/usr/bin/env bash
# Diverging lifetimes: stopped with a message naming the meta-step, lifetime, trial and quantity,
# or, with on_divergence = "skip", left out of every mean and recorded; never a NaN in a result.
#
#   test_divergence.sh NEOHEBB_BINARY
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/lib.sh"  # check, expect_exit
json() { /usr/bin/python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1"; }
no_nan() { ! grep -qiE 'nan|inf' "$@"; }

# Six lifetimes of which lifetime 3 (only) diverges, at trial 9, for this seed.
cat >"$work/plain.toml" <<'TOML'
[experiment]
lifetimes = 6
trials = 30
[network]
size = 10
[trace]
type = "miconi_cubic"
scale = 30.0
[rule]
type = "three_factor"
eta = 30.0
[task]
type = "dnms"
stimulus1 = 5.0
delay1 = 5.0
stimulus2 = 5.0
delay2 = 5.0
response = 5.0
TOML
msg='lifetime 3: trial 9: the weights W are no longer finite after the update'

check "stop (the default): exit 1" expect_exit 1 "$neohebb" run "$work/plain.toml" --out "$work/stop" -q
check "naming the lifetime, the trial and the quantity" grep -q "^error: $msg$" "$work/err"
check "and keeping nothing" test ! -e "$work/stop" -a ! -e "$work/stop.partial"

check "skip: the run completes" expect_exit 0 "$neohebb" run "$work/plain.toml" --out "$work/skip" \
  --set experiment.on_divergence=skip
check "saying which lifetime it left out" grep -q "^lifetime 3 diverged and is left out .*: trial 9: " "$work/err"
check "and how many in its summary" grep -q "^lifetimes: 6 (1 diverged, left out of the means)" "$work/out"
check "run.json lists it" test "$(json "$work/skip/run.json" 'd["diverged_lifetimes"]')" = "[3]"
check "summary.json lists it" test "$(json "$work/skip/summary.json" 'd["diverged_lifetimes"]')" = "[3]"
check "summary.json records its trial and error, and no rewards" test \
  "$(json "$work/skip/summary.json" '[(l["diverged"], l.get("diverged_trial"), l.get("error"), "reward_last_tenth" in l) for l in d["lifetimes"]][3]')" \
  = "(True, 9, '${msg#lifetime 3: }', False)"
check "the other lifetimes are marked as not diverged" test \
  "$(json "$work/skip/summary.json" 'sum(not l["diverged"] for l in d["lifetimes"])')" = 5
check "learning_curve.csv leaves it out" test \
  "$(tail -n +2 "$work/skip/learning_curve.csv" | cut -d, -f1 | sort -u | tr '\n' ' ')" = "0 1 2 4 5 "
check "no final weights for it" test ! -e "$work/skip/networks/lifetime_003/W.npy" -a -s "$work/skip/networks/lifetime_004/W.npy"
check "no NaN or inf in the results" no_nan "$work/skip/learning_curve.csv" "$work/skip/summary.json"
check "skip when every lifetime diverges: exit 1" expect_exit 1 "$neohebb" run "$work/plain.toml" \
  --out "$work/all" -q --set experiment.on_divergence=skip --set rule.eta=1e300
check "saying so" grep -q "^error: every lifetime diverged (lifetime 0: trial " "$work/err"
check "an unknown choice is refused" expect_exit 1 "$neohebb" validate "$work/plain.toml" \
  --set experiment.on_divergence=ignore
check "listing the choices" grep -q "must be one of \"stop\", \"skip\"" "$work/err"

# Meta-learning: in meta-step 2, lifetimes 0 and 3 of 6 diverge for this seed.
cp "$(dirname "$0")/diverging_meta.toml" "$work/meta.toml"
check "meta stop: exit 1" expect_exit 1 "$neohebb" run "$work/meta.toml" --out "$work/mstop" -q \
  --set meta.on_divergence=stop
check "naming the meta-step, lifetime, trial and quantity" grep -qE \
  "^error: meta-step 2, lifetime [0-9]: trial [0-9]+: the weights W are no longer finite" "$work/err"
check "keeping the last checkpoint" test -s "$work/mstop.partial/checkpoint.json"
check "meta skip: the run completes" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/mskip" \
  --set meta.on_divergence=skip --threads 2
check "saying which lifetimes it left out" grep -qE "^meta-step 2: lifetime [0-9] diverged and is left out: trial" "$work/err"
check "meta_metrics.csv counts them" test "$(cut -d, -f9 "$work/mskip/meta_metrics.csv" | tr '\n' ' ')" = "skipped_lifetimes 0 2 "
check "checkpoint.json records each one" test \
  "$(json "$work/mskip/checkpoint.json" '[(k["lifetime"], k["trial"] >= 0, "no longer finite" in k["error"]) for k in d["history"][1]["skipped"]]')" \
  = "[(0, True, True), (3, True, True)]"
check "no NaN or inf in its results" no_nan "$work/mskip/meta_metrics.csv" "$work/mskip/theta.csv"
check "the same with 1 thread" bash -c "
  '$neohebb' run '$work/meta.toml' --out '$work/mskip1' --set meta.on_divergence=skip --threads 1 -q >/dev/null &&
  cmp -s '$work/mskip/meta_metrics.csv' '$work/mskip1/meta_metrics.csv' &&
  cmp -s '$work/mskip/checkpoint.json' '$work/mskip1/checkpoint.json'"
check "meta worst (the default): the run completes" expect_exit 0 "$neohebb" run "$work/meta.toml" \
  --out "$work/mworst" --threads 2
check "saying which lifetimes it counted with the worst reward" grep -qE \
  "^meta-step 2: lifetime [0-9] diverged and is counted with the worst reward from there on: trial" "$work/err"
check "meta_metrics.csv counts them" test "$(cut -d, -f9 "$work/mworst/meta_metrics.csv" | tr '\n' ' ')" = "skipped_lifetimes 0 2 "
check "its objective is below the one that leaves them out" python3 -c "
import csv, sys
worst, skip = (list(csv.DictReader(open(f)))[1] for f in sys.argv[1:])
sys.exit(0 if float(worst['objective']) < float(skip['objective']) - 0.1 else 1)" \
  "$work/mworst/meta_metrics.csv" "$work/mskip/meta_metrics.csv"
check "[experiment] on_divergence is refused in a meta-learning experiment" expect_exit 1 \
  "$neohebb" validate "$work/meta.toml" --set experiment.on_divergence=skip
check "pointing at [meta] on_divergence" grep -q "with \[meta\] steps > 0 set \[meta\] on_divergence" "$work/err"

echo "$failures failure(s)"
[ "$failures" = 0 ]
