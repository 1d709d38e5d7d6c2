#!/usr/bin/env bash
# MPI ranks (docs/cluster.md): the same results whatever the ranks and threads, a run killed on
# one rank resumed on another number of ranks, a sweep over ranks, rank 0 alone writing.
#
#   test_mpi.sh NEOHEBB_BINARY MPIEXEC
#
# Runs as root here and in CI, where Open MPI's mpirun needs --allow-run-as-root; 3 ranks on a
# 2-core machine need --oversubscribe.
set -uo pipefail
neohebb=$1 mpiexec=$2
work=$(mktemp -d)
tiny_dnms=$(cd "$(dirname "$0")" && pwd)/tiny_dnms.toml
trap 'rm -rf "$work"' EXIT
failures=0
source "$(dirname "$0")/lib.sh"

launch=("$mpiexec" --oversubscribe --bind-to none)
[ "$(id -u)" = 0 ] && launch+=(--allow-run-as-root)
ranks() {  # ranks R COMMAND...: the command on R ranks
  local r=$1
  shift
  "${launch[@]}" -n "$r" "$@"
}

# A meta-learning run with validation and a held-out comparison; batch 5 does not divide into
# 2 or 3 ranks.
cat >"$work/meta.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 40
lifetimes = 3
[meta]
steps = 3
batch = 5
learning_rate = 0.003
validation = 3
evaluate = 3
[network]
size = 6
TOML

rank_of_job() {  # rank_of_job MARK R: the pid of the neohebb process of rank R started with
  local proc comm vars  # NEOHEBB_TEST_JOB=MARK (read from /proc: no procps needed)
  for proc in /proc/[0-9]*; do
    read -r comm <"$proc/comm" 2>/dev/null && [ "$comm" = neohebb ] || continue
    vars=$(tr '\0' '\n' <"$proc/environ" 2>/dev/null) || continue
    grep -qx "NEOHEBB_TEST_JOB=$1" <<<"$vars" && grep -qx "OMPI_COMM_WORLD_RANK=$2" <<<"$vars" &&
      echo "${proc#/proc/}"
  done
}

same_files() {  # same_files A B FILE...
  local a=$1 b=$2
  shift 2
  for f in "$@"; do cmp -s "$a/$f" "$b/$f" || { echo "  $f differs: $a $b"; return 1; }; done
}
results=(theta.csv meta_metrics.csv held_out.csv gradient_snr.csv checkpoint.json)

check "1 rank, 2 threads" expect_exit 0 ranks 1 "$neohebb" run "$work/meta.toml" --out "$work/r1" --threads 2 -q
check "2 ranks, 1 thread each" expect_exit 0 ranks 2 "$neohebb" run "$work/meta.toml" --out "$work/r2" --threads 1 -q
check "3 ranks (oversubscribed), batch 5" expect_exit 0 ranks 3 "$neohebb" run "$work/meta.toml" --out "$work/r3" --threads 1 -q
check "without mpirun" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/r0" --threads 1 -q
check "2 ranks give 1 rank's files" same_files "$work/r1" "$work/r2" "${results[@]}"
check "3 ranks give 1 rank's files" same_files "$work/r1" "$work/r3" "${results[@]}"
check "mpirun -n 1 gives the plain launch's files" same_files "$work/r0" "$work/r1" "${results[@]}"
check "run.json records the ranks" grep -q '"ranks": 3' "$work/r3/run.json"
ranks 2 "$neohebb" run "$work/meta.toml" --out "$work/r2s" --threads 1 >"$work/summary" 2>&1
check "one summary from 2 ranks" test "$(grep -c '^run directory:' "$work/summary")" = 1

# ES (antithetic pairs) and several tasks: their batches are shared out alike.
check "ES, 1 rank" expect_exit 0 "$neohebb" run "$work/meta.toml" --out "$work/es1" \
  --set 'meta.estimator="es"' --set meta.batch=6 --threads 2 -q
check "ES, 3 ranks" expect_exit 0 ranks 3 "$neohebb" run "$work/meta.toml" --out "$work/es3" \
  --set 'meta.estimator="es"' --set meta.batch=6 --threads 1 -q
check "ES: the same files" same_files "$work/es1" "$work/es3" "${results[@]}"
check "REINFORCE in reverse mode, 1 rank" expect_exit 0 "$neohebb" run "$work/meta.toml" \
  --out "$work/rf1" --set 'meta.estimator="reinforce"' --set 'experiment.reward="policy"' \
  --set 'meta.gradient="adjoint"' --threads 2 -q
check "REINFORCE in reverse mode, 3 ranks" expect_exit 0 ranks 3 "$neohebb" run "$work/meta.toml" \
  --out "$work/rf3" --set 'meta.estimator="reinforce"' --set 'experiment.reward="policy"' \
  --set 'meta.gradient="adjoint"' --threads 1 -q
check "REINFORCE: the same files" same_files "$work/rf1" "$work/rf3" "${results[@]}"
cat >"$work/multi.toml" <<TOML
base = "$work/meta.toml"
[meta]
batch = 4
tasks = [{}, { task = { type = "go_nogo", stimulus = 20.0, delay = 20.0, decision = 20.0 } }]
TOML
check "two tasks, 1 rank" expect_exit 0 "$neohebb" run "$work/multi.toml" --out "$work/mt1" --threads 2 -q
check "two tasks, 3 ranks" expect_exit 0 ranks 3 "$neohebb" run "$work/multi.toml" --out "$work/mt3" --threads 1 -q
check "two tasks: the same files" same_files "$work/mt1" "$work/mt3" theta.csv meta_metrics.csv \
  task_scales.csv held_out_task1.csv held_out_go_nogo.csv

# A run without meta-learning: rank 0 receives every lifetime and writes them all.
check "plain run, 2 ranks" expect_exit 0 ranks 2 "$neohebb" run "$work/meta.toml" --set meta.steps=0 \
  --out "$work/p2" --threads 1 -q
check "plain run, 1 rank" expect_exit 0 "$neohebb" run "$work/meta.toml" --set meta.steps=0 \
  --out "$work/p1" --threads 2 -q
check "plain run: the same files" same_files "$work/p1" "$work/p2" learning_curve.csv summary.json \
  networks/lifetime_000/W.npy networks/lifetime_002/W.npy

# Errors: said once, by rank 0, with the exit code of one process.
check "an existing run directory: exit 1" expect_exit 1 ranks 2 "$neohebb" run "$work/meta.toml" --out "$work/r1" -q
check "said once" test "$(grep -c 'the run directory exists already' "$work/err")" = 1
check "a config error: exit 1" expect_exit 1 ranks 2 "$neohebb" run "$work/meta.toml" --set meta.batch=0 -q
check "said once, positioned" test "$(grep -c "^error: --set meta.batch=0:1:12: 'batch'" "$work/err")" = 1

# A rank that fails alone before the run starts (here a bad --set given to rank 1 only, as a
# node without a plugin would): it says why, prefixed with its rank, and the job ends before rank
# 0 makes the run directory.
for kind in "meta-learning run:" "plain run:--set meta.steps=0"; do
  extra=${kind#*:}
  check "${kind%%:*}, rank 1 failing alone: exit 1" expect_exit 1 "${launch[@]}" \
    -n 1 "$neohebb" run "$work/meta.toml" $extra --out "$work/alone" -q : \
    -n 1 "$neohebb" run "$work/meta.toml" $extra --set experiment.trials=-1 --out "$work/alone" -q
  check "  says why, once" test "$(grep -c "^error: rank 1: --set experiment.trials=-1:1:19: 'trials'" "$work/err")" = 1
  check "  no run directory" test ! -e "$work/alone" -a ! -e "$work/alone.partial"
done

# A lifetime that diverges on rank 1 (lifetime 3 of 6 at seed 2): rank 0 stops the run with the
# message one process gives, naming the meta-step, the lifetime and the trial.
diverging=("$(dirname "$0")/diverging_meta.toml" --set 'meta.on_divergence="stop"' --set experiment.seed=2)
expect_exit 1 "$neohebb" run "${diverging[@]}" --out "$work/div1" --threads 2 -q
one=$(grep '^error: meta-step' "$work/err")
check "a divergence on rank 1: exit 1" expect_exit 1 ranks 2 "$neohebb" run "${diverging[@]}" --out "$work/div2" --threads 1 -q
check "said once by rank 0, as by one process ($one)" test "$(grep '^error: meta-step' "$work/err")" = "$one"
check "naming lifetime 3" grep -q '^error: meta-step 2, lifetime 3: trial' "$work/err"

# Kill and resume: a 2-rank run whose rank 1 is killed with SIGKILL during a meta-step stops as
# a job; resumed on 1 rank it ends with the uninterrupted run's files, byte for byte.
cat >"$work/slow.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 80
[meta]
steps = 6
batch = 4
learning_rate = 0.003
evaluate = 2
[network]
size = 80
TOML
check "the uninterrupted run" expect_exit 0 "$neohebb" run "$work/slow.toml" --out "$work/kref" --threads 2 -q
# start_job MARK OUT STEPS LOG [ARG...]: slow.toml on 2 ranks in the background (pid in $job),
# then rank 1's process (pid in $rank1; empty if not found) once STEPS meta-steps are
# checkpointed, so that rank 1 is in the next one.
start_job() {
  local mark=$1 out=$2 steps=$3 log=$4
  shift 4
  NEOHEBB_TEST_JOB=$mark ranks 2 -x NEOHEBB_TEST_JOB "$neohebb" run "$work/slow.toml" "$@" \
    --out "$out" --threads 1 -q >"$log" 2>&1 &
  job=$!
  rank1=""
  for _ in $(seq 3000); do
    [ -n "$rank1" ] || rank1=$(rank_of_job "$mark" 1)
    [ -n "$rank1" ] && [ "$(($( (wc -l <"$out.partial/meta_metrics.csv") 2>/dev/null || echo 1) - 1))" -ge "$steps" ] && break
    kill -0 "$job" 2>/dev/null || break
    sleep 0.01
  done
}
start_job "$work" "$work/killed" 2 "$work/klog"
check "rank 1 found" test -n "$rank1"
[ -n "$rank1" ] && kill -KILL "$rank1"
wait "$job"
status=$?
check "the job stops when a rank dies (exit $status)" test "$status" != 0
step=$(sed -n 's/^ "step": \([0-9]*\),$/\1/p' "$work/killed.partial/checkpoint.json" | head -1)
check "killed mid-run (checkpoint at meta-step ${step:-none} of 6)" test "${step:-6}" -lt 6
check "resumed on 1 rank" expect_exit 0 "$neohebb" run --resume "$work/killed.partial" --threads 2 -q
files_of() { (cd "$1" && find . -type f -not -path './plots/*' -not -name run.json -not -name meta_timing.csv | sort); }
check "the same files as the uninterrupted run" test "$(files_of "$work/kref")" = "$(files_of "$work/killed")"
for f in $(files_of "$work/kref"); do
  check "byte for byte: $f" cmp -s "$work/kref/$f" "$work/killed/$f"
done

# SIGTERM to rank 1 alone: every rank learns it with the next gathered results, and the run stops
# after that meta-step, checkpointed (exit 130), to resume as after Ctrl-C in one process. The
# run is given 40 steps so that the signal lands before its end however loaded the machine is;
# resumed with meta.steps = 6 it must end as the uninterrupted 6-step run.
start_job "$work/term" "$work/termed" 1 "$work/tlog" --set meta.steps=40
check "rank 1 of the second job found" test -n "$rank1"
[ -n "$rank1" ] && kill -TERM "$rank1"
wait "$job"
status=$?
check "SIGTERM to rank 1: the run stops, exit 130 (got $status)" test "$status" = 130
check "  stopped after a meta-step, resumable" grep -q 'stopped after meta-step [1-5]; continue with' "$work/tlog"
check "  resumed on 1 rank" expect_exit 0 "$neohebb" run --resume "$work/termed.partial" \
  --set meta.steps=6 --threads 2 -q
check "  to the uninterrupted run's theta" cmp -s "$work/kref/theta.csv" "$work/termed/theta.csv"

# A resume on more ranks than the run started with: the experiment comes from rank 0.
check "stopped after meta-step 1 on 1 rank" expect_exit 0 "$neohebb" run "$work/meta.toml" \
  --out "$work/s" --stop-after 1 --threads 2 -q
check "resumed on 3 ranks" expect_exit 0 ranks 3 "$neohebb" run --resume "$work/s.partial" --threads 1 -q
check "the same files as 1 rank" same_files "$work/r1" "$work/s" "${results[@]}"

# A sweep of 4 points (a plain run and a meta-learning run at two values of eta) over 2 ranks.
cat >"$work/grid.toml" <<TOML
base = "$tiny_dnms"
[experiment]
trials = 8
lifetimes = 3
[meta]
batch = 3
learning_rate = 0.003
[sweep.grid]
"rule.eta" = [0.05, 0.1]
"meta.steps" = [0, 3]
TOML
check "sweep, 1 rank" expect_exit 0 "$neohebb" sweep "$work/grid.toml" --out "$work/sw1" --threads 2 -q
check "sweep, 2 ranks" expect_exit 0 ranks 2 "$neohebb" sweep "$work/grid.toml" --out "$work/sw2" --threads 1 -q
check "4 points done" test "$(grep -c '^point_00[0-3],done,' "$work/sw2/sweep.csv")" = 4
check "the same sweep.csv" cmp -s "$work/sw1/sweep.csv" "$work/sw2/sweep.csv"
check "the same meta-learning point" same_files "$work/sw1/point_003" "$work/sw2/point_003" theta.csv meta_metrics.csv

# A point that fails on rank 0 alone (its unfinished directory cannot be removed): the other rank
# leaves the point when rank 0 ends it, and the sweep goes on to record the failure.
if mkdir -p "$work/sw2/point_001.partial" && touch "$work/sw2/point_001.partial/kept" &&
   chattr +i "$work/sw2/point_001.partial/kept" 2>/dev/null; then
  mv "$work/sw2/point_001" "$work/point_001_done"
  check "a point failing on rank 0 alone: exit 1" expect_exit 1 timeout 120 \
    "${launch[@]}" -n 2 "$neohebb" sweep "$work/grid.toml" --out "$work/sw2" --threads 1 -q
  check "recorded as failed" grep -q '^point_001,failed,.*cannot remove the unfinished run' "$work/sw2/sweep.csv"
  check "the other points kept" test "$(grep -c '^point_00[023],done,' "$work/sw2/sweep.csv")" = 3
  chattr -i "$work/sw2/point_001.partial/kept"
else
  echo "skipped: a point failing on rank 0 alone (chattr +i is not available here)"
fi

# Commands that do not share work run once, on rank 0.
check "validate on 2 ranks" expect_exit 0 ranks 2 "$neohebb" validate "$work/meta.toml"
check "says ok once" test "$(grep -c ': ok' "$work/out")" = 1

echo "$failures failure(s)"
[ "$failures" = 0 ]
