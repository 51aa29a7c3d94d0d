# SPDX-License-Identifier: MIT
# plot/seed.gp - the picture scripts/plot draws from plot/split.awk's files:
# a panel per scenario, x = operations through make, fill, delete and nil /
# reset, y = KiB above the figure before make: Go's HeapAlloc and Sys beside
# tidemark's in_use and watermark, the step boundaries marked and labelled.
#   gnuplot -c plot/seed.gp DIR OUT.png N TITLE
# Every series is drawn as steps: a value holds until the operation at which
# the next one was seen (Go's every 256 operations, tidemark's at each arena
# allocation and free, and every 256 operations).
dir = ARG1
out = ARG2
n = int(ARG3)
title = ARG4
set terminal pngcairo size 1100,960 font "sans,10" linewidth 1.5 noenhanced
set output out
left = int(n / 8)
right = int(n / 4)
set datafile separator whitespace
set xrange [-left : 2 * n + right]
set yrange [0 : *]
set offsets 0, 0, graph 0.12, 0
set xtics 0, n / 4, 2 * n
set grid ytics lc rgb "#dddddd"
set key at first 3 * n / 2, graph 0.6 center top opaque box lc rgb "#bbbbbb"
set ylabel "KiB above the figure before make"
set style line 1 lc rgb "#1f5fa8" lw 2 dt 1
set style line 2 lc rgb "#1f5fa8" lw 1.5 dt (6, 4)
set style line 3 lc rgb "#d2571e" lw 2 dt 1
set style line 4 lc rgb "#d2571e" lw 1.5 dt (2, 3)
set style arrow 1 nohead lc rgb "#666666" dt (3, 3) lw 1

panel(s) = sprintf("%s/%s", dir, s)
set multiplot layout 2, 1 title title font "sans,12"
do for [s in "hint nohint"] {
  if (s eq "hint") {
    set title sprintf("make(map[int]int, %d)  /  console: make %d", n, n)
  } else {
    set title "make(map[int]int), no hint  /  console: make 0"
  }
  if (s eq "nohint") { set xlabel "operations: inserts of keys 0..n-1, then deletes of each" }
  unset arrow
  unset label
  set arrow 1 from 0, graph 0 to 0, graph 1 as 1
  set arrow 2 from n, graph 0 to n, graph 1 as 1
  set arrow 3 from 2 * n, graph 0 to 2 * n, graph 1 as 1
  set label 1 "before" at -left / 2, graph 0.96 center
  set label 2 "make, then fill" at n / 2, graph 0.96 center
  set label 3 "delete every key" at 3 * n / 2, graph 0.96 center
  set label 4 "nil + GC\n/ reset" at 2 * n + right * 9 / 16, graph 0.5 center
  plot panel(s) . "_go_sys.dat" using 1:2 with steps ls 2 title "Go Sys", \
       panel(s) . "_go_heap.dat" using 1:2 with steps ls 1 title "Go HeapAlloc", \
       panel(s) . "_tm_watermark.dat" using 1:2 with steps ls 4 title "tidemark watermark", \
       panel(s) . "_tm_in_use.dat" using 1:2 with steps ls 3 title "tidemark in_use"
}
unset multiplot
