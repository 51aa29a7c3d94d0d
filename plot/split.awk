# SPDX-License-Identifier: MIT
# plot/split.awk - seed.csv into the data files plot/seed.gp draws, one per
# scenario and series, "x KiB" a line, in the CSV's order:
#   awk -v dir=D -v n=N -f plot/split.awk seed.csv
# writes D/<gen>_<scenario>_{go_heap,go_sys,tm_in_use,tm_watermark}.dat (gen:
# the CSV's last column, bucket or swiss).  x is the
# operations done, except that `start` (before make) is drawn at -n/8, the
# left edge, and `nil` (nil + GC, reset) n/32 to the right of 2n, and every
# series' last value is repeated at 2n + n/4, the right edge (plot/seed.gp's
# x range): so the step at make and the drop at the end stand apart, and
# what stays after the end (Go's Sys, the watermark) is seen to stay.
# It also writes D/<gen>_<scenario>_go_gc.dat, one line "x before after" (KiB)
# for the runtime.GC() that ends Go's fill: the heap just before it and
# after it, so that seed.gp can mark that drop as the GC's, not the
# deletes' that follow it.
BEGIN { FS = ","; left = int(n / 8); right = int(n / 4) }
NR == 1 { next }
function put(file, x, y) {
  printf("%d %.3f\n", x, y) > file
  last[file] = y
}
{
  x = $4
  if ($3 == "start") x = -left
  if ($3 == "nil") x = 2 * n + int(n / 32)
  f = dir "/" $12 "_" $2
  if ($1 == "go") {
    if ($3 == "fill" && $5 == "gc") {
      printf("%d %.3f %.3f\n", x, last[f "_go_heap.dat"], $6 / 1024) > (f "_go_gc.dat")
      close(f "_go_gc.dat")
    }
    put(f "_go_heap.dat", x, $6 / 1024)
    put(f "_go_sys.dat", x, $7 / 1024)
  } else {
    put(f "_tm_in_use.dat", x, $9 / 1024)
    put(f "_tm_watermark.dat", x, $10 / 1024)
  }
}
END {
  for (file in last) {
    printf("%d %.3f\n", 2 * n + right, last[file]) > file
    close(file)
  }
}
