/* SPDX-License-Identifier: MIT */
/*
 * test_bench.c - the console's `bench` on the host (board/app's bench.c
 * through its console, over the real arena and hmap).  The host has no
 * instruction counter the tests could trust, so a fake one stands in: these
 * tests check what bench promises whatever the counter says (its lines and
 * their format, its `ok`, every figure of the console's arena and map as it
 * was, its refusals), not the figures, which test_target_bench.c checks on
 * the board.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "console.h"
#include "transcript.h"

#define PAGE 4096u
/* The console's arena: room for a map (the bench has a region of its own). */
#define ARENA_BYTES (2u * 1024u * 1024u)

static _Alignas(4096) uint8_t region[ARENA_BYTES];
static _Alignas(4096) uint8_t bench_region[BENCH_REGION_BYTES];

static struct {
    struct arena arena;
    struct console con;
    char out[1 << 16];
    size_t len;
    uint64_t counter;
    unsigned reads;
} R;

static void sink(void *ctx, const char *s, size_t n)
{
    cr_assert_eq(ctx, &R);
    cr_assert_lt(R.len + n, sizeof R.out);
    memcpy(R.out + R.len, s, n);
    R.len += n;
    R.out[R.len] = '\0';
}

/* A counter that moves on unevenly, so measured and empty loops differ. */
static uint64_t fake_instret(void *ctx)
{
    cr_assert_eq(ctx, &R, "the console must pass its ctx to instret");
    R.reads++;
    R.counter += 1000 + (R.reads % 3) * 250000;
    return R.counter;
}

/* The console as the board makes it, with the parts a test leaves out. */
enum rig_flags {
    COUNTER = 1,
    EXACT = 2,
    BENCH_REGION = 4,
    ALL = 7,
};

static void rig_with(size_t bench_bytes, int flags)
{
    memset(&R, 0, sizeof R);
    cr_assert_eq(arena_init(&R.arena, region, sizeof region, PAGE), 0);
    struct console_config cfg = {.write = sink, .ctx = &R, .arena = &R.arena};
    if (flags & COUNTER)
        cfg.instret = fake_instret;
    cfg.instret_exact = (flags & EXACT) != 0;
    if (flags & BENCH_REGION) {
        cr_assert_leq(bench_bytes, sizeof bench_region);
        cfg.bench_region = bench_region;
        cfg.bench_size = bench_bytes;
    }
    cr_assert_eq(console_init(&R.con, &cfg), 0);
}

static void rig(int flags)
{
    rig_with(BENCH_REGION_BYTES, flags);
}

/* Run one line; return what it printed. */
static const char *run(const char *line)
{
    R.len = 0;
    R.out[0] = '\0';
    console_run_line(&R.con, line, strlen(line));
    return R.out;
}

static struct stats_lines stats(void)
{
    struct stats_lines s;
    cr_assert(transcript_stats(run("stats"), 0, &s), "%s", R.out);
    return s;
}

static const char *const lines_expected[] = {
    "bench n=10000 op=insert_hint ",
    "bench n=10000 op=lookup_hit ",
    "bench n=10000 op=lookup_miss ",
    "bench n=10000 op=delete ",
    "bench n=100000 op=insert_hint ",
    "bench n=100000 op=lookup_hit ",
    "bench n=100000 op=lookup_miss ",
    "bench n=100000 op=delete ",
    "bench op=page_pair ",
    "bench map=swiss n=10000 op=insert_hint ",
    "bench map=swiss n=10000 op=lookup_hit ",
    "bench map=swiss n=10000 op=lookup_miss ",
    "bench map=swiss n=10000 groups_per_lookup ",
    "bench map=swiss n=10000 op=delete ",
    "bench map=swiss n=100000 op=insert_hint ",
    "bench map=swiss n=100000 op=lookup_hit ",
    "bench map=swiss n=100000 op=lookup_miss ",
    "bench map=swiss n=100000 groups_per_lookup ",
    "bench map=swiss n=100000 op=delete ",
};
/* Lines that end in instret_per_op=x.y, and the groups lines, which end in
 * hit=h.hh miss=m.mm (groups per lookup, not a count of instructions). */
#define GROUPS_LINES 2
#define NLINES ((int)(sizeof lines_expected / sizeof lines_expected[0]))

static void assert_same(const struct stats_lines *before, const struct stats_lines *after, const char *what)
{
    cr_assert(memcmp(before, after, sizeof *before) == 0, "%s changed a figure of stats", what);
}

Test(bench, without_a_counter_is_an_error)
{
    rig(ALL & ~COUNTER);
    struct stats_lines before = stats();
    cr_assert_str_eq(run("bench"), "ERR bench: no instruction counter\n");
    struct stats_lines after = stats();
    assert_same(&before, &after, "an ERR");
}

Test(bench, with_a_counter_that_is_not_exact_refuses_in_one_line)
{
    rig(ALL & ~EXACT);
    cr_assert_str_eq(run("fill 100"), "ok\n");
    struct stats_lines before = stats();
    const char *a = run("bench");
    cr_assert_eq(transcript_count_lines(a, ""), 1, "%s", a);
    cr_assert(strncmp(a, "ERR bench: the instruction counter is not exact here", 52) == 0, "%s", a);
    cr_assert_not_null(strstr(a, "run-bench"), "%s", a);
    cr_assert_not_null(strstr(a, "-icount shift=0"), "%s", a);
    cr_assert_eq(R.reads, 0, "nothing measured");
    struct stats_lines after = stats();
    assert_same(&before, &after, "a refused bench");
}

Test(bench, without_a_region_of_its_own_is_an_error)
{
    rig(ALL & ~BENCH_REGION);
    struct stats_lines before = stats();
    cr_assert_str_eq(run("bench"), "ERR bench: this console has no region for the bench\n");
    cr_assert_eq(R.reads, 0, "nothing measured");
    struct stats_lines after = stats();
    assert_same(&before, &after, "bench without a region");
}

Test(bench, prints_every_line_then_ok_and_changes_no_figure)
{
    rig(ALL);
    /* A fill that grew the map, so that watermark and peak are above in_use
     * and a change to either would show. */
    cr_assert_str_eq(run("fill 5000"), "ok\n");
    cr_assert_str_eq(run("del 17"), "ok\n");
    struct stats_lines before = stats();
    cr_assert_gt(before.watermark, before.in_use);
    const char *a = run("bench");
    /* every line in the documented order and format (the bucket map's and
     * the page pair's as before, then the Swiss map's), then ok */
    const char *p = a;
    for (int i = 0; i < NLINES; i++) {
        size_t pl = strlen(lines_expected[i]);
        cr_assert(strncmp(p, lines_expected[i], pl) == 0, "line %d: want '%s...' in:\n%s", i,
                  lines_expected[i], a);
        p += pl;
        if (strstr(lines_expected[i], "groups_per_lookup") != NULL) {
            unsigned hw, hf, mw, mf;
            cr_assert_eq(sscanf(p, "hit=%u.%2u miss=%u.%2u\n", &hw, &hf, &mw, &mf), 4, "%s", a);
            char again[64];
            snprintf(again, sizeof again, "hit=%u.%02u miss=%u.%02u\n", hw, hf, mw, mf);
            cr_assert(strncmp(p, again, strlen(again)) == 0, "groups not h.hh: %s", p);
            cr_assert_geq(hw * 100 + hf, 100, "a hit reads at least one group: %s", p);
            cr_assert_geq(mw * 100 + mf, hw * 100 + hf, "a miss reads no fewer than a hit: %s", p);
            p += strlen(again);
            continue;
        }
        unsigned whole, tenth;
        int used = 0;
        cr_assert_eq(sscanf(p, "instret_per_op=%u.%1u\n%n", &whole, &tenth, &used), 2, "%s", a);
        char again[64];
        snprintf(again, sizeof again, "instret_per_op=%u.%u\n", whole, tenth);
        cr_assert(strncmp(p, again, strlen(again)) == 0, "figure not x.y: %s", p);
        p += strlen(again);
    }
    cr_assert_str_eq(p, "ok\n", "%s", a);
    cr_assert_gt(R.reads, 4u * (unsigned)(NLINES - GROUPS_LINES - 1),
                 "the counter is read around every loop and its twin");

    /* Every figure: in_use, watermark, peak, the counts, the map's. */
    struct stats_lines after = stats();
    assert_same(&before, &after, "bench");
    cr_assert_eq(arena_check(&R.arena), 0);
    cr_assert_eq(hmap_check(console_map(&R.con)), 0);
    /* The map still answers as before. */
    cr_assert_str_eq(run("get 4999"), "4999\n");
    cr_assert_str_eq(run("get 17"), "ERR get: no such key 17\n");
}

Test(bench, twice_prints_the_same_lines_with_the_same_counter)
{
    rig(ALL);
    char first[4096];
    strcpy(first, run("bench"));
    uint64_t c = R.counter;
    unsigned reads = R.reads;
    rig(ALL);
    cr_assert_str_eq(run("bench"), first, "the bench is deterministic");
    cr_assert_eq(R.counter, c);
    cr_assert_eq(R.reads, reads);
}

Test(bench, a_region_too_small_is_an_error_that_changes_nothing)
{
    rig_with(BENCH_REGION_BYTES - PAGE, ALL);
    cr_assert_str_eq(run("fill 100"), "ok\n");
    struct stats_lines before = stats();
    char want[128];
    snprintf(want, sizeof want, "ERR bench: needs a region of %u bytes, this one has %u\n",
             BENCH_REGION_BYTES, BENCH_REGION_BYTES - PAGE);
    cr_assert_str_eq(run("bench"), want);
    cr_assert_eq(R.reads, 0, "nothing measured");
    struct stats_lines after = stats();
    assert_same(&before, &after, "a refused bench");
}

Test(bench, bench_run_directly)
{
    /* bench_run's own contract, without the console: every line, BENCH_OK;
     * a region too small or none: BENCH_ERR_NOMEM and one line. */
    rig(ALL);
    struct bench_io io = {fake_instret, sink, &R};
    R.len = 0;
    cr_assert_eq(bench_run(bench_region, sizeof bench_region, &io), BENCH_OK);
    cr_assert_eq(transcript_count_lines(R.out, "bench "), NLINES, "%s", R.out);
    cr_assert_eq(transcript_count_lines(R.out, "bench map=swiss "), 8 + GROUPS_LINES, "%s", R.out);
    cr_assert_eq(transcript_count_lines(R.out, ""), NLINES, "nothing else: %s", R.out);
    R.len = 0;
    cr_assert_eq(bench_run(NULL, sizeof bench_region, &io), BENCH_ERR_NOMEM);
    cr_assert_eq(transcript_count_lines(R.out, "ERR bench: needs a region of "), 1, "%s", R.out);
    cr_assert_eq(transcript_count_lines(R.out, ""), 1, "%s", R.out);
}
