# SPDX-License-Identifier: MIT
# tidemark.py - gdb commands that read the arena, a map and the stack of a
# halted tidemark firmware, the figures the console's `stats` prints, without
# the console.  Load it with `-x scripts/gdb/tidemark.py` (the virt build's
# `debug` target prints the whole gdb command line).
#
#   tidemark stats [ARENA [MAP]]  the four `stats` lines (arena, map, stack, frag)
#   tidemark arena [ARENA]        the arena line
#   tidemark map [MAP]            the map line
#   tidemark pages [ARENA]        the page map up to the watermark: one
#                                 character a page, # handed out, . free
#
# ARENA is an expression for a struct arena or a pointer to one, MAP for a
# struct hmap or a pointer to one; by default the console's (the statics
# `arena` and `console` of board/main.c).  Stopped in hmap_put_u64, for
# example: `tidemark map m` and `tidemark arena m->arena`.
#
# The figures are computed here from the structures as arena_get_stats,
# hmap_get_stats, board_stack_used and arena_get_frag compute them; the host
# test that runs gdb against QEMU (gdb_session) holds that they print what
# `stats` prints.
import gdb

# board/stack.h's STACK_PAINT: start.S paints the stack with it.
STACK_PAINT = 0x5741544552535441

DEFAULT_ARENA = "arena"
DEFAULT_MAP = "console.map"


class Refused(Exception):
    """A helper's one-line answer to an argument it cannot use."""


def struct_value(expr, tag):
    """The struct `tag` an expression names, through a pointer if it is one;
    anything else is refused in one line (no Python traceback)."""
    try:
        v = gdb.parse_and_eval(expr)
    except gdb.error as e:
        raise Refused("'%s': %s" % (expr, e))
    t = v.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_PTR:
        t = t.target().strip_typedefs()
        if t.code == gdb.TYPE_CODE_STRUCT and t.tag == tag:
            if int(v) == 0:
                raise Refused("'%s' is a NULL pointer to a struct %s" % (expr, tag))
            v = v.dereference()
    if v.type.strip_typedefs().code != gdb.TYPE_CODE_STRUCT or \
            v.type.strip_typedefs().tag != tag:
        raise Refused("'%s' is not a struct %s or a pointer to one (it is %s)" %
                      (expr, tag, v.type))
    return v


def u(v):
    return int(v)


def arena_line(a):
    shift = u(a["page_shift"])
    return ("arena in_use=%d watermark=%d peak=%d capacity=%d page=%d allocs=%d frees=%d "
            "failed=%d" % (u(a["used_pages"]) << shift, u(a["high_pages"]) << shift,
                           u(a["peak_pages"]) << shift, u(a["npages"]) << shift,
                           u(a["page_size"]), u(a["allocs"]), u(a["frees"]),
                           u(a["failed_allocs"])))


def map_line(m):
    cur, old = m["cur"], m["old"]
    page = u(m["arena"].dereference()["page_size"])
    pages = sum(u(t["array_pages"]) + u(t["chunk_pages"]) for t in (cur, old))
    buckets = (1 << u(cur["B"])) if u(cur["buckets"]) else 0
    growing = 1 if u(old["buckets"]) else 0
    return ("map len=%d B=%d buckets=%d overflow=%d bytes=%d growing=%d hint=%d" %
            (u(m["count"]), u(cur["B"]), buckets, u(cur["noverflow"]) + u(old["noverflow"]),
             pages * page, growing, u(m["hint"])))


def stack_line():
    bottom = u(gdb.parse_and_eval("(unsigned long)&__stack_bottom"))
    top = u(gdb.parse_and_eval("(unsigned long)&__stack"))
    mem = bytes(gdb.selected_inferior().read_memory(bottom, top - bottom))
    w = 0
    while w < len(mem) and int.from_bytes(mem[w:w + 8], "little") == STACK_PAINT:
        w += 8
    return "stack used=%d size=%d" % (len(mem) - w, len(mem))


def frag_line(a):
    """stats' frag line, from the arena's bitmap: free pages, the longest run
    of them, the runs, the free pages below the watermark."""
    shift = u(a["page_shift"])
    npages, high = u(a["npages"]), u(a["high_pages"])
    words = (npages + 63) // 64
    raw = bytes(gdb.selected_inferior().read_memory(u(a["map"]), words * 8))
    free = largest = runs = below = run = 0
    for i in range(npages + 1):
        if i < npages and not (raw[i // 8] >> (i % 8)) & 1:
            free += 1
            run += 1
            below += i < high
            continue
        if run:
            runs += 1
            largest = max(largest, run)
        run = 0
    return ("frag free=%d largest_free=%d free_runs=%d free_below_watermark=%d" %
            (free << shift, largest << shift, runs, below << shift))


def page_map(a, per_row=64):
    high = u(a["high_pages"])
    npages = u(a["npages"])
    words = (high + 63) // 64
    raw = bytes(gdb.selected_inferior().read_memory(u(a["map"]), words * 8)) if words else b""
    lines = ["pages 0..%d of %d shown (to the watermark), %d bytes each: # handed out, . free"
             % (max(high, 1) - 1, npages, u(a["page_size"]))]
    used = 0
    for row in range(0, high, per_row):
        chars = []
        for i in range(row, min(row + per_row, high)):
            bit = (raw[i // 8] >> (i % 8)) & 1
            used += bit
            chars.append("#" if bit else ".")
        lines.append("%6d %s" % (row, "".join(chars)))
    lines.append("%d of %d pages below the watermark handed out" % (used, high))
    return lines


class Tidemark(gdb.Command):
    """tidemark stats|arena|map|pages: a halted tidemark firmware's figures.

tidemark stats [ARENA [MAP]]  the four lines the console's stats prints
tidemark arena [ARENA]        the arena line
tidemark map [MAP]            the map line
tidemark pages [ARENA]        the page map up to the watermark (# handed out)
ARENA and MAP default to the console's (board/main.c's arena and console.map)."""

    def __init__(self):
        super().__init__("tidemark", gdb.COMMAND_DATA, prefix=True)

    def invoke(self, arg, from_tty):
        # gdb hands a prefix command the words no subcommand matched.
        if arg.strip():
            raise gdb.GdbError("tidemark: unknown subcommand '%s' (stats, arena, map or pages; "
                               "help tidemark)" % arg.split()[0])
        gdb.execute("help tidemark", from_tty)


class Sub(gdb.Command):
    def __init__(self, name, run, doc):
        self.__doc__ = doc
        super().__init__("tidemark " + name, gdb.COMMAND_DATA)
        self.name = "tidemark " + name
        self.run = run

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        # Every failure is one line through gdb's own error, never a Python
        # traceback: a wrong argument, or memory the target cannot read.
        try:
            lines = self.run(args)
        except Refused as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: cannot read the target's memory (%s)" % (self.name, e))
        except gdb.error as e:
            raise gdb.GdbError("%s: %s" % (self.name, e))
        for line in lines:
            gdb.write(line + "\n")


def cmd_stats(args):
    if len(args) > 2:
        raise Refused("at most two arguments (ARENA MAP)")
    a = struct_value(args[0] if len(args) > 0 else DEFAULT_ARENA, "arena")
    m = struct_value(args[1] if len(args) > 1 else DEFAULT_MAP, "hmap")
    return [arena_line(a), map_line(m), stack_line(), frag_line(a)]


Tidemark()
Sub("stats", cmd_stats,
    "tidemark stats [ARENA [MAP]]: the arena, map, stack and frag lines of the console's stats.")
def one_arg(args):
    if len(args) > 1:
        raise Refused("at most one argument")
    return args[0] if args else None


Sub("arena", lambda args: [arena_line(struct_value(one_arg(args) or DEFAULT_ARENA, "arena"))],
    "tidemark arena [ARENA]: an arena's line of stats (default: the console's arena).")
Sub("map", lambda args: [map_line(struct_value(one_arg(args) or DEFAULT_MAP, "hmap"))],
    "tidemark map [MAP]: a map's line of stats (default: the console's map).")
Sub("pages", lambda args: page_map(struct_value(one_arg(args) or DEFAULT_ARENA, "arena")),
    "tidemark pages [ARENA]: the page map to the watermark, # handed out, . free.")
