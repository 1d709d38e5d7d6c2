#!/usr/bin/env bash
# Runs the bad-input corpus against a neohebb binary.
#
#   run_corpus.sh NEOHEBB_BINARY TEST_PLUGIN_DIR
#
# A case is the set of files NAME.* in this folder, found by its NAME.expected:
#   NAME.expected  line 1: the exit status; every further non-empty line: a substring that
#                  stderr must contain.
#   NAME.toml      the experiment (optional). It is copied into a fresh temporary folder,
#                  with @TEST_PLUGINS@ replaced by the absolute test plugin folder.
#   NAME.args      the command line, one argument per line (optional; default:
#                  `validate @FILE@`). An empty line is an empty argument.
#   NAME.setup     bash run in the case's folder before the command (optional), with
#                  $FILE, $OUT, $DIR and $TEST_PLUGINS set: creates what the case needs.
#   NAME.leftover  paths, relative to the case's folder, one per line, that the failing
#                  command is known to leave behind (a documented defect; optional).
# Placeholders in .args and .expected: @FILE@ (absolute path of the copied experiment),
# @OUT@ (a path in the case's folder that does not exist unless NAME.setup creates it),
# @DIR@ (the case's folder) and @TEST_PLUGINS@. The temporary folder's name holds a space.
#
# A case passes when the exit status and every substring match and, if the command failed
# (non-zero status), the case's folder holds exactly what it held before the command (plus
# NAME.leftover): no run directory, no `.partial` directory, no default runs/ folder was left
# behind, and nothing that was there was removed.
set -u
shopt -s globstar dotglob nullglob

if [ $# -ne 2 ]; then
  echo "usage: $0 NEOHEBB_BINARY TEST_PLUGIN_DIR" >&2
  exit 2
fi
corpus=$(cd "$(dirname "$0")" && pwd -P) || exit 2
binary=$1
case $binary in /*) ;; *) binary=$PWD/$binary ;; esac
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
  echo "not an executable: $1" >&2
  exit 2
fi
# The host prints plugin paths resolved (symlinks included): do the same here.
plugins=$(cd "$2" 2>/dev/null && pwd -P) || { echo "not a folder: $2" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/neohebb bad inputs.XXXXXX") || exit 2
work=$(cd "$work" && pwd -P) || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

if command -v timeout >/dev/null 2>&1; then limit=(timeout "${NEOHEBB_CASE_TIMEOUT:-60}"); else limit=(); fi

# The test plugin folder written inside a TOML basic string.
toml_plugins=${plugins//\\/\\\\}
toml_plugins=${toml_plugins//\"/\\\"}

# subst TEXT: sets $subst to TEXT with the current case's placeholders replaced (quoted
# replacements, so that '&' and '\' in paths are taken literally). No subshell: this runner
# forks as little as it can, to stay fast.
subst() {
  subst=${1//@FILE@/"$file"}
  subst=${subst//@OUT@/"$out"}
  subst=${subst//@DIR@/"$dir"}
  subst=${subst//@TEST_PLUGINS@/"$plugins"}
}

# listing: sets the array $listing to every path under the case's folder, relative to it.
listing() {
  listing=()
  local p
  for p in "$dir"/**; do
    p=${p#"$dir"/}
    [ -n "$p" ] && listing+=("$p")
  done
}

cases=("$corpus"/*.expected)
passed=0 failed=0 n=0
for expected in ${cases[@]+"${cases[@]}"}; do
  name=${expected##*/}
  name=${name%.expected}
  n=$((n + 1))
  dir="$work/case $n"
  file=$dir/$name.toml
  out=$dir/out
  mkdir "$dir" || exit 2
  problems=()

  # The experiment, with the plugin folder filled in (byte for byte otherwise).
  if [ -f "$corpus/$name.toml" ]; then
    lines=() last_newline=1
    while true; do
      if IFS= read -r line; then lines+=("$line"); continue; fi
      if [ -n "$line" ]; then lines+=("$line"); last_newline=0; fi
      break
    done <"$corpus/$name.toml"
    {
      for i in "${!lines[@]}"; do
        printf '%s' "${lines[i]//@TEST_PLUGINS@/"$toml_plugins"}"
        if [ "$i" -lt $((${#lines[@]} - 1)) ] || [ "$last_newline" = 1 ]; then printf '\n'; fi
      done
    } >"$file"
  elif [ ! -f "$corpus/$name.args" ]; then
    problems+=("neither $name.toml nor $name.args")
  fi

  # The command line.
  args=()
  if [ -f "$corpus/$name.args" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      subst "$line"
      args+=("$subst")
    done <"$corpus/$name.args"
  else
    args=(validate "$file")
  fi

  # The expectations.
  want_status=''
  substrings=()
  {
    IFS= read -r want_status || true
    while IFS= read -r line || [ -n "$line" ]; do
      [ -n "$line" ] || continue
      subst "$line"
      substrings+=("$subst")
    done
  } <"$expected"
  case $want_status in
    '' | *[!0-9]*) problems+=("line 1 of $name.expected is not an exit status: '$want_status'") ;;
  esac
  leftover=()
  if [ -f "$corpus/$name.leftover" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -n "$line" ] && leftover+=("$line")
    done <"$corpus/$name.leftover"
  fi

  if [ -f "$corpus/$name.setup" ] && [ ${#problems[@]} -eq 0 ]; then
    (cd "$dir" && FILE=$file OUT=$out DIR=$dir TEST_PLUGINS=$plugins exec bash "$corpus/$name.setup") \
      >"$work/setup.log" 2>&1 || problems+=("$name.setup failed: $(cat "$work/setup.log")")
  fi

  ran=0
  if [ ${#problems[@]} -eq 0 ]; then
    listing
    before=(${listing[@]+"${listing[@]}"})
    (cd "$dir" && exec ${limit[@]+"${limit[@]}"} "$binary" ${args[@]+"${args[@]}"}) \
      </dev/null >"$work/stdout" 2>"$work/stderr"
    status=$?
    ran=1
    stderr=
    IFS= read -r -d '' stderr <"$work/stderr"

    [ "$status" = "$want_status" ] || problems+=("exit status $status, expected $want_status")
    for s in ${substrings[@]+"${substrings[@]}"}; do
      case $stderr in
        *"$s"*) ;;
        *) problems+=("stderr lacks: $s") ;;
      esac
    done

    if [ "$status" != 0 ]; then
      # The folder must hold exactly what it held before, plus the documented leftovers.
      listing
      declare -A now=() allowed=()
      for p in ${listing[@]+"${listing[@]}"}; do now[$p]=1; done
      for p in ${before[@]+"${before[@]}"} ${leftover[@]+"${leftover[@]}"}; do allowed[$p]=1; done
      for p in ${listing[@]+"${listing[@]}"}; do
        [ -n "${allowed[$p]+x}" ] || problems+=("the failed command left behind: $p")
      done
      for p in ${before[@]+"${before[@]}"}; do
        [ -n "${now[$p]+x}" ] || problems+=("the failed command removed: $p")
      done
      for p in ${leftover[@]+"${leftover[@]}"}; do
        [ -n "${now[$p]+x}" ] || problems+=("$name.leftover lists $p, which was not left behind")
      done
      unset now allowed
    fi
  fi

  if [ ${#problems[@]} -eq 0 ]; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    for p in "${problems[@]}"; do printf '       %s\n' "$p"; done
    if [ "$ran" = 1 ]; then
      printf '       command: neohebb'
      printf ' %q' ${args[@]+"${args[@]}"}
      printf '\n'
      while IFS= read -r line || [ -n "$line" ]; do
        printf '       stderr: %s\n' "$line"
      done <"$work/stderr"
    fi
    failed=$((failed + 1))
  fi
done

# A case that stopped the loop early must not look like success.
failed=$((failed + ${#cases[@]} - passed - failed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
