/* SPDX-License-Identifier: MIT */
/*
 * test_cache.c - hmap_check verifies the state the fast paths cache.
 *
 * The 8-byte paths trust a few bytes and words of struct hmap instead of the
 * state they summarise: the flags fast_ready and fast_write, grow_at (the
 * count at which a new key starts a growth), each table's mask, load_max
 * and overflow_max (from B = 16 on, within what Go's overflow estimate can
 * make of it), and the hash key and multiplier premixed from the seed.
 * A stale one would send a fast path into a growing map, or past a growth
 * it should start, with no other invariant broken.  Each test here breaks
 * one and expects HMAP_BROKEN_CACHE, then mends it and expects 0.  The
 * field names are the private layout's (hmap.h); the tests may look.
 */
#include <criterion/criterion.h>

#include "hmap_testlib.h"

static struct arena *g_a;
static struct hmap g_m;

/* A built-in-hash 8/8 map (the fast paths apply) with an array and some
 * entries, not growing. */
static void setup_fast(void)
{
    g_a = test_arena_new(64, PAGE_4K);
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&g_m, &t, g_a, 100, 7), 0);
    for (uint64_t k = 0; k < 50; k++)
        cr_assert_eq(hmap_put_u64(&g_m, k, k), 0);
    cr_assert_eq(hmap_check(&g_m), 0);
    cr_assert_eq(g_m.fast_ready, 1);
    cr_assert_eq(g_m.fast_write, 1);
}

static void teardown(void)
{
    test_arena_free(g_a);
}

/* Break one cached field, expect HMAP_BROKEN_CACHE; put it back, expect 0. */
#define BREAK_AND_MEND(field, bad)                                 \
    do {                                                           \
        __typeof__(g_m.field) saved = g_m.field;                   \
        g_m.field = (bad);                                         \
        cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_CACHE, #field); \
        g_m.field = saved;                                         \
        cr_assert_eq(hmap_check(&g_m), 0, #field " mended");       \
    } while (0)

TestSuite(cache, .init = setup_fast, .fini = teardown);

Test(cache, flags)
{
    BREAK_AND_MEND(fast_ready, 0);
    BREAK_AND_MEND(fast_write, 0);
    BREAK_AND_MEND(fast64, false);
}

Test(cache, grow_at)
{
    BREAK_AND_MEND(grow_at, g_m.grow_at + 1);
    BREAK_AND_MEND(grow_at, 0);
}

Test(cache, table_figures)
{
    BREAK_AND_MEND(cur.mask, g_m.cur.mask >> 1);
    BREAK_AND_MEND(cur.load_max, g_m.cur.load_max - 1);
    BREAK_AND_MEND(cur.overflow_max, g_m.cur.overflow_max + 1);
    /* No old table: its figures are all 0. */
    BREAK_AND_MEND(old.mask, 1);
}

Test(cache, hash_key)
{
    BREAK_AND_MEND(hash_key, g_m.hash_key ^ 1);
    BREAK_AND_MEND(hash_mul, g_m.hash_mul + 2);
    /* The overflow estimate's random state: any but 0, where xorshift
     * would stay. */
    BREAK_AND_MEND(ovf_rand, 0);
}

/* Auto-shrink takes the writes off the fast paths: fast_write must be 0. */
Test(cache, auto_shrink_clears_fast_write)
{
    hmap_set_auto_shrink(&g_m, true);
    cr_assert_eq(g_m.fast_write, 0);
    cr_assert_eq(hmap_check(&g_m), 0);
    BREAK_AND_MEND(fast_write, 1);
    hmap_set_auto_shrink(&g_m, false);
    cr_assert_eq(g_m.fast_write, 1);
    cr_assert_eq(hmap_check(&g_m), 0);
}

/* Mid-growth the fast paths are off, and the old table's figures count. */
Test(cache, growing)
{
    for (uint64_t k = 50; !hstats(&g_m).growing; k++)
        cr_assert_eq(hmap_put_u64(&g_m, k, k), 0);
    cr_assert_eq(g_m.fast_ready, 0);
    cr_assert_eq(hmap_check(&g_m), 0);
    BREAK_AND_MEND(fast_ready, 1);
    BREAK_AND_MEND(old.mask, 0);
    BREAK_AND_MEND(old.load_max, 0);
}

/* A map with no array yet (B = 0, before the first put): flags off. */
Test(cache, no_array)
{
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, g_a, 0, 1), 0);
    cr_assert_eq(m.fast_ready, 0);
    cr_assert_eq(hmap_check(&m), 0);
    m.fast_ready = 1;
    cr_assert_eq(hmap_check(&m), HMAP_BROKEN_CACHE);
    m.fast_ready = 0;
    m.cur.load_max = 8;
    cr_assert_eq(hmap_check(&m), HMAP_BROKEN_CACHE);
}

/*
 * From B = 16 on a table's overflow_max is no pure cache: each overflow
 * bucket Go's estimate leaves out raises it (hmap_overflow_estimate is the
 * rest).  hmap_check takes any value the estimate can reach, from none
 * left out to every linked bucket left out, and nothing beyond.
 */
Test(cache, overflow_max_from_b16)
{
    struct arena *a = test_arena_new(4096, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, (13u << 15) / 2 + 1, 9), 0);
    cr_assert_eq(hstats(&m).B, 16);
    for (uint64_t i = 0; i < 64; i++) /* nine keys in bucket i: one overflow */
        for (uint64_t j = 0; j <= 8; j++)
            cr_assert_eq(put64(&m, i + (j << 16), j), 0);
    size_t linked = hstats(&m).overflow, est = hmap_overflow_estimate(&m);
    cr_assert_eq(linked, 64);
    cr_assert(est > 0 && est < linked, "estimate %zu of %zu", est, linked);
    size_t saved = m.cur.overflow_max, cap = (size_t)1 << 15;
    cr_assert_eq(saved, cap + linked - est);
    cr_assert_eq(hmap_check(&m), 0);
    m.cur.overflow_max = cap; /* none left out */
    cr_assert_eq(hmap_check(&m), 0);
    m.cur.overflow_max = cap + linked; /* every one left out */
    cr_assert_eq(hmap_check(&m), 0);
    m.cur.overflow_max = cap + linked + 1; /* more than were linked */
    cr_assert_eq(hmap_check(&m), HMAP_BROKEN_CACHE);
    m.cur.overflow_max = cap - 1; /* below the cap */
    cr_assert_eq(hmap_check(&m), HMAP_BROKEN_CACHE);
    m.cur.overflow_max = saved;
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

Test(cache, strerror)
{
    cr_assert_str_eq(hmap_strerror(HMAP_BROKEN_CACHE), "broken: cached fast-path state");
}
