#!/usr/bin/env bash
# Time per trial of the inner loop at N = 200, T = 1000, as a ratio to a naive per-synapse
# implementation measured in the same run (bench/bench_inner_loop.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
json=$(mktemp)
trap 'rm -f "$json"' EXIT
build/bench/bench_inner_loop --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"
python3 - "$json" <<'PY'
import json, sys
runs = {b["run_name"].split("/")[0]: b["real_time"] for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
base = runs["BM_Trial_NaivePerSynapse"]
print("\nmedian ms per trial (N = 200, T = 1000), ratio to the naive per-synapse trial:")
for name, ms in runs.items():
    print(f"  {name:28s} {ms:8.2f} ms   {ms / base:5.2f}x")
PY
