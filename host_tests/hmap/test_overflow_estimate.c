/* SPDX-License-Identifier: MIT */
/*
 * test_overflow_estimate.c - how many overflow buckets the same-size rule
 * sees, as Go's incrnoverflow counts them.
 *
 * Rules (docs/design.md, as Go's map.go): a new key inserted while not
 * growing starts a same-size growth when the overflow count has reached
 * 2^min(B,15).  Below B = 16 that count is exact; from B = 16 on it is an
 * estimate that counts one overflow bucket in 2^(B-15), drawn from the
 * map's own random source, so a map of 2^16 buckets needs about twice the
 * 2^15 overflow buckets before its chains set off a same-size growth.
 * hmap_get_stats' overflow stays the exact count either way;
 * hmap_overflow_estimate (hmap_debug.h) is the count the rule reads.
 *
 * ctl_hash puts key i + 2^B * j in bucket i of 2^B: nine such keys give
 * bucket i one overflow bucket.
 */
#include <criterion/criterion.h>

#include "hmap_testlib.h"

/* The cap of Go's tooManyOverflowBuckets from B = 15 on. */
#define CAP ((size_t)1 << 15)

/* The smallest hint that sizes a map at B (B >= 1). */
static size_t hint_for(unsigned B)
{
    return (((size_t)13 << (B - 1)) / 2) + 1;
}

/* Give buckets 0..n-1 nine keys each (one overflow bucket apiece), and
 * take eight of them out again from bucket keep on, so that the entries
 * stay below the load factor; assert that no growth starts meanwhile, and
 * that the estimate never passes the exact count and, below B = 16, is it. */
static void chain_buckets(struct hmap *m, size_t n, size_t keep)
{
    unsigned B = hstats(m).B;
    for (uint64_t i = 0; i < n; i++) {
        for (uint64_t j = 0; j <= 8; j++)
            cr_assert_eq(put64(m, i + (j << B), j), 0);
        if (i >= keep)
            for (uint64_t j = 0; j < 8; j++)
                cr_assert(del64(m, i + (j << B)));
        struct hmap_stats s = hstats(m);
        cr_assert_eq(s.same_size_grows + s.grows, 0,
                     "bucket %lu: a growth started at overflow %zu, len %zu",
                     (unsigned long)i, s.overflow, s.len);
        cr_assert_eq(s.overflow, i + 1);
        size_t est = hmap_overflow_estimate(m);
        cr_assert_leq(est, s.overflow);
        if (s.B < 16)
            cr_assert_eq(est, s.overflow, "B %u: estimate %zu, exact %zu", s.B, est, s.overflow);
    }
}

/* B = 16: 2^15 overflow buckets, the count at which every overflow bucket
 * counted would start a same-size growth, and the load factor far off.  Go
 * counts about half of them, so new keys start no growth. */
Test(overflow_estimate, b16_starts_no_same_size_growth_at_exact_cap)
{
    struct arena *a = test_arena_new(8192, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, hint_for(16), 0x6f76666cull), 0);
    cr_assert_eq(hstats(&m).B, 16);
    chain_buckets(&m, CAP, CAP);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.overflow, CAP);
    cr_assert(!over_load(s.len + 1, 16));
    /* One in two counted: about CAP / 2 (the spread of 2^15 fair draws is
     * about 90), below the cap. */
    size_t est = hmap_overflow_estimate(&m);
    cr_assert(est > CAP / 2 - 1024 && est < CAP / 2 + 1024, "estimate %zu of %zu", est, CAP);
    /* New keys in buckets with room: with every overflow bucket counted the
     * first of them would start a same-size growth. */
    for (uint64_t i = CAP; i < CAP + 1024; i++) {
        cr_assert_eq(put64(&m, i, i), 0);
        s = hstats(&m);
        cr_assert_eq(s.same_size_grows, 0,
                     "a same-size growth at B = 16 with overflow %zu (exact)", s.overflow);
        cr_assert_eq(s.grows, 0);
        cr_assert(!s.growing);
    }
    TLOG("overflow estimate: B=%u len=%zu overflow=%zu (exact) estimate=%zu "
         "same_size_grows=%zu\n",
         s.B, s.len, s.overflow, hmap_overflow_estimate(&m), s.same_size_grows);
    cr_assert_eq(s.overflow, CAP, "overflow is the exact count");
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* B = 15: every overflow bucket counts, as before; the new key after the
 * 2^15th starts the same-size growth, not one before. */
Test(overflow_estimate, b15_counts_every_overflow_bucket)
{
    struct arena *a = test_arena_new(4096, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, hint_for(15), 0x6f76666cull), 0);
    cr_assert_eq(hstats(&m).B, 15);
    /* 9 * keep + (CAP - keep) entries stay below 6.5 * 2^15. */
    size_t keep = 22000;
    chain_buckets(&m, CAP, keep);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.overflow, CAP);
    cr_assert(!over_load(s.len + 1, 15));
    cr_assert_eq(put64(&m, 0, 1), 0, "an overwrite");
    cr_assert_eq(hstats(&m).same_size_grows, 0, "an overwrite started a growth");
    cr_assert_eq(put64(&m, (uint64_t)9 << 15, 1), 0); /* a new key, in bucket 0 */
    s = hstats(&m);
    cr_assert_eq(s.same_size_grows, 1, "no same-size growth at overflow %zu", s.overflow);
    cr_assert_eq(s.grows, 0);
    cr_assert(s.growing);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* The estimate at B = 17 for n overflow buckets made as above, by a map of
 * the given seed; the map is checked and dropped. */
static size_t estimate_b17(size_t n, uint64_t seed)
{
    struct arena *a = test_arena_new(8192, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, hint_for(17), seed), 0);
    cr_assert_eq(hstats(&m).B, 17);
    chain_buckets(&m, n, n);
    cr_assert_eq(hmap_check(&m), 0);
    size_t est = hmap_overflow_estimate(&m);
    test_arena_free(a);
    return est;
}

/* B = 17: one in four counted (2^(17-15)), the same draws under the same
 * seed. */
Test(overflow_estimate, b17_counts_one_in_four_the_same_under_a_seed)
{
    enum { N = 4096 };
    size_t est = estimate_b17(N, 0x736565640001ull);
    TLOG("overflow estimate: B=17 overflow=%d (exact) estimate=%zu\n", N, est);
    /* The spread of 4096 draws at 1/4 is about 28. */
    cr_assert(est > N / 4 - 256 && est < N / 4 + 256, "estimate %zu of %d", est, N);
    cr_assert_eq(estimate_b17(N, 0x736565640001ull), est, "the same seed drew differently");
}
