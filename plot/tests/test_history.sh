#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plot/tests/test_history.sh - plot/history.awk and plot/commands.awk against
# a hand-made transcript in the firmware's history format
# (history_nohint.txt: make 0, fills of 4 up to 12 keys with one growth, dels
# of every key, reset; every = 4):
#   - the transcript's commands are the ones commands.awk sends;
#   - the rows are history_nohint.csv, byte for byte;
#   - each broken variant of the transcript is refused (exit non-zero, a
#     message naming the problem), so the parser cannot pass bad input on.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plot=$here/..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

parse() { awk -v scenario=nohint -v every=4 -f "$plot/history.awk" "$@"; }

# The commands the transcript answers are commands.awk's.
if ! diff <(sed -n 's/^> //p' "$here/history_nohint.txt") \
          <(awk -v hint=0 -v n=12 -v every=4 -f "$plot/commands.awk") >"$tmp/diff"; then
  bad "the transcript's commands are not commands.awk's:"; cat "$tmp/diff" >&2
fi

if parse "$here/history_nohint.txt" >"$tmp/rows.csv" 2>"$tmp/err"; then
  diff "$here/history_nohint.csv" "$tmp/rows.csv" >"$tmp/diff" ||
    { bad "rows differ from history_nohint.csv:"; cat "$tmp/diff" >&2; }
else
  bad "a good transcript was refused: $(cat "$tmp/err")"
fi

# refused NAME EXPECTED-MESSAGE SED-SCRIPT: the transcript edited by the sed
# script must be refused with a message containing EXPECTED-MESSAGE.
refused() {
  local name=$1 want=$2 script=$3
  sed -e "$script" "$here/history_nohint.txt" >"$tmp/$name.txt"
  if cmp -s "$tmp/$name.txt" "$here/history_nohint.txt"; then
    bad "$name: the edit changed nothing"; return
  fi
  if parse "$tmp/$name.txt" >/dev/null 2>"$tmp/err"; then
    bad "$name: accepted"
  elif ! grep -qF -- "$want" "$tmp/err"; then
    bad "$name: refused, but not for '$want': $(cat "$tmp/err")"
  fi
}
refused dropped      "dropped 3 entries"      's/^history entries=9 dropped=0$/history entries=9 dropped=3/'
refused short_dump   "ended 1 entries early"  '/^at=8 event=free/d'
refused long_dump    "outside a history dump" 's/^history entries=9 /history entries=8 /'
refused bad_number   "out of format"          's/^at=7 event=alloc pages=1 len=8 bytes=8192 in_use=8192/at=7 event=alloc pages=1 len=8 bytes=8192 in_use=8k/'
refused bad_event    "out of format"          's/^at=8 event=free/at=8 event=release/'
refused extra_field  "out of format"          's/^at=4 event=alloc pages=1 len=0 bytes=4096 in_use=4096 watermark=4096$/& peak=4096/'
refused cmd_on_alloc "cmd= belongs"           's/^at=4 event=alloc.*$/& cmd=fill/'
refused no_cmd_word  "cmd= belongs"           's/^\(at=5 .*\) cmd=fill$/\1/'
refused order        "out of order"           's/^at=6 event=cmd/at=3 event=cmd/'
refused stranger     "does not send: put"     's/^\(at=6 .*\) cmd=fill$/\1 cmd=put/'
refused alloc_in_history "history allocated"  's/^at=1 event=cmd .* cmd=history$/at=0 event=alloc pages=1 len=0 bytes=0 in_use=4096 watermark=4096\n&/;s/^history entries=9 /history entries=10 /'
refused stats_disagree "stats in_use=4096"    '88s/^arena in_use=0 /arena in_use=4096 /'
refused no_stats     "no closing stats"       '/^arena in_use=/d'
refused no_history   "no history dump"        '/^history entries=/,/^> /{/^history entries=/d;/^at=/d}'
refused err_answer   "answered: ERR make"     's/^> make 0$/&\nERR make: out of pages for 0 entries (the map is unchanged)/'
refused tail_events  "after the last command" '/^at=.* cmd=reset$/d;s/^history entries=3 /history entries=2 /'
refused failed_cmd   "a command failed"       's/^\(at=5 .*\) cmd=fill$/\1 cmd=fill 4 result=ERR/'

# The firmware's cmd entries carry the whole line (cmd=fill 4): the same rows.
sed -e 's/^\(at=[0-9]* event=cmd .* cmd=fill\)$/\1 4/;s/^\(at=[0-9]* event=cmd .* cmd=del\)$/\1 0/' \
  "$here/history_nohint.txt" >"$tmp/lines.txt"
if ! grep -q ' cmd=fill 4$' "$tmp/lines.txt"; then
  bad "whole_line: the edit changed nothing"
elif parse "$tmp/lines.txt" >"$tmp/lines.csv" 2>"$tmp/err"; then
  diff "$here/history_nohint.csv" "$tmp/lines.csv" >"$tmp/diff" ||
    { bad "whole_line: rows differ:"; cat "$tmp/diff" >&2; }
else
  bad "whole_line: refused: $(cat "$tmp/err")"
fi

if [ "$fails" -gt 0 ]; then
  echo "test_history: $fails failed" >&2
  exit 1
fi
echo "test_history: ok (the good transcripts and 17 broken ones)"
