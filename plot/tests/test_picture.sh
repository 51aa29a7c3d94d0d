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
gnuplot -e "show_label_y = 1" -c "$plot/seed.gp" "$tmp" "$tmp/seed.svg" 12 "test" go1.19.8 go1.26.8 "" \
  2>"$tmp/gnuplot.log" || { cat "$tmp/gnuplot.log" >&2; bad "gnuplot failed"; }
# The "nil + GC / reset" label sits on no curve: right of 2n, at least 6%
# of the panel's height from where each series ends (Go's heap and in_use
# near 0; Sys and the watermark at their highest, as they never fall), so
# its two lines clear them.  The panel's height: the highest of the heap
# and the watermark, or Sys when it is higher but not three times higher
# (then the axis stops at 1.5 times the others' top).
for p in bucket_hint bucket_nohint swiss_hint swiss_nohint; do
  y=$(sed -n "s/^seed.gp: ${p} nil label y=//p" "$tmp/gnuplot.log")
  [ -n "$y" ] || { bad "$p: seed.gp printed no position for the nil + GC label"; continue; }
  awk -v y="$y" -v p="$p" '
    FNR == 1 { f++ }
    { end[f] = $2 + 0; if ($2 + 0 > most[f]) most[f] = $2 + 0 }
    END {   # files: 1 heap, 2 in_use, 3 Sys, 4 watermark
      top = most[1] > most[4] ? most[1] : most[4]
      h = most[3] > 3 * top ? 1.5 * top : (most[3] > top ? most[3] : top)
      for (i = 1; i <= 4; i++) {
        d = y - end[i]; if (d < 0) d = -d
        if (end[i] <= h && d < 0.06 * h) {
          printf "%s: the nil + GC label at y=%s is on a curve (one ends at %s; panel height %s)\n", p, y, end[i], h
          exit 1
        }
      }
      if (y <= 0.03 * h || y >= 0.97 * h) { printf "%s: the label at y=%s leaves the panel\n", p, y; exit 1 }
    }' "$tmp/${p}_go_heap.dat" "$tmp/${p}_tm_in_use.dat" "$tmp/${p}_go_sys.dat" \
       "$tmp/${p}_tm_watermark.dat" >&2 || bad "$p: the nil + GC label sits on a curve"
done
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

# A Sys far above the rest in both Swiss panels: each stops its axis short
# and says so (the hint panel's shorter range must not cut what the no-hint
# panel measures of its own series).
{ cat "$here/seed_small.csv"
  awk -F, -v OFS=, 'NR > 1 && $1 == "go" && $3 != "start" { $7 = 4000000 } NR > 1' "$tmp/swiss.csv"
} >"$tmp/sys.csv"
rm -f "$tmp"/*.dat
awk -v dir="$tmp" -v n=12 -f "$plot/split.awk" "$tmp/sys.csv"
gnuplot -c "$plot/seed.gp" "$tmp" "$tmp/sys.svg" 12 "test" go1.19.8 go1.26.8 "" 2>"$tmp/gnuplot.log" ||
  { cat "$tmp/gnuplot.log" >&2; bad "gnuplot failed on the high Sys"; }
n=$(grep -c 'Go Sys: up to 3906 KiB, off this scale' "$tmp/sys.svg" || true)
[ "$n" -eq 2 ] || bad "with Sys far above the rest, $n Swiss panels say it is off the scale, not 2"

if [ "$fails" -gt 0 ]; then
  echo "test_picture: $fails failed" >&2
  exit 1
fi
echo "test_picture: ok"
