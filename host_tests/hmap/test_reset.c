/* SPDX-License-Identifier: MIT */
/*
 * test_reset.c - hmap_reset, beyond Go.
 * Rules (hmap.h): hmap_reset gives every page back; the map is as if just
 * initialised with the same type, hint and arena, allocating its array at
 * the next put; the auto-shrink setting and the counters carry over.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

Test(reset, then_reuse)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    void *other = arena_alloc_pages(a, 2);
    cr_assert(other != NULL);
    size_t base = test_arena_in_use(a);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 100, 8), 0); /* B = 4 */
    for (int round = 0; round < 5; round++) {
        size_t n = 500 + 300 * (size_t)round;
        for (uint64_t k = 0; k < n; k++)
            cr_assert_eq(put64(&m, k, k * 3), 0);
        assert_range(&m, 0, n, 3);
        cr_assert_eq(hmap_check(&m), 0);
        if (round == 2) /* reset in the middle of a growth too */
            while (!hstats(&m).growing) {
                cr_assert_eq(put64(&m, n, n * 3), 0);
                n++;
            }
        hmap_reset(&m);
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.len, 0);
        cr_assert_eq(s.bytes, 0);
        cr_assert_eq(s.buckets, 0);
        cr_assert_eq(s.overflow, 0);
        cr_assert(!s.growing);
        cr_assert_eq(s.B, 4, "after reset B %u, the hint's is 4", s.B);
        cr_assert_eq(test_arena_in_use(a), base);
        cr_assert_eq(hmap_check(&m), 0);
        cr_assert(!get64(&m, 1, NULL));
        cr_assert_eq(arena_check(a), 0);

        /* The next put allocates the hint's array again. */
        cr_assert_eq(put64(&m, 1, 3), 0);
        s = hstats(&m);
        cr_assert_eq(s.buckets, 16);
        cr_assert_eq(s.bytes, expect_array_bytes(4, 144, PAGE_4K));
        cr_assert_eq(test_arena_in_use(a), base + s.bytes);
    }
    hmap_reset(&m);
    hmap_reset(&m); /* twice is harmless */
    cr_assert_eq(test_arena_in_use(a), base);
    test_arena_free(a);
}
