/* SPDX-License-Identifier: MIT */
/*
 * test_cache.c - hmap_check verifies the state the fast paths cache.
 *
 * The 8-byte paths trust a few bytes and words of struct hmap instead of the
 * state they summarise: the flags fast_ready and fast_write, grow_at (the
 * count at which a new key starts a growth), each table's mask, load_max
 * and overflow_max, and the hash key and multiplier premixed from the seed.
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
    g_a = ta_new(64, PAGE_4K);
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
    ta_free(g_a);
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

Test(cache, strerror)
{
    cr_assert_str_eq(hmap_strerror(HMAP_BROKEN_CACHE), "broken: cached fast-path state");
}
