/* SPDX-License-Identifier: MIT */
/*
 * test_arena_reset.c - arena_reset: every page free, in_use, watermark and
 * peak back to 0, resets + 1, and allocs/frees/failed_allocs counting on.
 */
#include <criterion/criterion.h>

#include "support.h"

#define PS 64u

Test(arena_reset, frees_everything_and_zeroes_the_figures)
{
    struct arena a;
    size_t size = PS * 90 + 7;
    uint8_t *base = arena_make(&a, 45, size, PS, 0);
    struct layout l = layout_expect((uintptr_t)base, size, PS);
    uint8_t *first = (uint8_t *)l.pages;

    /* Some of everything: 3 allocs, 1 free, 2 failures. */
    uint8_t *p = arena_alloc_pages(&a, 10);
    uint8_t *q = arena_alloc_pages(&a, 20);
    uint8_t *r = arena_alloc_pages(&a, 5);
    cr_assert(p && q && r);
    cr_assert_eq(arena_free_pages(&a, q, 20), 0);
    cr_assert_null(arena_alloc_pages(&a, 0));
    cr_assert_null(arena_alloc_pages(&a, l.npages));
    struct arena_stats before = stats_of(&a);

    arena_reset(&a);
    struct arena_stats s = stats_of(&a);
    struct arena_stats want = before;
    want.in_use = 0;
    want.peak_in_use = 0;
    want.watermark = 0;
    want.resets = 1;
    stats_assert_eq(&s, &want, "after reset");
    cr_assert_eq(arena_check(&a), 0);

    /* Every page free: the whole arena comes back as one run at page 0. */
    cr_assert_eq(arena_alloc_pages(&a, l.npages), first);
    cr_assert_eq(arena_free_pages(&a, first, l.npages), 0);
    region_assert_guards("reset");
}

Test(arena_reset, counters_keep_counting_and_figures_start_over)
{
    struct arena a;
    uint8_t *base = arena_make(&a, 0, PS * 60, PS, 0);
    uint8_t *first =
        (uint8_t *)layout_expect((uintptr_t)base, PS * 60, PS).pages;
    uint8_t *p = arena_alloc_pages(&a, 30);
    cr_assert_eq(arena_free_pages(&a, p, 30), 0);
    cr_assert_null(arena_alloc_pages(&a, 0));
    arena_reset(&a);

    /* After the reset, peak and watermark count from zero again. */
    uint8_t *x = arena_alloc_pages(&a, 2);
    cr_assert_eq(x, first);
    struct arena_stats s = stats_of(&a);
    cr_assert_eq(s.in_use, 2 * PS);
    cr_assert_eq(s.peak_in_use, 2 * PS, "peak forgot the 30 pages before");
    cr_assert_eq(s.watermark, 2 * PS, "watermark forgot the 30 pages before");
    cr_assert_eq(s.allocs, 2);
    cr_assert_eq(s.frees, 1);
    cr_assert_eq(s.failed_allocs, 1);
    cr_assert_eq(s.resets, 1);

    cr_assert_eq(arena_free_pages(&a, x, 2), 0);
    cr_assert_null(arena_alloc_pages(&a, arena_npages(&a) + 1));
    arena_reset(&a);
    arena_reset(&a);
    s = stats_of(&a);
    cr_assert_eq(s.allocs, 2);
    cr_assert_eq(s.frees, 2);
    cr_assert_eq(s.failed_allocs, 2);
    cr_assert_eq(s.resets, 3, "resets counts calls");
}

/* Pointers from before a reset are dangling: freeing them is refused. */
Test(arena_reset, old_pointers_refused_after_reset)
{
    struct arena a;
    arena_make(&a, 3, PS * 20, PS, 0);
    uint8_t *p = arena_alloc_pages(&a, 4);
    arena_reset(&a);
    snap_take(&a);
    cr_assert_eq(arena_free_pages(&a, p, 4), ARENA_ERR_NOT_ALLOCATED);
    cr_assert_eq(arena_free_pages(&a, p + PS, 1), ARENA_ERR_NOT_ALLOCATED);
    snap_assert_unchanged(&a, "free after reset");
}

/* Reset of a fresh arena changes only the resets count. */
Test(arena_reset, reset_of_fresh_arena)
{
    struct arena a;
    arena_make(&a, 0, PS * 10, PS, 0);
    struct arena_stats want = stats_of(&a);
    arena_reset(&a);
    want.resets = 1;
    struct arena_stats s = stats_of(&a);
    stats_assert_eq(&s, &want, "reset of a fresh arena");
    cr_assert_eq(arena_check(&a), 0);
    region_assert_guards("reset of a fresh arena");
}
