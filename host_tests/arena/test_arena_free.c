/* SPDX-License-Identifier: MIT */
/*
 * test_arena_free.c - arena_free_pages: every refusal with its named code and
 * no change at all; freeing whole runs, pieces and runs spanning
 * allocations; freed pages reused; the watermark never lowered.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

#define PS 128u

/* A fixture: 40 pages of 128 bytes, base 21 bytes past a page boundary. */
struct fix {
    struct arena a;
    uint8_t *base;
    size_t size;
    uint8_t *first; /* page 0 */
    size_t n;       /* pages */
};

static void fix_make(struct fix *f)
{
    f->size = PS * 41 + 21;
    f->base = arena_make(&f->a, 21, f->size, PS, 0);
    struct layout l = layout_expect((uintptr_t)f->base, f->size, PS);
    f->first = (uint8_t *)l.pages;
    f->n = l.npages;
    cr_assert_eq(f->n, 40);
}

static uint8_t *page(const struct fix *f, size_t i)
{
    return f->first + i * PS;
}

/* Expect arena_free_pages(p, n) to return code and change nothing at all. */
static void expect_refused(struct fix *f, const void *p, size_t n, int code,
                           const char *ctx)
{
    snap_take(&f->a);
    int rc = arena_free_pages(&f->a, (void *)(uintptr_t)p, n);
    cr_assert_eq(rc, code, "%s: free returned %d (%s), expected %d (%s)", ctx,
                 rc, arena_strerror(rc), code, arena_strerror(code));
    snap_assert_unchanged(&f->a, ctx);
    cr_assert_eq(arena_check(&f->a), 0, "%s", ctx);
}

Test(arena_free, refuses_pages_already_free)
{
    struct fix f;
    fix_make(&f);
    expect_refused(&f, page(&f, 0), 1, ARENA_ERR_NOT_ALLOCATED,
                   "never handed out");
    uint8_t *p = arena_alloc_pages(&f.a, 2);
    cr_assert_eq(p, page(&f, 0));
    expect_refused(&f, page(&f, 5), 3, ARENA_ERR_NOT_ALLOCATED,
                   "free pages above the handed-out run");
    cr_assert_eq(arena_free_pages(&f.a, p, 2), 0);
    expect_refused(&f, p, 2, ARENA_ERR_NOT_ALLOCATED, "double free");
    expect_refused(&f, p + PS, 1, ARENA_ERR_NOT_ALLOCATED,
                   "double free of the second page");
    cr_assert_eq(stats_of(&f.a).frees, 1);
}

Test(arena_free, refuses_runs_partly_free)
{
    struct fix f;
    fix_make(&f);
    uint8_t *p = arena_alloc_pages(&f.a, 4);            /* [0,4) */
    uint8_t *q = arena_alloc_pages(&f.a, 2);            /* [4,6) */
    cr_assert_eq(arena_free_pages(&f.a, p + PS, 1), 0); /* page 1 free */
    expect_refused(&f, p, 4, ARENA_ERR_NOT_ALLOCATED, "hole inside the run");
    expect_refused(&f, p, 2, ARENA_ERR_NOT_ALLOCATED, "last page free");
    expect_refused(&f, p + PS, 3, ARENA_ERR_NOT_ALLOCATED, "first page free");
    expect_refused(&f, q, 3, ARENA_ERR_NOT_ALLOCATED,
                   "run one page past the allocation");
    expect_refused(&f, q + PS, 2, ARENA_ERR_NOT_ALLOCATED,
                   "last page of the allocation and one free page");
    expect_refused(&f, p, f.n, ARENA_ERR_NOT_ALLOCATED, "the whole arena");
}

Test(arena_free, refuses_pointers_outside_the_pages)
{
    struct fix f;
    fix_make(&f);
    uint8_t *all = arena_alloc_pages(&f.a, f.n);
    cr_assert_eq(all, f.first);
    uint8_t *end = page(&f, f.n); /* one past the last page, page-aligned */
    int local = 0;
    expect_refused(&f, f.base, 1, ARENA_ERR_NOT_IN_ARENA,
                   "region base (bookkeeping)");
    expect_refused(&f, f.first - PS, 1, ARENA_ERR_NOT_IN_ARENA,
                   "one page below page 0");
    expect_refused(&f, f.first - PS, 2, ARENA_ERR_NOT_IN_ARENA,
                   "run starting below page 0");
    expect_refused(&f, region_anchor() - 256, 1, ARENA_ERR_NOT_IN_ARENA,
                   "before the region");
    expect_refused(&f, end, 1, ARENA_ERR_NOT_IN_ARENA,
                   "one past the last page");
    expect_refused(&f, end + 64 * PS, 1, ARENA_ERR_NOT_IN_ARENA,
                   "far past the region");
    expect_refused(&f, &local, 1, ARENA_ERR_NOT_IN_ARENA, "a stack variable");
    expect_refused(&f, (void *)(uintptr_t)UINTPTR_MAX, 1,
                   ARENA_ERR_NOT_IN_ARENA, "top of the address space");
    expect_refused(&f, NULL, 1, ARENA_ERR_NOT_IN_ARENA, "NULL");
    /* Everything is still handed out, exactly once. */
    cr_assert_eq(arena_free_pages(&f.a, all, f.n), 0);
}

Test(arena_free, refuses_pointers_not_page_aligned)
{
    struct fix f;
    fix_make(&f);
    uint8_t *p = arena_alloc_pages(&f.a, 3);
    const size_t offs[] = {1, 8, 63, PS / 2, PS - 1, PS + 1, 2 * PS + 64};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++)
        expect_refused(&f, p + offs[i], 1, ARENA_ERR_NOT_IN_ARENA,
                       "inside a page, not at its start");
    expect_refused(&f, p - 1, 1, ARENA_ERR_NOT_IN_ARENA, "byte before page 0");
    cr_assert_eq(arena_free_pages(&f.a, p, 3), 0);
}

Test(arena_free, refuses_zero_pages)
{
    struct fix f;
    fix_make(&f);
    uint8_t *p = arena_alloc_pages(&f.a, 3);
    expect_refused(&f, p, 0, ARENA_ERR_BAD_COUNT, "0 pages of a live run");
    expect_refused(&f, p + 2 * PS, 0, ARENA_ERR_BAD_COUNT,
                   "0 pages, last page");
    expect_refused(&f, page(&f, 10), 0, ARENA_ERR_BAD_COUNT,
                   "0 pages, free page");
}

Test(arena_free, refuses_runs_past_the_end)
{
    struct fix f;
    fix_make(&f);
    cr_assert_eq(arena_alloc_pages(&f.a, f.n), f.first);
    uint8_t *last = page(&f, f.n - 1);
    expect_refused(&f, last, 2, ARENA_ERR_BAD_COUNT, "last page + 1");
    expect_refused(&f, f.first, f.n + 1, ARENA_ERR_BAD_COUNT, "n + 1 pages");
    expect_refused(&f, page(&f, 7), f.n - 6, ARENA_ERR_BAD_COUNT,
                   "one page too many from page 7");
    expect_refused(&f, last, SIZE_MAX, ARENA_ERR_BAD_COUNT,
                   "SIZE_MAX pages (index + count overflows)");
    expect_refused(&f, f.first, SIZE_MAX / PS + 1, ARENA_ERR_BAD_COUNT,
                   "count * page_size overflows");
    /* Exactly to the end is fine. */
    cr_assert_eq(arena_free_pages(&f.a, page(&f, 7), f.n - 7), 0);
    cr_assert_eq(arena_free_pages(&f.a, f.first, 7), 0);
}

/*
 * What is handed out is pages, not allocations: a run may go back in pieces,
 * or together with its neighbour; frees counts calls, in_use pages.
 */
Test(arena_free, pieces_and_spans)
{
    struct fix f;
    fix_make(&f);
    uint8_t *p = arena_alloc_pages(&f.a, 6); /* [0,6) */
    uint8_t *q = arena_alloc_pages(&f.a, 2); /* [6,8) */
    pattern_fill(p, 6 * PS, 1);
    pattern_fill(q, 2 * PS, 2);
    cr_assert_eq(arena_free_pages(&f.a, p + 2 * PS, 2), 0); /* middle [2,4) */
    cr_assert_eq(pattern_find_bad(p, 2 * PS, 1), 2 * PS, "left piece kept");
    cr_assert_eq(pattern_find_bad(p + 4 * PS, 2 * PS, 1), 2 * PS,
                 "right piece kept");
    cr_assert_eq(stats_of(&f.a).in_use, 6 * PS);
    cr_assert_eq(arena_free_pages(&f.a, p + 4 * PS, 4), 0,
                 "one call across two allocations");
    cr_assert_eq(arena_free_pages(&f.a, p, 1), 0);
    cr_assert_eq(arena_free_pages(&f.a, p + PS, 1), 0);
    struct arena_stats s = stats_of(&f.a);
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.frees, 4, "frees counts calls");
    cr_assert_eq(s.allocs, 2);
    cr_assert_eq(s.peak_in_use, 8 * PS);
    cr_assert_eq(s.watermark, 8 * PS);
    cr_assert_eq(arena_check(&f.a), 0);
    cr_assert_eq(arena_alloc_pages(&f.a, 8), p, "all 8 pages free again");
}

/* Freed pages are found again; filling them does not move the watermark. */
Test(arena_free, freed_pages_reused_without_moving_watermark)
{
    struct fix f;
    fix_make(&f);
    uint8_t *a4 = arena_alloc_pages(&f.a, 4); /* [0,4) */
    uint8_t *b1 = arena_alloc_pages(&f.a, 1); /* [4,5) */
    uint8_t *c3 = arena_alloc_pages(&f.a, 3); /* [5,8) */
    cr_assert(a4 && b1 && c3);
    struct arena_stats before = stats_of(&f.a);
    cr_assert_eq(before.watermark, 8 * PS);

    cr_assert_eq(arena_free_pages(&f.a, a4, 4), 0);
    cr_assert_eq(arena_alloc_pages(&f.a, 2), a4);
    cr_assert_eq(arena_alloc_pages(&f.a, 2), a4 + 2 * PS);
    cr_assert_eq(arena_free_pages(&f.a, c3, 3), 0);
    cr_assert_eq(arena_alloc_pages(&f.a, 3), c3);
    struct arena_stats s = stats_of(&f.a);
    cr_assert_eq(s.watermark, before.watermark,
                 "refilling holes moved the mark");
    cr_assert_eq(s.in_use, before.in_use);
    cr_assert_eq(s.peak_in_use, before.peak_in_use);
    cr_assert_eq(s.allocs, 6);
    cr_assert_eq(s.frees, 2);
    /* The next new page is the first above the mark. */
    cr_assert_eq(arena_alloc_pages(&f.a, 1), page(&f, 8));
    cr_assert_eq(stats_of(&f.a).watermark, 9 * PS);
}

/* The watermark stays when the top run, or everything, goes back. */
Test(arena_free, freeing_never_lowers_watermark)
{
    struct fix f;
    fix_make(&f);
    uint8_t *lo = arena_alloc_pages(&f.a, 3);
    uint8_t *hi = arena_alloc_pages(&f.a, 5);
    size_t mark = stats_of(&f.a).watermark;
    cr_assert_eq(mark, 8 * PS);
    cr_assert_eq(arena_free_pages(&f.a, hi + 4 * PS, 1), 0);
    cr_assert_eq(stats_of(&f.a).watermark, mark, "top page freed");
    cr_assert_eq(arena_free_pages(&f.a, hi, 4), 0);
    cr_assert_eq(stats_of(&f.a).watermark, mark, "top run freed");
    cr_assert_eq(arena_free_pages(&f.a, lo, 3), 0);
    struct arena_stats s = stats_of(&f.a);
    cr_assert_eq(s.watermark, mark, "everything freed");
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.peak_in_use, 8 * PS);
    /* Below the mark, reuse does not raise it either. */
    cr_assert_eq(arena_alloc_pages(&f.a, 8), lo);
    cr_assert_eq(stats_of(&f.a).watermark, mark);
    region_assert_guards("free");
}
