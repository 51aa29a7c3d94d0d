#!/bin/sh
# SPDX-License-Identifier: MIT
# console_doc_check.sh PROGRAM PAGE: the commands PROGRAM prints (the
# dispatch table, console_commands.c) and the first cells of PAGE's table
# between <!-- commands --> and <!-- /commands --> must be the same usages:
# a command in the table is documented, a documented command exists.
set -eu
program=$1
page=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$program" | sort >"$work/table"
sed -n '/^<!-- commands -->$/,/^<!-- \/commands -->$/p' "$page" |
  sed -n 's/^| `\([^`]*\)` |.*/\1/p' | sort >"$work/page"
[ -s "$work/table" ] || { echo "console_doc_check: $program printed no command" >&2; exit 1; }
[ -s "$work/page" ] || { echo "console_doc_check: no command rows between <!-- commands --> markers in $page" >&2; exit 1; }

if ! cmp -s "$work/table" "$work/page"; then
  echo "console_doc_check: the dispatch table and $page's command table differ" >&2
  comm -23 "$work/table" "$work/page" | sed 's/^/  in the table, not documented: /' >&2
  comm -13 "$work/table" "$work/page" | sed 's/^/  documented, not in the table: /' >&2
  exit 1
fi
echo "console_doc_check: $(wc -l <"$work/table") commands, each in the table and in $page"
