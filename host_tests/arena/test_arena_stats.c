/* SPDX-License-Identifier: MIT */
/*
 * test_arena_stats.c - the figures arena_get_stats reports (in_use, peak,
 * watermark from the first usable page, the four call counts) and the small
 * helpers beyond the core five (page size, pages_for, contains, strerror).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

#define PS 256u

Test(arena_stats, fresh_arena)
{
    struct arena a;
    size_t size = PS * 30 + 99;
    uint8_t *base = arena_make(&a, 77, size, PS, 0);
    struct layout l = layout_expect((uintptr_t)base, size, PS);
    struct arena_stats s = stats_of(&a);
    struct arena_stats want = {
        .page_size = PS,
        .capacity = l.npages * PS,
        .overhead = size - l.npages * PS,
    };
    stats_assert_eq(&s, &want, "fresh");
}

/*
 * A worked sequence, every figure checked after each step:
 *   alloc 3 -> [0,3); alloc 2 -> [3,5); free [0,3); alloc 1 -> [0,1);
 *   alloc 4 -> [5,9) (the 2-page hole [1,3) is too small); alloc 0 fails.
 */
Test(arena_stats, worked_sequence)
{
    struct arena a;
    size_t size = PS * 20 + 3;
    uint8_t *base = arena_make(&a, 250, size, PS, 0); /* pages well past base */
    struct layout l = layout_expect((uintptr_t)base, size, PS);
    uint8_t *first = (uint8_t *)l.pages;
    struct arena_stats want = {
        .page_size = PS,
        .capacity = l.npages * PS,
        .overhead = size - l.npages * PS,
    };
    struct arena_stats s;

    uint8_t *a3 = arena_alloc_pages(&a, 3);
    cr_assert_eq(a3, first);
    want.in_use = want.peak_in_use = want.watermark = 3 * PS;
    want.allocs = 1;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "alloc 3");

    uint8_t *b2 = arena_alloc_pages(&a, 2);
    cr_assert_eq(b2, first + 3 * PS);
    want.in_use = want.peak_in_use = want.watermark = 5 * PS;
    want.allocs = 2;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "alloc 2");

    cr_assert_eq(arena_free_pages(&a, a3, 3), 0);
    want.in_use = 2 * PS;
    want.frees = 1;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "free 3");

    cr_assert_eq(arena_alloc_pages(&a, 1), first);
    want.in_use = 3 * PS;
    want.allocs = 3;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "alloc 1 into the hole");

    cr_assert_eq(arena_alloc_pages(&a, 4), first + 5 * PS);
    want.in_use = want.peak_in_use = 7 * PS;
    want.watermark = 9 * PS; /* the end of page 8, from page 0, not base */
    want.allocs = 4;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "alloc 4 above the hole");

    cr_assert_null(arena_alloc_pages(&a, 0));
    want.failed_allocs = 1;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "alloc 0");

    cr_assert_eq(arena_free_pages(&a, first + 5 * PS, 4), 0);
    want.in_use = 3 * PS;
    want.frees = 2;
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "free the top run");

    cr_assert_eq(arena_free_pages(&a, first, 9), ARENA_ERR_NOT_ALLOCATED);
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "refused free is not counted");
    cr_assert_eq(arena_check(&a), 0);
}

/* allocs and frees count calls, not pages. */
Test(arena_stats, counts_are_calls_not_pages)
{
    struct arena a;
    arena_make(&a, 0, PS * 40, PS, 0);
    uint8_t *p = arena_alloc_pages(&a, 16);
    for (size_t i = 0; i < 16; i++)
        cr_assert_eq(arena_free_pages(&a, p + i * PS, 1), 0);
    cr_assert_null(arena_alloc_pages(&a, 1000));
    struct arena_stats s = stats_of(&a);
    cr_assert_eq(s.allocs, 1);
    cr_assert_eq(s.frees, 16);
    cr_assert_eq(s.failed_allocs, 1);
    cr_assert_eq(s.resets, 0);
}

/* arena_get_stats writes every field and changes nothing. */
Test(arena_stats, get_stats_changes_nothing)
{
    struct arena a;
    arena_make(&a, 5, PS * 12, PS, 0);
    cr_assert_not_null(arena_alloc_pages(&a, 2));
    struct arena_stats s1, s2;
    memset(&s1, 0x00, sizeof s1);
    memset(&s2, 0xFF, sizeof s2);
    snap_take(&a);
    arena_get_stats(&a, &s1);
    arena_get_stats(&a, &s2);
    snap_assert_unchanged(&a, "get_stats");
    stats_assert_eq(&s1, &s2, "two calls agree (no field left unwritten)");
}

Test(arena_stats, helpers)
{
    struct arena a;
    size_t size = PS * 10 + 1;
    uint8_t *base = arena_make(&a, 1, size, PS, 0);
    struct layout l = layout_expect((uintptr_t)base, size, PS);
    uint8_t *first = (uint8_t *)l.pages, *end = first + l.npages * PS;

    cr_assert_eq(arena_page_size(&a), PS);
    cr_assert_eq(arena_pages_for(&a, 0), 0);
    cr_assert_eq(arena_pages_for(&a, 1), 1);
    cr_assert_eq(arena_pages_for(&a, PS), 1);
    cr_assert_eq(arena_pages_for(&a, PS + 1), 2);
    cr_assert_eq(arena_pages_for(&a, 7 * PS), 7);
    cr_assert_eq(arena_pages_for(&a, SIZE_MAX), SIZE_MAX / PS + 1);

    cr_assert(arena_contains(&a, first));
    cr_assert(arena_contains(&a, end - 1));
    cr_assert(!arena_contains(&a, end));
    cr_assert(!arena_contains(&a, first - 1));
    cr_assert(!arena_contains(&a, base), "bookkeeping is not a page");
    cr_assert(!arena_contains(&a, NULL));

    const int codes[] = {ARENA_OK,
                         ARENA_ERR_ARG,
                         ARENA_ERR_PAGE_SIZE,
                         ARENA_ERR_TOO_SMALL,
                         ARENA_ERR_NOT_IN_ARENA,
                         ARENA_ERR_BAD_COUNT,
                         ARENA_ERR_NOT_ALLOCATED,
                         ARENA_BROKEN_COUNT,
                         ARENA_BROKEN_WATERMARK,
                         ARENA_BROKEN_FIRST_FREE,
                         ARENA_BROKEN_PEAK,
                         ARENA_BROKEN_HOOKS};
    const size_t ncodes = sizeof codes / sizeof codes[0];
    const char *unknown = arena_strerror(12345);
    cr_assert_str_eq(unknown, "unknown error");
    for (size_t i = 0; i < ncodes; i++) {
        const char *t = arena_strerror(codes[i]);
        cr_assert_not_null(t);
        cr_assert_str_neq(t, unknown, "code %d has no text", codes[i]);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(t, arena_strerror(codes[j]),
                              "codes %d and %d share a text", codes[i],
                              codes[j]);
    }
}
