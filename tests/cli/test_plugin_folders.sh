#!/usr/bin/env bash
# Plugin folders and files that exist but cannot be used: a folder that cannot be listed (named
# by [plugins] path or NEOHEBB_PLUGIN_PATH), a folder that may not be searched, a loop of
# symbolic links. Each is an error naming the path and the reason, never skipped without a word.
# Run as root, the commands run without the capabilities that bypass file permissions.
#
#   test_plugin_folders.sh NEOHEBB_BINARY
set -uo pipefail
neohebb=$1
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work"; rm -rf "$work"' EXIT
failures=0
# shellcheck source=/dev/null
source "$(dirname "$0")/lib.sh"  # check, expect_exit
unprivileged() {
  if [ "$(id -u)" = 0 ]; then
    capsh --drop=cap_dac_override,cap_dac_read_search -- -c 'exec "$0" "$@"' "$@"
  else
    "$@"
  fi
}
expect_exit() {  # expect_exit CODE COMMAND...: runs it without permission overrides
  local want=$1; shift
  unprivileged "$@" >"$work/out" 2>"$work/err"; local got=$?
  [ "$got" = "$want" ] || { echo "  exit $got, wanted $want: $*"; cat "$work/out" "$work/err"; return 1; }
}
if [ "$(id -u)" = 0 ] && ! capsh --drop=cap_dac_override -- -c true 2>/dev/null; then
  echo "skipped: running as root, and capsh cannot drop the capabilities that bypass permissions"
  exit 77
fi

experiment() {  # experiment FILE PLUGIN_PATH_ENTRY...
  local file=$1; shift
  {
    printf '[plugins]\npath = ['
    local first=1 p
    for p in "$@"; do [ $first = 1 ] || printf ', '; printf '"%s"' "$p"; first=0; done
    printf ']\n[experiment]\nlifetimes = 1\ntrials = 5\n[network]\nsize = 10\n'
    printf '[trace]\ntype = "miconi_cubic"\n[rule]\ntype = "three_factor"\n[task]\ntype = "dnms"\n'
    printf 'stimulus1 = 5.0\ndelay1 = 5.0\nstimulus2 = 5.0\ndelay2 = 5.0\nresponse = 5.0\n'
  } >"$file"
}

mkdir "$work/unlistable" "$work/unsearchable"
touch "$work/unlistable/neohebb-x.so" "$work/unsearchable/neohebb-y.so"
chmod 300 "$work/unlistable"    # may be searched, not listed
chmod 600 "$work/unsearchable"  # may be listed, not searched
ln -s loop "$work/loop"

experiment "$work/unlistable.toml" unlistable
check "a [plugins] folder that cannot be listed is an error" \
  expect_exit 1 "$neohebb" validate "$work/unlistable.toml"
check "at its entry, naming it and the reason" grep -qx \
  "error: $work/unlistable.toml:2:9: $work/unlistable: the plugin folder cannot be read (Permission denied)" \
  "$work/err"

experiment "$work/unsearchable.toml" unsearchable
check "a [plugins] folder that may not be searched is an error" \
  expect_exit 1 "$neohebb" validate "$work/unsearchable.toml"
check "naming its file and the reason" grep -qx \
  "error: $work/unsearchable.toml:2:9: $work/unsearchable/neohebb-y.so: cannot be accessed (Permission denied)" \
  "$work/err"

experiment "$work/file_in_unsearchable.toml" unsearchable/neohebb-y.so
check "a [plugins] file in a folder that may not be searched is an error" \
  expect_exit 1 "$neohebb" validate "$work/file_in_unsearchable.toml"
check "saying so" grep -qx \
  "error: $work/file_in_unsearchable.toml:2:9: plugin path '$work/unsearchable/neohebb-y.so' cannot be accessed (Permission denied)" \
  "$work/err"

experiment "$work/plain.toml"
check "NEOHEBB_PLUGIN_PATH with a folder that cannot be listed is an error" \
  expect_exit 1 env NEOHEBB_PLUGIN_PATH="$work/unlistable" "$neohebb" validate "$work/plain.toml"
check "naming it, the reason and the variable" grep -qx \
  "error: $work/unlistable: the plugin folder cannot be read (Permission denied); NEOHEBB_PLUGIN_PATH names it" \
  "$work/err"
check "as in \`neohebb plugins\`" \
  expect_exit 1 env NEOHEBB_PLUGIN_PATH="$work/unlistable" "$neohebb" plugins
check "NEOHEBB_PLUGIN_PATH with a loop of symbolic links is an error" \
  expect_exit 1 env NEOHEBB_PLUGIN_PATH="/nonexistent:$work/loop" "$neohebb" validate "$work/plain.toml"
check "saying so" grep -qx \
  "error: $work/loop: cannot be accessed (Too many levels of symbolic links); NEOHEBB_PLUGIN_PATH names it" \
  "$work/err"
check "a missing NEOHEBB_PLUGIN_PATH entry is skipped, as one of PATH" \
  expect_exit 0 env NEOHEBB_PLUGIN_PATH="/nonexistent" "$neohebb" validate "$work/plain.toml"

echo "$failures failure(s)"
[ "$failures" = 0 ]
