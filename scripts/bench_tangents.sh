#!/usr/bin/env bash
# The cost of forward-mode tangents (36 directions, T = 100) at N = 50, 100, 200: time per trial
# as a ratio to the primal trial, and the tangent pass's GFLOP/s as a ratio to Eigen's DGEMM on
# its dominant product's shape, all measured in the same run (bench/bench_tangents.cpp).
# NEOHEBB_BENCH_SYSTEM_MALLOC=1 times with glibc's default allocator policy (see the .cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
json=$(mktemp)
trap 'rm -f "$json"' EXIT
build/bench/bench_tangents --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"
python3 - "$json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
ms = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
runs = {}  # (benchmark, N) -> median run, its time in ms
for b in report["benchmarks"]:
    if b.get("aggregate_name") == "median":
        name, n = b["run_name"].split("/")[:2]
        b["ms"] = b["real_time"] * ms[b["time_unit"]]
        runs[(name, int(n))] = b
sizes = sorted({n for _, n in runs})
print(f"\nmedians of 3 repetitions; T = 100 steps, P = 36 directions; malloc: "
      f"{report['context'].get('malloc', '?')}")
print("tangent GF/s: the tangent pass's product flops over the whole trial's time; excl.: over the")
print("time the tangents add to the primal trial; DGEMM: (36 N x 600)(600 x N) in the same run")
head = ("N", "primal ms", "tangents ms", "tan/primal", "tangent GF/s", "excl. GF/s", "DGEMM GF/s",
        "tangent/DGEMM")
print("  ".join(f"{h:>13s}" for h in head))
for n in sizes:
    primal = runs.get(("BM_TrialPrimal", n))
    tangents = runs.get(("BM_TrialTangents", n))
    dgemm = runs.get(("BM_Dgemm", n))
    if not (primal and tangents and dgemm):
        continue  # filtered out
    p_ms, t_ms = primal["ms"], tangents["ms"]
    rate = tangents["flops"] / 1e9
    flops_per_trial = rate * t_ms / 1e3
    excl = flops_per_trial / ((t_ms - p_ms) / 1e3)
    base = dgemm["flops"] / 1e9
    row = (f"{n}", f"{p_ms:.3f}", f"{t_ms:.2f}", f"{t_ms / p_ms:.1f}x", f"{rate:.1f}", f"{excl:.1f}",
           f"{base:.1f}", f"{rate / base:.2f}")
    print("  ".join(f"{c:>13s}" for c in row))
PY
