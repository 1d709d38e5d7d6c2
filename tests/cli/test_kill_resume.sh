#!/usr/bin/env bash
# Crash safety of a meta-learning run: SIGKILL at random moments, then `neohebb run --resume`,
# must end with files bit-identical to an uninterrupted run.
#
#   test_kill_resume.sh NEOHEBB_BINARY [KILLS] [SEED]
#
# One uninterrupted run is the reference. Then KILLS (default 10) runs are each killed with
# SIGKILL at a random moment: in a meta-step drawn uniformly, after a delay drawn uniformly from
# the reference's mean meta-step duration (bash's RANDOM seeded with SEED, default 6, so the
# moments repeat whatever the machine's load), and
# resumed from DIR.partial until complete. Every file of the final run directory must equal the
# reference byte for byte, and the directory must hold exactly the reference's results (no
# temporary file left behind); run.json and meta_timing.csv (times, command line) and the plots (images drawn
# from the results after the run is complete; `neohebb plot DIR` redraws them) are not compared.
set -uo pipefail
neohebb=$1 kills=${2:-10} seed=${3:-6}
work=$(mktemp -d)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml  # the experiment the tests start from
trap 'rm -rf "$work"' EXIT

cat >"$work/meta.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 40
[meta]
steps = 24
batch = 2
learning_rate = 0.003
[network]
size = 6
TOML

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Starts a run in the background and waits for its partial directory; sets $pid and $start.
start_run() {  # start_run OUT
  "$neohebb" run "$work/meta.toml" --out "$1" --threads 2 -q >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 2000); do
    [ -d "$1.partial" ] || [ -d "$1" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.005
  done
  start=$(now_ms)
}

files_of() { (cd "$1" && find . -type f -not -path './plots/*' | sort); }

start_run "$work/reference"
while [ ! -d "$work/reference" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.005; done
duration=$(($(now_ms) - start))
wait "$pid" || { echo "FAIL: the uninterrupted run failed"; cat "$work/log"; exit 1; }
echo "uninterrupted run: complete $duration ms after its partial directory appeared"
steps=$(($(wc -l <"$work/reference/meta_metrics.csv") - 1))
step_ms=$((duration / steps > 0 ? duration / steps : 1))
[ -d "$work/reference" ] || { echo "FAIL: no reference run directory"; exit 1; }

RANDOM=$seed
passed=0
for i in $(seq "$kills"); do
  out="$work/run$i"
  # A random meta-step, then a random moment inside it: spread over the run whatever the load.
  target=$((RANDOM % steps)) delay=$((RANDOM % step_ms))
  start_run "$out"
  while [ "$(($( (wc -l <"$out.partial/meta_metrics.csv") 2>/dev/null || echo 1) - 1))" -lt "$target" ] &&
        kill -0 "$pid" 2>/dev/null; do sleep 0.002; done
  sleep "$(printf '0.%03d' "$delay")"
  kill -KILL "$pid" 2>/dev/null
  moment="meta-step $((target + 1)) + $delay ms"
  wait "$pid" 2>/dev/null
  status=$?
  if [ -d "$out" ]; then
    where="after its run directory was complete (exit $status)"
  else
    step=$(sed -n 's/^ "step": \([0-9]*\),$/\1/p' "$out.partial/checkpoint.json" 2>/dev/null |
           head -1)
    where="at checkpoint meta-step ${step:-none}"
    "$neohebb" run --resume "$out.partial" -q >"$work/resume_log" 2>&1 ||
      { echo "FAIL: kill $i: resume failed"; cat "$work/resume_log"; continue; }
  fi
  differ=()
  while read -r f; do
    case $f in ./run.json | ./meta_timing.csv) continue ;; esac  # times
    cmp -s "$work/reference/$f" "$out/$f" || differ+=("$f")
  done < <(files_of "$work/reference")
  if [ ${#differ[@]} -eq 0 ] && [ "$(files_of "$work/reference")" = "$(files_of "$out")" ]; then
    passed=$((passed + 1))
    echo "ok: kill $i at $moment, $where: bit-identical after resuming"
  else
    echo "FAIL: kill $i at $moment, $where: differs in ${differ[*]:-the list of files}"
    diff <(files_of "$work/reference") <(files_of "$out")
  fi
  rm -rf "$out"
done
echo "$passed/$kills killed runs resumed to bit-identical results (seed $seed)"

# A kill between writing experiment.toml and the first checkpoint leaves only the experiment:
# the resumed run starts from the beginning.
mkdir "$work/early.partial"
cp "$work/reference/experiment.toml" "$work/early.partial/"
touch "$work/early.partial/checkpoint.json.tmp12345"  # a write the kill interrupted
early=ok
"$neohebb" run --resume "$work/early.partial" -q >"$work/log" 2>&1 || early="FAIL (resume failed)"
[ "$(files_of "$work/reference")" = "$(files_of "$work/early")" ] || early="FAIL (other files)"
for f in theta.npy meta_metrics.csv theta.csv checkpoint.json; do
  cmp -s "$work/reference/$f" "$work/early/$f" || early="FAIL ($f differs)"
done
echo "$early: killed before its first checkpoint, resumed from the start"
[ "$passed" = "$kills" ] && [ "$early" = ok ]
