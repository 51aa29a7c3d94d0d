/* SPDX-License-Identifier: MIT */
/*
 * console.h - the firmware's command console: a line editor, a parser and
 * the commands, over one Go map (8-byte keys and values) on an arena: the
 * bucket map at boot, or the Swiss map after `make swiss`.
 * This is its C interface; console_internal.h is what its own files share,
 * and board/app/README.md lists them.
 *
 * What the console does at the prompt — every command, its arguments, every
 * line it prints, its errors and the line editor's rules — is documented
 * once, in docs/console.md (the console_commands_documented test holds that
 * page's command table to the dispatch table).  Here: what a caller of the
 * C interface needs beyond it.
 *
 * It touches no hardware and calls nothing beyond standard C (snprintf), so
 * the same source runs on the board (bytes from the UART, output to the
 * UART) and in host tests (bytes from a buffer, output to a buffer).  What
 * only the board has comes in as hooks of struct console_config: without
 * cfg->instret or cfg->bench_region `bench` refuses, without
 * cfg->demo_region `demo` and `selftest` do, and `trap` exists only with a
 * trap hook.  `exit` makes console_feed return false.  `demo` uses one
 * static scratch result, so one console at a time may run it.
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
    out_write_fn write;  /* required: where every answer goes           */
    void *ctx;           /* passed to every hook                        */
    struct arena *arena; /* required: the map's arena, initialised      */
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
    struct hmap map;    /* the map while gen is CONSOLE_GEN_BUCKET   */
    struct swiss swiss; /* the map while gen is CONSOLE_GEN_SWISS    */
    enum console_gen gen;
    uint64_t filled; /* fill put keys 0..filled-1 (see delall)    */
    char line[CONSOLE_LINE_MAX + 1];
    size_t len;              /* characters in line                        */
    size_t shown;            /* columns its echo took (rejected bytes' forms
                                included), what Ctrl-U rubs out           */
    bool too_long;           /* the line passed CONSOLE_LINE_MAX          */
    bool bad_byte;           /* the line held a byte that is not printable */
    unsigned char first_bad; /* the first such byte                       */
    bool after_cr;           /* the previous byte was CR                  */
    bool exited;             /* `exit` ran                                */
    bool said_err;           /* the command running answered ERR          */
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
enum {
    CONSOLE_NUM_OK = 0,
    CONSOLE_NUM_BAD = -1,
    CONSOLE_NUM_RANGE = -2,
};
int console_parse_u64(const char *s, size_t n, uint64_t *out);

#endif /* TIDEMARK_CONSOLE_H */
