# SPDX-License-Identifier: MIT
# plot/table.awk - scripts/plot's stdout table from seed.csv: per
# generation (bucket, swiss), scenario and step, Go's heap delta (the sample after runtime.GC() that ends the
# step) beside tidemark's map bytes (the entry of the step's last command),
# their difference, and Go's sys delta beside tidemark's watermark, in
# bytes:
#   awk -f plot/table.awk seed.csv
BEGIN {
  FS = ","
  nsteps = split("start make fill delete nil", steps, " ")
  split("hint nohint", scen, " ")
  split("bucket swiss", gens, " ")
  label["start"] = "before make"
  label["make"] = "make"
  label["fill"] = "fill"
  label["delete"] = "delete all"
  label["nil"] = "nil+GC/reset"
}
NR > 1 { k = $12 " " $2 }
NR > 1 && $1 == "go" && $5 == "gc" { heap[k, $3] = $6; sys[k, $3] = $7; have_go[k, $3] = 1 }
NR > 1 && $1 == "tidemark" && $5 == "cmd" {
  bytes[k, $3] = $8; wm[k, $3] = $10; ops[k, $3] = $4; have_tm[k, $3] = 1
}
END {
  fmt = "%-14s %-12s %5s %9s %9s %8s %9s %9s\n"
  printf(fmt, "", "", "", "Go heap", "tidemark", "Go -", "Go sys", "tidemark")
  printf(fmt, "map", "after", "ops", "delta", "bytes", "tidemark", "delta", "watermark")
  for (g = 1; g <= 2; g++)
    for (i = 1; i <= 2; i++)
      for (j = 1; j <= nsteps; j++) {
        s = gens[g] " " scen[i]; st = steps[j]
        if (!have_go[s, st] || !have_tm[s, st]) continue
        printf(fmt, s, label[st], ops[s, st], heap[s, st], bytes[s, st],
               heap[s, st] - bytes[s, st], sys[s, st], wm[s, st])
      }
}
