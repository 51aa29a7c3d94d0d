/* SPDX-License-Identifier: MIT */
/*
 * fuzz_console.c - libFuzzer target: console input, on the host, through the
 * same console and experiment sources (board/app) the firmware runs.
 *
 * Byte 0 picks the mode.  Even: the rest goes through the line editor
 * (console_feed_bytes) as UART bytes would.  Odd: the rest is split at LF and
 * each piece is run as one command (console_run_line), and its answer is
 * checked: `help`, `stats` and `demo` print their own blocks (`stats` exactly
 * its four lines), the pictures (`pages`, `slots`, `history`, `chart`)
 * theirs, within 80 columns but for their key=value lines, changing
 * nothing; every other command answers exactly one line, `ok`, a
 * decimal value or `ERR ...`, and an `ERR` from anything but `fill` leaves
 * the map and the arena as they were (console.h: after "out of pages" the
 * arena's counters, peak and watermark may record the attempt).  In both
 * modes the map and the arena pass their checks after every step.  The
 * arena is small, so fills run out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "experiment.h"

#define REQUIRE(c)   \
    do {             \
        if (!(c))    \
            abort(); \
    } while (0)
#define ARENA_BYTES (256 * 1024)

static _Alignas(4096) uint8_t region[ARENA_BYTES];
static _Alignas(4096) uint8_t demo[EXPERIMENT_REGION_SIZE];
static char out[1 << 18]; /* a full history is about 100 KiB */
static size_t out_len;

static void sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    if (n > sizeof out - 1 - out_len)
        n = sizeof out - 1 - out_len; /* demo's table is long: keep the head */
    memcpy(out + out_len, s, n);
    out_len += n;
    out[out_len] = '\0';
}

static bool starts(const char *s, const char *word)
{
    return strncmp(s, word, strlen(word)) == 0;
}

/* Figures an ERR must leave alone: the map's, and the arena's but for the
 * count of refused allocations.  Copied field by field, so that struct
 * padding (unspecified after hmap_get_stats' assignment) never compares. */
struct figures {
    size_t len, B, buckets, overflow, bytes, growing, nevacuate, old_buckets;
    size_t in_use, peak, watermark, allocs, frees;
    /* the Swiss map's, while it is the console's (all 0 otherwise) */
    size_t swiss_len, swiss_bytes, swiss_tombstones, swiss_tables;
};

static void take(struct console *c, struct arena *a, struct figures *f)
{
    struct hmap_stats m;
    struct arena_stats s;
    hmap_get_stats(console_map(c), &m);
    arena_get_stats(a, &s);
    *f = (struct figures){
        m.len, m.B, m.buckets, m.overflow, m.bytes, m.growing, m.nevacuate,
        m.old_buckets, s.in_use, s.peak_in_use, s.watermark, s.allocs, s.frees, 0, 0, 0, 0};
    if (console_swiss(c) != NULL) {
        struct swiss_stats w;
        swiss_get_stats(console_swiss(c), &w);
        f->swiss_len = w.len;
        f->swiss_bytes = w.bytes;
        f->swiss_tombstones = w.tombstones;
        f->swiss_tables = w.tables;
    }
}

static void check_invariants(struct console *c, struct arena *a)
{
    REQUIRE(hmap_check(console_map(c)) == HMAP_OK);
    REQUIRE(console_swiss(c) == NULL || swiss_check(console_swiss(c)) == SWISS_OK);
    REQUIRE(arena_check(a) == ARENA_OK);
}

static bool is_value(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void check_stats(const char *s)
{
    const char *l2 = strchr(s, '\n');
    REQUIRE(l2 != NULL && starts(s, "arena in_use="));
    const char *l3 = strchr(l2 + 1, '\n');
    REQUIRE(l3 != NULL && (starts(l2 + 1, "map len=") || starts(l2 + 1, "swiss len=")));
    const char *l4 = strchr(l3 + 1, '\n');
    REQUIRE(l4 != NULL && starts(l3 + 1, "stack used="));
    REQUIRE(starts(l4 + 1, "frag free="));
    REQUIRE(strchr(l4 + 1, '\n') != NULL && strchr(l4 + 1, '\n')[1] == '\0');
}

/* A picture: starts with its first line's key, every line ends, and no
 * line but a key=value one (slots live=, history's at=) passes 80 columns;
 * at most a history's worth of lines. */
static void check_view(const char *s, const char *first)
{
    REQUIRE(starts(s, first));
    size_t lines = 0;
    for (const char *l = s; *l; lines++) {
        const char *e = strchr(l, '\n');
        REQUIRE(e != NULL);
        if (!starts(l, "slots live=") && !starts(l, "at="))
            REQUIRE(e - l <= 80);
        l = e + 1;
    }
    REQUIRE(lines <= CONSOLE_HISTORY_ENTRIES + 1);
}

static void run_checked(struct console *c, struct arena *a, const char *line,
                        size_t n)
{
    struct figures before, after;
    take(c, a, &before);
    out_len = 0;
    out[0] = '\0';
    console_run_line(c, line, n);
    check_invariants(c, a);

    size_t skip = 0;
    while (skip < n && line[skip] == ' ')
        skip++;
    const char *word = line + skip;
    size_t wlen = 0;
    while (skip + wlen < n && line[skip + wlen] != ' ')
        wlen++;
#define IS(w) (wlen == strlen(w) && memcmp(word, w, wlen) == 0)
    if (out_len == 0) {
        REQUIRE(wlen == 0); /* only a blank line answers nothing */
        return;
    }
    if (starts(out, "ERR ")) {
        /* One line, but a failure for want of pages, whose why follows on
         * lines indented two spaces; every line within 80 columns when its
         * figures are not absurdly long. */
        const char *nl = strchr(out, '\n');
        REQUIRE(nl != NULL);
        if (nl != out + out_len - 1) {
            REQUIRE(strstr(out, "out of pages") != NULL || strstr(out, "cannot fit") != NULL);
            for (const char *l = nl + 1; *l; l = strchr(l, '\n') + 1) {
                REQUIRE(starts(l, "  ") && strchr(l, '\n') != NULL);
                REQUIRE(strchr(l, '\n') - l <= 80);
            }
        }
        take(c, a, &after);
        if (strstr(out, "out of pages") != NULL && !IS("fill")) {
            /* console.h: the map and in_use as they were; the arena's
             * counters (and peak, watermark) may record the attempt. */
            before.peak = after.peak, before.watermark = after.watermark;
            before.allocs = after.allocs, before.frees = after.frees;
        }
        if (!IS("fill"))
            REQUIRE(memcmp(&before, &after, sizeof before) == 0);
        return;
    }
    if (IS("help") || IS("demo"))
        return;
    if (IS("pages") || IS("slots") || IS("history") || IS("chart")) {
        const char *head = IS("pages")     ? "pages total="
                           : IS("slots")   ? "slots live="
                           : IS("chart")   ? "chart entries="
                           : out[0] == 'o' ? "ok\n"
                                           : "history entries=";
        check_view(out, head);
        take(c, a, &after);
        REQUIRE(memcmp(&before, &after, sizeof before) == 0); /* they only read */
        return;
    }
    if (IS("stats") && out_len > 0) {
        check_stats(out);
        return;
    }
    REQUIRE(out[out_len - 1] == '\n' && strchr(out, '\n') == out + out_len - 1);
    REQUIRE((out_len == 3 && starts(out, "ok")) || is_value(out, out_len - 1));
#undef IS
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct arena a;
    struct console c;
    REQUIRE(arena_init(&a, region, sizeof region, 4096) == ARENA_OK);
    struct console_config cfg = {
        .write = sink, .arena = &a, .demo_region = demo, .demo_size = sizeof demo};
    REQUIRE(console_init(&c, &cfg) == 0);
    const char *text = (const char *)data + 1;
    size_t n = size - 1;

    if ((data[0] & 1) == 0) {
        for (size_t at = 0; at < n && !console_exited(&c); at += 16) {
            out_len = 0;
            console_feed_bytes(&c, text + at, n - at < 16 ? n - at : 16);
            check_invariants(&c, &a);
        }
        return 0;
    }
    while (n > 0 && !console_exited(&c)) {
        const char *lf = memchr(text, '\n', n);
        size_t len = lf ? (size_t)(lf - text) : n;
        run_checked(&c, &a, text, len);
        text += len + (lf != NULL);
        n -= len + (lf != NULL);
    }
    return 0;
}
