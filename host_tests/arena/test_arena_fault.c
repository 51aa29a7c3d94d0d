/* SPDX-License-Identifier: MIT */
/*
 * test_arena_fault.c - arena_fail_after: the k-th allocation call from now
 * fails, sticky mode keeps failing, k == 0 turns it off; an injected failure
 * looks like a full arena (failed_allocs + 1, nothing else changes).
 */
#include <criterion/criterion.h>

#include "support.h"

#define PS 64u

struct fix {
    struct arena a;
    uint8_t *first;
};

static void fix_make(struct fix *f)
{
    size_t size = PS * 50 + 11;
    uint8_t *base = arena_make(&f->a, 11, size, PS, 0);
    f->first = (uint8_t *)layout_expect((uintptr_t)base, size, PS).pages;
}

/* An injected failure: NULL, failed_allocs + 1, nothing else changes. */
static void expect_injected(struct fix *f, size_t n, const char *ctx)
{
    struct arena_stats want = stats_of(&f->a);
    want.failed_allocs++;
    snap_take(&f->a);
    cr_assert_null(arena_alloc_pages(&f->a, n), "%s: not failed", ctx);
    struct arena_stats s = stats_of(&f->a);
    stats_assert_eq(&s, &want, ctx);
    snap_assert_region_unchanged(ctx);
}

Test(arena_fault, kth_call_fails_once)
{
    struct fix f;
    fix_make(&f);
    arena_fail_after(&f.a, 3, 0);
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first, "call 1");
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first + PS, "call 2");
    expect_injected(&f, 1, "call 3");
    /* The failure left no trace: the next call gets the page call 3 would. */
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first + 2 * PS, "call 4");
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first + 3 * PS, "call 5");
    struct arena_stats s = stats_of(&f.a);
    cr_assert_eq(s.allocs, 4);
    cr_assert_eq(s.failed_allocs, 1);
    cr_assert_eq(arena_check(&f.a), 0);
}

Test(arena_fault, first_call_with_k_one)
{
    struct fix f;
    fix_make(&f);
    arena_fail_after(&f.a, 1, 0);
    expect_injected(&f, 2, "k = 1");
    cr_assert_eq(arena_alloc_pages(&f.a, 2), f.first);
}

/* Every call counts, including calls that fail on their own. */
Test(arena_fault, every_call_counts)
{
    struct fix f;
    fix_make(&f);
    arena_fail_after(&f.a, 3, 0);
    cr_assert_null(arena_alloc_pages(&f.a, 0), "call 1 (npages 0)");
    cr_assert_null(arena_alloc_pages(&f.a, 100000), "call 2 (too large)");
    expect_injected(&f, 1, "call 3");
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first, "call 4");
    cr_assert_eq(stats_of(&f.a).failed_allocs, 3);
}

Test(arena_fault, sticky_fails_until_turned_off)
{
    struct fix f;
    fix_make(&f);
    uint8_t *p = arena_alloc_pages(&f.a, 2);
    arena_fail_after(&f.a, 2, 1);
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first + 2 * PS, "call 1");
    for (int i = 0; i < 50; i++)
        expect_injected(&f, 1, "sticky");
    /* Frees go on working meanwhile, and still no allocation succeeds. */
    cr_assert_eq(arena_free_pages(&f.a, p, 2), 0);
    expect_injected(&f, 1, "sticky, after a free");
    arena_fail_after(&f.a, 0, 0);
    cr_assert_eq(arena_alloc_pages(&f.a, 2), f.first, "off again");
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first + 3 * PS);
    struct arena_stats s = stats_of(&f.a);
    cr_assert_eq(s.failed_allocs, 51);
    cr_assert_eq(s.allocs, 4);
    cr_assert_eq(s.frees, 1);
}

Test(arena_fault, sticky_from_the_first_call)
{
    struct fix f;
    fix_make(&f);
    arena_fail_after(&f.a, 1, 1);
    for (int i = 0; i < 5; i++)
        expect_injected(&f, 1, "sticky from call 1");
    arena_fail_after(&f.a, 0, 1); /* k == 0 turns it off whatever sticky says */
    cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first);
}

Test(arena_fault, zero_and_rearm)
{
    struct fix f;
    fix_make(&f);
    arena_fail_after(&f.a, 0, 1);
    for (size_t i = 0; i < 20; i++)
        cr_assert_eq(arena_alloc_pages(&f.a, 1), f.first + i * PS,
                     "k == 0 injects nothing");
    /* A new arming replaces the old one. */
    arena_fail_after(&f.a, 2, 0);
    arena_fail_after(&f.a, 5, 0);
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(arena_alloc_pages(&f.a, 1), "call %zu of 5", i + 1);
    expect_injected(&f, 1, "call 5 of the new arming");
    cr_assert_not_null(arena_alloc_pages(&f.a, 1));
    /* Disarming before the k-th call: nothing fails. */
    arena_fail_after(&f.a, 2, 1);
    arena_fail_after(&f.a, 0, 0);
    for (size_t i = 0; i < 5; i++)
        cr_assert_not_null(arena_alloc_pages(&f.a, 1));
    cr_assert_eq(stats_of(&f.a).failed_allocs, 1);
}
