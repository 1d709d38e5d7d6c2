#!/usr/bin/env bash
# The held-out comparison scripts (docs/meta-learning.md, "Held-out comparison"): Miconi's
# complete rule runs with his hard clip whatever the clip shape of the meta-learning experiment,
# the rows of several runs of meta_vs_miconi.py on one seed are merged, and pool_held_out.py
# pools them.
#
#   test_held_out_scripts.sh NEOHEBB_BINARY
#
# Exits 77 (skipped) when /usr/bin/python3 lacks NumPy, which scripts/bootstrap.sh installs.
set -uo pipefail
neohebb=$1
python=/usr/bin/python3
if ! "$python" -c "import numpy" 2>/dev/null; then
  echo "skipped: $python has no numpy (scripts/bootstrap.sh installs it)"
  exit 77
fi
scripts=$(cd "$(dirname "$0")/../../scripts" && pwd)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
source "$(dirname "$0")/lib.sh"

# A meta-learning run with a smooth clip, its updates large enough (eta 20) that the clip acts.
cat >"$work/meta.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 20
[meta]
steps = 1
batch = 2
learning_rate = 0.003
[trace]
degree = 3
coefficients = [0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, -0.1]
[rule]
eta = 20.0
clip = 1e-3
clip_shape = "smooth"
TOML
check "a meta-learning run with a smooth clip" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/run" -q
compare=("$scripts/meta_vs_miconi.py" "$work/run" --lifetimes 2 --trials 150 --seed 5 --threads 2
         --neohebb "$neohebb")

check "--print-commands" expect_exit 0 "$python" "${compare[@]}" --print-commands
complete=$(grep '^miconi+: ' "$work/out")
for set in 'rule.clip=3e-4' "'rule.clip_shape=\"hard\"'" "'rule.modulation=\"baseline_magnitude\"'" \
           'rule.warmup_trials=101' 'eligibility.tau_e=inf' "'rule.baseline=\"per_condition\"'" \
           'rule.baseline_tau=4.0' 'rule.modulation_power=1.0'; do
  check "  Miconi's complete rule sets $set" grep -qF -- "--set $set" <<<"$complete"
done
trace_alone=$(grep '^miconi: ' "$work/out")
check "  Miconi's trace alone has a command" test -n "$trace_alone"
check "  which keeps the run's clip shape" bash -c '! grep -q clip_shape <<<"$1"' _ "$trace_alone"
check "  and nothing was run" test ! -e "$work/run/comparison"

# The row of Miconi's complete rule is that of a plain run with his hard clip, not the smooth one.
check "Miconi's complete rule on 2 networks" expect_exit 0 "$python" "${compare[@]}" --rules miconi+
mean_rewards() {  # mean_rewards RUN_DIR: each lifetime's mean reward, as the script computes it
  "$python" - "$1/learning_curve.csv" <<'PY'
import csv, sys
from collections import defaultdict
import numpy as np
rewards = defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])):
    rewards[int(r["lifetime"])].append(float(r["reward"]))
print(" ".join(repr(float(np.mean(v))) for _, v in sorted(rewards.items())))
PY
}
from_script=$("$python" -c '
import csv, sys
print(" ".join(repr(float(r["mean_reward"])) for r in csv.DictReader(open(sys.argv[1]))
               if r["rule"] == "miconi+"))' "$work/run/comparison/criterion_seed5.csv")
direct=(run "$work/run/experiment.toml" -q --set meta.steps=0 --set experiment.seed=5
        --set experiment.lifetimes=2 --set experiment.trials=150
        --set 'trace.coefficients=[0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, -1.0]'
        --set eligibility.tau_e=inf --set rule.clip=3e-4 --set 'rule.modulation="baseline_magnitude"'
        --set rule.warmup_trials=101)
"$neohebb" "${direct[@]}" --set 'rule.clip_shape="hard"' --out "$work/hard" >/dev/null 2>&1
"$neohebb" "${direct[@]}" --set 'rule.clip_shape="smooth"' --out "$work/smooth" >/dev/null 2>&1
check "  its mean rewards are those of the hard clip ($from_script)" \
  test "$from_script" = "$(mean_rewards "$work/hard")"
check "  which the smooth clip does not give" test "$from_script" != "$(mean_rewards "$work/smooth")"

# A rule whose own parameters were meta-learned ([meta] learn_rule) is compared with them, from
# learned_trace.toml of a finished run or, before it ends, from the checkpoint; Miconi's
# complete rule keeps his.
cat >"$work/learn_rule.toml" <<TOML
base = "$work/meta.toml"
[meta]
learn_rule = "modulation_power, clip"
log_learning_rate = 0.05
[rule]
modulation = "baseline_magnitude"
modulation_power = 1.5
TOML
check "a run that learns the rule's clip and modulation power" expect_exit 0 "$neohebb" run \
  "$work/learn_rule.toml" --out "$work/learn_rule" -q
learned_clip=$(sed -n 's/^clip = //p' "$work/learn_rule/learned_trace.toml")
learned_power=$(sed -n 's/^modulation_power = //p' "$work/learn_rule/learned_trace.toml")
check "  both moved (clip $learned_clip, power $learned_power)" \
  bash -c '[ -n "$1" ] && [ "$1" != 0.001 ] && [ -n "$2" ] && [ "$2" != 1.5 ]' _ "$learned_clip" "$learned_power"
check "  --print-commands" expect_exit 0 "$python" "$scripts/meta_vs_miconi.py" "$work/learn_rule" \
  --rules meta,miconi+ --print-commands --neohebb "$neohebb"
meta_line=$(grep '^meta: ' "$work/out")
check "  the learned rule uses its clip" grep -qE -- "--set rule.clip=$learned_clip( |$)" <<<"$meta_line"
check "  and its power" grep -qF -- "--set rule.modulation_power=$learned_power" <<<"$meta_line"
check "  Miconi's complete rule his power" grep -qF -- "--set rule.modulation_power=1.0" \
  <<<"$(grep '^miconi+: ' "$work/out")"
rm "$work/learn_rule/learned_trace.toml"
check "  from the checkpoint alone" expect_exit 0 "$python" "$scripts/meta_vs_miconi.py" \
  "$work/learn_rule" --rules meta --print-commands --neohebb "$neohebb"
check "  the same two settings, in learn_rule's order" bash -c 'grep -q -- "--set rule.modulation_power=1\.[0-9]* --set rule.clip=0\.00[0-9]*" <<<"$1"' _ "$(cat "$work/out")"

# Another rule on the same seed joins the file; pool_held_out.py pairs the two.
check "the learned rule on the same networks" expect_exit 0 "$python" "${compare[@]}" --rules meta
check "  both rules' rows kept" test "$(grep -c '^miconi+,\|^meta,' "$work/run/comparison/criterion_seed5.csv")" = 4
check "pooled" expect_exit 0 "$python" "$scripts/pool_held_out.py" "$work/run"
check "  over the 2 networks" grep -q 'pooled over 2 networks' "$work/out"

echo "$failures failure(s)"
[ "$failures" = 0 ]
