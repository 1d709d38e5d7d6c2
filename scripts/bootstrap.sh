#!/usr/bin/env bash
# Installs the Debian packages neohebb needs (only those missing), then configures and builds it
# in build/. Used by the README's two commands; safe to run again. Arguments go to CMake's
# configure step (e.g. -DNEOHEBB_WARNINGS_AS_ERRORS=ON); `--packages-only` installs the packages
# and builds nothing (for scripts that build elsewhere, e.g. scripts/sanitize.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-pandas: the Python package python/neohebb; python3-matplotlib: its worked example
# (python/examples/figures.py), which the suite runs. libopenmpi-dev, openmpi-bin: MPI (mpirun
# shares a run's lifetimes over ranks; the suite runs 1 to 3 ranks).
packages=(cmake make g++ libboost-dev libeigen3-dev libtomlplusplus-dev libfmt-dev libcli11-dev
          libopenmpi-dev openmpi-bin
          nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev python3 python3-numpy
          python3-pandas python3-matplotlib
          pkg-config libplplot-dev plplot-driver-cairo libcap2-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ "${1:-}" = --packages-only ]; then exit 0; fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >&2
cmake --build build -j "$(nproc)" >&2
