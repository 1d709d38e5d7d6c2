#!/usr/bin/env bash
# `neohebb analyze` from the command line, and the two lines of docs/results-in-python.md run on
# its output with NumPy (skipped when /usr/bin/python3 has no numpy).
set -uo pipefail
neohebb=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

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
[analysis]
run = ["fixed_points"]
test_trials = 2
[analysis.fixed_points]
starts = 10
TOML

"$neohebb" run "$work/tiny.toml" --out "$work/run" -q >"$work/out" 2>&1 || { cat "$work/out"; fail "run"; }
[ -f "$work/run/analysis/lifetime_001/fixed_points/points.npy" ] || fail "run wrote no analysis"
echo "ok: run with [analysis] writes the analyses"

"$neohebb" analyze "$work/run" --only trajectory_pca,non_normality -q >"$work/out" 2>&1 ||
  { cat "$work/out"; fail "analyze --only"; }
grep -q "lifetime_000: .* fixed points" "$work/out" || { cat "$work/out"; fail "analyze summary"; }
[ -f "$work/run/analysis/lifetime_000/non_normality/henrici.npy" ] || fail "analyze --only"
[ -f "$work/run/analysis/lifetime_000/trajectory_pca/fixed_points.npy" ] || fail "projected fixed points"
echo "ok: analyze --only replaces the analysis with the named ones and what they need"

"$neohebb" analyze "$work/run" --only fixed_pionts >"$work/out" 2>&1
[ $? = 1 ] && grep -q "did you mean 'fixed_points'" "$work/out" || { cat "$work/out"; fail "unknown analysis"; }
[ -f "$work/run/analysis/lifetime_000/non_normality/henrici.npy" ] || fail "a failed analyze kept the old results"
echo "ok: an unknown analysis exits 1 with a suggestion and keeps the old results"

if ! /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 has no numpy"
  exit 0
fi
# The first python block of the page, with RUN replaced by the run directory.
code=$(awk '/^```python/{inside=1; next} /^```/{if (inside) exit} inside' "$root/docs/results-in-python.md")
[ "$(printf '%s\n' "$code" | wc -l)" = 2 ] || fail "the first python block of docs/results-in-python.md is not two lines"
code=${code//RUN/$work/run}
/usr/bin/python3 - >"$work/out" 2>&1 <<PY || { cat "$work/out"; fail "the two lines of docs/results-in-python.md"; }
$code
assert points.ndim == 2 and points.shape[1] == 10, points.shape
assert stable.shape == (points.shape[0], 1), stable.shape
assert summary["conditions"] == ["AA", "AB", "BA", "BB"], summary["conditions"]
assert summary["lifetimes"]["lifetime_000"]["fixed_points"]["fixed_points"] >= 0
print("ok")
PY
echo "ok: the two lines of docs/results-in-python.md load the results"
/usr/bin/python3 -c "import json, sys; assert json.load(open(sys.argv[1]))['conditions'] == ['AA', 'AB', 'BA', 'BB']" \
  "$work/run/summary.json" || fail "summary.json names the conditions of learning_curve.csv"
echo "ok: summary.json names the conditions of learning_curve.csv"
