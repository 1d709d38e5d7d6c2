#!/usr/bin/env bash
# The cost of one meta-gradient of a 20-trial lifetime (T = 100) with forward-mode tangents and
# with the adjoint, at P = 10 and 36 and N = 50, 100, 200, as a ratio to the primal lifetime
# measured in the same run, and where the adjoint's backward sweep spends its time
# (bench/bench_meta_gradient.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
json=$(mktemp)
trap 'rm -f "$json"' EXIT
build/bench/bench_meta_gradient --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"
python3 - "$json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
ms = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
runs = {}  # (benchmark, args...) -> median time in ms
for b in report["benchmarks"]:
    if b.get("aggregate_name") == "median":
        name, *args = b["run_name"].split("/")
        args = tuple(int(a) for a in args if a.isdigit())
        runs[(name, *args)] = b["real_time"] * ms[b["time_unit"]]
shapes = sorted({k[1:3] for k in runs if k[0] == "BM_LifetimePrimal"}, key=lambda s: (s[1], s[0]))
print("\nmedians of 3 repetitions; one meta-gradient of a 20-trial lifetime, T = 100, in primal "
      "lifetimes")
head = ("P", "N", "primal ms", "forward ms", "adjoint ms", "forward/primal", "adjoint/primal",
        "forward/adjoint")
print("  ".join(f"{h:>15s}" for h in head))
for n, p in shapes:
    primal = runs[("BM_LifetimePrimal", n, p)]
    forward = runs.get(("BM_GradientForward", n, p))
    adjoint = runs.get(("BM_GradientAdjoint", n, p, 1))
    if forward is None or adjoint is None:
        continue  # filtered out
    row = (p, n, f"{primal:.2f}", f"{forward:.1f}", f"{adjoint:.1f}", f"{forward / primal:.1f}x",
           f"{adjoint / primal:.2f}x", f"{forward / adjoint:.1f}x")
    print("  ".join(f"{str(c):>15s}" for c in row))
print("\nwhere the adjoint's time goes, in primal trials (single trials at P = 36; the sweep keeps")
print("a checkpoint every 4 trials, so 3 of 4 trials are run again to rebuild their stretch):")
head = ("N", "primal trial ms", "forward sweep", "run again", "replay", "pull back", "total")
print("  ".join(f"{h:>15s}" for h in head))
for n in sorted({k[1] for k in runs if k[0] == "BM_BackwardTrial"}):
    trial = [runs.get(("BM_BackwardTrial", n, 36, part)) for part in (0, 1, 2)]
    sweep = runs.get(("BM_GradientAdjoint", n, 36, 0))
    primal = runs.get(("BM_LifetimePrimal", n, 36))
    if None in trial or sweep is None or primal is None:
        continue
    per_trial = primal / 20
    parts = (sweep / primal, 0.75 * trial[0] / per_trial, trial[1] / per_trial,
             (trial[2] - trial[1]) / per_trial)
    row = (n, f"{trial[0]:.3f}", *(f"{x:.2f}" for x in parts), f"{sum(parts):.2f}")
    print("  ".join(f"{str(c):>15s}" for c in row))
PY
