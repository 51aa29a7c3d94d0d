/* SPDX-License-Identifier: MIT */
/*
 * test_delete.c - delete (clear: test_clear.c; reseeding: test_reseed.c).
 *
 * Rules (hmap.h, as Go's map.go): delete zeroes the slot, marks it emptyOne
 * and turns the trailing run of emptyOne slots into emptyRest backwards
 * through the chain (the 8-byte delete only where a bucket's last slot
 * depends on it);
 * no page is returned, no overflow bucket unlinked, B never falls.
 *
 * emptyRest itself is private; what a wrong emptyRest does is observable:
 * a lookup that stops at a false emptyRest misses a later key, and
 * hmap_check reports HMAP_BROKEN_EMPTY_REST.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

enum { CHAIN = 30 }; /* 30 keys in bucket 0: the array bucket + 3 overflow */

/*
 * The chain's keys: 0..29 under bucket0_hash, through the general entry
 * points; or, through the 8-byte ones (the built-in hash, whose 8-byte case
 * hmap_hash_bytes gives), the first 30 keys whose hash under the map's seed
 * selects bucket 0 of 8.  The 8-byte delete marks emptyRest its own way
 * (hmap_fast64.c), so both are walked through the same orders.  The 8-byte
 * chain has a 31st key, inserted first and never deleted: a map whose count
 * reaches 0 is reseeded, and the built-in hash would then scatter the keys
 * (bucket0_hash ignores the seed).
 */
enum { SEED = 3 };
static bool g_fast;
static size_t g_keeper; /* 1 when the 8-byte chain has its 31st key */
static uint64_t g_key[CHAIN + 1];

static void pick_keys(bool fast)
{
    g_fast = fast;
    g_keeper = fast;
    uint64_t k = 0;
    for (size_t i = 0; i < CHAIN + 1; i++, k++) {
        while (fast && (hmap_hash_bytes(&k, sizeof k, SEED) & 7) != 0)
            k++;
        g_key[i] = k;
    }
}

static int put_k(struct hmap *m, size_t i, uint64_t v)
{
    return g_fast ? hmap_put_u64(m, g_key[i], v) : put64(m, g_key[i], v);
}

static bool get_k(struct hmap *m, size_t i, uint64_t *v)
{
    return g_fast ? hmap_get_u64(m, g_key[i], v) : get64(m, g_key[i], v);
}

static bool del_k(struct hmap *m, size_t i)
{
    return g_fast ? hmap_delete_u64(m, g_key[i]) : del64(m, g_key[i]);
}

static void fill_chain(struct hmap *m)
{
    if (g_keeper)
        cr_assert_eq(put_k(m, CHAIN, 1), 0);
    for (size_t i = 0; i < CHAIN; i++)
        cr_assert_eq(put_k(m, i, i + 100), 0);
    cr_assert_eq(hstats(m).overflow, 3);
}

/* Delete the chain's keys in the order given (indexes into g_key); after
 * every delete every other key still answers, the figures stay, and the map
 * checks clean. */
static void delete_in_order(const uint64_t *order, size_t n)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(g_fast ? NULL : bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 52, SEED), 0); /* B = 3 */
    fill_chain(&m);
    struct hmap_stats s0 = hstats(&m);
    size_t in_use = test_arena_in_use(a), wm = test_arena_watermark(a);
    bool live[CHAIN];
    for (size_t k = 0; k < CHAIN; k++)
        live[k] = true;
    for (size_t i = 0; i < n; i++) {
        cr_assert(del_k(&m, order[i]), "delete %lu", (unsigned long)order[i]);
        live[order[i]] = false;
        cr_assert(!del_k(&m, order[i]), "deleted twice");
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.overflow, s0.overflow, "overflow unlinked");
        cr_assert_eq(s.B, s0.B);
        cr_assert_eq(s.buckets, s0.buckets);
        cr_assert_eq(s.bytes, s0.bytes);
        cr_assert_eq(test_arena_in_use(a), in_use);
        cr_assert_eq(test_arena_watermark(a), wm);
        cr_assert_eq(s.len, CHAIN - i - 1 + g_keeper);
        for (size_t k = 0; k < CHAIN; k++) {
            uint64_t v;
            bool f = get_k(&m, k, &v);
            cr_assert_eq(f, live[k], "after %zu deletes, key %zu %s", i + 1, k,
                         f ? "still there" : "lost");
            if (f)
                cr_assert_eq(v, k + 100);
        }
        /* Absent keys of the same bucket are still reported absent. */
        cr_assert(!get64(&m, 1000 + i, NULL));
        cr_assert_eq(hmap_check(&m), 0, "check after %zu deletes", i + 1);
    }
    /* Re-insert everything: the emptied slots are reused, no new overflow
     * bucket, no new page. */
    for (size_t k = 0; k < CHAIN; k++)
        cr_assert_eq(put_k(&m, k, k + 200), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.overflow, s0.overflow, "slots not reused");
    cr_assert_eq(s.bytes, s0.bytes);
    cr_assert_eq(s.len, CHAIN + g_keeper);
    for (size_t k = 0; k < CHAIN; k++) {
        uint64_t v;
        cr_assert(get_k(&m, k, &v));
        cr_assert_eq(v, k + 200);
    }
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

static void from_the_tail(bool fast)
{
    pick_keys(fast);
    uint64_t o[CHAIN];
    for (size_t i = 0; i < CHAIN; i++)
        o[i] = CHAIN - 1 - i;
    delete_in_order(o, CHAIN);
}

static void from_the_head(bool fast)
{
    pick_keys(fast);
    uint64_t o[CHAIN];
    for (size_t i = 0; i < CHAIN; i++)
        o[i] = i;
    delete_in_order(o, CHAIN);
}

/* Odd keys first (holes everywhere), then the evens from the tail: each of
 * those deletes ends a run that must turn into emptyRest back across bucket
 * boundaries. */
static void interleaved(bool fast)
{
    pick_keys(fast);
    uint64_t o[CHAIN];
    size_t n = 0;
    for (uint64_t k = 1; k < CHAIN; k += 2)
        o[n++] = k;
    for (uint64_t k = CHAIN; k-- > 0;)
        if (k % 2 == 0)
            o[n++] = k;
    delete_in_order(o, n);
}

static void middle_out(bool fast)
{
    pick_keys(fast);
    static const uint64_t o[] = {15, 16, 14, 17, 13, 18, 12, 19, 11, 20,
                                 10, 21, 9, 22, 8, 23, 7, 24, 6, 25,
                                 5, 26, 4, 27, 3, 28, 2, 29, 1, 0};
    delete_in_order(o, sizeof o / sizeof o[0]);
}

Test(delete, chain_from_the_tail) { from_the_tail(false); }
Test(delete, chain_from_the_head) { from_the_head(false); }
Test(delete, chain_interleaved) { interleaved(false); }
Test(delete, chain_middle_out) { middle_out(false); }
Test(delete, u64_chain_from_the_tail) { from_the_tail(true); }
Test(delete, u64_chain_from_the_head) { from_the_head(true); }
Test(delete, u64_chain_interleaved) { interleaved(true); }
Test(delete, u64_chain_middle_out) { middle_out(true); }

/* A delete of the chain's last key, then an insert: the new key lands in
 * the first empty slot, so no overflow is added and lookups past it work. */
Test(delete, slot_reuse_keeps_chain)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 52, SEED), 0);
    pick_keys(false);
    fill_chain(&m);
    for (uint64_t round = 0; round < 50; round++) {
        uint64_t victim = (round * 7) % CHAIN;
        cr_assert(del64(&m, victim));
        cr_assert_eq(put64(&m, victim, victim + 100), 0);
        cr_assert_eq(hstats(&m).overflow, 3);
        cr_assert_eq(hmap_check(&m), 0);
    }
    for (uint64_t k = 0; k < CHAIN; k++)
        cr_assert(get64(&m, k, NULL));
    test_arena_free(a);
}

/* Deletes never give memory back: a large map emptied by deletes holds all
 * its pages, its B, its overflow buckets. */
Test(delete, never_shrinks)
{
    struct arena *a = test_arena_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 11), 0);
    for (uint64_t k = 0; k < 5000; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    while (hstats(&m).growing) /* finish any growth with overwrites/deletes */
        cr_assert(del64(&m, hmap_len(&m) - 1));
    struct hmap_stats s0 = hstats(&m);
    size_t in_use = test_arena_in_use(a);
    for (uint64_t k = 0; k < 5000; k++) {
        del64(&m, k);
        if (k % 500 == 0) {
            struct hmap_stats s = hstats(&m);
            cr_assert_eq(s.B, s0.B);
            cr_assert_eq(s.bytes, s0.bytes);
            cr_assert_eq(s.overflow, s0.overflow);
            cr_assert_eq(test_arena_in_use(a), in_use);
        }
    }
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.B, s0.B);
    cr_assert_eq(s.buckets, s0.buckets);
    cr_assert_eq(s.bytes, s0.bytes);
    cr_assert_eq(s.overflow, s0.overflow);
    cr_assert_eq(s.shrinks, 0);
    cr_assert_eq(test_arena_in_use(a), in_use);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}
