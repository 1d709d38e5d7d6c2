#!/usr/bin/env bash
# Plots that fail or are interrupted after the results are written: PLplot ending the process
# (as it does when memory runs out) is a warning for `run` and an error for `plot`, a Ctrl-C
# while drawing says that the results are complete, and `plot` refuses a folder that is no run.
#
#   test_plot_failures.sh NEOHEBB_BINARY PLPLOT_FAULT_LIBRARY
set -uo pipefail
neohebb=$1
fault=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/../../tests/cli/lib.sh"  # check, expect_exit
# The library is preloaded into a sanitized build too.
injected() { env ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$fault" "$@"; }
grep_or_show() {  # grep_or_show PATTERN FILE
  grep -q "$1" "$2" || { echo "  no '$1' in:"; cat "$2"; return 1; }
}
results_intact() {  # results_intact DIR: every result file there, no temporary file
  local d=$1
  [ -s "$d/learning_curve.csv" ] && [ -s "$d/summary.json" ] && [ -s "$d/run.json" ] &&
    [ -s "$d/experiment.toml" ] && [ ! -e "$d.partial" ] && [ -z "$(find "$d" -name '*.tmp*')" ]
}

# The command-line tests' tiny DNMS experiment, two short lifetimes.
tiny_dnms=$(cd "$(dirname "$0")/../../tests/cli" && pwd)/tiny_dnms.toml
cat >"$work/tiny.toml" <<TOML
base = "$tiny_dnms"
[experiment]
lifetimes = 2
trials = 20
TOML

# PLplot's immediate exit, in the first figure: the run is complete all the same.
check "a run whose PLplot exits still succeeds" \
  expect_exit 0 injected NEOHEBB_PLPLOT_FAULT=exit "$neohebb" run "$work/tiny.toml" --out "$work/run" -q
check "with a warning naming the figure and PLplot's message" grep -q \
  "^warning: plot learning_curve: PLplot stopped: Out of memory (injected by the test) (the results are unaffected)$" \
  "$work/err"
check "and one for the figure not drawn after it" grep -q \
  "^warning: plot theta: not drawn, as learning_curve failed (the results are unaffected)$" "$work/err"
check "PLplot's own exit message is not shown" bash -c "! grep -q 'IMMEDIATE EXIT' '$work/err'"
check "the results are intact" results_intact "$work/run"
check "the summary was printed" grep -q "^run directory: $work/run$" "$work/out"

check "plot with PLplot exiting is an error" \
  expect_exit 1 injected NEOHEBB_PLPLOT_FAULT=exit "$neohebb" plot "$work/run"
check "naming the figure" grep -q "^error: plot learning_curve: PLplot stopped: Out of memory" "$work/err"
check "plot draws them without the fault" expect_exit 0 "$neohebb" plot "$work/run"
check "all of them" test -s "$work/run/plots/learning_curve.png" -a -s "$work/run/plots/theta.svg"

# The same for real: too little memory for cairo and pango (they crash or abort), enough for the
# run. Address space cannot be limited under AddressSanitizer, which reserves terabytes of it.
if ! ldd "$neohebb" | grep -q libasan; then
  low_memory() { (ulimit -v 60000 && exec "$@"); }
  check "a run with too little memory for its plots still succeeds" \
    expect_exit 0 low_memory "$neohebb" run "$work/tiny.toml" --out "$work/low" -q
  check "its results are intact" results_intact "$work/low"
  check "and a plot that failed is a warning" grep -q "^warning: plot .*(the results are unaffected)$" "$work/err"
fi

# Ctrl-C while PLplot draws: the run's results are complete, and it says where.
interrupt_while_drawing() {  # interrupt_while_drawing COMMAND...: sets $status
  rm -f "$work/drawing"
  (exec env ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$fault" NEOHEBB_PLPLOT_FAULT=hang \
    NEOHEBB_PLPLOT_FAULT_MARK="$work/drawing" "$@" >"$work/out" 2>"$work/err") &
  local pid=$! waited=0
  while [ ! -e "$work/drawing" ] && [ $waited -lt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -INT "$pid"
  waited=0  # a host that ignores the Ctrl-C fails the test rather than hanging it
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid"
  status=$?
}
interrupt_while_drawing "$neohebb" run "$work/tiny.toml" --out "$work/run2" -q
check "Ctrl-C while drawing: exit 130" test "$status" = 130
check "saying that the results are complete, and where" grep -q \
  "^interrupted while drawing the plots; the results are complete in $work/run2 (draw the plots with \`neohebb plot $work/run2\`)$" \
  "$work/err"
check "the results are intact" results_intact "$work/run2"
check "and the drawing process is gone" bash -c "! kill -0 $(cat "$work/drawing") 2>/dev/null"

interrupt_while_drawing "$neohebb" plot "$work/run2"
check "Ctrl-C during plot: exit 130" test "$status" = 130
check "saying what was interrupted" grep_or_show \
  "^error: interrupted while drawing the plots of $work/run2; the figures finished before it are in $work/run2/plots$" \
  "$work/err"

# A folder that is no run directory.
mkdir "$work/not a run"
echo "hello" >"$work/not a run/notes.txt"
check "plot of a folder that is not a run exits 1" expect_exit 1 "$neohebb" plot "$work/not a run"
check "naming the folder and what is missing" grep -q \
  "^error: $work/not a run: not a run directory (no experiment.toml, and none of the files a figure is drawn from" \
  "$work/err"
check "leaving it as it was" test "$(ls -A "$work/not a run")" = notes.txt

echo "$failures failure(s)"
[ "$failures" = 0 ]
