/* SPDX-License-Identifier: MIT */
/*
 * console.h - the firmware's command console: a line editor, a parser and
 * the commands, over one Go-style map (8-byte keys and values) on an arena.
 * This is its public header; console_internal.h is what its own files share.
 *
 * It touches no hardware and calls nothing beyond standard C (snprintf), so
 * the same source runs on the board (bytes from the UART, output to the
 * UART) and in host tests (bytes from a buffer, output to a buffer).
 *
 * Its files: console.c (set-up, state), console_line.c (the line editor),
 * console_dispatch.c (the command table, words, arguments, help), and the
 * commands by kind: cmd_map.c (stats and the map's commands), cmd_view.c
 * (the pictures of the memory), cmd_system.c (demo, bench, exit, trap).
 *
 * Line handling (console_feed, one byte at a time):
 *   - CR, LF and CRLF each end one line (the LF of a CRLF is swallowed, so it
 *     never makes an empty second command);
 *   - 0x08 (BS) and 0x7F (DEL) erase the last character;
 *   - 0x03 (Ctrl-C) cancels the line: it is not run, `^C`, a new line and
 *     the prompt are printed;
 *   - 0x15 (Ctrl-U) erases the whole line (each echoed character is rubbed
 *     out with BS, space, BS); typing goes on in a fresh line;
 *   - printable ASCII (0x20..0x7E) is kept and echoed;
 *   - any other byte (NUL, other control bytes, ESC, bytes above 0x7F) is not
 *     kept but echoed in a visible form (^@..^_ for control bytes, so a tab
 *     shows as ^I and an arrow key as ^[[A; \xNN above 0x7E); the line is
 *     rejected with one `ERR` when it ends, which names the byte both ways;
 *   - a line longer than CONSOLE_LINE_MAX characters is discarded up to its
 *     end, with one `ERR` (backspace does not bring it back);
 *   - a rejected line stays rejected: backspace does nothing on it (it
 *     cannot take a bad byte back; Ctrl-C and Ctrl-U drop the line, its
 *     rejection with it);
 *   - an empty or all-space line does nothing; then the prompt `> ` again.
 *
 * Answers, one line each unless stated:
 *   help            the command list (several lines)
 *   stats           exactly four lines:
 *     arena in_use=<bytes> watermark=<bytes> peak=<bytes> capacity=<bytes> page=<bytes> allocs=<n> frees=<n> failed=<n>
 *     map len=<n> B=<n> buckets=<n> overflow=<n> bytes=<n> growing=<0|1> hint=<n>
 *                   (hint: make's N, or 0 before any make; reset and
 *                   compact keep it, as Go's map keeps the size make gave)
 *     stack used=<bytes> size=<bytes>
 *     frag free=<bytes> largest_free=<bytes> free_runs=<n> free_below_watermark=<bytes>
 *                   (arena_get_frag: free pages, the longest run of them,
 *                   the runs, and the free bytes below the watermark)
 *   pages           the arena's page map up to the watermark (view.h's
 *                   view_pages): a `pages total=...` line, rows of one
 *                   character per page (or per k pages) by owner: A the
 *                   map's bucket array, O its old array while growing, v an
 *                   overflow chunk, # anything else, . free; a legend; the
 *                   pages above the watermark.  At most 36 lines (its
 *                   figures take two)
 *   slots           what the map's slots hold (view.h's view_slots): the
 *                   line
 *     slots live=<n> empty=<n> evacuated=<n> buckets=<n> overflow=<n> bytes=<n> live_bytes=<n>
 *                   (live_bytes = len * 16, the payload stored), then
 *                   `array first_page=<n> pages=<n> per_char=<k>`, rows of
 *                   one character per page of the bucket array (1-9 tenths
 *                   of its slots live, F all, . none) and a legend.  At
 *                   most 35 lines.  The two key=value lines of these
 *                   commands (`slots live=...`, history's `at=...`) keep
 *                   their documented format even where it passes 80
 *                   columns, as stats' lines do; every other line fits 80
 *   history [clear] the recorded history (history.h): at every arena
 *                   allocation, free and reset and at the end of every
 *                   command that ran (an ERR answer too, not an unknown
 *                   command), the last CONSOLE_HISTORY_ENTRIES of them:
 *     history entries=<n> dropped=<n>
 *     at=<seq> event=<alloc|free|reset|cmd> pages=<n> len=<n> bytes=<n> in_use=<n> watermark=<n>[ cmd=<line>[ result=ERR]]
 *                   oldest first; a cmd entry has the line as typed
 *                   (history.h says where a long one is cut) and
 *                   ` result=ERR` when the command answered ERR; an
 *                   entry's bytes never exceed its in_use; `history clear` forgets them and answers
 *                   ok (its own cmd entry is then the first); any other
 *                   argument is ERR
 *   chart           in_use (i), the map's bytes (b) and the watermark (w)
 *                   over the history (view.h's view_chart): y in KiB or
 *                   MiB, x in history entries, at most 20 lines; one line
 *                   `chart entries=0: ...` when nothing is recorded
 *   make [GEN] [N]  (help's form of make [bucket|swiss] [N])
 *                   ok: the map is replaced by a new, empty one sized for N
 *                   entries (default 0), as Go's make(map[uint64]uint64, N),
 *                   of the generation named: bucket, Go's map until 1.23
 *                   (hmap, the map at boot), or swiss, Go's Swiss map of
 *                   1.24 and later; without the word, of the current one.
 *                   With N > 8 its bucket array (or its tables and
 *                   directory) is allocated now; the new map is made
 *                   before the old one's pages go back, so the arena must
 *                   hold both for a moment (else `ERR make: out of pages for
 *                   N entries (the map is unchanged)`); an N whose table
 *                   would not fit in a size_t: `ERR make: N entries are too
 *                   many to size (the map is unchanged)`; another word:
 *                   `ERR make: unknown generation 'W' (bucket or swiss)`.
 *                   Every map command below acts on the current map.  On a
 *                   Swiss map, stats' second line is
 *     swiss len=<n> tables=<n> depth=<global depth> groups=<n> capacity=<slots> tombstones=<n> bytes=<n> alloc_bytes=<n>
 *                   pages draws its runs as G (a table's groups, or the
 *                   small map's group) and D (the directory), slots draws
 *                   view_groups.h's picture (a character per group, table
 *                   by table), history's entries end with ` gen=swiss`,
 *                   and compact answers `ERR compact: ...` (Go's Swiss map
 *                   has no shrink; tidemark adds none)
 *   put K V         ok
 *   get K           the value, in decimal (`ERR get: no such key K` if absent)
 *   del K           ok (`ERR del: no such key K` if absent)
 *   fill N          ok: keys 0..N-1 are in the map with value = key
 *   delall          ok: keys 0..F-1 deleted, F the most fill put since the
 *                   last delall, clear, reset or make
 *   clear           ok (hmap_clear: Go's clear(m), the bucket array stays)
 *   reset           ok (hmap_reset: every page back to the arena; the map
 *                   keeps make's hint, so after `make 8192`, `reset`, the
 *                   next put takes the hint's whole bucket array again; the
 *                   Swiss map's swiss_reset likewise)
 *   compact         ok (hmap_compact: never below the table make's hint
 *                   asked for); on a Swiss map ERR
 *   slide [N]       the churn at constant length (experiment_swiss.h) on
 *                   both maps, N keys (default 50000, at most what the
 *                   bench's region holds), on the bench's region: a table
 *                   of len, bytes, tables (B) and tombstones after the
 *                   fill, half-way and at the end; ERR without the region
 *   demo            the experiment table (experiment.h), run again on the
 *                   region cfg->demo_region (not the console's arena, so the
 *                   table reads the same every time); uses one static
 *                   scratch result, so one console at a time may run it
 *   selftest [N]    ok, or one `ERR selftest: ...` line naming the first
 *                   disagreement: N (default 20000, at most 100000) random
 *                   operations on a map against a reference, with
 *                   hmap_check every 1024 (cmd_selftest.c), on an arena of
 *                   its own over cfg->demo_region (ERR without one); the
 *                   console's map and arena are not touched
 *   exit [CODE]     ok, then console_feed returns false; CODE 0..255,
 *                   default 0
 *   bench           the target benchmark (bench.h): workloads (2)-(5) of
 *                   the host benchmark (insert with a hint, lookup hit,
 *                   lookup miss, delete) at N = 10000 and 100000 and an
 *                   arena page alloc/free pair, nine lines in bench.h's
 *                   format:
 *                     bench n=<N> op=<op> instret_per_op=<x.y>
 *                     bench op=page_pair instret_per_op=<x.y>
 *                   then `ok`, which says every figure of the console's
 *                   arena and map (watermark, peak and the counts
 *                   included) is exactly as before: the bench works in a
 *                   region of its own, cfg->bench_region.  Refused, with
 *                   one ERR line and nothing run:
 *                     without cfg->instret: `ERR bench: no instruction
 *                     counter`;
 *                     when cfg->instret_exact is false (QEMU without
 *                     -icount shift=0): `ERR bench: the instruction counter
 *                     is not exact here: run-bench, -icount shift=0`: boot
 *                     with -icount shift=0, as the run-bench target does;
 *                     without cfg->bench_region: `ERR bench: this console
 *                     has no region for the bench`; with one smaller than
 *                     BENCH_REGION_BYTES: `ERR bench: needs a region of
 *                     <bytes> bytes, this one has <bytes>`
 *   trap [KIND]     hidden (not in help; only when a trap hook is given):
 *                   KIND illegal (default), load, ebreak or stack; calls the
 *                   hook, which on the board does not return
 * Numbers are decimal or 0x/0X hex, no sign, no spaces inside; keys and
 * values 0..18446744073709551615.  Commands are lower case, words separated
 * by spaces.
 *
 * Errors: every failure answers one line starting with `ERR ` and saying
 * what was wrong (a failure for want of pages, and a fill that cannot fit,
 * add why on lines indented two spaces, each within 80 columns:
 *     needed a run of <n> pages for <the new bucket array|an overflow chunk>;
 *     the largest free run is <n> pages (<bytes> bytes free in all)
 * the pages being the map's own last request, hmap_last_request_pages; a
 * compact that failed for a table no smaller than the map's says so), and
 * changes nothing (the map, the arena's in_use and the
 * fill bookkeeping as they were), with two exceptions that still tell the
 * truth:
 *   - the arena's counters record what was tried: a refused allocation
 *     counts in `failed`, and a put that started a growth and then could not
 *     get the overflow pages the growth needed gave the new array back, which
 *     shows in `allocs`, `frees`, `peak` and `watermark` (the pages were
 *     handed out, for a moment);
 *   - a fill that runs out of pages midway keeps the keys it put and says
 *     how many: `ERR fill: out of pages after <i> of <N> keys (keys 0..<i-1>
 *     kept)`, then why.  A fill that could never fit (more than 8 keys per
 *     bucket in the whole arena) is refused before it starts, with what a
 *     fill from empty into this map, with its hint, reaches
 *     (hmap_entries_fit over the arena's capacity: a figure of the arena and
 *     the map's settings, not of what it holds):
 *       ERR fill: <N> keys cannot fit: at most <most>, 8 in every bucket
 *         a fill into this map, with its hint <hint>, reaches <reach> from empty
 *     after `reset`, `fill <reach>` answers ok.
 */
#ifndef TIDEMARK_CONSOLE_H
#define TIDEMARK_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "history.h"
#include "hmap.h"
#include "out.h"
#include "swiss.h"

/* Characters a command line may hold. */
#define CONSOLE_LINE_MAX 80

/* The two line-editing control bytes the console acts on (besides BS/DEL). */
#define CONSOLE_CTRL_C 0x03 /* cancel the line */
#define CONSOLE_CTRL_U 0x15 /* erase the line  */

/* Entries the console's history holds (history.h). */
#define CONSOLE_HISTORY_ENTRIES 1024

/* Seed of the console's map: fixed, so runs are reproducible. */
#define CONSOLE_MAP_SEED 0x7469646500000001ULL

/* Hint the console's map is made with (Go's make(map[uint64]uint64)). */
#define CONSOLE_MAP_HINT 0

/* What the hidden `trap` command asks for. */
enum console_trap {
    CONSOLE_TRAP_ILLEGAL, /* an illegal instruction                      */
    CONSOLE_TRAP_LOAD,    /* a load from an address where nothing is     */
    CONSOLE_TRAP_EBREAK,  /* a breakpoint                                */
    CONSOLE_TRAP_STACK    /* recursion until the stack overflows         */
};

/* What console_init returns. */
enum {
    CONSOLE_OK = 0,
    CONSOLE_ERR_ARG = -1, /* c, cfg, cfg->write or cfg->arena is NULL       */
    CONSOLE_ERR_MAP = -2  /* the map could not be made on cfg->arena        */
};

struct console_config {
    out_write_fn write;      /* required: where every answer goes           */
    void *ctx;               /* passed to every hook                        */
    struct arena *arena;     /* required: the map's arena, initialised      */
    /* Optional: the stack figures for `stats`; NULL prints used=0 size=0. */
    void (*stack)(void *ctx, size_t *used, size_t *size);
    /* Optional: the instruction counter for `bench` (minstret on the
     * board), read before and after each measured loop; NULL makes `bench`
     * answer `ERR bench: no instruction counter`. */
    uint64_t (*instret)(void *ctx);
    /* Whether instret counts exactly one per instruction (on the board:
     * instret_exact(), true under QEMU -icount shift=0 only); false makes
     * `bench` refuse, as its figures would mean nothing. */
    bool instret_exact;
    /* Optional: the bench's own region (BENCH_REGION_BYTES at least), apart
     * from the console's arena so that no figure of it moves; NULL makes
     * `bench` answer ERR. */
    void *bench_region;
    size_t bench_size;
    /* Optional: the hidden `trap` command; NULL makes `trap` unknown. */
    void (*trap)(void *ctx, enum console_trap kind);
    /* Optional: the experiment's own region for `demo` (see experiment.h);
     * NULL makes `demo` answer ERR. */
    void *demo_region;
    size_t demo_size;
};

/* Which of Go's two maps the console's map is: the bucket map (Go <= 1.23,
 * hmap) at boot, or the Swiss-table map (Go >= 1.24, swiss) after
 * `make swiss`. */
enum console_gen {
    CONSOLE_GEN_BUCKET,
    CONSOLE_GEN_SWISS
};

/* The console.  Complete so a caller can own one statically; private. */
struct console {
    struct console_config cfg;
    struct hmap map;           /* the map while gen is CONSOLE_GEN_BUCKET   */
    struct swiss swiss;        /* the map while gen is CONSOLE_GEN_SWISS    */
    enum console_gen gen;
    uint64_t filled;           /* fill put keys 0..filled-1 (see delall)    */
    char line[CONSOLE_LINE_MAX + 1];
    size_t len;                /* characters in line                        */
    size_t shown;              /* columns its echo took (rejected bytes' forms
                                  included), what Ctrl-U rubs out           */
    bool too_long;             /* the line passed CONSOLE_LINE_MAX          */
    bool bad_byte;             /* the line held a byte that is not printable */
    unsigned char first_bad;   /* the first such byte                       */
    bool after_cr;             /* the previous byte was CR                  */
    bool exited;               /* `exit` ran                                */
    bool said_err;             /* the command running answered ERR          */
    int exit_code;
    /* The memory over time: the arena's events and the ends of commands,
     * in a ring kept here (static on the board), not in the arena. */
    struct history history;
    struct history_entry history_buf[CONSOLE_HISTORY_ENTRIES];
};

/*
 * Set up *c with an empty map on cfg->arena (nothing is allocated until the
 * first put) and an empty history, which it makes the arena's observer
 * (arena_set_observer: one console per arena; the console must outlive the
 * arena's use, or the caller turns the observer off).  Prints nothing.  Returns CONSOLE_OK; CONSOLE_ERR_ARG if c,
 * cfg, cfg->write or cfg->arena is NULL (then *c is untouched and not
 * usable); CONSOLE_ERR_MAP if hmap_init refused the map (then *c is not
 * usable).
 */
int console_init(struct console *c, const struct console_config *cfg);

/* A sentence for a console_init result ("ok" for CONSOLE_OK, "unknown
 * console error" for a code not listed above). */
const char *console_strerror(int err);

/* Print the prompt `> `. */
void console_prompt(struct console *c);

/*
 * Take one input byte: edit the line, echo, and at the end of a line run it,
 * answer, and print the prompt again.  Returns false once `exit` has run
 * (later bytes are ignored), true otherwise.
 */
bool console_feed(struct console *c, unsigned char byte);

/* Feed n bytes; stops early after `exit`.  Returns console_feed's last. */
bool console_feed_bytes(struct console *c, const void *bytes, size_t n);

/*
 * Run one command line (without its line end) as if typed, without echo or
 * prompt.  A line with a byte outside 0x20..0x7E or longer than
 * CONSOLE_LINE_MAX answers ERR as console_feed would.  Returns false once
 * `exit` has run.
 */
bool console_run_line(struct console *c, const char *line, size_t n);

/* True once `exit` ran; then console_exit_code gives its CODE. */
bool console_exited(const struct console *c);
int console_exit_code(const struct console *c);

/* The console's map, for the host tests and the fuzzer to inspect (the
 * firmware reaches it only through commands). */
struct hmap *console_map(struct console *c);

/* The console's map while it is a Swiss map (after `make swiss`), else
 * NULL. */
struct swiss *console_swiss(struct console *c);

/*
 * Parse a number as the console does: decimal, or hex after 0x/0X; no sign,
 * no spaces, at least one digit.  Returns 0 and sets *out; CONSOLE_NUM_BAD
 * for anything malformed, CONSOLE_NUM_RANGE when above UINT64_MAX (then
 * *out is unchanged).
 */
enum { CONSOLE_NUM_OK = 0, CONSOLE_NUM_BAD = -1, CONSOLE_NUM_RANGE = -2 };
int console_parse_u64(const char *s, size_t n, uint64_t *out);

#endif /* TIDEMARK_CONSOLE_H */
