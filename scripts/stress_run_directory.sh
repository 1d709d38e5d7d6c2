#!/usr/bin/env bash
# Two neohebb processes racing on the same run directory, ROUNDS times for each of three kinds:
#
#   scripts/stress_run_directory.sh NEOHEBB_BINARY [ROUNDS]     (ROUNDS default 20)
#
#   run/run        two `neohebb run EXP --out DIR` started together;
#   resume/resume  a run interrupted partway (SIGINT in odd rounds, SIGKILL in even ones), then
#                  two `neohebb run --resume DIR.partial` started together;
#   run/resume     `neohebb run --resume DIR.partial` started while the original run is still
#                  alive, once it has written a checkpoint.
#
# The experiment is a short meta-learning run (tests/cli/tiny_dnms.toml with [meta] steps =
# STRESS_STEPS, default 150: about 1 s on one thread of an idle machine; each process gets
# --threads 1). One uninterrupted run of it is the reference. A round passes when, after both
# processes ended:
#   - exactly one complete run directory DIR exists and no DIR.partial, holding the reference's
#     files (none missing, none extra, no temporary file) with every one byte-identical to the
#     reference's but run.json (times, command line), plots/ and hidden files (a lock file);
#   - at most one process succeeded (exit 0), and every other one was refused with a message
#     that names the holder's pid ("pid N", N the pid of the process that held the directory),
#     or, having come after the run was complete, says that the run is complete or exists.
#   A round that ends with only DIR.partial passes if nothing was lost: every process was
#   refused as above and `neohebb run --resume DIR.partial` then completes it as above.
# Anything else is a failure: two processes that both succeeded, a process that failed with
# another message (or crashed; a refusal that names "pid ?" or the pid of the killed run is not
# one naming the holder), missing, extra or different files.
#
# Output: one line per round ("ok" or "FAIL", the kind, each process's exit status and, for a
# refused one, the first line of its message), then a summary per kind: rounds, complete (rounds
# that ended with one complete, identical run directory), refused (rounds in which one process
# was refused cleanly), failures. The exit status is 0 when no round failed. The interruption
# moments are drawn with bash's RANDOM seeded with STRESS_SEED (default 7), so they repeat.
set -uo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 NEOHEBB_BINARY [ROUNDS]" >&2
  exit 2
fi
neohebb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rounds=${2:-20}
steps=${STRESS_STEPS:-150}
[ -x "$neohebb" ] || { echo "not an executable: $1" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

cat >"$work/meta.toml" <<TOML
base = "$root/tests/cli/tiny_dnms.toml"
[experiment]
trials = 40
[meta]
steps = $steps
batch = 2
learning_rate = 0.003
[network]
size = 6
TOML

# Results compared with the reference: every file but run.json, plots/ and hidden files.
files_of() { (cd "$1" && find . -type f -not -path './plots/*' -not -name '.*' | sort); }

# Empty when DIR holds exactly the reference's files, each identical; else what differs.
compare_with_reference() {  # compare_with_reference DIR
  local dir=$1 f differ=()
  if [ "$(files_of "$work/reference")" != "$(files_of "$dir")" ]; then
    local missing extra
    missing=$(comm -23 <(files_of "$work/reference") <(files_of "$dir") | tr '\n' ' ')
    extra=$(comm -13 <(files_of "$work/reference") <(files_of "$dir") | tr '\n' ' ')
    echo "files missing: ${missing:-none}, extra: ${extra:-none}"
    return
  fi
  while read -r f; do
    case $f in ./run.json | ./meta_timing.csv) continue ;; esac  # times
    cmp -s "$work/reference/$f" "$dir/$f" || differ+=("${f#./}")
  done < <(files_of "$dir")
  [ ${#differ[@]} -eq 0 ] || echo "differs from the reference: ${differ[*]}"
}

# Meta-steps done in OUT.partial (rows of its meta_metrics.csv, written before each checkpoint).
steps_done() {  # steps_done OUT
  local rows
  rows=$(wc -l 2>/dev/null <"$1.partial/meta_metrics.csv") || rows=1
  echo $((${rows:-1} > 0 ? ${rows:-1} - 1 : 0))
}

# Waits (at most 60 s) until the run PID has done STEP meta-steps in OUT.partial, or has ended.
wait_for_step() {  # wait_for_step PID OUT STEP
  for _ in $(seq 30000); do
    kill -0 "$1" 2>/dev/null || return
    [ "$(steps_done "$2")" -ge "$3" ] && return
    sleep 0.002
  done
}

echo "reference: an uninterrupted run of $steps meta-steps"
start=$(date +%s%N)
"$neohebb" run "$work/meta.toml" --out "$work/reference" --threads 1 -q >"$work/reference.log" 2>&1 ||
  { echo "FAIL: the reference run failed"; cat "$work/reference.log"; exit 1; }
echo "reference: $((($(date +%s%N) - start) / 1000000)) ms"

declare -A total complete refused failures
# A refusal of a process that came after the run was complete: nothing left to race for.
late='this run is complete|run directory exists already|completed by another process'
RANDOM=${STRESS_SEED:-7}

# Judges the round of KIND on OUT whose processes were PID_A (log a) and PID_B (log b), with
# exit statuses in $status_a and $status_b; prints its line and counts it.
judge() {  # judge KIND OUT
  local kind=$1 out=$2 problems=() notes=() ok_count=0 clean_refusals=0 p pid other status log
  for p in a b; do
    if [ "$p" = a ]; then pid=$pid_a other=$pid_b status=$status_a
    else pid=$pid_b other=$pid_a status=$status_b; fi
    log=$work/log_$p
    if [ "$status" = 0 ]; then
      ok_count=$((ok_count + 1))
      notes+=("$p: exit 0")
    elif grep -q "pid $other\b" "$log"; then
      clean_refusals=$((clean_refusals + 1))
      notes+=("$p: refused ($(grep -m1 "pid $other" "$log" | cut -c1-140))")
    elif grep -qE "$late" "$log"; then
      clean_refusals=$((clean_refusals + 1))
      notes+=("$p: refused late ($(grep -m1 -E "$late" "$log" | cut -c1-120))")
    else
      problems+=("$p (pid $pid) exit $status: $(grep -v '^\s*$' "$log" | head -2 | tr '\n' ' ' |
                 cut -c1-200)")
    fi
  done
  [ "$ok_count" -le 1 ] || problems+=("both processes succeeded")
  if [ -d "$out.partial" ] && [ ! -d "$out" ] && [ ${#problems[@]} -eq 0 ]; then
    # Nothing may be lost: what is left must still resume to the reference.
    if "$neohebb" run --resume "$out.partial" --threads 1 -q >"$work/log_after" 2>&1; then
      notes+=("left DIR.partial, resumed afterwards")
    else
      problems+=("left $out.partial, which does not resume: $(head -1 "$work/log_after")")
    fi
  fi
  if [ -d "$out.partial" ]; then
    problems+=("a .partial directory is left beside the run")
  elif [ ! -d "$out" ]; then
    problems+=("no run directory")
  else
    local d
    d=$(compare_with_reference "$out")
    [ -z "$d" ] || problems+=("$d")
  fi
  total[$kind]=$((${total[$kind]:-0} + 1))
  if [ ${#problems[@]} -eq 0 ]; then
    complete[$kind]=$((${complete[$kind]:-0} + 1))
    [ "$clean_refusals" -gt 0 ] && refused[$kind]=$((${refused[$kind]:-0} + 1))
    echo "ok   $kind: $setup${notes[*]}"
  else
    failures[$kind]=$((${failures[$kind]:-0} + 1))
    local IFS=';'
    echo "FAIL $kind: $setup${problems[*]} [${notes[*]}]"
  fi
}

# Starts `neohebb ARGS...` in the background with its output in log_P; sets $started (its pid).
start() {  # start P ARGS...
  local p=$1
  shift
  "$neohebb" "$@" --threads 1 -q >"$work/log_$p" 2>&1 &
  started=$!
}

# An interrupted run in OUT.partial: started, then SIGNAL once a checkpoint of a drawn meta-step
# (in the first half) is written. Returns non-zero if the run ended before it could be stopped.
interrupted_run() {  # interrupted_run OUT SIGNAL
  local target=$((1 + RANDOM % (steps / 2)))
  start x run "$work/meta.toml" --out "$1"
  local pid=$started
  wait_for_step "$pid" "$1" "$target"
  kill -"$2" "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  setup="SIG$2 to pid $pid after meta-step $(steps_done "$1"), "
  [ -d "$1.partial" ] && [ ! -d "$1" ]
}

for kind in run/run resume/resume run/resume; do
  for i in $(seq "$rounds"); do
    out="$work/${kind//\//_}_$i"
    setup=""
    case $kind in
      run/run)
        start a run "$work/meta.toml" --out "$out" && pid_a=$started
        start b run "$work/meta.toml" --out "$out" && pid_b=$started
        ;;
      resume/resume)
        signal=$([ $((i % 2)) = 1 ] && echo INT || echo KILL)
        interrupted_run "$out" "$signal" ||
          { echo "FAIL $kind: the run ended before SIG$signal could interrupt it"
            total[$kind]=$((${total[$kind]:-0} + 1)) failures[$kind]=$((${failures[$kind]:-0} + 1))
            continue; }
        start a run --resume "$out.partial" && pid_a=$started
        start b run --resume "$out.partial" && pid_b=$started
        ;;
      run/resume)
        start a run "$work/meta.toml" --out "$out" && pid_a=$started
        wait_for_step "$pid_a" "$out" $((1 + RANDOM % (steps / 2)))
        setup="b started after meta-step $(steps_done "$out") of a, "
        start b run --resume "$out.partial" && pid_b=$started
        ;;
    esac
    wait "$pid_a"
    status_a=$?
    wait "$pid_b"
    status_b=$?
    judge "$kind" "$out"
    rm -rf "$out" "$out.partial"
  done
done

echo
printf '%-14s %7s %9s %8s %9s\n' kind rounds complete refused failures
failed=0
for kind in run/run resume/resume run/resume; do
  printf '%-14s %7d %9d %8d %9d\n' "$kind" "${total[$kind]:-0}" "${complete[$kind]:-0}" \
    "${refused[$kind]:-0}" "${failures[$kind]:-0}"
  failed=$((failed + ${failures[$kind]:-0}))
done
[ "$failed" = 0 ]
