# SPDX-License-Identifier: MIT
# plot/history.awk - the firmware's side of scripts/plot: read the UART
# transcript of plot/commands.awk's lines and print the CSV rows
#   tidemark,<scenario>,<step>,<ops>,<event>,,,<bytes>,<in_use>,<watermark>
#   awk -v scenario=S -v every=E -f plot/history.awk TRANSCRIPT
#
# It reads the `history` dumps, in the console's format:
#   history entries=<n> dropped=<n>
#   at=<seq> event=<alloc|free|reset|cmd> pages=<n> len=<n> bytes=<n> in_use=<n> watermark=<n>[ cmd=<line>[ result=ERR]]
# (cmd= exactly on cmd entries, the command line as typed; its first word
# names the step), and fails (exit 1, a message on stderr) on
# any `ERR` answer, any entry out of that format, a dump with fewer entries
# than its header says, a dump that dropped entries, entries out of order,
# or a last entry whose in_use and watermark are not what the closing
# `stats` says.
#
# Each entry becomes a row in the step of the command it happened in (the
# next cmd entry): stats before make is `start`, make `make`, fill `fill`,
# del `delete`, reset `nil`; history and stats entries carry no step and may
# hold no allocation.  The operations done so far are 2 * peak - len, peak the
# most entries the map has held: the keys are distinct and never put twice,
# so while it fills that is len, and after it is the inserts plus the
# deletes.  Every alloc, free and reset entry is a row; of the del entries,
# one in every E operations (the samples), and every other cmd entry.
function fail(msg) {
  printf("history.awk: %s:%s: %s\n", FILENAME, FNR, msg) > "/dev/stderr"
  failed = 1
  exit 1
}
function field(name,   i) {
  for (i = 1; i <= NF; i++)
    if (index($i, name "=") == 1)
      return substr($i, length(name) + 2) + 0
  fail("no " name "= in '" $0 "'")
}
function step_of(word) {
  if (word == "stats" && !made) return "start"
  if (word == "make") { made = 1; return "make" }
  if (word == "fill") return "fill"
  if (word == "del") return "delete"
  if (word == "reset") return "nil"
  if (word == "history" || word == "stats") return ""
  fail("a command the replay does not send: " word)
}
BEGIN {
  if (scenario == "" || every !~ /^[1-9][0-9]*$/) {
    print "history.awk: set scenario and every" > "/dev/stderr"
    failed = 1
    exit 2
  }
  entry_re = "^at=[0-9]+ event=(alloc|free|reset|cmd) pages=[0-9]+ len=[0-9]+ bytes=[0-9]+ in_use=[0-9]+ watermark=[0-9]+( cmd=[!-~]+( [!-~]+)*)?( gen=swiss)?$"
}
{ sub(/\r$/, "") }
/^ERR / { fail("the firmware answered: " $0) }
/^history entries=/ {
  if (want > 0) fail("a history dump ended " want " entries early")
  if ($0 !~ /^history entries=[0-9]+ dropped=[0-9]+$/) fail("bad history header: '" $0 "'")
  want = field("entries")
  if (field("dropped") > 0) fail("the history dropped " field("dropped") " entries: read it more often")
  dumps++
  last_seq = -1
  next
}
/^at=/ {
  if (want == 0) fail("an entry outside a history dump: '" $0 "'")
  if ($0 !~ entry_re) fail("entry out of format: '" $0 "'")
  ev = substr($2, 7)
  if ((ev == "cmd") != ($0 ~ / cmd=/)) fail("cmd= belongs on cmd entries only: '" $0 "'")
  want--
  seq = field("at")
  if (seq <= last_seq) fail("entries out of order: at=" seq " after at=" last_seq)
  last_seq = seq
  len = field("len")
  if (len > peak) peak = len
  ops = 2 * peak - len
  row = sprintf("%d,%s,%d,%d,%d", ops, ev, field("bytes"), field("in_use"), field("watermark"))
  if (ev != "cmd") {
    pending[++npending] = row
    if (ev == "alloc" || ev == "free") allocating = 1
    next
  }
  if ($0 ~ / result=ERR$/) fail("a command failed: '" $0 "'")
  word = substr($0, index($0, " cmd=") + 5)
  sub(/ .*/, "", word)
  step = step_of(word)
  if (step == "" && allocating) fail(word " allocated or freed pages")
  if (step == "start" && npending > 0) fail("pages moved before make")
  for (i = 1; i <= npending; i++) {
    split(pending[i], p, ",")
    printf("tidemark,%s,%s,%s,%s,,,%s,%s,%s\n", scenario, step, p[1], p[2], p[3], p[4], p[5])
  }
  npending = 0
  allocating = 0
  if (step != "" && (step != "delete" || ops % every == 0)) {
    split(row, p, ",")
    printf("tidemark,%s,%s,%s,%s,,,%s,%s,%s\n", scenario, step, p[1], p[2], p[3], p[4], p[5])
  }
  last_in_use = field("in_use")
  last_wm = field("watermark")
  next
}
/^arena in_use=/ { stats_in_use = field("in_use"); stats_wm = field("watermark"); stats_seen = 1 }
END {
  if (failed) exit 1
  if (want > 0) { FNR = "end"; fail("the last history dump ended " want " entries early") }
  if (dumps == 0) { FNR = "end"; fail("no history dump: is this a firmware with `history`?") }
  if (npending > 0) { FNR = "end"; fail("entries after the last command") }
  if (!stats_seen) { FNR = "end"; fail("no closing stats") }
  if (stats_in_use != last_in_use || stats_wm != last_wm) {
    FNR = "end"
    fail(sprintf("the last entry says in_use=%d watermark=%d, stats in_use=%d watermark=%d",
                 last_in_use, last_wm, stats_in_use, stats_wm))
  }
}
