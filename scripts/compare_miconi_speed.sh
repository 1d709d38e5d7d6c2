#!/usr/bin/env bash
# Marginal CPU cost of one DNMS trial (N = 200, T = 1000 steps): neohebb
# (experiments/miconi_dnms.toml) against Miconi's published program (dnms/net.cpp of
# github.com/ThomasMiconi/BiologicallyPlausibleLearningRNN), timed side by side.
#
# - Miconi's net.cpp hard-codes its trial count (int NBTRIALS = 100407;). A copy in a temporary
#   folder replaces that constant, and nothing else, by MICONI_NBTRIALS, compiled once with 30
#   and once with 300, using this project's release flags (-std=c++20 -O3 -DNDEBUG
#   -march=native -DEIGEN_DONT_PARALLELIZE, Eigen from /usr/include/eigen3).
# - Each process is pinned to one core (taskset -c $CORE, default 1) and runs one thread
#   (OMP_NUM_THREADS=1, neohebb --threads 1). Its CPU time (user + sys) comes from getrusage.
# - One round runs Miconi 30, neohebb 30, Miconi 300 and neohebb 300 trials, in that order.
#   Per round and per program, the marginal cost per trial is (CPU(300) - CPU(30)) / 270, which
#   cancels fixed per-run costs (start-up, neohebb's plots, which it cannot skip, and the files
#   both write). Printed: median and IQR over rounds, and the median of the per-round ratios.
# - Also the floor both share: 1000 sequential 200x200 Eigen matrix-vector products
#   (r <- W r / |W r|: each depends on the last, values stay normal; no tanh, whose cost depends
#   on how it is computed), same flags, same core: median CPU ms per 1000 products of 51 repetitions.
#
# Usage: scripts/compare_miconi_speed.sh MICONI_CHECKOUT_OR_ITS_DNMS_FOLDER [ROUNDS (default 5)]
# Downloads nothing; needs build/neohebb (already built), g++, Eigen, taskset and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 ]]; then
  echo "usage: $0 MICONI_CHECKOUT_OR_ITS_DNMS_FOLDER [ROUNDS]" >&2
  exit 2
fi
src=$1
[[ -f $src/dnms/net.cpp ]] && src=$src/dnms
[[ -f $src/net.cpp ]] || { echo "no net.cpp in $1 or $1/dnms" >&2; exit 2; }
rounds=${2:-5}
core=${CORE:-1}
neohebb=$PWD/build/neohebb
[[ -x $neohebb ]] || { echo "$neohebb not built" >&2; exit 2; }
flags=(-std=c++20 -O3 -DNDEBUG -march=native -DEIGEN_DONT_PARALLELIZE -isystem /usr/include/eigen3)
export OMP_NUM_THREADS=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -q 'int NBTRIALS = 100407;' "$src/net.cpp" ||
  { echo "net.cpp: 'int NBTRIALS = 100407;' not found; cannot set the trial count" >&2; exit 1; }
sed 's/int NBTRIALS = 100407;/int NBTRIALS = MICONI_NBTRIALS;/' "$src/net.cpp" >"$tmp/net.cpp"
for n in 30 300; do
  echo "g++ ${flags[*]} -DMICONI_NBTRIALS=$n net.cpp -o miconi$n"
  g++ "${flags[@]}" -DMICONI_NBTRIALS=$n "$tmp/net.cpp" -o "$tmp/miconi$n"
done

cat >"$tmp/floor.cpp" <<'CPP'
#include <Eigen/Dense>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>
static double cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}
int main() {
  const int N = 200, T = 1000, reps = 51;
  const Eigen::MatrixXd W = Eigen::MatrixXd::Random(N, N) * (1.5 * std::sqrt(3.0 / N));
  Eigen::VectorXd r = Eigen::VectorXd::Random(N), I(N);
  std::vector<double> ms;
  for (int k = 0; k < reps; ++k) {
    const double t0 = cpu_ms();
    for (int t = 0; t < T; ++t) {
      I.noalias() = W * r;
      r = I / I.norm();
    }
    ms.push_back(cpu_ms() - t0);
  }
  std::nth_element(ms.begin(), ms.begin() + reps / 2, ms.end());
  std::printf("%.3f %g\n", ms[reps / 2], r.sum());  // the sum keeps the products alive
}
CPP
g++ "${flags[@]}" "$tmp/floor.cpp" -o "$tmp/floor"

# cpu_seconds CMD...: runs CMD (stdout discarded) and prints its user + sys CPU seconds.
cpu_seconds() {
  python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{ru.ru_utime + ru.ru_stime:.4f}")' "$@"
}
miconi() {  # it writes its weight files into the working directory
  mkdir -p "$tmp/m" && (cd "$tmp/m" && cpu_seconds taskset -c "$core" "$tmp/miconi$1") && rm -rf "$tmp/m"
}
neo() {
  cpu_seconds taskset -c "$core" "$neohebb" run experiments/miconi_dnms.toml \
    --set experiment.trials="$1" --threads 1 -q --out "$tmp/nh" && rm -rf "$tmp/nh"
}

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), pinned to core $core; $rounds rounds"
stamp() { stat -c "%n %Y" "$neohebb" build/plugins/*.so; }  # a rebuild mid-run would mix versions
before=$(stamp)
printf '%-6s %12s %12s %12s %12s\n' round miconi30_s neohebb30_s miconi300_s neohebb300_s
: >"$tmp/cpu.txt"
for ((i = 1; i <= rounds; i++)); do
  m30=$(miconi 30); n30=$(neo 30); m300=$(miconi 300); n300=$(neo 300)
  printf '%-6s %12s %12s %12s %12s\n' "$i" "$m30" "$n30" "$m300" "$n300"
  echo "$m30 $n30 $m300 $n300" >>"$tmp/cpu.txt"
done
[[ $(stamp) == "$before" ]] || echo "WARNING: build/neohebb or its plugins changed during the measurement" >&2

read -r floor_ms _ < <(taskset -c "$core" "$tmp/floor")

python3 - "$tmp/cpu.txt" "$floor_ms" <<'PY'
import statistics as st, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
mi = [(m300 - m30) / 270 * 1e3 for m30, _, m300, _ in rows]
nh = [(n300 - n30) / 270 * 1e3 for _, n30, _, n300 in rows]
ratio = [n / m for n, m in zip(nh, mi)]
def summary(xs):
    if len(xs) < 2: return f"{xs[0]:8.3f}"
    q1, q2, q3 = st.quantiles(xs, n=4, method="inclusive")
    return f"{q2:8.3f}   IQR {q3 - q1:6.3f} [{q1:.3f}, {q3:.3f}]"
print("\nmarginal CPU ms per trial, (CPU(300) - CPU(30)) / 270, per round:")
print("  miconi  ", " ".join(f"{x:.3f}" for x in mi))
print("  neohebb ", " ".join(f"{x:.3f}" for x in nh))
print("  ratio   ", " ".join(f"{x:.3f}" for x in ratio))
print(f"median over {len(rows)} rounds:")
print(f"  Miconi net.cpp   {summary(mi)}")
print(f"  neohebb          {summary(nh)}")
print(f"  neohebb / Miconi {summary(ratio)}   (median of per-round ratios)")
print(f"floor: 1000 sequential 200x200 Eigen matrix-vector products (W r): {float(sys.argv[2]):.3f} CPU ms")
PY
