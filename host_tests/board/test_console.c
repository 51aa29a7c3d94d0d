/* SPDX-License-Identifier: MIT */
/*
 * test_console.c - the firmware's console on the host: line editing,
 * parsing, every command, every kind of bad input.
 *
 * The console (board/app) is built here as it is for the board, over
 * the real arena and hmap, with output into a buffer.  Each test runs in its
 * own process (Criterion), so the rig can be a plain global.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "experiment.h"
#include "transcript.h"

#define PAGE 4096u
#define BIG_ARENA (8u * 1024u * 1024u)

static struct {
    struct arena arena;
    struct console con;
    uint8_t *region;
    uint8_t *demo;
    char *out;
    size_t len, cap, mark;
    enum console_trap traps[8];
    int ntraps;
    size_t stack_used, stack_size;
} R;

static void sink(void *ctx, const char *s, size_t n)
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

static void rig(size_t arena_bytes, bool hooks)
{
    free(R.out); /* a test may rig twice */
    memset(&R, 0, sizeof R);
    cr_assert_leq(arena_bytes, sizeof region_store);
    R.region = region_store;
    cr_assert_eq(arena_init(&R.arena, R.region, arena_bytes, PAGE), 0);
    R.stack_used = 1234;
    R.stack_size = 16384;
    struct console_config cfg = {.write = sink, .ctx = &R, .arena = &R.arena};
    if (hooks) {
        R.demo = demo_store;
        cfg.stack = stack_hook;
        cfg.trap = trap_hook;
        cfg.demo_region = R.demo;
        cfg.demo_size = EXPERIMENT_REGION_SIZE;
    }
    cr_assert_eq(console_init(&R.con, &cfg), 0);
    sink(&R, "", 0);
    console_prompt(&R.con);
    cr_assert_str_eq(R.out, "> ");
    R.mark = R.len;
}

static void big(void)
{
    rig(BIG_ARENA, true);
}

/* Feed n bytes; return what the console printed meanwhile. */
static const char *send(const void *bytes, size_t n)
{
    R.mark = R.len;
    console_feed_bytes(&R.con, bytes, n);
    return R.out + R.mark;
}

static const char *sends(const char *s)
{
    return send(s, strlen(s));
}

/* Type line + LF (one feed); return the answer: the output without the
 * echo of the line and its "\n", and without the next prompt.  The echo and
 * the prompt are checked. */
static char answer_buf[1 << 16];
static const char *run(const char *line)
{
    size_t ll = strlen(line);
    char *buf = malloc(ll + 2);
    cr_assert_not_null(buf);
    memcpy(buf, line, ll);
    buf[ll] = '\n';
    const char *o = send(buf, ll + 1);
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
static void assert_err(const char *answer, const char *what)
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

static void assert_ok(const char *answer, const char *what)
{
    cr_assert_str_eq(answer, "ok\n", "%s: expected ok, got '%s'", what, answer);
}

static struct stats_lines stats(void)
{
    const char *a = run("stats");
    struct stats_lines s;
    cr_assert(transcript_stats(a, 0, &s), "stats lines malformed: '%s'", a);
    cr_assert_eq(transcript_count_lines(a, ""), 4, "stats must print exactly four lines: '%s'",
                 a);
    return s;
}

static void assert_same_stats(const struct stats_lines *a, const struct stats_lines *b, const char *what)
{
    cr_assert(memcmp(a, b, sizeof *a) == 0,
              "%s changed the figures: in_use %zu->%zu watermark %zu->%zu len %zu->%zu "
              "bytes %zu->%zu allocs %zu->%zu failed %zu->%zu",
              what, a->in_use, b->in_use, a->watermark, b->watermark, a->len, b->len, a->bytes,
              b->bytes, a->allocs, b->allocs, a->failed, b->failed);
}

static uint64_t get_value(uint64_t k)
{
    char line[64];
    snprintf(line, sizeof line, "get %" PRIu64, k);
    const char *a = run(line);
    char *end;
    unsigned long long v = strtoull(a, &end, 10);
    cr_assert(end != a && strcmp(end, "\n") == 0, "get %" PRIu64 ": not a value: '%s'", k, a);
    return (uint64_t)v;
}

/* --- set-up and numbers -------------------------------------------------- */

Test(console, init_rejects_missing_parts)
{
    struct console c;
    struct arena a;
    struct console_config cfg = {.write = sink, .ctx = &R, .arena = &a};
    cr_assert_eq(console_init(NULL, &cfg), CONSOLE_ERR_ARG);
    cr_assert_eq(console_init(&c, NULL), CONSOLE_ERR_ARG);
    cfg.write = NULL;
    cr_assert_eq(console_init(&c, &cfg), CONSOLE_ERR_ARG);
    cfg.write = sink;
    cfg.arena = NULL;
    cr_assert_eq(console_init(&c, &cfg), CONSOLE_ERR_ARG);
    cr_assert_str_eq(console_strerror(CONSOLE_ERR_ARG),
                     "a NULL console, config, write hook or arena");
}

Test(console, fresh_map_holds_nothing)
{
    big();
    struct stats_lines s = stats();
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.buckets, 0);
    cr_assert_eq(s.page, 4096);
    cr_assert_eq(s.stack_used, 1234);
    cr_assert_eq(s.stack_size, 16384);
}

static int parse(const char *s, uint64_t *v)
{
    return console_parse_u64(s, strlen(s), v);
}

Test(console, numbers_decimal_and_hex)
{
    uint64_t v = 77;
    cr_assert_eq(parse("0", &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(parse("42", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(parse("007", &v), 0, "leading zeros are decimal, not octal");
    cr_assert_eq(v, 7);
    cr_assert_eq(parse("0x2a", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(parse("0X2A", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(parse("0xDeadBeef", &v), 0);
    cr_assert_eq(v, 0xdeadbeefu);
    cr_assert_eq(parse("18446744073709551615", &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(parse("0xffffffffffffffff", &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(parse("0x0000000000000000000001", &v), 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(parse("00000000000000000000000000000000000000009", &v), 0);
    cr_assert_eq(v, 9);
}

Test(console, numbers_malformed_or_out_of_range)
{
    uint64_t v = 77;
    const char *bad[] = {"", "0x", "0X", "x1", "-1", "+1", " 1", "1 ", "12a", "0x1g", "1.5",
                         "0b101", "1e3", "٣", "0x-1", "99999999999999999999x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(parse(bad[i], &v), CONSOLE_NUM_BAD, "'%s' must be malformed", bad[i]);
        cr_assert_eq(v, 77, "'%s' changed *out", bad[i]);
    }
    const char *range[] = {"18446744073709551616", "99999999999999999999",
                           "0x10000000000000000", "0xffffffffffffffff0"};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
        cr_assert_eq(parse(range[i], &v), CONSOLE_NUM_RANGE, "'%s' must be out of range",
                     range[i]);
        cr_assert_eq(v, 77);
    }
    /* Only n bytes are read. */
    cr_assert_eq(console_parse_u64("123456", 3, &v), 0);
    cr_assert_eq(v, 123);
}

/* --- commands ------------------------------------------------------------ */

Test(console, help_lists_the_commands_but_not_trap)
{
    big();
    const char *a = run("help");
    const char *names[] = {"help",   "stats", "make N", "put K V", "get K",
                           "del K",  "fill N", "delall", "clear",  "reset",
                           "compact", "demo",  "bench",  "exit [CODE]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[32];
        snprintf(want, sizeof want, "\n  %s ", names[i]);
        cr_assert(strstr(a, want), "help does not list '%s': %s", names[i], a);
    }
    cr_assert_null(strstr(a, "trap"), "trap is hidden");
    cr_assert_eq(transcript_count_lines(a, "ERR"), 0, "help is not an error");
}

Test(console, bench_without_a_counter_is_an_error)
{
    /* This rig gives no instruction counter (test_bench.c covers bench with
     * one). */
    big();
    cr_assert_str_eq(run("fill 50"), "ok\n");
    struct stats_lines before = stats();
    cr_assert_str_eq(run("bench"), "ERR bench: no instruction counter\n");
    cr_assert_str_eq(run("bench now"), "ERR bench: too many arguments (usage: bench)\n");
    struct stats_lines after = stats();
    assert_same_stats(&before, &after, "bench without a counter");
}

Test(console, stats_lines_exact)
{
    big();
    const char *a = run("stats");
    cr_assert_str_eq(a, "arena in_use=0 watermark=0 peak=0 capacity=8384512 page=4096 allocs=0 "
                        "frees=0 failed=0\n"
                        "map len=0 B=0 buckets=0 overflow=0 bytes=0 growing=0 hint=0\n"
                        "stack used=1234 size=16384\n"
                        "frag free=8384512 largest_free=8384512 free_runs=1 "
                        "free_below_watermark=0\n");
}

Test(console, stats_without_stack_hook_prints_zero)
{
    rig(BIG_ARENA, false);
    struct stats_lines s = stats();
    cr_assert_eq(s.stack_used, 0);
    cr_assert_eq(s.stack_size, 0);
}

Test(console, put_get_del)
{
    big();
    assert_ok(run("put 1 2"), "put");
    cr_assert_str_eq(run("get 1"), "2\n");
    assert_ok(run("put 1 3"), "overwrite");
    cr_assert_str_eq(run("get 1"), "3\n");
    assert_ok(run("put 0xff 0x10"), "hex");
    cr_assert_str_eq(run("get 255"), "16\n");
    assert_ok(run("put 18446744073709551615 0xffffffffffffffff"), "max");
    cr_assert_str_eq(run("get 0xffffffffffffffff"), "18446744073709551615\n");
    cr_assert_eq(stats().len, 3);

    assert_ok(run("del 1"), "del");
    const char *a = run("get 1");
    cr_assert_str_eq(a, "ERR get: no such key 1\n");
    a = run("del 1");
    cr_assert_str_eq(a, "ERR del: no such key 1\n");
    cr_assert_eq(stats().len, 2);
}

/*
 * Found by fuzz_console: a `del` of an absent key during a growth used to do
 * a step of evacuation (as Go's delete does) and so changed the map's
 * figures while answering ERR.  An ERR must change nothing.
 */
Test(console, del_absent_key_mid_growth_changes_nothing)
{
    big();
    assert_ok(run("fill 833"), "fill"); /* 833 > 6.5 * 128: a doubling starts */
    struct hmap_stats before, after;
    hmap_get_stats(console_map(&R.con), &before);
    cr_assert(before.growing, "fill 833 should leave a growth under way");
    cr_assert_str_eq(run("del 100000"), "ERR del: no such key 100000\n");
    hmap_get_stats(console_map(&R.con), &after);
    cr_assert_eq(after.nevacuate, before.nevacuate, "ERR del did grow work");
    cr_assert_eq(after.growing, before.growing);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.len, before.len);
    assert_ok(run("del 5"), "a present key still goes");
    cr_assert_eq(stats().len, 832);
}

Test(console, spaces_around_words)
{
    big();
    assert_ok(run("   put    7     8   "), "extra spaces");
    cr_assert_str_eq(run(" get 7"), "8\n");
}

/* The seed's story on the console's map: fill keys 0..8191 (after
 * `make 8192` when hint: Go's make(map, 8192)), delall, reset. */
static void seed_story(bool hint)
{
    big();
    struct stats_lines m = stats();
    if (hint) {
        assert_ok(run("make 8192"), "make 8192");
        m = stats();
        cr_assert_eq(m.len, 0);
        cr_assert_eq(m.B, 11);
        cr_assert_eq(m.bytes, 315392, "make(map, 8192): 77 pages before any put");
        cr_assert_eq(m.in_use, m.bytes);
        cr_assert_eq(m.watermark, m.bytes);
    }
    assert_ok(run("fill 8192"), "fill");
    struct stats_lines f = stats();
    cr_assert_eq(f.len, 8192);
    cr_assert_eq(f.B, 11);
    cr_assert_eq(f.bytes, 315392, "the seed's 8192 keys take 77 pages");
    cr_assert_eq(f.in_use, f.bytes);
    if (hint)
        cr_assert_eq(f.watermark, m.watermark, "a map made for 8192 keys does not grow");
    for (uint64_t k = 0; k < 8192; k += 1021)
        cr_assert_eq(get_value(k), k, "fill puts value = key");
    cr_assert_str_eq(run("get 8192"), "ERR get: no such key 8192\n");

    assert_ok(run("delall"), "delall");
    struct stats_lines d = stats();
    cr_assert_eq(d.len, 0);
    cr_assert_eq(d.bytes, f.bytes, "delete frees nothing");
    cr_assert_eq(d.in_use, f.in_use);
    cr_assert_eq(d.watermark, f.watermark);

    assert_ok(run("reset"), "reset");
    struct stats_lines r = stats();
    cr_assert_eq(r.bytes, 0);
    cr_assert_eq(r.in_use, 0, "only reset gives the pages back");
    cr_assert_eq(r.watermark, f.watermark, "the watermark stays");
    cr_assert_eq(r.buckets, 0);
}

/* The frag line against the arena line: every handed-out page lies below
 * the watermark, so the free bytes below it are watermark - in_use. */
static void assert_frag_agrees(const struct stats_lines *s, const char *what)
{
    cr_assert_eq(s->frag_free, s->capacity - s->in_use, "%s: free", what);
    cr_assert_eq(s->frag_below, s->watermark - s->in_use, "%s: free below the watermark", what);
    cr_assert_leq(s->frag_largest, s->frag_free, "%s", what);
    cr_assert_geq(s->frag_largest, s->capacity - s->watermark, "%s: the untouched top", what);
    cr_assert_geq(s->frag_runs, 1, "%s", what);
}

Test(console, frag_line_follows_fill_delall_reset)
{
    big();
    assert_ok(run("fill 8192"), "fill");
    struct stats_lines f = stats();
    assert_frag_agrees(&f, "fill 8192");
    /* The growths left holes below the watermark: more than one free run. */
    cr_assert_gt(f.frag_runs, 1);
    cr_assert_gt(f.frag_below, 0);
    assert_ok(run("delall"), "delall");
    struct stats_lines d = stats();
    assert_frag_agrees(&d, "delall");
    cr_assert_eq(d.frag_free, f.frag_free, "delete frees no page");
    cr_assert_eq(d.frag_runs, f.frag_runs);
    assert_ok(run("reset"), "reset");
    struct stats_lines r = stats();
    assert_frag_agrees(&r, "reset");
    cr_assert_eq(r.frag_runs, 1, "every page free: one run");
    cr_assert_eq(r.frag_largest, r.capacity);
    cr_assert_eq(r.frag_below, r.watermark, "reusable, but still under the watermark");
}

Test(console, fill_delall_reset_tell_the_seed_story)
{
    seed_story(false);
}

Test(console, make_8192_allocates_the_array_at_once_then_the_seed_story)
{
    seed_story(true);
}

Test(console, make_replaces_the_map_and_gives_its_pages_back)
{
    big();
    assert_ok(run("fill 1000"), "fill");
    assert_ok(run("make 0"), "make 0");
    struct stats_lines s = stats();
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, 0, "make 0 allocates nothing yet, as Go's make(map)");
    cr_assert_eq(s.in_use, 0, "the old map's pages went back");
    cr_assert_str_eq(run("get 5"), "ERR get: no such key 5\n");
    /* The fill bookkeeping went with the old map. */
    assert_ok(run("put 3 3"), "put");
    assert_ok(run("delall"), "delall");
    cr_assert_str_eq(run("get 3"), "3\n");
    assert_ok(run("make 100"), "make 100");
    s = stats();
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.B, 4, "100 entries at 6.5 a bucket need 16 buckets");
    cr_assert_eq(s.in_use, s.bytes);
}

/* A map whose entries need the table it has (compact would rebuild it at
 * the same size, to drop its overflow chunks) says so, not only that pages
 * ran out. */
Test(console, compact_that_cannot_shrink_says_so)
{
    rig(64 * PAGE + PAGE, true);
    assert_ok(run("fill 3300"), "fill");
    cr_assert_eq(stats().B, 9);
    void *hog;
    while ((hog = arena_alloc_pages(&R.arena, 1)) != NULL)
        ;
    const char *a = run("compact");
    assert_err(a, "compact, no smaller");
    cr_assert_str_eq(a, "ERR compact: out of pages; 3300 entries need this size (the map is "
                        "unchanged)\n"
                        "  needed a run of 20 pages for the new bucket array;\n"
                        "  the largest free run is 0 pages (0 bytes free in all)\n");
}

Test(console, make_without_room_changes_nothing)
{
    /* 64 pages: the 3000 keys' map (B = 9, 21 pages) fits, a second table
     * for 8192 entries (77 pages) does not. */
    rig(64 * PAGE + PAGE, true);
    assert_ok(run("fill 3000"), "fill");
    struct stats_lines before = stats();
    /* The why: the new map's own request (a failed hmap_init still names
     * it) against the arena's largest free run. */
    cr_assert_str_eq(run("make 8192"),
                     "ERR make: out of pages for 8192 entries (the map is unchanged)\n"
                     "  needed a run of 77 pages for the new bucket array;\n"
                     "  the largest free run is 23 pages (176128 bytes free in all)\n");
    /* Nothing changed but the one refused allocation, which is counted. */
    struct stats_lines want = before;
    want.failed++;
    struct stats_lines after = stats();
    assert_same_stats(&want, &after, "a refused make");
    for (uint64_t k = 0; k < 3000; k += 311)
        cr_assert_eq(get_value(k), k);
    /* The fill bookkeeping is intact: delall still removes 0..2999. */
    assert_ok(run("delall"), "delall");
    cr_assert_eq(stats().len, 0);
}

Test(console, make_too_big_to_size_changes_nothing)
{
    rig(64 * PAGE + PAGE, true);
    assert_ok(run("fill 300"), "fill");
    struct stats_lines before = stats();
    /* Tables for these would not fit in a size_t: refused before any
     * allocation, so not even failed_allocs moves. */
    cr_assert_str_eq(run("make 18446744073709551615"),
                     "ERR make: 18446744073709551615 entries are too many to size "
                     "(the map is unchanged)\n");
    cr_assert_str_eq(run("make 0x7fffffffffffffff"),
                     "ERR make: 9223372036854775807 entries are too many to size "
                     "(the map is unchanged)\n");
    struct stats_lines after = stats();
    assert_same_stats(&before, &after, "a make too big to size");
    assert_ok(run("delall"), "delall");
    cr_assert_eq(stats().len, 0);
}

Test(console, delall_deletes_only_what_fill_put)
{
    big();
    assert_ok(run("put 1000000 5"), "put");
    assert_ok(run("fill 100"), "fill");
    assert_ok(run("fill 50"), "smaller fill");
    cr_assert_eq(stats().len, 101);
    assert_ok(run("delall"), "delall");
    cr_assert_eq(stats().len, 1, "keys 0..99 gone, the put one stays");
    cr_assert_str_eq(run("get 1000000"), "5\n");
    assert_ok(run("delall"), "delall again");
    cr_assert_eq(stats().len, 1);
    assert_ok(run("fill 0"), "fill 0");
    cr_assert_eq(stats().len, 1);
}

Test(console, clear_keeps_the_bucket_array)
{
    big();
    assert_ok(run("fill 1000"), "fill");
    struct stats_lines f = stats();
    assert_ok(run("clear"), "clear");
    struct stats_lines c = stats();
    cr_assert_eq(c.len, 0);
    cr_assert_eq(c.B, f.B);
    cr_assert_eq(c.buckets, f.buckets);
    cr_assert_gt(c.bytes, 0);
    cr_assert_leq(c.bytes, f.bytes);
    /* clear forgets the fill too: delall has nothing to delete. */
    assert_ok(run("put 3 3"), "put");
    assert_ok(run("delall"), "delall");
    cr_assert_str_eq(run("get 3"), "3\n");
}

Test(console, compact_shrinks_a_deleted_map)
{
    big();
    assert_ok(run("fill 20000"), "fill");
    for (int k = 0; k < 19990; k++) {
        /* delete most keys through the console's map directly: 19990 lines
         * would only slow the test down */
        cr_assert(hmap_delete_u64(console_map(&R.con), (uint64_t)k));
    }
    struct stats_lines before = stats();
    cr_assert_eq(before.len, 10);
    assert_ok(run("compact"), "compact");
    struct stats_lines after = stats();
    cr_assert_eq(after.len, 10);
    cr_assert_lt(after.bytes, before.bytes);
    cr_assert_lt(after.in_use, before.in_use);
    cr_assert_eq(after.watermark, before.watermark);
    for (uint64_t k = 19990; k < 20000; k++)
        cr_assert_eq(get_value(k), k);
}

Test(console, compact_without_room_changes_nothing)
{
    /* 64 pages: a map of 3000 keys fits once, not twice. */
    rig(64 * PAGE + PAGE, true);
    assert_ok(run("fill 3000"), "fill");
    for (uint64_t k = 0; k < 2990; k++)
        cr_assert(hmap_delete_u64(console_map(&R.con), k));
    /* Take the free pages, so the new table cannot be built. */
    void *hog = NULL;
    size_t hogged = 0;
    while ((hog = arena_alloc_pages(&R.arena, 1)) != NULL)
        hogged++;
    (void)hogged;
    struct stats_lines before = stats();
    const char *a = run("compact");
    assert_err(a, "compact without room");
    struct stats_lines after = stats();
    cr_assert_eq(after.len, before.len);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.watermark, before.watermark);
    cr_assert_gt(after.failed, before.failed, "the refused allocation is counted");
    for (uint64_t k = 2990; k < 3000; k++)
        cr_assert_eq(get_value(k), k);
}

Test(console, fill_too_large_is_refused_before_it_starts)
{
    big();
    assert_ok(run("fill 10"), "fill");
    struct stats_lines before = stats();
    /* 8 MiB of 144-byte buckets hold at most 465,800 keys. */
    const char *a = run("fill 1000000");
    assert_err(a, "fill 1000000");
    cr_assert(strstr(a, "cannot fit"), "%s", a);
    struct stats_lines after = stats();
    assert_same_stats(&before, &after, "a refused fill");
    a = run("fill 0xffffffffffffffff");
    assert_err(a, "fill max");
    after = stats();
    assert_same_stats(&before, &after, "a refused fill");
}

Test(console, fill_refusal_quotes_what_a_fill_from_empty_reaches)
{
    big();
    const char *a = run("fill 100000000");
    unsigned long long n, most, reach;
    unsigned long long hint;
    cr_assert_eq(sscanf(a,
                        "ERR fill: %llu keys cannot fit: at most %llu, 8 in every bucket\n"
                        "  a fill into this map, with its hint %llu, reaches %llu from empty\n",
                        &n, &most, &hint, &reach),
                 4, "%s", a);
    cr_assert_eq(hint, 0);
    cr_assert_eq(n, 100000000);
    cr_assert_gt(reach, 1000, "%s", a);
    cr_assert_lt(reach, most);
    /* The quote is honest: into the empty map, that fill goes in whole. */
    char line[64];
    snprintf(line, sizeof line, "fill %llu", reach);
    assert_ok(run(line), line);
    cr_assert_eq(stats().len, reach);
    /* It is a figure of the arena and the map's settings, not of what the
     * map holds: the same with the map full. */
    char again[256];
    snprintf(again, sizeof again, "%s", run("fill 100000000"));
    cr_assert_str_eq(again, a, "the quote moved with the map's contents");
}

/* A map made with a hint reaches another figure (it skips the small
 * tables); the refusal names the hint it assumed, and reset keeps it. */
Test(console, fill_refusal_names_the_hint_it_assumed)
{
    big();
    char at_boot[256], after_make[256];
    snprintf(at_boot, sizeof at_boot, "%s", run("fill 100000000"));
    cr_assert(strstr(at_boot, "with its hint 0, reaches "), "%s", at_boot);
    assert_ok(run("make 8192"), "make");
    snprintf(after_make, sizeof after_make, "%s", run("fill 100000000"));
    cr_assert(strstr(after_make, "with its hint 8192, reaches "), "%s", after_make);
    assert_ok(run("reset"), "reset");
    cr_assert_str_eq(run("fill 100000000"), after_make, "reset keeps make's hint");
    cr_assert(strstr(run("stats"), " growing=0 hint=8192\n"), "stats shows the hint");
    unsigned long long reach;
    cr_assert_eq(sscanf(strstr(after_make, "reaches "), "reaches %llu", &reach), 1);
    char line[64];
    snprintf(line, sizeof line, "fill %llu", reach);
    assert_ok(run(line), line);
}

Test(console, fill_that_runs_out_keeps_what_went_in)
{
    /* 40 pages: 8000 keys pass the up-front ceiling (8872) but need a table
     * of 72 pages. */
    rig(40 * PAGE, true);
    const char *a = run("fill 8000");
    assert_err(a, "fill 8000 on 40 pages");
    unsigned long long got = 0, of = 0, last = 0;
    cr_assert_eq(sscanf(a, "ERR fill: out of pages after %llu of %llu keys (keys 0..%llu kept)",
                        &got, &of, &last),
                 3, "%s", a);
    cr_assert_eq(of, 8000);
    cr_assert_eq(last, got - 1);
    /* Why: the growth's array (the map's own figure) against the arena. */
    unsigned long long need = 0, largest = 0, free_bytes = 0;
    const char *why = strchr(a, '\n') + 1;
    cr_assert_eq(sscanf(why,
                        "  needed a run of %llu pages for the new bucket array;\n"
                        "  the largest free run is %llu pages (%llu bytes free in all)\n",
                        &need, &largest, &free_bytes),
                 3, "%s", a);
    cr_assert_eq(need, hmap_last_request_pages(console_map(&R.con)));
    cr_assert_gt(need, largest, "%s", a);
    cr_assert_eq(need, 20, "B = 8's array, 256 + 16 buckets of 144 bytes: %s", a);
    struct stats_lines s = stats();
    cr_assert_eq(s.len, got, "says how many went in");
    cr_assert_gt(s.failed, 0);
    cr_assert_eq(get_value(got - 1), got - 1);
    char line[64];
    snprintf(line, sizeof line, "get %llu", got);
    assert_err(run(line), "the key after the last");
    /* The map still works, and delall removes what the fill put. */
    assert_ok(run("delall"), "delall");
    cr_assert_eq(stats().len, 0);
    assert_ok(run("reset"), "reset");
    cr_assert_eq(stats().in_use, 0);
    assert_ok(run("fill 100"), "fill after reset");
}

Test(console, put_without_pages_changes_nothing)
{
    rig(2 * PAGE, true); /* bitmap + one page: room for the first bucket only */
    assert_ok(run("put 1 1"), "first put");
    struct stats_lines before = stats();
    int k = 2;
    const char *a = NULL;
    /* Fill the one bucket (8 slots) and go on until a put needs a page. */
    for (; k < 100; k++) {
        char line[32];
        snprintf(line, sizeof line, "put %d %d", k, k);
        a = run(line);
        if (strcmp(a, "ok\n") != 0)
            break;
        before = stats();
    }
    cr_assert_lt(k, 100, "some put must run out of pages");
    cr_assert_str_eq(a, "ERR put: out of pages (the map is unchanged)\n"
                        "  needed a run of 1 page for the new bucket array;\n"
                        "  the largest free run is 0 pages (0 bytes free in all)\n");
    struct stats_lines after = stats();
    cr_assert_eq(after.len, before.len);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.failed, before.failed + 1);
    cr_assert_eq(get_value(1), 1);
}

Test(console, demo_prints_the_experiment_table)
{
    big();
    const char *a = run("demo");
    char *first = strdup(a);
    cr_assert(strstr(a, "seed experiment:"), "%s", a);
    cr_assert(strstr(a, "check: ok"), "%s", a);
    struct exp_figures f;
    cr_assert(transcript_row(a, 0, "1.2", &f));
    cr_assert_eq(f.bytes, 315392);
    /* The demo runs on its own region: the console's figures stay. */
    struct stats_lines s = stats();
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.watermark, 0);
    cr_assert_eq(s.allocs, 0);
    /* And it reads the same every time. */
    a = run("demo");
    cr_assert_str_eq(a, first);
    free(first);
}

Test(console, demo_without_region_is_an_error)
{
    rig(BIG_ARENA, false);
    assert_err(run("demo"), "demo without region");
}

Test(console, exit_codes)
{
    big();
    assert_err(run("exit 256"), "exit 256");
    cr_assert(!console_exited(&R.con));
    assert_err(run("exit -1"), "exit -1");
    assert_err(run("exit 1 2"), "exit 1 2");
    assert_err(run("exit x"), "exit x");
    cr_assert(!console_exited(&R.con));
    cr_assert_str_eq(run("exit 0xff"), "ok\n");
    cr_assert(console_exited(&R.con));
    cr_assert_eq(console_exit_code(&R.con), 255);
    /* After exit: nothing more is read or printed. */
    cr_assert_str_eq(sends("stats\n"), "");
    cr_assert(!console_feed(&R.con, 'x'));
    cr_assert(!console_run_line(&R.con, "stats", 5));
    cr_assert_str_eq(R.out + R.mark, "");
}

Test(console, exit_default_is_zero)
{
    big();
    cr_assert_str_eq(run("exit"), "ok\n");
    cr_assert(console_exited(&R.con));
    cr_assert_eq(console_exit_code(&R.con), 0);
}

Test(console, exit_one_and_decimal_255)
{
    big();
    cr_assert_str_eq(run("exit 255"), "ok\n");
    cr_assert_eq(console_exit_code(&R.con), 255);
    big();
    cr_assert_str_eq(run("exit 1"), "ok\n");
    cr_assert_eq(console_exit_code(&R.con), 1);
}

Test(console, trap_calls_the_hook)
{
    big();
    assert_ok(run("trap"), "trap");
    assert_ok(run("trap illegal"), "trap illegal");
    assert_ok(run("trap load"), "trap load");
    assert_ok(run("trap ebreak"), "trap ebreak");
    assert_ok(run("trap stack"), "trap stack");
    assert_err(run("trap nothing"), "trap nothing");
    assert_err(run("trap load 2"), "trap load 2");
    cr_assert_eq(R.ntraps, 5);
    cr_assert_eq(R.traps[0], CONSOLE_TRAP_ILLEGAL);
    cr_assert_eq(R.traps[1], CONSOLE_TRAP_ILLEGAL);
    cr_assert_eq(R.traps[2], CONSOLE_TRAP_LOAD);
    cr_assert_eq(R.traps[3], CONSOLE_TRAP_EBREAK);
    cr_assert_eq(R.traps[4], CONSOLE_TRAP_STACK);
}

Test(console, trap_is_unknown_without_a_hook)
{
    rig(BIG_ARENA, false);
    cr_assert_str_eq(run("trap"), "ERR unknown command 'trap' (try help)\n");
}

/* --- bad input: one ERR, nothing changed --------------------------------- */

/* Lines that must each answer one ERR and change nothing. */
static const char *const bad_lines[] = {
    "frobnicate",
    "STATS",
    "Put 1 2",
    "put",
    "put 1",
    "put x 1",
    "put 1 x",
    "put 1 0x",
    "put 0x 1",
    "put -1 1",
    "put 1 +2",
    "put 18446744073709551616 1",
    "put 1 18446744073709551616",
    "put 1 2 3",
    "get",
    "get 1 2",
    "get 0x1g",
    "get 99999999999999999999",
    "get 424242",
    "del",
    "del 424242",
    "del 1 2",
    "del 1.0",
    "fill",
    "fill x",
    "fill -5",
    "fill 1 2",
    "fill 99999999999",
    "fill 18446744073709551616",
    "make",
    "make x",
    "make 1 2",
    "make 18446744073709551616",
    "delall 1",
    "clear 1",
    "reset now",
    "compact 1",
    "demo 1",
    "help me",
    "stats 1",
    "exit 256",
    "exit 0x100",
    "exit -1",
    "exit 1 2",
    "trap nothing",
};

Test(console, every_bad_line_answers_one_err_and_changes_nothing)
{
    big();
    assert_ok(run("fill 1000"), "fill");
    assert_ok(run("put 5000 7"), "put");
    struct stats_lines base = stats();
    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
        const char *a = run(bad_lines[i]);
        assert_err(a, bad_lines[i]);
        struct stats_lines now = stats();
        assert_same_stats(&base, &now, bad_lines[i]);
        cr_assert(!console_exited(&R.con), "%s", bad_lines[i]);
    }
    /* The fill bookkeeping is intact too: delall still removes 0..999. */
    assert_ok(run("delall"), "delall");
    cr_assert_eq(stats().len, 1);
}

Test(console, err_messages_say_what_was_wrong)
{
    big();
    cr_assert_str_eq(run("frobnicate"), "ERR unknown command 'frobnicate' (try help)\n");
    cr_assert_str_eq(run("put 1"), "ERR put: missing argument (usage: put K V)\n");
    cr_assert_str_eq(run("get 1 2"), "ERR get: too many arguments (usage: get K)\n");
    cr_assert_str_eq(run("put x 1"),
                     "ERR put: K 'x' is not a number (decimal, or hex after 0x)\n");
    cr_assert_str_eq(run("put 1 18446744073709551616"),
                     "ERR put: V '18446744073709551616' is out of range "
                     "(0..18446744073709551615)\n");
    cr_assert_str_eq(run("exit 256"), "ERR exit: CODE '256' is out of range (0..255)\n");
    cr_assert_str_eq(run("stats now"), "ERR stats: too many arguments (usage: stats)\n");
}

/* Feed raw bytes as one line; expect exactly: the line's echo, want_echo
 * when given (a bad byte in its visible form, never raw), one ERR line, a
 * prompt; and nothing changed. */
static void bad_bytes_echo_case(const char *bytes, size_t n, const char *want_echo,
                                const char *want_err)
{
    struct stats_lines base = stats();
    const char *o = send(bytes, n);
    char *copy = strdup(o);
    if (want_echo)
        cr_assert(strncmp(copy, want_echo, strlen(want_echo)) == 0 &&
                      copy[strlen(want_echo)] == '\n',
                  "echo '%s', want '%s'", copy, want_echo);
    const char *err = strstr(copy, "ERR ");
    cr_assert(err, "no ERR for bad bytes: '%s'", copy);
    cr_assert_eq(transcript_count(copy, "ERR "), 1, "exactly one ERR: '%s'", copy);
    const char *nl = strchr(err, '\n');
    cr_assert(nl && strcmp(nl + 1, "> ") == 0, "one ERR line, then the prompt: '%s'", copy);
    if (want_err)
        cr_assert(strncmp(err, want_err, strlen(want_err)) == 0, "got '%s' want '%s'", err,
                  want_err);
    for (const char *p = copy; *p; p++)
        cr_assert((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\b',
                  "a bad byte was echoed: 0x%02x", (unsigned char)*p);
    free(copy);
    struct stats_lines now = stats();
    assert_same_stats(&base, &now, "bad bytes");
}

static void bad_bytes_case(const char *bytes, size_t n, const char *want_err)
{
    bad_bytes_echo_case(bytes, n, NULL, want_err);
}

Test(console, control_and_non_ascii_bytes_reject_the_line)
{
    big();
    assert_ok(run("fill 10"), "fill");
    /* Each bad byte is echoed in a visible form, so the user sees why the
     * line is rejected, and the ERR names it both ways. */
    bad_bytes_echo_case("sta\0ts\n", 7, "sta^@ts", "ERR line rejected: it held a NUL byte (^@)\n");
    bad_bytes_echo_case("\x01stats\n", 7, "^Astats",
                        "ERR line rejected: it held control byte 0x01 (^A)\n");
    bad_bytes_echo_case("put\t7\t9\n", 8, "put^I7^I9",
                        "ERR line rejected: it held control byte 0x09 (^I)\n");
    bad_bytes_echo_case("\x1b[A\n", 4, "^[[A", "ERR line rejected: it held control byte 0x1b (^[)\n");
    bad_bytes_echo_case("st\xc3\xa4ts\n", 7, "st\\xc3\\xa4ts",
                        "ERR line rejected: it held byte 0xc3 (\\xc3), which is not ASCII\n");
    bad_bytes_case("\xff\n", 2, "ERR line rejected: it held byte 0xff");
    bad_bytes_case("\x80 reset\n", 8, "ERR line rejected: it held byte 0x80");
    bad_bytes_case("reset\x7f\x7f\x7f\x7f\x7f\x04\n", 12, "ERR line rejected: it held control byte 0x04");
    /* A bad byte is not taken back by backspace: the line stays rejected,
     * and so does its echo. */
    bad_bytes_echo_case("delall\x02\x08\n", 9, "delall^B",
                        "ERR line rejected: it held control byte 0x02 (^B)\n");
    cr_assert_eq(stats().len, 10, "nothing ran");
}

Test(console, long_line_answers_once_and_is_discarded)
{
    big();
    char line[1100];
    memset(line, 'a', sizeof line);
    /* "reset" then a long tail: must not reset anything. */
    memcpy(line, "fill 5 ", 7);
    line[sizeof line - 1] = '\n';
    bad_bytes_case(line, sizeof line, "ERR line too long: more than 80 characters");
    cr_assert_eq(stats().len, 0, "the long line's command did not run");
    /* Backspaces after the overflow do not bring the line back. */
    char l2[CONSOLE_LINE_MAX + 10];
    memset(l2, 'b', sizeof l2);
    memcpy(l2 + CONSOLE_LINE_MAX + 1, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\n", 9);
    bad_bytes_case(l2, sizeof l2, "ERR line too long");
    /* The console keeps working. */
    assert_ok(run("put 1 1"), "put after long lines");
}

Test(console, line_of_exactly_the_maximum_runs)
{
    big();
    char line[CONSOLE_LINE_MAX + 1];
    /* "put 1 " + zeros + "7" = 80 characters */
    memset(line, '0', CONSOLE_LINE_MAX);
    memcpy(line, "put 1 ", 6);
    line[CONSOLE_LINE_MAX - 1] = '7';
    line[CONSOLE_LINE_MAX] = '\0';
    cr_assert_eq(strlen(line), CONSOLE_LINE_MAX);
    assert_ok(run(line), "80-character line");
    cr_assert_str_eq(run("get 1"), "7\n");
    /* One more character is too long. */
    char longer[CONSOLE_LINE_MAX + 3];
    memcpy(longer, line, CONSOLE_LINE_MAX);
    longer[CONSOLE_LINE_MAX] = '8';
    longer[CONSOLE_LINE_MAX + 1] = '\n';
    bad_bytes_case(longer, CONSOLE_LINE_MAX + 2, "ERR line too long");
    cr_assert_str_eq(run("get 1"), "7\n");
}

/* --- line ends and editing ------------------------------------------------ */

Test(console, cr_lf_and_crlf_each_end_one_line)
{
    big();
    const char *o = sends("put 1 10\rput 2 20\nput 3 30\r\nstats\r\n");
    char *copy = strdup(o);
    cr_assert_eq(transcript_count(copy, "ok\n"), 3, "%s", copy);
    cr_assert_eq(transcript_count(copy, "> "), 4, "one prompt per line, no empty command: %s",
                 copy);
    cr_assert_null(strstr(copy, "ERR"), "%s", copy);
    struct stats_lines s;
    cr_assert(transcript_stats(copy, 0, &s));
    cr_assert_eq(s.len, 3);
    free(copy);
    /* Echo: each line end is echoed as one "\n". */
    o = sends("get 2\r\n");
    cr_assert_str_eq(o, "get 2\n20\n> ");
}

Test(console, empty_lines_and_bare_line_ends_just_prompt)
{
    big();
    cr_assert_str_eq(sends("\n"), "\n> ");
    cr_assert_str_eq(sends("\r"), "\n> ");
    cr_assert_str_eq(sends("\n"), "", "the LF of a CRLF split over two feeds is swallowed");
    cr_assert_str_eq(sends("\r\r\n"), "\n> \n> ");
    cr_assert_str_eq(sends("\n\r"), "\n> \n> ", "LF then CR is two line ends");
    cr_assert_str_eq(sends("    \n"), "    \n> ");
}

Test(console, backspace_and_delete_erase)
{
    big();
    assert_ok(run("put 4 44"), "put");
    cr_assert_str_eq(sends("gex\bt 4\n"), "gex\b \bt 4\n44\n> ");
    cr_assert_str_eq(sends("gex\x7ft 4\n"), "gex\b \bt 4\n44\n> ");
    /* Backspace on an empty line prints nothing and erases nothing. */
    cr_assert_str_eq(sends("\b\x7f\b"), "");
    cr_assert_str_eq(sends("get 4\n"), "get 4\n44\n> ");
    /* Erase a whole command and type another. */
    cr_assert_str_eq(sends("reset\b\b\b\b\bget 4\n"),
                     "reset\b \b\b \b\b \b\b \b\b \bget 4\n44\n> ");
    cr_assert_eq(stats().len, 1);
}

Test(console, ctrl_c_cancels_the_line_and_prompts_again)
{
    big();
    assert_ok(run("put 4 44"), "put");
    cr_assert_str_eq(sends("reset\x03"), "reset^C\n> ");
    cr_assert_eq(stats().len, 1, "the cancelled reset did not run");
    /* On an empty line: a fresh prompt. */
    cr_assert_str_eq(sends("\x03"), "^C\n> ");
    /* It cancels a line already rejected (a bad byte, too long) as well:
     * no ERR, and the next line runs. */
    cr_assert_str_eq(sends("\x01reset\x03get 4\n"), "^Areset^C\n> get 4\n44\n> ");
    char l[CONSOLE_LINE_MAX + 10];
    memset(l, 'a', sizeof l);
    l[sizeof l - 1] = '\x03';
    const char *o = send(l, sizeof l);
    cr_assert_eq(strlen(o), CONSOLE_LINE_MAX + 5, "the line's echo, ^C, a new line and prompt: %s", o);
    cr_assert_str_eq(o + CONSOLE_LINE_MAX, "^C\n> ");
    cr_assert_str_eq(sends("get 4\n"), "get 4\n44\n> ");
    /* After a CR, a ^C then an LF: the LF ends an empty line of its own. */
    cr_assert_str_eq(sends("get 4\r\x03\n"), "get 4\n44\n> ^C\n> \n> ");
    cr_assert_eq(stats().len, 1);
}

Test(console, ctrl_u_erases_the_line)
{
    big();
    assert_ok(run("put 4 44"), "put");
    cr_assert_str_eq(sends("reset\x15"), "reset\b \b\b \b\b \b\b \b\b \b");
    cr_assert_str_eq(sends("get 4\n"), "get 4\n44\n> ", "the erased reset did not run");
    /* On an empty line it prints nothing. */
    cr_assert_str_eq(sends("\x15"), "");
    /* A line with a bad byte, erased, is a new line: the next text runs;
     * the bad byte's visible form is rubbed out with the rest. */
    cr_assert_str_eq(sends("\x02" "del\x15get 4\n"),
                     "^Bdel\b \b\b \b\b \b\b \b\b \bget 4\n44\n> ");
    /* Erasing a line that ran too long (its echo stopped at the maximum). */
    char l[CONSOLE_LINE_MAX + 10];
    memset(l, 'a', sizeof l);
    l[sizeof l - 1] = '\x15';
    const char *o = send(l, sizeof l);
    cr_assert_eq(strlen(o), CONSOLE_LINE_MAX + 3 * CONSOLE_LINE_MAX, "%s", o);
    cr_assert_str_eq(sends("get 4\n"), "get 4\n44\n> ");
    cr_assert_eq(stats().len, 1);
}

Test(console, run_line_checks_like_feed)
{
    big();
    R.mark = R.len;
    cr_assert(console_run_line(&R.con, "put 9 99", 8));
    cr_assert_str_eq(R.out + R.mark, "ok\n");
    R.mark = R.len;
    cr_assert(console_run_line(&R.con, "get\x01 9", 6));
    cr_assert_str_eq(R.out + R.mark, "ERR line rejected: it held control byte 0x01 (^A)\n");
    char longl[CONSOLE_LINE_MAX + 1];
    memset(longl, ' ', sizeof longl);
    R.mark = R.len;
    cr_assert(console_run_line(&R.con, longl, sizeof longl));
    cr_assert(strncmp(R.out + R.mark, "ERR line too long", 17) == 0);
    R.mark = R.len;
    cr_assert(!console_run_line(&R.con, "exit 3", 6));
    cr_assert_eq(console_exit_code(&R.con), 3);
}

Test(console, every_answer_is_ok_a_value_or_err)
{
    /* A run of every command: apart from help, stats and demo, each answer
     * is one line, "ok", a number, or "ERR ...". */
    big();
    const char *lines[] = {"put 1 2", "get 1", "del 1", "get 1", "fill 300", "delall",
                           "fill 10", "clear", "fill 10", "compact", "reset", "compact",
                           "put 0x10 0x20", "get 16", "exit 300"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *a = run(lines[i]);
        const char *nl = strchr(a, '\n');
        cr_assert(nl && nl[1] == '\0', "'%s' answered more than one line: '%s'", lines[i], a);
        char *end;
        (void)strtoull(a, &end, 10);
        bool number = end != a && *end == '\n';
        cr_assert(strcmp(a, "ok\n") == 0 || number || strncmp(a, "ERR ", 4) == 0,
                  "'%s' answered '%s'", lines[i], a);
    }
}

/* selftest on the host: the same command the boards run (test_qemu.c runs
 * it on both images). */
Test(console, selftest_answers_ok_and_leaves_the_map)
{
    big();
    assert_ok(run("fill 300"), "fill");
    struct stats_lines before = stats();
    assert_ok(run("selftest"), "selftest");
    assert_ok(run("selftest 50000"), "selftest 50000");
    assert_ok(run("selftest 0"), "selftest 0");
    assert_err(run("selftest 100001"), "selftest over the limit");
    assert_err(run("selftest x"), "selftest x");
    struct stats_lines after = stats();
    cr_assert_eq(after.len, 300);
    cr_assert_eq(after.bytes, before.bytes);
    assert_same_stats(&before, &after, "selftest runs on the scratch region");
}

/* --- the history agrees with itself ----------------------------------------- */

/* Every entry since the last check: the map's bytes never above the arena's
 * in_use (the map holds nothing the arena has not handed out), and an
 * allocation the map made (inside fill or put) raises bytes by what it
 * raises in_use, in the same entry. */
static void assert_history_agrees(uint64_t *from, const char *what)
{
    const struct history *h = &R.con.history;
    const struct history_entry *prev = NULL;
    for (size_t i = 0; i < history_len(h); i++) {
        const struct history_entry *e = history_get(h, i);
        if (e->seq < *from) {
            prev = e;
            continue;
        }
        cr_assert_leq(e->bytes, e->in_use, "%s: at=%" PRIu64 " event=%s bytes=%zu in_use=%zu",
                      what, e->seq, history_event_name(e->event), e->bytes, e->in_use);
        if (prev && e->event == HISTORY_ALLOC &&
            (strncmp(what, "fill", 4) == 0 || strncmp(what, "put", 3) == 0))
            cr_assert_eq(e->bytes - prev->bytes, e->in_use - prev->in_use,
                         "%s: at=%" PRIu64 ": in_use rose by %zu, bytes by %zu", what, e->seq,
                         e->in_use - prev->in_use, e->bytes - prev->bytes);
        prev = e;
    }
    *from = h->seq;
}

Test(console, history_bytes_never_above_in_use)
{
    rig(4u * 1024u * 1024u, true); /* 1023 pages */
    static const char *const lines[] = {
        "fill 20000", "delall", "compact", "make 8192", "fill 8192", "reset", "put 1 1",
        "fill 60000", "make 0", "fill 30000", "compact", "clear", "fill 25000",
        "fill 200000", /* runs out of pages midway */
        "put 999999 1", "compact", "reset", "make 0", "fill 100",
    };
    uint64_t from = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        (void)run(lines[i]);
        assert_history_agrees(&from, lines[i]);
    }
}

Test(console, history_records_the_typed_line_and_failures)
{
    big();
    assert_ok(run("fill   8192"), "fill");
    assert_err(run("fill 100000000"), "fill too many");
    assert_err(run("get 99999999"), "get absent");
    assert_ok(run("put 0x10 7"), "put");
    const char *a = run("history");
    cr_assert(strstr(a, " cmd=fill 8192\n"), "the line as typed, one space apart:\n%s", a);
    cr_assert(strstr(a, " cmd=fill 100000000 result=ERR\n"), "a failure marked:\n%s", a);
    cr_assert(strstr(a, " cmd=get 99999999 result=ERR\n"), "%s", a);
    cr_assert(strstr(a, " cmd=put 0x10 7\n"), "%s", a);
    /* A long line is cut, marked, to its first HISTORY_CMD_SHOWN
     * characters when the entry has no more room in 80 columns. */
    run("history clear");
    assert_err(run("get     0x00000000000000000000000000000000000000000000012345"), "get");
    a = run("history");
    cr_assert(strstr(a, " cmd=get 0x000000000000000000... result=ERR\n") != NULL, "%s", a);
}
