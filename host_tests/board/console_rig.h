/* SPDX-License-Identifier: MIT */
/*
 * console_rig.h - the console under test on the host (console_rig.c), for
 * the test_console_*.c suites.
 */
#ifndef TIDEMARK_CONSOLE_RIG_H
#define TIDEMARK_CONSOLE_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "transcript.h"

#define PAGE 4096u
#define BIG_ARENA (8u * 1024u * 1024u)

/* The rig: the console, its arena, what it printed, what its hooks saw. */
struct console_rig {
    struct arena arena;
    struct console con;
    uint8_t *region;
    uint8_t *demo;
    char *out;
    size_t len, cap, mark;
    enum console_trap traps[8];
    int ntraps;
    size_t stack_used, stack_size;
};
extern struct console_rig R;

/* The console's write hook: appends to R.out (ctx must be &R). */
void rig_sink(void *ctx, const char *s, size_t n);

/* A console over an arena of arena_bytes, hooks and demo region on or off;
 * rig_big: the largest arena, hooks on.  A test may rig twice. */
void rig_console(size_t arena_bytes, bool hooks);
void rig_big(void);

/* Feed n bytes (con_sends: a string); return what the console printed
 * meanwhile. */
const char *con_send(const void *bytes, size_t n);
const char *con_sends(const char *s);

/* Type line + LF; return the answer without the echo and the next prompt,
 * both checked.  The answer lives until the next con_run. */
const char *con_run(const char *line);

/* The answer is ERR (one line, or a why on indented lines within 80
 * columns), or exactly ok. */
void assert_err(const char *answer, const char *what);
void assert_ok(const char *answer, const char *what);

/* `stats`, parsed (exactly four lines); two of them the same, field by
 * field; `get K`'s value. */
struct stats_lines con_stats(void);
void assert_same_stats(const struct stats_lines *a, const struct stats_lines *b, const char *what);
uint64_t get_value(uint64_t k);

#endif /* TIDEMARK_CONSOLE_RIG_H */
