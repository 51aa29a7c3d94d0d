/* SPDX-License-Identifier: MIT */
/*
 * test_compact.c - hmap_compact, beyond Go.
 * Rules (hmap.h): hmap_compact rebuilds at the smallest B that holds len
 * (the sizing rule applied to len), never below the init hint's B,
 * finishing any growth; returns 0 and changes nothing when already that
 * small; HMAP_ERR_NOMEM with the map unchanged when the new table does not
 * fit beside the old; an empty map is reset instead.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

static bool stats_equal(const struct hmap_stats *x, const struct hmap_stats *y)
{
    return x->len == y->len && x->B == y->B && x->buckets == y->buckets &&
           x->overflow == y->overflow && x->bytes == y->bytes &&
           x->growing == y->growing && x->bucket_size == y->bucket_size &&
           x->old_buckets == y->old_buckets && x->nevacuate == y->nevacuate &&
           x->spare_overflow == y->spare_overflow && x->grows == y->grows &&
           x->same_size_grows == y->same_size_grows &&
           x->shrinks == y->shrinks;
}

/* ctl_hash keeps every bucket below 8 entries, so the byte figures are
 * exact: from B = 8 with 1000 entries down to 100 entries, compact gives
 * B = 4 and one page. */
Test(compact, shrinks_to_smallest_B)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    for (uint64_t k = 0; k < 1000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    cr_assert(!hstats(&m).growing);
    for (uint64_t k = 100; k < 1000; k++)
        cr_assert(del64(&m, k));
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 8);
    cr_assert_eq(s.bytes, expect_array_bytes(8, 144, PAGE_4K));
    size_t wm = test_arena_watermark(a);

    cr_assert_eq(hmap_compact(&m), 0);
    s = hstats(&m);
    TLOG("compact: 100 entries left of 1000: B 8 -> %u, bytes %zu -> %zu, "
         "shrinks %zu\n",
         s.B, expect_array_bytes(8, 144, PAGE_4K), s.bytes,
         s.shrinks);
    cr_assert_eq(s.B, expect_B(100));
    cr_assert_eq(s.B, 4);
    cr_assert_eq(s.buckets, 16);
    cr_assert_eq(s.len, 100);
    cr_assert_eq(s.bytes, PAGE_4K);
    cr_assert_eq(s.overflow, 0);
    cr_assert_eq(s.shrinks, 1);
    cr_assert(!s.growing);
    cr_assert_eq(test_arena_in_use(a), PAGE_4K);
    cr_assert_eq(test_arena_watermark(a), wm, "the watermark never falls");
    assert_range(&m, 0, 100, 5);
    for (uint64_t k = 100; k < 1000; k++)
        cr_assert(!get64(&m, k, NULL));
    cr_assert_eq(hmap_check(&m), 0);

    /* Already that small: nothing changes. */
    struct hmap_stats before = hstats(&m);
    cr_assert_eq(hmap_compact(&m), 0);
    s = hstats(&m);
    cr_assert(stats_equal(&before, &s), "a second compact changed the map");

    /* Still a working map, growing again from B = 4. */
    for (uint64_t k = 100; k < 2000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    assert_range(&m, 0, 2000, 5);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Built-in hash: compact lowers the bytes, keeps every entry, B exact. */
Test(compact, builtin_hash_bytes_go_down)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    for (uint64_t k = 0; k < 10000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    for (uint64_t k = 0; k < 10000; k++)
        if (k % 50 != 0)
            cr_assert(del64(&m, k));
    struct hmap_stats s0 = hstats(&m);
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    TLOG("compact: 200 entries left of 10000: B %u -> %u, bytes %zu -> %zu\n",
         s0.B, s.B, s0.bytes, s.bytes);
    cr_assert_eq(s.B, expect_B(200));
    cr_assert(s.bytes < s0.bytes);
    cr_assert(s.bytes >= expect_array_bytes(s.B, 144, PAGE_4K));
    cr_assert_eq(s.bytes, test_arena_in_use(a));
    cr_assert_eq(s.len, 200);
    for (uint64_t k = 0; k < 10000; k++) {
        uint64_t v;
        bool f = get64(&m, k, &v);
        cr_assert_eq(f, k % 50 == 0);
        if (f)
            cr_assert_eq(v, k * 5);
    }
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Never below the hint's B. */
Test(compact, floor_is_hint_B)
{
    /* Room for B = 9 and B = 10 side by side after B = 8 (first fit, so
     * contiguous runs): 10 + 20 + 39 pages and more. */
    struct arena *a = test_arena_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 1000, 8), 0); /* B = 8 */
    cr_assert_eq(hstats(&m).B, 8);
    for (uint64_t k = 0; k < 1000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    for (uint64_t k = 10; k < 1000; k++)
        cr_assert(del64(&m, k));
    struct hmap_stats before = hstats(&m);
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 8, "compact went below the hint: B %u", s.B);
    cr_assert(stats_equal(&before, &s), "compact at the floor changed it");

    /* Grown past the hint, it comes back to the hint's B, not lower. */
    for (uint64_t k = 10; k < 5000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    cr_assert_eq(hstats(&m).B, 10);
    for (uint64_t k = 10; k < 5000; k++)
        cr_assert(del64(&m, k));
    cr_assert_eq(hmap_compact(&m), 0);
    s = hstats(&m);
    cr_assert_eq(s.B, 8);
    cr_assert_eq(s.bytes, expect_array_bytes(8, 144, PAGE_4K));
    assert_range(&m, 0, 10, 5);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Mid-growth, with fewer entries than the new B needs: compact finishes
 * the growth and lands on the smallest B. */
Test(compact, finishes_growth)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    uint64_t n = 0;
    while (hstats(&m).B < 10 || !hstats(&m).growing) {
        cr_assert_eq(put64(&m, n, n * 5), 0);
        n++;
    }
    cr_assert_eq(n, 3329);
    /* 200 deletes move at most 400 of the 512 old buckets. */
    for (uint64_t k = 0; k < 200; k++)
        cr_assert(del64(&m, k));
    cr_assert(hstats(&m).growing);
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert(!s.growing);
    cr_assert_eq(s.old_buckets, 0);
    cr_assert_eq(s.B, expect_B(n - 200));
    cr_assert_eq(s.B, 9);
    cr_assert_eq(s.len, n - 200);
    cr_assert_eq(s.bytes, test_arena_in_use(a));
    assert_range(&m, 200, n, 5);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* An empty map is reset by compact. */
Test(compact, empty_map_is_reset)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    cr_assert_eq(hmap_compact(&m), 0); /* nothing allocated yet */
    cr_assert_eq(test_arena_in_use(a), 0);
    for (uint64_t k = 0; k < 500; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    for (uint64_t k = 0; k < 500; k++)
        cr_assert(del64(&m, k));
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.buckets, 0);
    cr_assert_eq(test_arena_in_use(a), 0);
    cr_assert_eq(put64(&m, 3, 4), 0);
    cr_assert(get64(&m, 3, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Compact that cannot get pages: HMAP_ERR_NOMEM, and the map is exactly as
 * it was (same figures, same entries), whichever allocation fails. */
Test(compact, nomem_leaves_map_unchanged)
{
    enum {
        N = 3000,
        KEEP = 150,
    };
    struct arena *a = test_arena_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    for (uint64_t k = 0; k < N; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    for (uint64_t k = KEEP; k < N; k++)
        cr_assert(del64(&m, k));
    struct hmap_stats before = hstats(&m);
    size_t in_use = test_arena_in_use(a);

    /* 1. The arena is full. */
    void *held[128];
    size_t nheld = test_arena_fill(a, held, 128);
    cr_assert_eq(hmap_compact(&m), HMAP_ERR_NOMEM);
    struct hmap_stats s = hstats(&m);
    cr_assert(stats_equal(&before, &s), "failed compact changed the stats");
    cr_assert_eq(test_arena_in_use(a), in_use + nheld * PAGE_4K);
    assert_range(&m, 0, KEEP, 5);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_release(a, held, nheld);

    /* 2. The k-th allocation fails, for every k the compact makes. */
    int k;
    for (k = 1; k < 20; k++) {
        arena_fail_after(a, (size_t)k, 0);
        int rc = hmap_compact(&m);
        arena_fail_after(a, 0, 0);
        if (rc == 0)
            break;
        cr_assert_eq(rc, HMAP_ERR_NOMEM, "k %d: %d", k, rc);
        s = hstats(&m);
        cr_assert(stats_equal(&before, &s), "k %d: stats changed", k);
        cr_assert_eq(test_arena_in_use(a), in_use, "k %d: pages leaked", k);
        assert_range(&m, 0, KEEP, 5);
        cr_assert_eq(hmap_check(&m), 0);
    }
    TLOG("compact: failed cleanly at each of its first %d allocations\n",
         k - 1);
    cr_assert(k > 1, "compact allocated nothing");
    s = hstats(&m);
    cr_assert_eq(s.B, expect_B(KEEP));
    assert_range(&m, 0, KEEP, 5);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}
