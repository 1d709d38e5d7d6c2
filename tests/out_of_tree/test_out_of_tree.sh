#!/usr/bin/env bash
# Out-of-tree plugin: install the host, SDK and CMake package to a temporary prefix, build the
# example task plugin against it with find_package(neohebb), and run an experiment that loads it
# through [plugins] path with the installed host, without recompiling anything of neohebb.
set -euo pipefail
build=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$root/examples/task_plugin" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example" -j 2 >/dev/null
"$work/example/test_cue_memory" --gtest_brief=1

sed "s|path = \[.*\]|path = [\"$work/example/plugins\"]|" "$root/examples/task_plugin/cue_memory.toml" \
  | sed 's/^trials = 200/trials = 20/' >"$work/cue_memory.toml"
"$work/prefix/bin/neohebb" run "$work/cue_memory.toml" --out "$work/run" -q
grep -q '"type": "cue_memory"' "$work/run/run.json"
grep -q "neohebb-cue_memory.so" "$work/run/run.json"
test "$(wc -l <"$work/run/learning_curve.csv")" -eq 41
echo "out-of-tree plugin built against the installed SDK and run by the installed host"
