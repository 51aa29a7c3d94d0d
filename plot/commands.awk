# SPDX-License-Identifier: MIT
# plot/commands.awk - the console lines that replay the seed's scenario 2 on
# the firmware, for scripts/plot:
#   awk -v hint=H -v n=N -v every=E [-v gen=swiss] -f plot/commands.awk
# H is make's hint (8192: make(map[int]int, 8192); 0: make(map[int]int));
# gen=swiss replays it on the Swiss map (make swiss H), else the bucket map.
#
#   history clear; stats        the figures before make (the `start` sample)
#   make [swiss] H              Go's make
#   fill E, fill 2E, ... fill N keys 0..N-1, E new keys a command, so every
#                               fill's history entry is a sample E inserts on
#   del 0 ... del N-1           one key a command, so every E-th del's entry
#                               is a sample E deletes on
#   reset                       Go's intMap = nil; runtime.GC()
#   stats; exit 0               stats: the last history entry must agree
# `history` then `history clear` every E deletes (and after the fills) read
# the entries back before the ring (at least 1,024 entries) could drop any.
BEGIN {
  if (n !~ /^[0-9]+$/ || every !~ /^[1-9][0-9]*$/ || hint !~ /^[0-9]+$/ ||
      (gen != "" && gen != "bucket" && gen != "swiss")) {
    print "commands.awk: set hint, n and every (whole numbers, every > 0), gen bucket or swiss" > "/dev/stderr"
    exit 2
  }
  n += 0; every += 0
  print "history clear"
  print "stats"
  print (gen == "swiss" ? "make swiss " : "make ") hint
  for (k = every; k < n; k += every)
    print "fill " k
  print "fill " n
  print "history"
  print "history clear"
  for (i = 0; i < n; i++) {
    print "del " i
    if ((i + 1) % every == 0 || i == n - 1) {
      print "history"
      print "history clear"
    }
  }
  print "reset"
  print "history"
  print "stats"
  print "exit 0"
}
