# SPDX-License-Identifier: MIT
# plot/seed.gp - the picture scripts/plot draws from plot/split.awk's files:
# two rows of two panels, a row per generation of Go's map (the bucket map,
# the Swiss map) and a column per scenario (hint, no hint), each titled with
# its Go; x = operations through make, fill, delete and nil / reset, y = KiB
# above the figure before make: Go's HeapAlloc and Sys beside tidemark's
# in_use and watermark, the step boundaries marked and labelled.
#   gnuplot -c plot/seed.gp DIR OUT.png N TITLE GO_BUCKET [GO_SWISS [WHY]]
# (OUT.svg: an SVG instead).  GO_SWISS empty: no Go with the Swiss map was
# found; its panels then say so, with WHY.
# Every series is drawn as steps: a value holds until the operation at which
# the next one was seen (Go's every 256 operations, tidemark's at each arena
# allocation and free, and every 256 operations).
#
# Go's heap falls at the end of the fill, where its runtime.GC() frees the
# bucket arrays growth left behind; drawn at the fill's last operation, that
# drop would read as the deletes' doing.  So it is a marked event of its own
# (a point and a label, "GC: ...", with an arrow to the drop), beside the
# drop and clear of the curves and the legend.  Where Go's HeapAlloc and
# tidemark's in_use coincide, in_use is dashed over the solid HeapAlloc, and
# Sys (long dashes) and the watermark (dots) likewise, as the legend says.
dir = ARG1
out = ARG2
n = int(ARG3)
title = ARG4
go_bucket = ARG5
go_swiss = ARG6
swiss_why = ARG7
if (out[strlen(out) - 3:] eq ".svg") {
  set terminal svg size 1600,1000 font "sans,10" linewidth 1.5 noenhanced
} else {
  set terminal pngcairo size 1600,1000 font "sans,10" linewidth 1.5 noenhanced
}
set output out
left = int(n / 8)
right = int(n / 4)
set datafile separator whitespace
set xrange [-left : 2 * n + right]
set yrange [0 : *]
set offsets 0, 0, graph 0.12, 0
set xtics 0, n / 4, 2 * n
set grid ytics lc rgb "#dddddd"
# The legend below each panel, outside its plot: inside, wherever it sat,
# some run's curves (their heights vary with Go's and the scale) passed
# under it and it hid them.
set key below center horizontal maxrows 2 box lc rgb "#bbbbbb" font ",9"
set ylabel "KiB above the figure before make"
set style line 1 lc rgb "#1f5fa8" lw 3 dt 1
set style line 2 lc rgb "#1f5fa8" lw 1.5 dt (12, 6)
set style line 3 lc rgb "#d2571e" lw 2 dt (8, 5)
set style line 4 lc rgb "#d2571e" lw 2 dt (2, 4)
set style arrow 1 nohead lc rgb "#666666" dt (3, 3) lw 1
set style arrow 2 head filled size screen 0.008, 20 lc rgb "#333333" lw 1

panel(g, s) = sprintf("%s/%s_%s", dir, g, s)
# The x axis is said once, in the title: a panel's own x label would
# collide with the legend below it.
set multiplot layout 2, 2 title title . "\nx: operations, inserts of keys 0..n-1, then deletes of each" font "sans,12"
do for [g in "bucket swiss"] {
do for [s in "hint nohint"] {
  go = (g eq "bucket") ? go_bucket : go_swiss
  what = (g eq "bucket") ? "bucket map" : "Swiss map"
  cmd = (g eq "bucket") ? "make" : "make swiss"
  if (s eq "hint") {
    set title sprintf("%s, Go %s: make(map[int]int, %d)  /  console: %s %d", what, go, n, cmd, n)
  } else {
    set title sprintf("%s, Go %s: make(map[int]int), no hint  /  console: %s 0", what, go, cmd)
  }
  unset arrow
  unset label
  set arrow 1 from 0, graph 0 to 0, graph 1 as 1
  set arrow 2 from n, graph 0 to n, graph 1 as 1
  set arrow 3 from 2 * n, graph 0 to 2 * n, graph 1 as 1
  set label 1 "before" at -left / 2, graph 0.96 center
  set label 2 "make, then fill" at n / 2, graph 0.96 center
  set label 3 "delete every key" at 3 * n / 2, graph 0.96 center
  if (go eq "") {
    # No Go with the Swiss map: the panel says so, and draws nothing.
    set title sprintf("%s: no Go >= 1.24 found", what)
    set label 7 sprintf("no Go >= 1.24 found:\n%s", swiss_why) at n, graph 0.5 center front
    set yrange [0 : 1]
    plot NaN notitle
    set yrange [0 : *]
    continue
  }
  # Go's Sys far above everything else (Go 1.26 reserves megabytes at a
  # make with a hint) would flatten the other curves against the axis:
  # then the y axis stops at 1.5 times the others' top, and a label gives
  # Sys's own top.
  # stats reads only the points inside the current y range: the previous
  # panel's must not cut this one's.
  set yrange [* : *]
  stats panel(g, s) . "_go_heap.dat" using (heap_end = $2) nooutput
  top = STATS_max
  stats panel(g, s) . "_tm_in_use.dat" using (in_use_end = $2) nooutput
  stats panel(g, s) . "_tm_watermark.dat" using (watermark_end = $2) nooutput
  top = STATS_max > top ? STATS_max : top
  stats panel(g, s) . "_go_sys.dat" using (sys_end = $2) nooutput
  # The "nil + GC / reset" label, right of 2n, goes in the middle of the
  # widest gap between where the series end there: Go's heap and in_use
  # back near 0 (low), Sys and the watermark at their highest (they never
  # fall), and the top of the panel: on no curve, with room for its two
  # lines.
  sys_top = STATS_max
  panel_top = sys_top > 3 * top ? 1.5 * top : (sys_top > top ? sys_top : top)
  low = heap_end > in_use_end ? heap_end : in_use_end
  clamp(v) = v < low ? low : (v > panel_top ? panel_top : v)
  mid_a = clamp(sys_end < watermark_end ? sys_end : watermark_end)
  mid_b = clamp(sys_end < watermark_end ? watermark_end : sys_end)
  label_y = (low + mid_a) / 2
  label_y = (mid_b - mid_a > mid_a - low) ? (mid_a + mid_b) / 2 : label_y
  widest = mid_b - mid_a > mid_a - low ? mid_b - mid_a : mid_a - low
  label_y = (panel_top - mid_b > widest) ? (mid_b + panel_top) / 2 : label_y
  set label 4 "nil + GC\n/ reset" at 2 * n + right * 9 / 16, first label_y center
  if (exists("show_label_y")) {
    print sprintf("seed.gp: %s_%s nil label y=%g", g, s, label_y)
  }
  if (STATS_max > 3 * top && top > 0) {
    set yrange [0 : 1.5 * top]
    set label 8 sprintf("Go Sys: up to %.0f KiB, off this scale", STATS_max) \
        at first 3 * n / 2, graph 0.88 center front
  } else {
    set yrange [0 : *]
  }
  # The GC that ends Go's fill, when it frees a noticeable part of the heap
  # (5% or more): a point at the drop's foot, the label to the right of the
  # boundary, below the curves that stay high, and an
  # arrow from it to the middle of the drop.
  stats panel(g, s) . "_go_gc.dat" using 2:3 nooutput
  gc_before = STATS_max_x
  gc_after = STATS_max_y
  if (gc_before > 0 && gc_after < gc_before * 0.95) {
    gc_text = (g eq "bucket") ? "GC: the old bucket arrays\nare garbage-collected" \
                              : "GC: the outgrown groups arrays\nare garbage-collected"
    set label 5 gc_text at n + n / 10, gc_after + (gc_before - gc_after) * 0.75 left front
    set arrow 4 from n + n / 11, gc_after + (gc_before - gc_after) * 0.75 \
        to n + n / 80, (gc_before + gc_after) / 2 as 2 front
    set label 6 "" at n, gc_after point pt 7 ps 1.2 lc rgb "#1f5fa8" front
  }
  plot panel(g, s) . "_go_sys.dat" using 1:2 with steps ls 2 title "Go Sys (long dashes)", \
       panel(g, s) . "_go_heap.dat" using 1:2 with steps ls 1 title "Go HeapAlloc (solid)", \
       panel(g, s) . "_tm_watermark.dat" using 1:2 with steps ls 4 \
         title "tidemark watermark (dots, over Sys)", \
       panel(g, s) . "_tm_in_use.dat" using 1:2 with steps ls 3 \
         title "tidemark in_use (dashes, over HeapAlloc)"
}
}
unset multiplot
