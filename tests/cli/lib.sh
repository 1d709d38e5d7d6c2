# What the command-line test scripts share; sourced by each. The caller sets `work` (a scratch
# folder) and `failures=0`, and ends with: echo "$failures failure(s)"; [ "$failures" = 0 ]

check() {  # check WHAT COMMAND...: one ok/FAIL line; a failure is counted
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

expect_exit() {  # expect_exit CODE COMMAND...: its output in $work/out and $work/err
  local want=$1
  shift
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  [ "$got" = "$want" ] || { echo "  exit $got, wanted $want: $*"; cat "$work/out" "$work/err"; return 1; }
}
