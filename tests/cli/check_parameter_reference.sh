#!/usr/bin/env bash
# docs/reference/parameters.md must be what `neohebb plugins --markdown` prints now.
set -euo pipefail
neohebb=$1 doc=$2
if ! diff -u "$doc" <("$neohebb" plugins --markdown); then
  echo "docs/reference/parameters.md is out of date: regenerate it with" >&2
  echo "  build/neohebb plugins --markdown > docs/reference/parameters.md" >&2
  exit 1
fi
