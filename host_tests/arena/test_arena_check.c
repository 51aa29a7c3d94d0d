/* SPDX-License-Identifier: MIT */
/*
 * test_arena_check.c - arena_check, which the other suites rely on to say
 * "all invariants hold", must also say when one does not.  Each test breaks
 * one invariant listed at struct arena in arena.h, by hand, in a copy of a
 * healthy arena, and expects that invariant's ARENA_BROKEN_* code.  (This is
 * the one place the suites touch struct arena's fields: the invariants are
 * stated in terms of them.)
 */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

#define PS 64u

/* A healthy arena: pages [0,5) and [9,12) handed out, [5,9) free. */
static void healthy(struct arena *a)
{
    arena_make(a, 0, PS * 100, PS, 0);
    uint8_t *p = arena_alloc_pages(a, 12);
    cr_assert_not_null(p);
    cr_assert_eq(arena_free_pages(a, p + 5 * PS, 4), 0);
    cr_assert_eq(arena_check(a), 0);
}

Test(arena_check, healthy_arena_passes)
{
    struct arena a;
    healthy(&a);
    cr_assert_eq(arena_check(&a), 0);
    arena_reset(&a);
    cr_assert_eq(arena_check(&a), 0);
}

Test(arena_check, used_count_off)
{
    struct arena a;
    healthy(&a);
    a.used_pages++;
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_COUNT);
}

Test(arena_check, bitmap_bit_flipped)
{
    struct arena a;
    healthy(&a);
    a.map[0] ^= (uint64_t)1 << 6; /* page 6: free -> handed out */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_COUNT);
}

Test(arena_check, page_above_watermark)
{
    struct arena a;
    healthy(&a);
    a.high_pages = 10; /* page 11 is handed out */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_WATERMARK);
}

Test(arena_check, free_page_below_first_free)
{
    struct arena a;
    healthy(&a);
    a.first_free = 7; /* page 5 is free */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_FIRST_FREE);
}

Test(arena_check, peak_below_in_use)
{
    struct arena a;
    healthy(&a);
    a.peak_pages = 7; /* 8 pages handed out */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_PEAK);
}
