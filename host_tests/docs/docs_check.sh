#!/bin/sh
# SPDX-License-Identifier: MIT
# docs_check.sh ROOT: README.md is at most 250 lines (an overview a newcomer
# finishes; the rest belongs in docs/), and links every docs/*.md page.
set -eu
root=$1
limit=250
bad=0
lines=$(wc -l <"$root/README.md")
if [ "$lines" -gt "$limit" ]; then
  echo "docs_check: README.md has $lines lines, more than $limit: move detail to a docs/ page" >&2
  bad=1
fi
for page in "$root"/docs/*.md; do
  name=docs/$(basename "$page")
  if ! grep -q "($name)" "$root/README.md"; then
    echo "docs_check: $name is not linked from README.md (its \"Read next\" table)" >&2
    bad=1
  fi
done
[ "$bad" -eq 0 ] || exit 1
echo "docs_check: README.md has $lines lines and links every docs/ page"
