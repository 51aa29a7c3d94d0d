/* SPDX-License-Identifier: MIT */
/*
 * test_bench.c - the console's `bench` on the host (board/app's bench.c
 * through its console, over the real arena and hmap).  The host has no
 * instruction counter the tests could trust, so a fake one stands in: these
 * tests check what bench promises whatever the counter says (its lines and
 * their format, its `ok`, the console's map and the arena's in_use as they
 * were, its errors), not the figures, which test_target_bench.c checks on
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
/* The bench's run, its bitmap, and room for a map beside it. */
#define ARENA_BYTES (BENCH_REGION_BYTES + 2u * 1024u * 1024u)

static _Alignas(4096) uint8_t region[ARENA_BYTES];

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

static void rig(size_t arena_bytes, bool counter)
{
    memset(&R, 0, sizeof R);
    cr_assert_leq(arena_bytes, sizeof region);
    cr_assert_eq(arena_init(&R.arena, region, arena_bytes, PAGE), 0);
    struct console_config cfg = {.write = sink, .ctx = &R, .arena = &R.arena};
    if (counter)
        cfg.instret = fake_instret;
    cr_assert_eq(console_init(&R.con, &cfg), 0);
}

/* Run one line; return what it printed. */
static const char *run(const char *line)
{
    R.len = 0;
    R.out[0] = '\0';
    console_run_line(&R.con, line, strlen(line));
    return R.out;
}

static struct stats3 stats(void)
{
    struct stats3 s;
    cr_assert(transcript_stats(run("stats"), 0, &s), "%s", R.out);
    return s;
}

static const char *const lines_expected[] = {
    "bench n=10000 op=insert_hint ",  "bench n=10000 op=lookup_hit ",
    "bench n=10000 op=lookup_miss ",  "bench n=10000 op=delete ",
    "bench n=100000 op=insert_hint ", "bench n=100000 op=lookup_hit ",
    "bench n=100000 op=lookup_miss ", "bench n=100000 op=delete ",
    "bench op=page_pair ",
};

Test(bench, without_a_counter_is_an_error)
{
    rig(ARENA_BYTES, false);
    struct stats3 before = stats();
    cr_assert_str_eq(run("bench"), "ERR bench: no instruction counter\n");
    struct stats3 after = stats();
    cr_assert(memcmp(&before, &after, sizeof before) == 0, "an ERR changes nothing");
}

Test(bench, prints_nine_lines_then_ok_and_changes_nothing)
{
    rig(ARENA_BYTES, true);
    cr_assert_str_eq(run("fill 5000"), "ok\n");
    cr_assert_str_eq(run("del 17"), "ok\n");
    struct stats3 before = stats();
    const char *a = run("bench");
    /* nine lines in the documented order and format, then ok */
    const char *p = a;
    for (size_t i = 0; i < sizeof lines_expected / sizeof lines_expected[0]; i++) {
        size_t pl = strlen(lines_expected[i]);
        cr_assert(strncmp(p, lines_expected[i], pl) == 0, "line %zu: want '%s...' in:\n%s", i,
                  lines_expected[i], a);
        p += pl;
        unsigned whole, tenth;
        int used = 0;
        cr_assert_eq(sscanf(p, "instret_per_op=%u.%1u\n%n", &whole, &tenth, &used), 2, "%s", a);
        char again[64];
        snprintf(again, sizeof again, "instret_per_op=%u.%u\n", whole, tenth);
        cr_assert(strncmp(p, again, strlen(again)) == 0, "figure not x.y: %s", p);
        p += strlen(again);
    }
    cr_assert_str_eq(p, "ok\n", "%s", a);
    cr_assert_gt(R.reads, 18, "the counter is read around every loop and its twin");

    struct stats3 after = stats();
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.len, before.len);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.buckets, before.buckets);
    cr_assert_eq(after.overflow, before.overflow);
    cr_assert_eq(after.growing, before.growing);
    cr_assert_eq(after.allocs, before.allocs + 1, "one run taken ...");
    cr_assert_eq(after.frees, before.frees + 1, "... and given back");
    cr_assert_eq(after.failed, before.failed);
    cr_assert_geq(after.peak, before.in_use + BENCH_REGION_BYTES);
    cr_assert_eq(arena_check(&R.arena), 0);
    cr_assert_eq(hmap_check(console_map(&R.con)), 0);
    /* The map still answers as before. */
    cr_assert_str_eq(run("get 4999"), "4999\n");
    cr_assert_str_eq(run("get 17"), "ERR get: no such key 17\n");
}

Test(bench, twice_prints_the_same_lines_with_the_same_counter)
{
    rig(ARENA_BYTES, true);
    char first[4096];
    strcpy(first, run("bench"));
    uint64_t c = R.counter;
    unsigned reads = R.reads;
    rig(ARENA_BYTES, true);
    cr_assert_str_eq(run("bench"), first, "the bench is deterministic");
    cr_assert_eq(R.counter, c);
    cr_assert_eq(R.reads, reads);
}

Test(bench, without_room_is_an_error_that_changes_nothing_else)
{
    /* Less than the run the bench needs. */
    rig(BENCH_REGION_BYTES / 2, true);
    cr_assert_str_eq(run("fill 100"), "ok\n");
    struct stats3 before = stats();
    char want[128];
    snprintf(want, sizeof want, "ERR bench: needs %u bytes of free contiguous arena pages\n",
             BENCH_REGION_BYTES);
    cr_assert_str_eq(run("bench"), want);
    cr_assert_eq(R.reads, 0, "nothing measured");
    struct stats3 after = stats();
    cr_assert_eq(after.failed, before.failed + 1, "the refused allocation is counted");
    after.failed = before.failed;
    cr_assert(memcmp(&before, &after, sizeof before) == 0, "nothing else changed");
}

Test(bench, fragmented_arena_without_a_long_enough_run)
{
    /* Room enough in total, but no free run of BENCH_REGION_BYTES. */
    rig(ARENA_BYTES, true);
    size_t half = BENCH_REGION_BYTES / 2 / PAGE;
    void *a = arena_alloc_pages(&R.arena, half);
    void *b = arena_alloc_pages(&R.arena, 1);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_eq(arena_free_pages(&R.arena, a, half), 0);
    /* Free: half a run below b, and less than a run above it. */
    struct arena_stats as;
    arena_get_stats(&R.arena, &as);
    cr_assert_lt(as.capacity - as.in_use - half * PAGE, BENCH_REGION_BYTES);
    cr_assert(strncmp(run("bench"), "ERR bench: needs ", 17) == 0, "%s", R.out);
}

Test(bench, bench_run_directly)
{
    /* bench_run's own contract, without the console: nine lines, BENCH_OK,
     * the arena's in_use as it was. */
    rig(ARENA_BYTES, true);
    struct arena_stats before, after;
    arena_get_stats(&R.arena, &before);
    struct bench_io io = {fake_instret, sink, &R};
    R.len = 0;
    cr_assert_eq(bench_run(&R.arena, &io), BENCH_OK);
    cr_assert_eq(transcript_count_lines(R.out, "bench "), 9, "%s", R.out);
    cr_assert_eq(transcript_count_lines(R.out, ""), 9, "nothing else: %s", R.out);
    arena_get_stats(&R.arena, &after);
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(arena_check(&R.arena), 0);
}
