#!/usr/bin/env bash
# Wall time of a meta-step over MPI ranks against threads, measured in one run, and the
# communication it costs (docs/cluster.md "Where the time goes").
#
#   scripts/mpi_scaling.sh [EXPERIMENT] [STEPS] [REPEATS]
#
# Runs EXPERIMENT (default experiments/meta_dnms.toml) for STEPS meta-steps (default 3, no
# held-out evaluation) under each launch below, REPEATS times in turn (default 2, so that a
# change of the machine's load falls on every launch alike):
#   1 rank x 1 thread, 1 rank x 2 threads, 2 ranks x 1 thread, 4 ranks x 1 thread (oversubscribed
#   on a 2-core machine: for the communication only).
# Prints the median wall seconds per meta-step of each launch, the ratios against 1 rank x 1
# thread and against 1 rank x 2 threads, and the communication per meta-step (rank 0's seconds
# inside collectives and bytes, from meta_timing.csv), then the model of docs/cluster.md for
# 64-1024 ranks. Every launch must give the same theta.csv (checked).
set -euo pipefail
cd "$(dirname "$0")/.."
experiment=${1:-experiments/meta_dnms.toml} steps=${2:-3} repeats=${3:-2}
neohebb=build/neohebb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
launch=(mpirun --oversubscribe --bind-to none)
[ "$(id -u)" = 0 ] && launch+=(--allow-run-as-root)

run() {  # run NAME RANKS THREADS
  local out="$work/$1_$repeat"
  "${launch[@]}" -n "$2" "$neohebb" run "$experiment" --set "meta.steps=$steps" \
    --set meta.evaluate=0 --out "$out" --threads "$3" -q >"$work/log" 2>&1 ||
    { cat "$work/log"; exit 1; }
  echo "$1,$2,$3,$out" >>"$work/runs.csv"
}

echo "launch,ranks,threads,dir" >"$work/runs.csv"
for repeat in $(seq "$repeats"); do
  run r1t1 1 1
  run r1t2 1 2
  run r2t1 2 1
  run r4t1 4 1
done

/usr/bin/python3 - "$work/runs.csv" "$experiment" <<'PY'
import csv, math, statistics, sys, filecmp, os
runs = list(csv.DictReader(open(sys.argv[1])))
theta = [os.path.join(r["dir"], "theta.csv") for r in runs]
assert all(filecmp.cmp(theta[0], t, shallow=False) for t in theta), "theta.csv differs"
rows = {}
for r in runs:
    timing = list(csv.DictReader(open(os.path.join(r["dir"], "meta_timing.csv"))))
    steps = [t for t in timing if int(t["meta_step"]) > 0]
    rows.setdefault(r["launch"], {"ranks": int(r["ranks"]), "threads": int(r["threads"]),
                                  "wall": [], "comm": [], "bytes": []})
    for t in steps:
        rows[r["launch"]]["wall"].append(float(t["wall_seconds"]))
        rows[r["launch"]]["comm"].append(float(t["communication_seconds"]))
        rows[r["launch"]]["bytes"].append(float(t["communication_bytes"]))
print(f"{sys.argv[2]}: every launch gave the same theta.csv")
print("launch            wall s/step (median)  vs 1x1  vs 1x2  comm s/step  bytes/step (rank 0)")
base = statistics.median(rows["r1t1"]["wall"])
threads2 = statistics.median(rows["r1t2"]["wall"])
for name, r in rows.items():
    w = statistics.median(r["wall"])
    print(f"{r['ranks']} rank(s) x {r['threads']} thread(s)  {w:10.3f}  {base / w:8.2f}  "
          f"{threads2 / w:6.2f}  {statistics.median(r['comm']):10.5f}  "
          f"{statistics.median(r['bytes']):10.0f}")

# The model (docs/cluster.md): a meta-step of batch B on R ranks of t = 1 thread takes
# ceil(B / R) tau (its lifetimes; tau from 1 rank x 1 thread) plus its MPI operations: c of them,
# each a latency alpha per tree level (log2 R), and the results of all B lifetimes (s bytes
# each, from 2 ranks) arriving at every rank at bandwidth beta.
import tomllib
batch = tomllib.load(open(os.path.join(runs[0]["dir"], "experiment.toml"), "rb"))["meta"]["batch"]
tau = base / batch
s = statistics.median(rows["r2t1"]["bytes"]) / batch
c = 8  # per meta-step: the batch's gather (header, counts, data), stop check (header, reduce),
       # theta check (header, counts, data)
print(f"\nmodel inputs: tau = {tau:.3f} s per lifetime, s = {s:.0f} bytes per lifetime, "
      f"{c} MPI operations per step")
nets = {"InfiniBand (alpha 2 us, beta 10 GB/s)": (2e-6, 10e9),
        "10 Gb Ethernet (alpha 50 us, beta 1 GB/s)": (50e-6, 1e9)}
for label, (alpha, beta) in nets.items():
    print(label)
    print("  ranks  batch  lifetimes s  communication s  step s  efficiency")
    for R in (64, 128, 256, 512, 1024):
        for B in sorted({256, R}):
            life = math.ceil(B / R) * tau
            comm = c * alpha * math.ceil(math.log2(R)) + B * s / beta
            print(f"  {R:5d}  {B:5d}  {life:11.3f}  {comm:15.6f}  {life + comm:6.3f}  "
                  f"{B * tau / R / (life + comm):10.3f}")
PY
