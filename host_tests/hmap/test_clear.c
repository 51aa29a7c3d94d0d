/* SPDX-License-Identifier: MIT */
/*
 * test_clear.c - hmap_clear.
 * Rules (hmap.h, Go 1.21's clear(m)): every slot empty, any growth
 * abandoned (the old array's pages go back), the current array and its
 * preallocated overflow kept, chunk pages beyond those given back, B
 * unchanged, the hash reseeded.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

/* Clear on a map with overflow chunks: the array and its preallocated
 * overflow stay, the chunk pages go back, B stays, len 0, map usable. */
Test(clear, keeps_array_returns_chunks)
{
    struct arena *a = test_arena_new(32, PAGE_4K);
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
    size_t wm = test_arena_watermark(a);

    hmap_clear(&m);
    s = hstats(&m);
    TLOG("clear: after clear: len=%zu B=%u buckets=%zu overflow=%zu "
         "spare=%zu bytes=%zu (array %zu)\n",
         s.len, s.B, s.buckets,
         s.overflow, s.spare_overflow, s.bytes, array);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(hmap_len(&m), 0);
    cr_assert_eq(s.B, 5);
    cr_assert_eq(s.buckets, 32);
    cr_assert_eq(s.bytes, array, "chunk pages kept after clear");
    cr_assert_eq(test_arena_in_use(a), array);
    cr_assert_eq(test_arena_watermark(a), wm);
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
    test_arena_free(a);
}

/* Clear in the middle of a growth: the growth is abandoned, the old array
 * goes back, the new (current) array stays with its B. */
Test(clear, abandons_growth)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
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
    cr_assert_eq(test_arena_in_use(a), s.bytes);
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
    test_arena_free(a);
}
