#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plot/tests/test_picture.sh - what plot/seed.gp draws, from seed_small.csv
# (n = 12) through plot/split.awk, rendered as SVG so that its text can be
# read: the GC that ends Go's fill is a marked event of its own (split.awk's
# _go_gc.dat, the label "GC: the old bucket arrays are garbage-collected"
# where it freed 5% or more of the heap, none where it did not), and the
# legend names the dash pattern that keeps each of two coinciding series
# visible.
#   bash plot/tests/test_picture.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plot=$(cd "$here/.." && pwd)
command -v gnuplot >/dev/null || { echo "test_picture: no gnuplot (bash scripts/setup plot)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

awk -v dir="$tmp" -v n=12 -f "$plot/split.awk" "$here/seed_small.csv"
# The fill's GC: the heap just before it (8500 bytes) and after (4300).
[ "$(cat "$tmp/bucket_nohint_go_gc.dat" 2>/dev/null)" = "12 8.301 4.199" ] ||
  bad "bucket_nohint_go_gc.dat: '$(cat "$tmp/bucket_nohint_go_gc.dat" 2>/dev/null)'"
[ -s "$tmp/bucket_hint_go_gc.dat" ] || bad "no bucket_hint_go_gc.dat"

# Without a Go for the Swiss map its panels say so (the bucket map's are
# drawn as ever) ...
gnuplot -c "$plot/seed.gp" "$tmp" "$tmp/none.svg" 12 "test" go1.19.8 "" "install one" \
  2>"$tmp/gnuplot.log" || { cat "$tmp/gnuplot.log" >&2; bad "gnuplot failed without Swiss rows"; }
[ "$(grep -c 'no Go >= 1.24 found' "$tmp/none.svg" || true)" -ge 2 ] ||
  bad "the Swiss panels do not say that no Go >= 1.24 was found"
grep -qF 'install one' "$tmp/none.svg" || bad "the Swiss panels do not say why"

# ... and with one, the same rows as the Swiss map's: four panels, each
# titled with its Go.
sed -e 's/,go1\.19\.8,bucket$/,go1.26.8,swiss/' -e 's/,,bucket$/,,swiss/' \
  "$here/seed_small.csv" >"$tmp/swiss.csv"
awk -v dir="$tmp" -v n=12 -f "$plot/split.awk" "$tmp/swiss.csv"
gnuplot -c "$plot/seed.gp" "$tmp" "$tmp/seed.svg" 12 "test" go1.19.8 go1.26.8 "" 2>"$tmp/gnuplot.log" ||
  { cat "$tmp/gnuplot.log" >&2; bad "gnuplot failed"; }
svg=$tmp/seed.svg
# One GC label a generation: the no-hint panel's (its GC freed half the
# heap); the hint panel's GC freed less than 5%.
n=$(grep -c 'GC: the old bucket arrays' "$svg" || true)
[ "$n" -eq 1 ] || bad "the bucket map's GC label appears $n times, not once"
n=$(grep -c 'GC: the outgrown groups arrays' "$svg" || true)
[ "$n" -eq 1 ] || bad "the Swiss map's GC label appears $n times, not once"
for t in 'bucket map, Go go1.19.8' 'Swiss map, Go go1.26.8'; do
  [ "$(grep -cF "$t" "$svg" || true)" -eq 2 ] || bad "two panel titles do not name '$t'"
done
grep -q 'are garbage-collected' "$svg" || bad "the GC label's second line is missing"
for t in 'Go HeapAlloc (solid)' 'tidemark in_use (dashes, over HeapAlloc)' \
         'Go Sys (long dashes)' 'tidemark watermark (dots, over Sys)'; do
  grep -qF "$t" "$svg" || bad "the legend does not say '$t'"
done
# The step labels are still there.
for t in 'make, then fill' 'delete every key' 'nil + GC'; do
  grep -qF "$t" "$svg" || bad "no step label '$t'"
done

if [ "$fails" -gt 0 ]; then
  echo "test_picture: $fails failed" >&2
  exit 1
fi
echo "test_picture: ok"
