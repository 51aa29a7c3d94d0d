#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gdb_session_check.sh SRC ELF QEMU GDB RAM - run scripts/gdb/session (gdb
# against the debug image halted in QEMU) and check what a user debugging
# the libraries needs:
#   - the breakpoint in hmap_put_u64 resolves to a source line and stops;
#   - the backtrace from arena_alloc_pages goes through hmap_put_u64 to
#     main, every frame with its source file, none cut short;
#   - the gdb helpers' map line before and after the first put;
#   - `tidemark stats` prints, line for line, what the firmware's own
#     `stats` printed right after, and `tidemark pages` agrees with it;
#   - the session shows what a user types before `delete` (set confirm off:
#     an interactive gdb would ask otherwise);
#   - the helpers answer a wrong argument or subcommand with one line of
#     their own, never a Python traceback.
set -uo pipefail
src=$1 elf=$2 qemu=$3 gdb=$4 ram=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! bash "$src/scripts/gdb/session" --elf "$elf" --qemu "$qemu" --gdb "$gdb" --ram "$ram" \
     --uart "$work/uart" >"$work/session"; then
  echo "FAIL: the session did not run"
  exit 1
fi
cat "$work/session"
fail=0
no() { echo "FAIL: $*"; fail=1; }

# answer CMD: the lines gdb printed after typing CMD (its first occurrence).
answer() {
  awk -v c="(gdb) $1" '$0 == c { on = 1; next } on && /^\(gdb\) / { exit } on { print }' "$work/session"
}

grep -qE '^Breakpoint [0-9]+ at 0x[0-9a-f]+: file hmap/[a-z0-9_]*\.c, line [0-9]+\.$' "$work/session" ||
  no "break hmap_put_u64 did not resolve to a file and line of hmap/"
grep -qE '^Breakpoint [0-9]+, hmap_put_u64 \(m=.*, key=.*0, val=.*0\) at hmap/' "$work/session" ||
  no "no stop in hmap_put_u64 with its arguments"

bt=$(answer backtrace)
[ "$(head -n 1 <<<"$bt" | grep -c '^#0  arena_alloc_pages (a=.* at arena/arena.c:[0-9]*$')" -eq 1 ] ||
  no "the backtrace does not start in arena_alloc_pages with its source line"
grep -qE '^#[0-9]+ +0x[0-9a-f]+ in hmap_put_u64 \(.*\) at hmap/' <<<"$bt" ||
  no "the backtrace does not go through hmap_put_u64"
tail -n 1 <<<"$bt" | grep -qE '^#[0-9]+ +0x[0-9a-f]+ in main \(\) at board/main.c:[0-9]+$' ||
  no "the backtrace does not end in main"
if grep -vE '^#[0-9]+ .* at [A-Za-z0-9_/.-]+\.c:[0-9]+$' <<<"$bt" | grep -q .; then
  no "a frame without its source line, or a cut-short backtrace"
fi

[ "$(answer 'tidemark map m')" = "map len=0 B=0 buckets=0 overflow=0 bytes=0 growing=0 hint=0" ] ||
  no "tidemark map m before the first put"
[ "$(answer 'tidemark map')" = "map len=1 B=0 buckets=1 overflow=0 bytes=4096 growing=0 hint=0" ] ||
  no "tidemark map after the first put"

typed=$(grep -n '^(gdb) ' "$work/session")
confirm=$(grep -m1 '(gdb) set confirm off$' <<<"$typed" | cut -d: -f1)
delete=$(grep -m1 '(gdb) delete$' <<<"$typed" | cut -d: -f1)
if [ -z "$confirm" ] || [ -z "$delete" ] || [ "$confirm" -gt "$delete" ]; then
  no "the session's delete is not preceded by set confirm off"
fi

# The helpers' refusals, against the image alone (no target needed).
"$gdb" -nx -batch -x "$src/scripts/gdb/tidemark.py" -ex 'tidemark pages 42' \
  -ex 'tidemark map nosuch' -ex 'tidemark bogus' -ex 'tidemark stats arena &arena' "$elf" \
  >"$work/refusals" 2>&1
cat "$work/refusals"
if grep -qE 'Traceback|Python Exception|Error occurred in Python' "$work/refusals"; then
  no "a helper printed a Python traceback"
fi
grep -qx "tidemark pages: '42' is not a struct arena or a pointer to one (it is int)" \
  "$work/refusals" || no "tidemark pages 42: no one-line refusal"
grep -qx "tidemark map: 'nosuch': No symbol \"nosuch\" in current context." "$work/refusals" ||
  no "tidemark map nosuch: no one-line refusal"
grep -qx "tidemark: unknown subcommand 'bogus' (stats, arena, map or pages; help tidemark)" \
  "$work/refusals" || no "tidemark bogus: not said to be unknown"
grep -qx "tidemark stats: '&arena' is not a struct hmap or a pointer to one (it is struct arena \*)" \
  "$work/refusals" || no "tidemark stats with an arena for the map: no one-line refusal"
[ "$(wc -l <"$work/refusals")" -eq 4 ] || no "the refusals are not one line each"

mine=$(answer 'tidemark stats')
theirs=$(sed -n '/^> stats$/,/^> /{/^> /!p}' "$work/uart")
if [ -z "$theirs" ] || [ "$mine" != "$theirs" ]; then
  no "tidemark stats differs from the firmware's stats:"
  diff <(echo "$mine") <(echo "$theirs")
fi

pages=$(answer 'tidemark pages')
page=$(sed -n 's/^arena .* page=\([0-9]*\) .*/\1/p' <<<"$theirs")
in_use=$(sed -n 's/^arena in_use=\([0-9]*\) .*/\1/p' <<<"$theirs")
mark=$(sed -n 's/^arena .* watermark=\([0-9]*\) .*/\1/p' <<<"$theirs")
if [ -n "$page" ]; then
  hashes=$(grep -E '^ +[0-9]+ [#.]+$' <<<"$pages" | tr -cd '#' | wc -c)
  cells=$(grep -E '^ +[0-9]+ [#.]+$' <<<"$pages" | awk '{ n += length($2) } END { print n + 0 }')
  [ "$hashes" -eq $((in_use / page)) ] || no "tidemark pages shows $hashes pages handed out, stats $((in_use / page))"
  [ "$cells" -eq $((mark / page)) ] || no "tidemark pages shows $cells pages, the watermark is $((mark / page))"
else
  no "no stats line from the firmware"
fi
exit $fail
