#!/usr/bin/env bash
# `neohebb analyze` from the command line, and the Python blocks of docs/results-in-python.md run
# on its output with the package in python/ (skipped when /usr/bin/python3 has no numpy, pandas
# or, for the figures, matplotlib: scripts/bootstrap.sh installs them).
set -uo pipefail
neohebb=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cp "$(dirname "$0")/tiny_analysed_dnms.toml" "$work/tiny.toml"

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

if ! /usr/bin/python3 -c "import numpy, pandas" 2>/dev/null; then
  echo "skipped: /usr/bin/python3 has no numpy or pandas"
  exit 0
fi
export PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1
"$neohebb" analyze "$work/run" --only fixed_points,jacobian_spectrum,trajectory_pca -q >"$work/out" 2>&1 ||
  { cat "$work/out"; fail "analyze for the python blocks"; }
# The n-th python block of the page, with RUN replaced by the run directory.
block() {
  local code
  code=$(awk -v n="$1" '/^```python/{k++; if (k == n) {inside=1; next}} /^```/{if (inside) exit} inside' \
    "$root/docs/results-in-python.md")
  printf '%s\n' "${code//RUN/$work/run}"
}
[ "$(block 1 | wc -l)" = 4 ] || fail "the first python block of docs/results-in-python.md is not four lines"
/usr/bin/python3 - >"$work/out" 2>&1 <<PY || { cat "$work/out"; fail "the first block of docs/results-in-python.md"; }
$(block 1)
import numpy as np
assert points.ndim == 2 and points.shape[1] == 10, points.shape
assert eig.dtype == np.complex128 and eig.shape == points.shape, (eig.dtype, eig.shape)
assert r.analysis[0]["fixed_points"]["stable"].shape == (points.shape[0],)
assert theta.loc["r^3", "d^3"] == theta.values[0, 0] and theta.shape == (1, 1), theta
assert len(curve) == 2 * 5 and r.conditions == ["AA", "AB", "BA", "BB"], r.conditions
assert r.analysis_summary["lifetimes"]["lifetime_000"]["fixed_points"]["fixed_points"] >= 0
print("ok")
PY
echo "ok: the four lines of docs/results-in-python.md load the results"

# The "before" block, with the line count the page gives it.
[ "$(block 2 | wc -l)" = 7 ] || fail "the 'before' block of docs/results-in-python.md is not seven lines"
echo "ok: the 'before' block is seven lines"

if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  (cd "$work" && MPLBACKEND=Agg /usr/bin/python3 - >"$work/out" 2>&1 <<PY) || { cat "$work/out"; fail "the worked example"; }
$(block 4)
PY
  [ -s "$work/learning_curve.png" ] && [ -s "$work/theta.png" ] || fail "the worked example drew no figures"
  echo "ok: the worked example of docs/results-in-python.md draws the learning curve and theta"
else
  echo "skipped: the worked example (no matplotlib)"
fi
/usr/bin/python3 - >"$work/out" 2>&1 <<PY || { cat "$work/out"; fail "the last block of docs/results-in-python.md"; }
import neohebb; r = neohebb.load("$work/run")
$(block 5)
assert set(curve.condition_name) <= {"AA", "AB", "BA", "BB"}
assert xy.shape[1] == 2 and stable_points.shape[1] == 10
PY
echo "ok: the last block of docs/results-in-python.md runs"
/usr/bin/python3 -c "import json, sys; assert json.load(open(sys.argv[1]))['conditions'] == ['AA', 'AB', 'BA', 'BB']" \
  "$work/run/summary.json" || fail "summary.json names the conditions of learning_curve.csv"
echo "ok: summary.json names the conditions of learning_curve.csv"
