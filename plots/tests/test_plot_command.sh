#!/usr/bin/env bash
# `neohebb plot RUN_DIR` and the plots that `run` and `check-gradients` draw at their end, on a
# small run of each kind: PNG and SVG files, skips with reasons, and an unwritable plots folder
# that is an error for `plot` and a warning for `run`, losing nothing either way.
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/../../tests/cli/lib.sh"  # check, expect_exit
png() {  # png FILE: the PNG signature and more than a few kB
  [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && [ "$(stat -c %s "$1")" -gt 5000 ]
}
svg() { grep -q '<svg' "$1" && grep -q '</svg>' "$1" && [ "$(stat -c %s "$1")" -gt 5000 ]; }

cat >"$work/tiny.toml" <<'TOML'
[experiment]
lifetimes = 2
trials = 40
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
sed -e 's/lifetimes = 2/lifetimes = 1/' -e 's/trials = 40/trials = 8\n[meta]\nsteps = 3\nbatch = 2/' \
    -e 's/type = "miconi_cubic"/type = "monomial"\ndegree = 2/' "$work/tiny.toml" >"$work/meta.toml"

check "run draws its plots" expect_exit 0 "$neohebb" run "$work/tiny.toml" --out "$work/run" -q
check "and says where" grep -q "^plots: 4 files in $work/run/plots$" "$work/out"
for f in learning_curve theta; do
  check "run wrote $f.png" png "$work/run/plots/$f.png"
  check "run wrote $f.svg" svg "$work/run/plots/$f.svg"
done

rm -r "$work/run/plots"
check "plot redraws them" expect_exit 0 "$neohebb" plot "$work/run"
check "plot names the files" grep -q "learning_curve.png learning_curve.svg theta.png theta.svg" "$work/out"
check "plot says what it skipped and why" grep -q "^skipped meta_learning_curve: no meta_metrics.csv" "$work/out"
check "redrawn learning_curve.png" png "$work/run/plots/learning_curve.png"

check "a meta-learning run draws its curves" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/meta" -q
for f in meta_learning_curve theta; do
  check "meta run wrote $f.png" png "$work/meta/plots/$f.png"
  check "meta run wrote $f.svg" svg "$work/meta/plots/$f.svg"
done

check "check-gradients draws its scatter" expect_exit 0 "$neohebb" check-gradients "$work/meta.toml" --out "$work/grad" --trials 4
check "gradient_check.png" png "$work/grad/plots/gradient_check.png"
check "gradient_check.svg" svg "$work/grad/plots/gradient_check.svg"

rm -r "$work/run/plots"
echo "in the way" >"$work/run/plots"
cp "$work/run/learning_curve.csv" "$work/curve.csv"
check "plot into an unwritable plots folder exits 1" expect_exit 1 "$neohebb" plot "$work/run"
check "with a clear error" grep -q "^error: $work/run/plots: cannot create the plots folder" "$work/err"
check "losing nothing" cmp -s "$work/run/learning_curve.csv" "$work/curve.csv"
# PLplot draws into a temporary folder first: without one, the run still succeeds.
check "a run whose plots fail still succeeds" \
  expect_exit 0 env TMPDIR="$work/nosuch_tmp" "$neohebb" run "$work/tiny.toml" --out "$work/run2" -q
check "with a warning" grep -q "^warning: no plots drawn: .*the results are unaffected" "$work/err"
check "and its results" test -s "$work/run2/learning_curve.csv" -a -s "$work/run2/run.json"
check "plot of a missing directory is misuse" expect_exit 2 "$neohebb" plot "$work/nosuch"

echo "$failures failure(s)"
[ "$failures" = 0 ]
