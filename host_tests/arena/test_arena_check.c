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

static void ignore_event(void *ctx, int event, const void *pages, size_t npages)
{
    (void)ctx, (void)event, (void)pages, (void)npages;
}

/* The hook flags stay in step through every setting, and through an
 * injected failure that turns injection off. */
Test(arena_check, hook_flags_follow_the_settings)
{
    struct arena a;
    healthy(&a);
    arena_fail_after(&a, 2, 0);
    cr_assert_eq(arena_check(&a), 0);
    cr_assert_not_null(arena_alloc_pages(&a, 1));
    cr_assert_null(arena_alloc_pages(&a, 1)); /* injected; injection now off */
    cr_assert_eq(arena_check(&a), 0);
    arena_set_observer(&a, ignore_event, NULL);
    cr_assert_eq(arena_check(&a), 0);
    arena_set_observer(&a, NULL, NULL);
    cr_assert_eq(arena_check(&a), 0);
    arena_fail_after(&a, 1, 1);
    cr_assert_null(arena_alloc_pages(&a, 1)); /* sticky: stays on */
    cr_assert_eq(arena_check(&a), 0);
    arena_fail_after(&a, 0, 0);
    cr_assert_eq(arena_check(&a), 0);
}

Test(arena_check, alloc_hook_flag_lost)
{
    struct arena a;
    healthy(&a);
    arena_fail_after(&a, 3, 0);
    a.alloc_hooked = 0; /* allocations would skip the injection */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_HOOKS);
}

Test(arena_check, alloc_hook_flag_stale)
{
    struct arena a;
    healthy(&a);
    a.alloc_hooked = 1; /* nothing is on */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_HOOKS);
}

Test(arena_check, free_fast_path_open_under_observer)
{
    struct arena a;
    healthy(&a);
    arena_set_observer(&a, ignore_event, NULL);
    a.fast_free_npages = 1; /* one-page frees would not be observed */
    cr_assert_eq(arena_check(&a), ARENA_BROKEN_HOOKS);
}
