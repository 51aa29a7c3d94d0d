/* SPDX-License-Identifier: MIT */
/*
 * test_arena_alloc.c - arena_alloc_pages: page-aligned contiguous runs, first
 * fit at the lowest address, refusals that change nothing but failed_allocs,
 * and exhaustion followed by recovery.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

#define PS 64u

/* Page i of an arena whose page 0 is at first. */
static uint8_t *page(uint8_t *first, size_t i)
{
    return first + i * PS;
}

/* Index of the page at p. */
static size_t index_of(uint8_t *first, void *p)
{
    cr_assert_not_null(p, "expected a page, got NULL");
    return (size_t)((uint8_t *)p - first) / PS;
}

/*
 * Expect arena_alloc_pages(a, n) to fail and change nothing but
 * failed_allocs (+1): not the other figures, not a byte of the region.
 */
static void expect_alloc_refused(struct arena *a, size_t n, const char *ctx)
{
    snap_take(a);
    struct arena_stats want = stats_of(a);
    want.failed_allocs++;
    cr_assert_null(arena_alloc_pages(a, n), "%s: alloc(%zu) succeeded", ctx, n);
    struct arena_stats got = stats_of(a);
    stats_assert_eq(&got, &want, ctx);
    snap_assert_region_unchanged(ctx);
    cr_assert_eq(arena_check(a), 0, "%s", ctx);
}

Test(arena_alloc, runs_are_page_aligned_and_contiguous)
{
    const size_t sizes[] = {64, 256, 4096};
    for (size_t k = 0; k < 3; k++) {
        size_t ps = sizes[k], size = 40 * ps + 17;
        struct arena a;
        uint8_t *base = arena_make(&a, 13, size, ps, 0);
        struct layout l = layout_expect((uintptr_t)base, size, ps);
        uint8_t *first = (uint8_t *)l.pages;
        uint8_t *want = first;
        const size_t runs[] = {3, 1, 5, 2, 8};
        for (size_t i = 0; i < 5; i++) {
            uint8_t *p = arena_alloc_pages(&a, runs[i]);
            cr_assert_eq(p, want, "ps %zu run %zu: at first+%td, want +%td", ps,
                         i, p - first, want - first);
            cr_assert_eq((uintptr_t)p % ps, 0);
            cr_assert(p + runs[i] * ps <= base + size, "run ends past region");
            /* The whole run is the caller's: every byte writable. */
            memset(p, (int)(0x40 + i), runs[i] * ps);
            want += runs[i] * ps;
        }
        /* Nothing above overwrote a neighbour. */
        uint8_t *p = first;
        for (size_t i = 0; i < 5; i++) {
            cr_assert_eq(bytes_find_not(p, runs[i] * ps, (uint8_t)(0x40 + i)),
                         runs[i] * ps, "run %zu overwritten", i);
            p += runs[i] * ps;
        }
        cr_assert_eq(arena_check(&a), 0);
        region_assert_guards("contiguous runs");
    }
}

/*
 * A hole too small is skipped; the lowest hole that is large enough is
 * taken, even with free space higher up; an exact fit fills a hole.
 */
Test(arena_alloc, first_fit_takes_lowest_hole_large_enough)
{
    struct arena a;
    uint8_t *base = arena_make(&a, 0, PS * 33, PS, 0); /* 32 pages */
    uint8_t *first =
        (uint8_t *)layout_expect((uintptr_t)base, PS * 33, PS).pages;
    cr_assert_eq(arena_npages(&a), 32);
    /* A=[0,2) B=[2,5) C=[5,6) D=[6,10) E=[10,11), free from 11 up. */
    const size_t runs[] = {2, 3, 1, 4, 1};
    uint8_t *r[5];
    for (size_t i = 0; i < 5; i++)
        r[i] = arena_alloc_pages(&a, runs[i]);
    cr_assert_eq(index_of(first, r[4]), 10);
    cr_assert_eq(arena_free_pages(&a, r[1], 3), 0); /* hole [2,5), 3 pages */
    cr_assert_eq(arena_free_pages(&a, r[3], 4), 0); /* hole [6,10), 4 pages */
    size_t mark = stats_of(&a).watermark;

    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 4)), 6,
                 "3-page hole skipped, 4-page hole taken (not the top)");
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 2)), 2,
                 "lowest hole that fits");
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 2)), 11,
                 "1-page rest of the hole skipped");
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 1)), 4,
                 "1-page rest of the hole filled");
    cr_assert_eq(stats_of(&a).watermark, 13 * PS);
    cr_assert_gt(13 * PS, mark);
    cr_assert_eq(arena_check(&a), 0);
}

/* First fit across bitmap words (pages 60..69 straddle page 64). */
Test(arena_alloc, first_fit_across_bitmap_words)
{
    struct arena a;
    size_t size = PS * 201;
    uint8_t *base = arena_make(&a, 5, size, PS, 0);
    struct layout l = layout_expect((uintptr_t)base, size, PS);
    uint8_t *first = (uint8_t *)l.pages;
    size_t n = l.npages;
    cr_assert_gt(n, 140);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(arena_alloc_pages(&a, 1), page(first, i));
    expect_alloc_refused(&a, 1, "full arena");
    size_t mark = stats_of(&a).watermark;
    cr_assert_eq(mark, n * PS);

    cr_assert_eq(arena_free_pages(&a, page(first, 60), 2), 0);   /* [60,62) */
    cr_assert_eq(arena_free_pages(&a, page(first, 63), 7), 0);   /* [63,70) */
    cr_assert_eq(arena_free_pages(&a, page(first, 127), 3), 0);  /* [127,130) */
    cr_assert_eq(arena_free_pages(&a, page(first, 130), 10), 0); /* [127,140) */
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 8)), 127,
                 "holes of 2 and 7 skipped; 13-page hole over 128 taken");
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 3)), 63);
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 2)), 60);
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 4)), 66);
    cr_assert_eq(index_of(first, arena_alloc_pages(&a, 5)), 135);
    expect_alloc_refused(&a, 1, "full again");
    cr_assert_eq(stats_of(&a).watermark, mark, "holes refilled below the mark");
}

/* npages == 0 is refused, on an empty and on a busy arena. */
Test(arena_alloc, zero_pages_refused)
{
    struct arena a;
    arena_make(&a, 9, PS * 20, PS, 0);
    expect_alloc_refused(&a, 0, "alloc(0) on an empty arena");
    uint8_t *p = arena_alloc_pages(&a, 3);
    cr_assert_not_null(p);
    cr_assert_eq(arena_free_pages(&a, p, 1), 0);
    expect_alloc_refused(&a, 0, "alloc(0) on a busy arena");
    cr_assert_eq(stats_of(&a).failed_allocs, 2);
    cr_assert_eq(arena_alloc_pages(&a, 1), p, "state unchanged: hole reused");
}

/* More than fits (in total, or in one piece): refused, nothing else moves. */
Test(arena_alloc, too_large_refused)
{
    struct arena a;
    uint8_t *base = arena_make(&a, 0, PS * 65, PS, 0);
    size_t n = arena_npages(&a);
    uint8_t *first =
        (uint8_t *)layout_expect((uintptr_t)base, PS * 65, PS).pages;
    cr_assert_eq(n, 64);
    expect_alloc_refused(&a, n + 1, "one page more than capacity");
    expect_alloc_refused(&a, SIZE_MAX, "SIZE_MAX pages");
    expect_alloc_refused(&a, SIZE_MAX / PS + 1, "pages * page_size overflows");
    expect_alloc_refused(&a, (size_t)1 << 58, "2^58 pages");

    /* Every other page taken: 32 pages free, but no 2 in a row. */
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(arena_alloc_pages(&a, 1), page(first, i));
    for (size_t i = 0; i < n; i += 2)
        cr_assert_eq(arena_free_pages(&a, page(first, i), 1), 0);
    cr_assert_eq(stats_of(&a).in_use, n / 2 * PS);
    expect_alloc_refused(&a, 2, "fragmented: enough pages, no run");
    expect_alloc_refused(&a, n / 2, "fragmented: exactly the free count");
    expect_alloc_refused(&a, n / 2 + 1, "more than is free");
    cr_assert_eq(arena_alloc_pages(&a, 1), page(first, 0));
    cr_assert_eq(stats_of(&a).failed_allocs, 7);
}

/*
 * Run the arena dry page by page, then give pages back and see the very
 * pages come back: exhaustion is not permanent.
 */
Test(arena_alloc, exhaustion_and_recovery)
{
    struct arena a;
    size_t size = PS * 100 + 50;
    uint8_t *base = arena_make(&a, 31, size, PS, 0);
    struct layout l = layout_expect((uintptr_t)base, size, PS);
    uint8_t *first = (uint8_t *)l.pages;
    size_t n = 0;
    for (;;) {
        uint8_t *p = arena_alloc_pages(&a, 1);
        if (p == NULL)
            break;
        cr_assert_eq(p, page(first, n));
        pattern_fill(p, PS, (uint32_t)n);
        n++;
    }
    cr_assert_eq(n, l.npages, "handed out every page before failing");
    struct arena_stats s = stats_of(&a);
    cr_assert_eq(s.in_use, s.capacity);
    cr_assert_eq(s.watermark, s.capacity);
    cr_assert_eq(s.peak_in_use, s.capacity);
    cr_assert_eq(s.failed_allocs, 1);
    expect_alloc_refused(&a, 1, "still full");

    /* One page back in the middle: that page, and only one. */
    cr_assert_eq(arena_free_pages(&a, page(first, 37), 1), 0);
    cr_assert_eq(arena_alloc_pages(&a, 1), page(first, 37));
    expect_alloc_refused(&a, 1, "full after refill");
    /* Two adjacent pages back: a 2-page run fits there. */
    cr_assert_eq(arena_free_pages(&a, page(first, 50), 1), 0);
    cr_assert_eq(arena_free_pages(&a, page(first, 51), 1), 0);
    expect_alloc_refused(&a, 3, "only 2 free");
    cr_assert_eq(arena_alloc_pages(&a, 2), page(first, 50));
    /* Untouched pages kept their data through all of it. */
    for (size_t i = 0; i < n; i++)
        if (i != 37 && i != 50 && i != 51)
            cr_assert_eq(pattern_find_bad(page(first, i), PS, (uint32_t)i), PS,
                         "page %zu lost its data", i);
    /* Everything back: the whole arena as one run. */
    cr_assert_eq(arena_free_pages(&a, first, n), 0);
    cr_assert_eq(stats_of(&a).in_use, 0);
    cr_assert_eq(arena_alloc_pages(&a, n), first);
    s = stats_of(&a);
    cr_assert_eq(s.failed_allocs, 4);
    cr_assert_eq(s.allocs, n + 3);
    cr_assert_eq(s.frees, 4);
    cr_assert_eq(arena_check(&a), 0);
    region_assert_guards("exhaustion and recovery");
}
