/* SPDX-License-Identifier: MIT */
/*
 * test_arena_poison.c - the compile-time debug option: built with
 * ARENA_POISON=1 (this binary compiles arena.c itself with it), freed pages
 * read ARENA_POISON_BYTE, live neighbours keep every byte, refused frees
 * poison nothing, and a reset poisons every page handed out before it.
 */
#include <criterion/criterion.h>

#include "support.h"

#if !ARENA_POISON
#error "test_arena_poison.c must be built with ARENA_POISON=1"
#endif

_Static_assert(ARENA_POISON_BYTE == 0xA5u, "the poison byte is 0xA5");

#define POISON ((uint8_t)ARENA_POISON_BYTE)

static void assert_poisoned(const uint8_t *p, size_t bytes, const char *what)
{
    size_t bad = bytes_find_not(p, bytes, POISON);
    cr_assert_eq(bad, bytes, "%s: byte %zu is 0x%02x, not poison", what, bad,
                 p[bad < bytes ? bad : 0]);
}

static void assert_pattern(const uint8_t *p, size_t bytes, uint32_t id,
                           const char *what)
{
    size_t bad = pattern_find_bad(p, bytes, id);
    cr_assert_eq(bad, bytes, "%s: byte %zu changed", what, bad);
}

Test(arena_poison, freed_pages_poisoned_neighbours_untouched)
{
    const size_t sizes[] = {64, 4096};
    for (size_t k = 0; k < 2; k++) {
        size_t ps = sizes[k];
        struct arena a;
        arena_make(&a, 9, ps * 24, ps, 0x00);
        const size_t n[] = {1, 2, 1, 3, 1};
        uint8_t *r[5];
        for (uint32_t i = 0; i < 5; i++) {
            r[i] = arena_alloc_pages(&a, n[i]);
            cr_assert_not_null(r[i]);
            pattern_fill(r[i], n[i] * ps, i + 1);
        }
        /* A whole run between two live ones. */
        cr_assert_eq(arena_free_pages(&a, r[1], 2), 0);
        assert_poisoned(r[1], 2 * ps, "freed run");
        assert_pattern(r[0], ps, 1, "left neighbour");
        assert_pattern(r[2], ps, 3, "right neighbour");
        /* The middle page of a run: its own pages on each side survive. */
        cr_assert_eq(arena_free_pages(&a, r[3] + ps, 1), 0);
        assert_poisoned(r[3] + ps, ps, "freed middle page");
        assert_pattern(r[3], ps, 4, "page before, same run");
        assert_pattern(r[3] + 2 * ps, ps, 4, "page after, same run");
        assert_pattern(r[4], ps, 5, "next run");
        assert_pattern(r[2], ps, 3, "earlier run");
        cr_assert_eq(arena_check(&a), 0);
        region_assert_guards("poison on free");
    }
}

/* A page handed out again after a free reads poison until written. */
Test(arena_poison, reused_page_reads_poison)
{
    struct arena a;
    arena_make(&a, 0, 64 * 10, 64, 0x00);
    uint8_t *p = arena_alloc_pages(&a, 2);
    pattern_fill(p, 128, 7);
    cr_assert_eq(arena_free_pages(&a, p, 2), 0);
    cr_assert_eq(arena_alloc_pages(&a, 2), p);
    assert_poisoned(p, 128, "reused pages");
}

/* Refused frees are refused before any poisoning. */
Test(arena_poison, refused_free_poisons_nothing)
{
    struct arena a;
    size_t ps = 128;
    arena_make(&a, 40, ps * 20, ps, 0x00);
    size_t n = arena_npages(&a);
    uint8_t *all = arena_alloc_pages(&a, n);
    cr_assert_not_null(all);
    pattern_fill(all, n * ps, 9);
    cr_assert_eq(arena_free_pages(&a, all + 3 * ps, 1), 0);

    struct {
        uint8_t *p;
        size_t n;
        int code;
    } bad[] = {
        {all + 2 * ps, 3, ARENA_ERR_NOT_ALLOCATED}, /* page 3 is free */
        {all + 3 * ps, 1, ARENA_ERR_NOT_ALLOCATED}, /* double free */
        {all + 5 * ps + 1, 1, ARENA_ERR_NOT_IN_ARENA},
        {all + 5 * ps, 0, ARENA_ERR_BAD_COUNT},
        {all + (n - 2) * ps, 3, ARENA_ERR_BAD_COUNT},
        {all + n * ps, 1, ARENA_ERR_NOT_IN_ARENA},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snap_take(&a);
        cr_assert_eq(arena_free_pages(&a, bad[i].p, bad[i].n), bad[i].code,
                     "case %zu", i);
        snap_assert_unchanged(&a, "refused free");
    }
    assert_pattern(all, 3 * ps, 9, "pages before the hole");
    assert_pattern(all + 4 * ps, (n - 4) * ps, 9, "pages after the hole");
}

/*
 * Reset poisons what was handed out since the last reset; what an earlier
 * reset poisoned stays poisoned, so every page ever handed out reads poison.
 * Nothing outside the pages is touched, bitmap included (the arena works).
 */
Test(arena_poison, reset_poisons_every_page_handed_out)
{
    struct arena a;
    size_t ps = 64, size = ps * 200 + 3;
    uint8_t *base = arena_make(&a, 5, size, ps, 0x00);
    uint8_t *first = (uint8_t *)layout_expect((uintptr_t)base, size, ps).pages;
    size_t n = arena_npages(&a);

    uint8_t *p = arena_alloc_pages(&a, 150); /* pages [0,150), over 2 words */
    cr_assert_eq(p, first);
    pattern_fill(p, 150 * ps, 1);
    cr_assert_eq(arena_free_pages(&a, p + 10 * ps, 100), 0);
    arena_reset(&a);
    assert_poisoned(first, 150 * ps, "pages below the watermark at reset 1");

    uint8_t *q = arena_alloc_pages(&a, 3);
    cr_assert_eq(q, first);
    pattern_fill(q, 3 * ps, 2);
    arena_reset(&a);
    assert_poisoned(first, 150 * ps, "every page handed out, after reset 2");

    cr_assert_eq(arena_check(&a), 0);
    cr_assert_eq(arena_alloc_pages(&a, n), first, "bitmap intact: all free");
    region_assert_guards("poison on reset");
}
