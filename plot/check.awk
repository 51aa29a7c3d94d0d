# SPDX-License-Identifier: MIT
# plot/check.awk - check scripts/plot's seed.csv against the seed's story:
#   awk -v n=N -v every=E -v tol=BYTES -f plot/check.awk seed.csv
# (scripts/plot's run: n = 8192, every = 256, tol = 8192).  Prints one line
# per broken rule and exits 1, or prints a summary and exits 0.
#
# Rules, for each generation (the last column: bucket, which must be there,
# and swiss, checked when it is) and each scenario (hint, nohint), both of
# which must be there from both sides (go, tidemark; a Go row names its Go
# in the column before, a tidemark row leaves it empty):
#   - after make (hint only: with no hint neither side allocates a table
#     yet) and after the fill, Go's heap delta (the sample after
#     runtime.GC()) and tidemark's bytes (its command's entry) agree: within
#     tol for the bucket map; for the Swiss map, whose groups arrays Go
#     rounds to its size classes and tidemark to 4 KiB pages (a 17,408-byte
#     array: 18,432 in Go, 20,480 here), tidemark's bytes are at most tol
#     below Go's and at most an eighth of them plus tol above;
#   - every delete sample, of either side, is within tol of that side's
#     after-fill figure, and agrees (as above) with the other side's at the
#     same operation: delete gives nothing back, on either;
#   - after nil + GC, Go's heap delta is within tol of 0, and after reset
#     tidemark's in_use is 0 with its watermark as it was after the deletes;
#   - Go's sys and tidemark's watermark never fall, row after row;
#   - each side has a sample at least every E operations through fill and
#     delete (n / E of each).
function abs(x) { return x < 0 ? -x : x }
# Do Go's heap delta h and tidemark's bytes b agree, for scenario key s?
function agree(s, h, b) {
  if (s ~ /^swiss /) return b >= h - tol && b <= h + h / 8 + tol
  return abs(h - b) <= tol
}
function broken(msg) { printf("check: %s\n", msg); nbroken++ }
BEGIN {
  FS = ","
  if (n !~ /^[1-9][0-9]*$/ || every !~ /^[1-9][0-9]*$/ || tol !~ /^[0-9]+$/) {
    print "check.awk: set n, every and tol" > "/dev/stderr"
    exit 2
  }
  header = "side,scenario,step,ops,event,heap_alloc,sys,bytes,in_use,watermark,go,gen"
  nscen = split("hint,nohint,swiss hint,swiss nohint", scen, ",")
}
NR == 1 {
  if ($0 != header) broken("header is '" $0 "', not '" header "'")
  next
}
{
  if (NF != 12) { broken("line " NR ": " NF " fields"); next }
  side = $1; s = $2; step = $3; ops = $4; ev = $5
  if ((side != "go" && side != "tidemark") || (s != "hint" && s != "nohint") ||
      step !~ /^(start|make|fill|delete|nil)$/ || ops !~ /^[0-9]+$/ ||
      ($12 != "bucket" && $12 != "swiss") || ((side == "go") != ($11 ~ /^go1\.[0-9]/))) {
    broken("line " NR ": not a row: " $0); next
  }
  if ($12 == "swiss") s = "swiss " s
  k = side SUBSEP s
  rows[k]++
  if (side == "go") {
    if ($6 !~ /^-?[0-9]+$/ || $7 !~ /^-?[0-9]+$/ || $8 $9 $10 != "" || (ev != "gc" && ev != "sample")) {
      broken("line " NR ": not a Go row: " $0); next
    }
    heap = $6 + 0; sys = $7 + 0
    if ((k in last_sys) && sys < last_sys[k])
      broken(sprintf("%s: Go's sys fell from %d to %d at %s ops %d", s, last_sys[k], sys, step, ops))
    last_sys[k] = sys
    if (ev == "gc") gc[s, step] = heap
    if (step == "fill" && ev == "sample") nfill[k]++
    if (step == "delete") { go_del[s, ++ngo_del[s]] = ops; go_del_heap[s, ops] = heap }
    if (step == "delete" && ev == "sample") ndel[k]++
  } else {
    if ($6 $7 != "" || $8 !~ /^[0-9]+$/ || $9 !~ /^[0-9]+$/ || $10 !~ /^[0-9]+$/ ||
        ev !~ /^(alloc|free|reset|cmd)$/) {
      broken("line " NR ": not a tidemark row: " $0); next
    }
    bytes = $8 + 0; in_use = $9 + 0; wm = $10 + 0
    if ((k in last_wm) && wm < last_wm[k])
      broken(sprintf("%s: tidemark's watermark fell from %d to %d at %s ops %d", s, last_wm[k], wm, step, ops))
    last_wm[k] = wm
    if (ev == "cmd") { cmd_bytes[s, step] = bytes; cmd_ops[s, step] = ops }
    if (step == "fill" && ev == "cmd") nfill[k]++
    if (step == "delete") { tm_del[s, ++ntm_del[s]] = bytes; tm_del_at[s, ops] = bytes; wm_del[s] = wm }
    if (step == "delete" && ev == "cmd") ndel[k]++
    if (step == "nil") { nil_in_use[s] = in_use; nil_wm[s] = wm; nil_seen[s] = 1 }
  }
}
END {
  if (NR == 0) broken("empty file")
  for (i = 1; i <= nscen; i++) {
    s = scen[i]
    if (s ~ /^swiss / && !rows["go", s] && !rows["tidemark", s])
      continue # no Go with the Swiss map: its rows are all absent
    if (!rows["go", s] || !rows["tidemark", s]) {
      broken(s ": " (rows["go", s] ? "" : "no go rows ") (rows["tidemark", s] ? "" : "no tidemark rows"))
      continue
    }
    for (side = 1; side <= 2; side++) {
      who = side == 1 ? "go" : "tidemark"
      if (nfill[who, s] < int(n / every))
        broken(sprintf("%s: %s has %d fill samples, not %d", s, who, nfill[who, s], int(n / every)))
      if (ndel[who, s] < int(n / every))
        broken(sprintf("%s: %s has %d delete samples, not %d", s, who, ndel[who, s], int(n / every)))
    }
    if (!((s, "make") in gc) || !((s, "fill") in gc) || !((s, "nil") in gc)) {
      broken(s ": Go lacks a gc sample after make, fill or nil"); continue
    }
    if (!((s, "make") in cmd_bytes) || !((s, "fill") in cmd_bytes) || !nil_seen[s]) {
      broken(s ": tidemark lacks its make, fill or reset entry"); continue
    }
    if (cmd_ops[s, "fill"] != n) broken(sprintf("%s: tidemark's fill ended at %d ops, not %d", s, cmd_ops[s, "fill"], n))
    if (s ~ /(^| )hint$/ && !agree(s, gc[s, "make"], cmd_bytes[s, "make"]))
      broken(sprintf("%s: after make Go %d, tidemark %d bytes", s, gc[s, "make"], cmd_bytes[s, "make"]))
    go_fill = gc[s, "fill"]; tm_fill = cmd_bytes[s, "fill"]
    if (!agree(s, go_fill, tm_fill))
      broken(sprintf("%s: after fill Go %d, tidemark %d bytes", s, go_fill, tm_fill))
    for (j = 1; j <= ngo_del[s]; j++) {
      o = go_del[s, j]; h = go_del_heap[s, o]
      if (abs(h - go_fill) > tol)
        broken(sprintf("%s: Go's heap moved from %d to %d during the deletes (ops %d)", s, go_fill, h, o))
      if (((s, o) in tm_del_at) && !agree(s, h, tm_del_at[s, o]))
        broken(sprintf("%s: at ops %d Go %d, tidemark %d bytes", s, o, h, tm_del_at[s, o]))
    }
    for (j = 1; j <= ntm_del[s]; j++)
      if (abs(tm_del[s, j] - tm_fill) > tol)
        broken(sprintf("%s: tidemark's bytes moved from %d to %d during the deletes", s, tm_fill, tm_del[s, j]))
    if (abs(gc[s, "nil"]) > tol)
      broken(sprintf("%s: after nil + GC Go's heap is %d bytes from where it started", s, gc[s, "nil"]))
    if (nil_in_use[s] != 0) broken(sprintf("%s: after reset tidemark's in_use is %d", s, nil_in_use[s]))
    if (nil_wm[s] != wm_del[s])
      broken(sprintf("%s: the reset moved tidemark's watermark from %d to %d", s, wm_del[s], nil_wm[s]))
  }
  if (nbroken) exit 1
  printf("check: ok: %d rows, both sides, both scenarios, %s\n", NR - 1,
         rows["go", "swiss hint"] ? "both generations" : "the bucket map (no Swiss rows)")
}
