/* SPDX-License-Identifier: MIT */
/*
 * console_rig.c - the console under test on the host: one console over the
 * real arena and hmap, output into a buffer, the board's hooks faked, and
 * the helpers every test_console_*.c file types and reads with.  Each test
 * runs in its own process (Criterion), so the rig can be a plain global.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_rig.h"
#include "experiment.h"

struct console_rig R;

void rig_sink(void *ctx, const char *s, size_t n)
{
    cr_assert_eq(ctx, &R, "the console must pass its ctx to write");
    if (R.len + n + 1 > R.cap) {
        R.cap = (R.len + n + 1) * 2;
        R.out = realloc(R.out, R.cap);
        cr_assert_not_null(R.out);
    }
    memcpy(R.out + R.len, s, n);
    R.len += n;
    R.out[R.len] = '\0';
}

static void stack_hook(void *ctx, size_t *used, size_t *size)
{
    cr_assert_eq(ctx, &R);
    *used = R.stack_used;
    *size = R.stack_size;
}

static void trap_hook(void *ctx, enum console_trap kind)
{
    cr_assert_eq(ctx, &R);
    cr_assert_lt(R.ntraps, 8);
    R.traps[R.ntraps++] = kind;
}

/* A console over an arena of arena_bytes, hooks and demo region on or off. */
/* The regions are static: each test runs in a process of its own, and
 * nothing is left for LeakSanitizer to report. */
static _Alignas(4096) uint8_t region_store[BIG_ARENA];
static _Alignas(4096) uint8_t demo_store[EXPERIMENT_REGION_SIZE];

void rig_console(size_t arena_bytes, bool hooks)
{
    free(R.out); /* a test may rig twice */
    memset(&R, 0, sizeof R);
    cr_assert_leq(arena_bytes, sizeof region_store);
    R.region = region_store;
    cr_assert_eq(arena_init(&R.arena, R.region, arena_bytes, PAGE), 0);
    R.stack_used = 1234;
    R.stack_size = 16384;
    struct console_config cfg = {.write = rig_sink, .ctx = &R, .arena = &R.arena};
    if (hooks) {
        R.demo = demo_store;
        cfg.stack = stack_hook;
        cfg.trap = trap_hook;
        cfg.demo_region = R.demo;
        cfg.demo_size = EXPERIMENT_REGION_SIZE;
    }
    cr_assert_eq(console_init(&R.con, &cfg), 0);
    rig_sink(&R, "", 0);
    console_prompt(&R.con);
    cr_assert_str_eq(R.out, "> ");
    R.mark = R.len;
}

void rig_big(void)
{
    rig_console(BIG_ARENA, true);
}

/* Feed n bytes; return what the console printed meanwhile. */
const char *con_send(const void *bytes, size_t n)
{
    R.mark = R.len;
    console_feed_bytes(&R.con, bytes, n);
    return R.out + R.mark;
}

const char *con_sends(const char *s)
{
    return con_send(s, strlen(s));
}

/* Type line + LF (one feed); return the answer: the output without the
 * echo of the line and its "\n", and without the next prompt.  The echo and
 * the prompt are checked. */
static char answer_buf[1 << 16];
const char *con_run(const char *line)
{
    size_t ll = strlen(line);
    char *buf = malloc(ll + 2);
    cr_assert_not_null(buf);
    memcpy(buf, line, ll);
    buf[ll] = '\n';
    const char *o = con_send(buf, ll + 1);
    free(buf);
    size_t ol = strlen(o);
    cr_assert(ol >= ll + 1 && memcmp(o, line, ll) == 0 && o[ll] == '\n',
              "echo of '%s' missing in '%s'", line, o);
    o += ll + 1;
    ol -= ll + 1;
    if (!console_exited(&R.con)) {
        cr_assert(ol >= 2 && strcmp(o + ol - 2, "> ") == 0, "no prompt after '%s': '%s'", line,
                  o);
        ol -= 2;
    }
    cr_assert_lt(ol, sizeof answer_buf);
    memcpy(answer_buf, o, ol);
    answer_buf[ol] = '\0';
    return answer_buf;
}

/* One ERR line; only a failure for want of pages, or a fill that cannot
 * fit, says why on lines of its own, indented two spaces, within 80
 * columns (console.h). */
void assert_err(const char *answer, const char *what)
{
    cr_assert(strncmp(answer, "ERR ", 4) == 0, "%s: expected ERR, got '%s'", what, answer);
    const char *nl = strchr(answer, '\n');
    cr_assert_not_null(nl, "%s: '%s'", what, answer);
    if (nl[1] == '\0')
        return;
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)(nl - answer), answer);
    cr_assert(strstr(first, "out of pages") || strstr(first, "cannot fit"),
              "%s: ERR must be one line: '%s'", what, answer);
    for (const char *l = nl + 1; *l; l = strchr(l, '\n') + 1) {
        cr_assert(strncmp(l, "  ", 2) == 0 && strchr(l, '\n'), "%s: '%s'", what, answer);
        cr_assert_leq(strchr(l, '\n') - l, 80, "%s: '%s'", what, answer);
    }
}

void assert_ok(const char *answer, const char *what)
{
    cr_assert_str_eq(answer, "ok\n", "%s: expected ok, got '%s'", what, answer);
}

struct stats_lines con_stats(void)
{
    const char *a = con_run("stats");
    struct stats_lines s;
    cr_assert(transcript_stats(a, 0, &s), "stats lines malformed: '%s'", a);
    cr_assert_eq(transcript_count_lines(a, ""), 4, "stats must print exactly four lines: '%s'",
                 a);
    return s;
}

void assert_same_stats(const struct stats_lines *a, const struct stats_lines *b, const char *what)
{
    const char *changed = stats_first_difference(a, b, true);
    cr_assert(changed == NULL,
              "%s changed %s: in_use %zu->%zu watermark %zu->%zu len %zu->%zu "
              "bytes %zu->%zu allocs %zu->%zu failed %zu->%zu",
              what, changed, a->in_use, b->in_use, a->watermark, b->watermark, a->len, b->len, a->bytes,
              b->bytes, a->allocs, b->allocs, a->failed, b->failed);
}

uint64_t get_value(uint64_t k)
{
    char line[64];
    snprintf(line, sizeof line, "get %" PRIu64, k);
    const char *a = con_run(line);
    char *end;
    unsigned long long v = strtoull(a, &end, 10);
    cr_assert(end != a && strcmp(end, "\n") == 0, "get %" PRIu64 ": not a value: '%s'", k, a);
    return (uint64_t)v;
}
