/* SPDX-License-Identifier: MIT */
/*
 * test_delete.c - delete, clear and reseeding.
 *
 * Rules (hmap.h, as Go's map.go): delete zeroes the slot, marks it emptyOne
 * and turns the trailing run of emptyOne slots into emptyRest backwards
 * through the chain (the 8-byte delete only where a bucket's last slot
 * depends on it);
 * no page is returned, no overflow bucket unlinked, B never falls.  Clear
 * (Go 1.21's clear(m)) empties every slot, abandons any growth, keeps the
 * current array and its preallocated overflow, gives chunk pages beyond
 * those back, and reseeds.  A map whose count reaches 0 is reseeded.
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
    struct arena *a = ta_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(g_fast ? NULL : bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 52, SEED), 0); /* B = 3 */
    fill_chain(&m);
    struct hmap_stats s0 = hstats(&m);
    size_t in_use = ta_in_use(a), wm = ta_watermark(a);
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
        cr_assert_eq(ta_in_use(a), in_use);
        cr_assert_eq(ta_watermark(a), wm);
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
    ta_free(a);
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
                                 10, 21, 9,  22, 8,  23, 7,  24, 6,  25,
                                 5,  26, 4,  27, 3,  28, 2,  29, 1,  0};
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
    struct arena *a = ta_new(8, PAGE_4K);
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
    ta_free(a);
}

/* Deletes never give memory back: a large map emptied by deletes holds all
 * its pages, its B, its overflow buckets. */
Test(delete, never_shrinks)
{
    struct arena *a = ta_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 11), 0);
    for (uint64_t k = 0; k < 5000; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    while (hstats(&m).growing) /* finish any growth with overwrites/deletes */
        cr_assert(del64(&m, hmap_len(&m) - 1));
    struct hmap_stats s0 = hstats(&m);
    size_t in_use = ta_in_use(a);
    for (uint64_t k = 0; k < 5000; k++) {
        del64(&m, k);
        if (k % 500 == 0) {
            struct hmap_stats s = hstats(&m);
            cr_assert_eq(s.B, s0.B);
            cr_assert_eq(s.bytes, s0.bytes);
            cr_assert_eq(s.overflow, s0.overflow);
            cr_assert_eq(ta_in_use(a), in_use);
        }
    }
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.B, s0.B);
    cr_assert_eq(s.buckets, s0.buckets);
    cr_assert_eq(s.bytes, s0.bytes);
    cr_assert_eq(s.overflow, s0.overflow);
    cr_assert_eq(s.shrinks, 0);
    cr_assert_eq(ta_in_use(a), in_use);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Clear on a map with overflow chunks: the array and its preallocated
 * overflow stay, the chunk pages go back, B stays, len 0, map usable. */
Test(clear, keeps_array_returns_chunks)
{
    struct arena *a = ta_new(32, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 208, 3), 0); /* B = 5 */
    size_t array = expect_array_bytes(5, 144, PAGE_4K);
    size_t spare = expect_spare(5, 144, PAGE_4K); /* 2 + slack = 24 */
    cr_assert_eq(hstats(&m).spare_overflow, spare);
    /* 208 keys in bucket 0 (the most B = 5 holds): 25 overflow buckets,
     * more than the 24 preallocated, so at least one chunk; below the
     * same-size threshold of 32. */
    for (uint64_t k = 0; k < 208; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.overflow, 25);
    cr_assert(s.bytes > array, "no chunk allocated? bytes %zu", s.bytes);
    cr_assert_eq(s.same_size_grows, 0);
    cr_assert_eq(s.grows, 0);
    size_t wm = ta_watermark(a);

    hmap_clear(&m);
    s = hstats(&m);
    TLOG("clear: after clear: len=%zu B=%u buckets=%zu overflow=%zu "
         "spare=%zu bytes=%zu (array %zu)\n", s.len, s.B, s.buckets,
         s.overflow, s.spare_overflow, s.bytes, array);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(hmap_len(&m), 0);
    cr_assert_eq(s.B, 5);
    cr_assert_eq(s.buckets, 32);
    cr_assert_eq(s.bytes, array, "chunk pages kept after clear");
    cr_assert_eq(ta_in_use(a), array);
    cr_assert_eq(ta_watermark(a), wm);
    cr_assert_eq(s.overflow, 0);
    cr_assert_eq(s.spare_overflow, spare, "preallocated overflow not kept");
    cr_assert(!s.growing);
    cr_assert_eq(hmap_check(&m), 0);
    for (uint64_t k = 0; k < 208; k++)
        cr_assert(!get64(&m, k, NULL));
    struct hmap_iter it;
    hmap_iter_init(&it, &m);
    cr_assert(!hmap_iter_next(&it, NULL, NULL));

    /* Usable again; the same chains need the same overflow. */
    for (uint64_t k = 0; k < 208; k++)
        cr_assert_eq(put64(&m, k, k + 1), 0);
    cr_assert_eq(hstats(&m).overflow, 25);
    for (uint64_t k = 0; k < 208; k++) {
        uint64_t v;
        cr_assert(get64(&m, k, &v));
        cr_assert_eq(v, k + 1);
    }
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Clear in the middle of a growth: the growth is abandoned, the old array
 * goes back, the new (current) array stays with its B. */
Test(clear, abandons_growth)
{
    struct arena *a = ta_new(16, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 104, 3), 0);
    for (uint64_t k = 0; k <= 104; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert(s.growing);
    cr_assert_eq(s.B, 5);

    hmap_clear(&m);
    s = hstats(&m);
    cr_assert(!s.growing);
    cr_assert_eq(s.old_buckets, 0);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.B, 5);
    cr_assert_eq(s.buckets, 32);
    cr_assert_eq(s.overflow, 0);
    cr_assert_eq(s.bytes, expect_array_bytes(5, 144, PAGE_4K));
    cr_assert_eq(ta_in_use(a), s.bytes);
    cr_assert_eq(hmap_check(&m), 0);

    /* 208 entries fit B = 5 without a new growth. */
    for (uint64_t k = 0; k < 208; k++)
        cr_assert_eq(put64(&m, k, k * 2), 0);
    s = hstats(&m);
    cr_assert_eq(s.grows, 1);
    cr_assert(!s.growing);
    cr_assert_eq(s.B, 5);
    for (uint64_t k = 0; k < 208; k++) {
        uint64_t v;
        cr_assert(get64(&m, k, &v));
        cr_assert_eq(v, k * 2);
    }
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* The order an iteration visits 64 keys in, as a fingerprint. */
static void visit_order(struct hmap *m, uint64_t *out, size_t n)
{
    struct hmap_iter it;
    const void *k;
    size_t i = 0;
    hmap_iter_init(&it, m);
    while (hmap_iter_next(&it, &k, NULL)) {
        cr_assert(i < n);
        out[i++] = load_u64(k);
    }
    cr_assert_eq(i, n);
}

/* Emptying the map (clear, or deleting every entry) reseeds it; that the
 * seed really changes is seen in the bucket bytes (test_layout.c).  Here:
 * round after round the emptied map keeps working, and iteration stays
 * exact. */
static void reseed_rounds(bool by_clear)
{
    enum { N = 64, ROUNDS = 8 };
    struct arena *a = ta_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, N, 42), 0);
    uint64_t order[N];
    for (int r = 0; r < ROUNDS; r++) {
        for (uint64_t k = 0; k < N; k++)
            cr_assert_eq(put64(&m, k, k + (uint64_t)r), 0);
        visit_order(&m, order, N);
        bool seen[N] = {false};
        for (size_t i = 0; i < N; i++) {
            cr_assert(order[i] < N && !seen[order[i]]);
            seen[order[i]] = true;
        }
        for (uint64_t k = 0; k < N; k++) {
            uint64_t v;
            cr_assert(get64(&m, k, &v));
            cr_assert_eq(v, k + (uint64_t)r);
        }
        cr_assert_eq(hmap_check(&m), 0);
        if (by_clear) {
            hmap_clear(&m);
        } else {
            for (uint64_t k = 0; k < N; k++)
                cr_assert(del64(&m, k));
        }
        cr_assert_eq(hmap_len(&m), 0);
        cr_assert_eq(hstats(&m).bytes, expect_array_bytes(4, 144, PAGE_4K));
        cr_assert_eq(hmap_check(&m), 0);
    }
    ta_free(a);
}

Test(clear, reseeds_and_reuses) { reseed_rounds(true); }
Test(delete, empty_map_reuses) { reseed_rounds(false); }
