/* SPDX-License-Identifier: MIT */
/*
 * test_sizing.c - what hmap_init allocates for a hint, and what it refuses.
 *
 * Rules (hmap.h): B is the smallest with hint <= 8 or
 * hint <= 6.5 * 2^B; B = 0 allocates nothing until the first put; B >= 1
 * allocates 2^B buckets at init, plus 2^(B-4) preallocated overflow buckets
 * when B >= 4, rounded up to whole pages (the slack becomes overflow
 * buckets too); a bucket is 8 + 8*key_size + 8*val_size + 8 bytes.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

/* The rule itself, on the boundary hints: a check of the test's formula. */
Test(sizing, formula_boundaries)
{
    static const struct {
        size_t hint;
        unsigned B;
    } cases[] = {
        {0, 0},
        {1, 0},
        {8, 0},
        {9, 1},
        {13, 1},
        {14, 2},
        {26, 2},
        {27, 3},
        {52, 3},
        {53, 4},
        {104, 4},
        {105, 5},
        {208, 5},
        {209, 6},
        {6656, 10},
        {6657, 11},
        {8192, 11},
        {13312, 11},
        {13313, 12},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_eq(expect_B(cases[i].hint), cases[i].B, "hint %zu",
                     cases[i].hint);
    cr_assert_eq(expect_bucket_size(8, 8), 144);
}

/* hmap_init on a range of hints: B, buckets, bytes, spare overflow and the
 * arena's in_use all follow the rule, for several page sizes. */
static void check_hints(size_t key_size, size_t val_size, size_t page)
{
    static const size_t hints[] = {0, 1, 8, 9, 13, 14, 26,
                                   27, 52, 53, 104, 105, 208, 209,
                                   416, 417, 1000, 6656, 6657, 8192, 13313,
                                   100000};
    struct hmap_type t = {.key_size = key_size, .val_size = val_size};
    size_t bs = expect_bucket_size(key_size, val_size);
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        unsigned B = expect_B(hints[i]);
        size_t want = B == 0 ? 0 : expect_array_bytes(B, bs, page);
        struct arena *a = test_arena_new(want / page + 4, page);
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &t, a, hints[i], 1), 0, "hint %zu",
                     hints[i]);
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.B, B, "hint %zu: B %u, want %u", hints[i], s.B, B);
        cr_assert_eq(s.bucket_size, bs);
        cr_assert_eq(s.buckets, B == 0 ? 0 : (size_t)1 << B, "hint %zu",
                     hints[i]);
        cr_assert_eq(s.bytes, want, "hint %zu (B %u, page %zu): bytes %zu, "
                                    "want %zu",
                     hints[i], B, page, s.bytes, want);
        cr_assert_eq(test_arena_in_use(a), want);
        cr_assert_eq(s.len, 0);
        cr_assert_eq(s.overflow, 0);
        cr_assert(!s.growing);
        if (B >= 4)
            cr_assert_eq(s.spare_overflow, expect_spare(B, bs, page),
                         "hint %zu (B %u): spare %zu, want %zu", hints[i], B,
                         s.spare_overflow, expect_spare(B, bs, page));
        cr_assert_eq(hmap_check(&m), 0);
        hmap_reset(&m);
        cr_assert_eq(test_arena_in_use(a), 0);
        test_arena_free(a);
    }
}

Test(sizing, hints_8_8_page_4k) { check_hints(8, 8, PAGE_4K); }
Test(sizing, hints_8_8_page_64k) { check_hints(8, 8, 65536); }
Test(sizing, hints_8_8_page_256) { check_hints(8, 8, 256); }
Test(sizing, hints_16_32_page_4k) { check_hints(16, 32, PAGE_4K); }
Test(sizing, hints_3_0_page_1k) { check_hints(3, 0, 1024); }

/* The seed figure on a 64 KiB page: 2176 * 144 = 313,344 -> 5 pages. */
Test(sizing, hint_8192_page_64k)
{
    struct arena *a = test_arena_new(8, 65536);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 8192, 1), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 11);
    cr_assert_eq(s.bytes, 5 * 65536);
    cr_assert_eq(s.spare_overflow, 5 * 65536 / 144 - 2048);
    test_arena_free(a);
}

/* B = 0: nothing until the first put, then one bucket's pages. */
Test(sizing, b0_allocates_at_first_put)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 8, 1), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 0);
    cr_assert_eq(s.buckets, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(test_arena_in_use(a), 0);
    cr_assert_eq(hmap_check(&m), 0);
    /* Reads and deletes on the unallocated map allocate nothing either. */
    cr_assert(!get64(&m, 5, NULL));
    cr_assert(!del64(&m, 5));
    struct hmap_iter it;
    hmap_iter_init(&it, &m);
    cr_assert(!hmap_iter_next(&it, NULL, NULL));
    cr_assert_eq(hmap_iter_error(&it), 0);
    cr_assert_eq(test_arena_in_use(a), 0);

    cr_assert_eq(put64(&m, 5, 50), 0);
    s = hstats(&m);
    cr_assert_eq(s.buckets, 1);
    cr_assert_eq(s.B, 0);
    cr_assert_eq(s.bytes, PAGE_4K);
    cr_assert_eq(test_arena_in_use(a), PAGE_4K);
    /* Eight entries fit in the one bucket: no more pages. */
    for (uint64_t k = 0; k < 8; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    s = hstats(&m);
    cr_assert_eq(s.len, 8);
    cr_assert_eq(s.B, 0);
    cr_assert_eq(s.overflow, 0);
    cr_assert_eq(s.bytes, PAGE_4K);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Bucket size is 8 + 8k + 8v + 8 for assorted sizes, read from the stats. */
Test(sizing, bucket_size_formula)
{
    static const size_t sizes[][2] = {
        {1, 0},
        {1, 1},
        {3, 5},
        {8, 0},
        {8, 8},
        {16, 16},
        {4, 128},
        {128, 0},
        {128, 128},
        {7, 9},
    };
    struct arena *a = test_arena_new(8, PAGE_4K);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct hmap_type t = {.key_size = sizes[i][0],
                              .val_size = sizes[i][1]};
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.bucket_size, expect_bucket_size(sizes[i][0], sizes[i][1]),
                     "%zu/%zu: %zu", sizes[i][0], sizes[i][1], s.bucket_size);
        hmap_reset(&m);
    }
    cr_assert_eq(test_arena_in_use(a), 0);
    test_arena_free(a);
}

/* Every init failure leaves the arena as it was. */
static void assert_arena_same(const struct arena *a,
                              const struct arena_stats *before)
{
    struct arena_stats now;
    arena_get_stats(a, &now);
    cr_assert_eq(now.in_use, before->in_use);
    cr_assert_eq(now.watermark, before->watermark);
    cr_assert_eq(now.peak_in_use, before->peak_in_use);
    cr_assert_eq(now.allocs, before->allocs);
    cr_assert_eq(now.frees, before->frees);
    cr_assert_eq(arena_check(a), 0);
}

Test(sizing, init_errors)
{
    struct arena *a = test_arena_new(2, PAGE_4K);
    struct arena_stats before;
    arena_get_stats(a, &before);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);

    cr_assert_eq(hmap_init(NULL, &t, a, 0, 1), HMAP_ERR_ARG);
    cr_assert_eq(hmap_init(&m, NULL, a, 0, 1), HMAP_ERR_ARG);
    cr_assert_eq(hmap_init(&m, &t, NULL, 0, 1), HMAP_ERR_ARG);

    struct hmap_type bad = {.key_size = 0, .val_size = 8};
    cr_assert_eq(hmap_init(&m, &bad, a, 0, 1), HMAP_ERR_SIZE);
    bad.key_size = 129;
    cr_assert_eq(hmap_init(&m, &bad, a, 0, 1), HMAP_ERR_SIZE);
    bad.key_size = 8;
    bad.val_size = 129;
    cr_assert_eq(hmap_init(&m, &bad, a, 0, 1), HMAP_ERR_SIZE);
    bad.key_size = 129;
    bad.val_size = 129;
    cr_assert_eq(hmap_init(&m, &bad, a, 9, 1), HMAP_ERR_SIZE);
    /* A hint whose table could not be sized in a size_t. */
    cr_assert_eq(hmap_init(&m, &t, a, SIZE_MAX, 1), HMAP_ERR_SIZE);
    cr_assert_eq(hmap_init(&m, &t, a, SIZE_MAX / 2, 1), HMAP_ERR_SIZE);
    assert_arena_same(a, &before);

    /* The largest sizes are accepted. */
    struct hmap_type big = {.key_size = 128, .val_size = 128};
    cr_assert_eq(hmap_init(&m, &big, a, 0, 1), 0);
    hmap_reset(&m);
    struct hmap_type set = {.key_size = 1, .val_size = 0};
    cr_assert_eq(hmap_init(&m, &set, a, 0, 1), 0);
    hmap_reset(&m);
    assert_arena_same(a, &before);
    test_arena_free(a);
}

/* An arena too small for the hint's array: HMAP_ERR_NOMEM, arena unchanged,
 * and a smaller hint on the same arena still works. */
Test(sizing, init_nomem_leaves_arena)
{
    struct arena *a = test_arena_new(3, PAGE_4K);
    void *held = arena_alloc_pages(a, 1);
    cr_assert(held != NULL);
    struct arena_stats before;
    arena_get_stats(a, &before);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 8192, 1), HMAP_ERR_NOMEM);
    assert_arena_same(a, &before);
    /* B = 8: 272 * 144 = 39168 bytes = 10 pages > 2 free. */
    cr_assert_eq(hmap_init(&m, &t, a, 1000, 1), HMAP_ERR_NOMEM);
    assert_arena_same(a, &before);
    /* Representable but enormous: 2^38 buckets. */
    cr_assert_eq(hmap_init(&m, &t, a, (size_t)1 << 40, 1), HMAP_ERR_NOMEM);
    assert_arena_same(a, &before);

    /* B = 4: 17 * 144 = 2448 bytes = 1 page: fits. */
    cr_assert_eq(hmap_init(&m, &t, a, 100, 1), 0);
    cr_assert_eq(hstats(&m).bytes, PAGE_4K);
    for (uint64_t k = 0; k < 100; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

Test(sizing, strerror_texts)
{
    static const int codes[] = {HMAP_ERR_ARG, HMAP_ERR_SIZE,
                                HMAP_ERR_NOMEM, HMAP_ERR_BUSY,
                                HMAP_ERR_CHANGED};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = hmap_strerror(codes[i]);
        cr_assert(s != NULL && strcmp(s, "unknown") != 0, "code %d",
                  codes[i]);
        for (size_t j = 0; j < i; j++)
            cr_assert(strcmp(s, hmap_strerror(codes[j])) != 0,
                      "codes %d and %d share a text", codes[i], codes[j]);
    }
    cr_assert_str_eq(hmap_strerror(12345), "unknown");
}

/* hmap_entries_upper_bound: 8 entries for every whole bucket the bytes
 * hold, for any key and value size; a fill of more cannot succeed. */
Test(sizing, entries_upper_bound)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    cr_assert_eq(hmap_entries_upper_bound(&m, 0), 0);
    cr_assert_eq(hmap_entries_upper_bound(&m, 143), 0);
    cr_assert_eq(hmap_entries_upper_bound(&m, 144), 8);
    cr_assert_eq(hmap_entries_upper_bound(&m, 125825024), 125825024 / 144 * 8);
    cr_assert_eq(hmap_entries_upper_bound(&m, SIZE_MAX), SIZE_MAX / 144 * 8);
    cr_assert_eq(hmap_entries_upper_bound(NULL, 4096), 0);
    size_t before = test_arena_in_use(a);
    struct hmap_type t2 = {.key_size = 3, .val_size = 0};
    struct hmap m2;
    cr_assert_eq(hmap_init(&m2, &t2, a, 0, 1), 0);
    size_t bs = expect_bucket_size(3, 0);
    cr_assert_eq(hmap_entries_upper_bound(&m2, 10 * bs + 1), 80);
    cr_assert_eq(test_arena_in_use(a), before); /* it only computes */

    /* No fill goes past it: a map in a 2-page arena stops below. */
    struct arena *small = test_arena_new(2, PAGE_4K);
    struct hmap s;
    cr_assert_eq(hmap_init(&s, &t, small, 0, 1), 0);
    uint64_t n = 0;
    while (put64(&s, n, n) == 0)
        n++;
    cr_assert_leq(n, hmap_entries_upper_bound(&s, 2 * PAGE_4K));
    test_arena_free(small);
    test_arena_free(a);
}

/*
 * The one internal function the suite calls.  A doubling of an array over
 * half the address space would ask for more bytes than a size_t holds: the
 * page count must then say "more than any arena", not wrap to a small
 * count that an allocation could satisfy.  Only a 32-bit target with over
 * 2 GiB of arena can ask for that, so the host asks the function directly,
 * at the B where a 64-bit size_t wraps.
 */
size_t hm_array_pages(const struct hmap *m, unsigned B);

Test(sizing, array_pages_saturate_instead_of_wrapping)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 128, .val_size = 128};
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    size_t bs = expect_bucket_size(128, 128); /* 2064: about 2^11 */
    for (unsigned B = 40; B <= 52; B++)
        cr_assert_eq(hm_array_pages(&m, B), expect_array_bytes(B, bs, PAGE_4K) / PAGE_4K,
                     "B = %u", B);
    for (unsigned B = 53; B < 63; B++)
        cr_assert_eq(hm_array_pages(&m, B), SIZE_MAX, "B = %u: the bytes wrapped", B);
    test_arena_free(a);
}
