/* SPDX-License-Identifier: MIT */
/*
 * test_go_experiment.c - the Go experiment the project reproduces (make,
 * fill, delete every key, reset), with its exact figures.
 *
 * 8-byte keys and values, 4 KiB arena pages, hmap_init with hint 8192, insert
 * keys 0..8191: B = 11, 2048 buckets, bytes = 77 pages = 315,392 (2048 +
 * 128 preallocated overflow = 2176 buckets of 144 bytes, rounded up to
 * pages).  Delete all 8192: len 0, bytes, in_use and watermark unchanged.
 * hmap_reset: bytes 0, in_use back to what it was before init, watermark
 * unchanged.  The figures are printed as the test sees them.
 */
#include <criterion/criterion.h>

#include "hmap_testlib.h"

#define EXPERIMENT_KEYS 8192u

Test(go_experiment, hint_8192_insert_delete_reset)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    /* Something else in the arena first, so "back to before" is not just 0. */
    void *other = arena_alloc_pages(a, 3);
    cr_assert(other != NULL);
    size_t in_use_before = test_arena_in_use(a);

    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, EXPERIMENT_KEYS, 0x7469646dull), 0);
    struct hmap_stats s = hstats(&m);
    TLOG("go experiment: init hint 8192: B=%u buckets=%zu bucket_size=%zu bytes=%zu "
         "(%zu pages) spare_overflow=%zu arena in_use=%zu (before init %zu)\n",
         s.B, s.buckets, s.bucket_size, s.bytes, s.bytes / PAGE_4K,
         s.spare_overflow, test_arena_in_use(a), in_use_before);
    cr_assert_eq(s.bucket_size, 144);
    cr_assert_eq(s.B, 11);
    cr_assert_eq(s.buckets, 2048);
    cr_assert_eq(s.bytes, 315392);
    cr_assert_eq(test_arena_in_use(a), in_use_before + 315392);
    /* 77 pages hold 2190 buckets of 144 bytes: 142 spare overflow. */
    cr_assert_eq(s.spare_overflow, 315392 / 144 - 2048);

    for (uint64_t k = 0; k < EXPERIMENT_KEYS; k++)
        cr_assert_eq(put64(&m, k, k * 3 + 1), 0, "put %lu", (unsigned long)k);
    s = hstats(&m);
    size_t in_use_full = test_arena_in_use(a), wm_full = test_arena_watermark(a);
    TLOG("go experiment: after inserting 0..8191: len=%zu B=%u buckets=%zu "
         "overflow=%zu bytes=%zu (%zu pages) growing=%d grows=%zu "
         "arena in_use=%zu watermark=%zu\n",
         s.len, s.B, s.buckets, s.overflow, s.bytes, s.bytes / PAGE_4K,
         (int)s.growing, s.grows, in_use_full, wm_full);
    cr_assert_eq(s.len, EXPERIMENT_KEYS);
    cr_assert_eq(s.B, 11);
    cr_assert_eq(s.buckets, 2048);
    cr_assert_eq(s.bytes, 315392);
    cr_assert_eq(s.bytes / PAGE_4K, 77);
    cr_assert(!s.growing);
    cr_assert_eq(s.grows, 0);
    cr_assert_eq(in_use_full, in_use_before + 315392);
    cr_assert_eq(hmap_check(&m), 0);
    for (uint64_t k = 0; k < EXPERIMENT_KEYS; k++) {
        uint64_t v = 0;
        cr_assert(get64(&m, k, &v));
        cr_assert_eq(v, k * 3 + 1);
    }

    for (uint64_t k = 0; k < EXPERIMENT_KEYS; k++)
        cr_assert(del64(&m, k), "delete %lu", (unsigned long)k);
    s = hstats(&m);
    TLOG("go experiment: after deleting all 8192: len=%zu B=%u buckets=%zu "
         "overflow=%zu bytes=%zu (%zu pages) arena in_use=%zu watermark=%zu\n",
         s.len, s.B, s.buckets, s.overflow, s.bytes, s.bytes / PAGE_4K,
         test_arena_in_use(a), test_arena_watermark(a));
    cr_assert_eq(s.len, 0);
    cr_assert_eq(hmap_len(&m), 0);
    cr_assert_eq(s.bytes, 315392);
    cr_assert_eq(s.B, 11);
    cr_assert_eq(s.buckets, 2048);
    cr_assert_eq(test_arena_in_use(a), in_use_full);
    cr_assert_eq(test_arena_watermark(a), wm_full);
    cr_assert_eq(hmap_check(&m), 0);

    hmap_reset(&m);
    s = hstats(&m);
    TLOG("go experiment: after hmap_reset: len=%zu bytes=%zu buckets=%zu arena "
         "in_use=%zu (before init %zu) watermark=%zu\n",
         s.len, s.bytes, s.buckets, test_arena_in_use(a), in_use_before,
         test_arena_watermark(a));
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.buckets, 0);
    cr_assert_eq(test_arena_in_use(a), in_use_before);
    cr_assert_eq(test_arena_watermark(a), wm_full);
    cr_assert_eq(hmap_check(&m), 0);
    cr_assert_eq(arena_check(a), 0);
    test_arena_free(a);
}

/* Go's `make(map[int]int)` without a hint, then the same 8192 inserts: the
 * map doubles from B = 0 up to B = 11 and ends with the same array. */
Test(go_experiment, no_hint_grows_to_B11)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 99), 0);
    for (uint64_t k = 0; k < EXPERIMENT_KEYS; k++)
        cr_assert_eq(put64(&m, k, ~k), 0);
    struct hmap_stats s = hstats(&m);
    TLOG("go experiment: no hint, 8192 inserts: B=%u buckets=%zu grows=%zu "
         "growing=%d overflow=%zu bytes=%zu (%zu pages) arena peak "
         "watermark=%zu\n",
         s.B, s.buckets, s.grows, (int)s.growing, s.overflow, s.bytes,
         s.bytes / PAGE_4K, test_arena_watermark(a));
    cr_assert_eq(s.B, 11);
    cr_assert_eq(s.grows, 11);
    cr_assert(!s.growing);
    cr_assert(s.bytes >= 315392, "bytes %zu", s.bytes);
    cr_assert_eq(s.bytes, test_arena_in_use(a));
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}
