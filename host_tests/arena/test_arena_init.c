/* SPDX-License-Identifier: MIT */
/*
 * test_arena_init.c - arena_init: alignment of the base, the page layout and
 * page count arena.h documents, the errors it names, and that a failed init
 * leaves both the arena and the region untouched.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

static const size_t page_sizes[] = {64, 128, 256, 4096, 65536};
#define N_PAGE_SIZES (sizeof page_sizes / sizeof page_sizes[0])

/* Offsets of base past a page boundary that stress the 8-byte and page grid. */
static size_t offsets_for(size_t ps, size_t out[16])
{
    const size_t cand[] = {0, 1, 3, 7, 8, 9,
                           31, ps / 2, ps - 9, ps - 8, ps - 7, ps - 1};
    size_t n = 0;
    for (size_t i = 0; i < sizeof cand / sizeof cand[0]; i++) {
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= out[j] == cand[i];
        if (!dup)
            out[n++] = cand[i];
    }
    return n;
}

/*
 * For an unaligned (and an aligned) base: every page the arena can hand out
 * is page-aligned and inside the region, the pages are consecutive, and no
 * byte outside [base, base + size) is ever written, while the arena inits,
 * hands out all its pages, has every byte of them overwritten (so a bitmap
 * sharing a page would be wrecked) and frees and resets them.
 */
Test(arena_init, unaligned_base_gets_aligned_and_stays_inside)
{
    for (size_t k = 0; k < N_PAGE_SIZES; k++) {
        size_t ps = page_sizes[k], offs[16];
        size_t noffs = offsets_for(ps, offs);
        size_t size = ps >= 4096 ? ps * 7 + 123 : ps * 70 + 123;
        for (size_t j = 0; j < noffs; j++) {
            struct arena a;
            uint8_t *base = arena_make(&a, offs[j], size, ps, 0xEE);
            /* The bitmap starts at the first 8-byte boundary, not before. */
            size_t pad = (8 - (uintptr_t)base % 8) % 8;
            cr_assert_eq(bytes_find_not(base, pad, 0xEE), pad,
                         "init wrote before the first 8-byte boundary");
            struct arena_stats s = stats_of(&a);
            size_t n = arena_npages(&a);
            cr_assert_gt(n, 0);
            cr_assert_eq(s.page_size, ps);
            cr_assert_eq(s.capacity, n * ps, "capacity is pages * page_size");
            cr_assert_eq(s.overhead, size - s.capacity,
                         "overhead is the rest of the region");

            uint8_t *first = NULL, *prev = NULL;
            for (size_t i = 0; i < n; i++) {
                uint8_t *p = arena_alloc_pages(&a, 1);
                cr_assert_not_null(p, "page %zu of %zu (ps %zu, off %zu)", i,
                                   n, ps, offs[j]);
                cr_assert_eq((uintptr_t)p % ps, 0,
                             "page %p not aligned to %zu (off %zu)", (void *)p,
                             ps, offs[j]);
                cr_assert(p >= base && p + ps <= base + size,
                          "page %zu outside the region (ps %zu, off %zu)", i,
                          ps, offs[j]);
                if (prev != NULL)
                    cr_assert_eq(p, prev + ps, "pages not consecutive");
                else
                    first = p;
                cr_assert(arena_contains(&a, p) &&
                          arena_contains(&a, p + ps - 1));
                prev = p;
            }
            cr_assert_null(arena_alloc_pages(&a, 1),
                           "more pages than capacity");

            /* Scribble over every page; the bookkeeping must not live there. */
            memset(first, 0xFF, n * ps);
            cr_assert_eq(arena_check(&a), 0);
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(arena_free_pages(&a, first + i * ps, 1), 0,
                             "free page %zu after 0xFF scribble", i);
            cr_assert_eq(arena_check(&a), 0);
            cr_assert_eq(arena_alloc_pages(&a, n), first);
            memset(first, 0x00, n * ps);
            cr_assert_eq(arena_free_pages(&a, first, n), 0);
            cr_assert_eq(stats_of(&a).in_use, 0);
            cr_assert_eq(arena_alloc_pages(&a, n), first);
            memset(first, 0xFF, n * ps);
            arena_reset(&a);
            cr_assert_eq(arena_check(&a), 0);
            cr_assert_eq(arena_alloc_pages(&a, n), first,
                         "all pages free after reset");
            cr_assert_eq(bytes_find_not(base, pad, 0xEE), pad,
                         "bytes before the bitmap written");
            region_assert_guards("after init/alloc/scribble/free/reset");
        }
    }
}

/*
 * Exhaustively over base offsets and sizes: init succeeds exactly when the
 * documented layout has room for a page, the page count is the largest the
 * documented layout allows, page 0 is where it says, and the count never
 * drops when the region grows.  Independently of the layout: the pages plus
 * one bit a page fit in the region.
 */
static void check_layout(size_t ps, size_t off, size_t size, size_t *prev_n)
{
    uint8_t *anchor = region_anchor();
    uint8_t *base = anchor + off;
    struct layout want = layout_expect((uintptr_t)base, size, ps);
    struct arena a;
    int rc = arena_init(&a, base, size, ps);
    if (want.npages == 0) {
        cr_assert_eq(rc, ARENA_ERR_TOO_SMALL,
                     "ps %zu off %zu size %zu: init %d, want TOO_SMALL", ps,
                     off, size, rc);
        cr_assert_eq(*prev_n, 0, "ps %zu off %zu size %zu: refused after a "
                                 "smaller region was accepted",
                     ps, off, size);
        return;
    }
    cr_assert_eq(rc, 0, "ps %zu off %zu size %zu: init %d (%s)", ps, off, size,
                 rc, arena_strerror(rc));
    size_t n = arena_npages(&a);
    cr_assert_eq(n, want.npages, "ps %zu off %zu size %zu: %zu pages, the "
                                 "largest that fit is %zu",
                 ps, off, size, n, want.npages);
    cr_assert_leq(n * ps + (n + 7) / 8, size, "pages + bitmap exceed region");
    cr_assert_leq(*prev_n, n, "page count dropped when the region grew");
    *prev_n = n;
    uint8_t *p = arena_alloc_pages(&a, 1);
    cr_assert_eq((uintptr_t)p, want.pages,
                 "ps %zu off %zu size %zu: page 0 at base+%td, documented "
                 "base+%td",
                 ps, off, size, p - base,
                 (uint8_t *)want.pages - base);
}

Test(arena_init, page_count_is_the_largest_that_fits)
{
    /* Every size, byte by byte, for small pages at every base offset. */
    for (size_t off = 0; off < 64; off++) {
        size_t prev_n = 0;
        for (size_t size = 0; size <= 64 * 600; size++)
            check_layout(64, off, size, &prev_n);
    }
    /* Large counts: the bitmap itself spans many pages. */
    for (size_t off = 0; off < 16; off += 5) {
        size_t prev_n = 0;
        for (size_t size = 64 * 10000 - 2000; size <= 64 * 10000 + 2000; size++)
            check_layout(64, off, size, &prev_n);
    }
    /* Bigger pages: sizes around every multiple of the page size. */
    const size_t big[] = {128, 1024, 4096};
    for (size_t k = 0; k < 3; k++) {
        size_t ps = big[k], offs[16];
        size_t noffs = offsets_for(ps, offs);
        for (size_t j = 0; j < noffs; j++) {
            size_t prev_n = 0;
            for (size_t m = 0; m <= (ps == 4096 ? 200u : 600u); m++)
                for (size_t d = 0; d < 24; d++)
                    if (m * ps + d >= 12)
                        check_layout(ps, offs[j], m * ps + d - 12, &prev_n);
        }
    }
}

/* The smallest region that holds bitmap + one page works; a byte less does not.
 */
Test(arena_init, smallest_region_accepted_one_byte_less_refused)
{
    for (size_t k = 0; k < N_PAGE_SIZES; k++) {
        size_t ps = page_sizes[k], offs[16];
        size_t noffs = offsets_for(ps, offs);
        for (size_t j = 0; j < noffs; j++) {
            uint8_t *base = region_anchor() + offs[j];
            size_t min = layout_min_size((uintptr_t)base, ps);
            if (offs[j] == 0) /* bitmap at base, page 0 one page later */
                cr_assert_eq(min, 2 * ps);

            /* One byte less: refused, the arena and the region untouched. */
            struct arena a;
            memset(&a, 0xC3, sizeof a);
            unsigned char before[sizeof a];
            memcpy(before, &a, sizeof a); /* bytes, padding included */
            region_make(offs[j], min - 1, 0x11);
            snap_take_bytes(&a);
            cr_assert_eq(arena_init(&a, base, min - 1, ps), ARENA_ERR_TOO_SMALL,
                         "ps %zu off %zu size %zu", ps, offs[j], min - 1);
            cr_assert(memcmp(&a, before, sizeof a) == 0,
                      "failed init changed *a");
            snap_assert_region_unchanged("failed init (too small)");

            /* Exactly the minimum: one page, inside the region. */
            region_make(offs[j], min, 0x11);
            cr_assert_eq(arena_init(&a, base, min, ps), 0,
                         "ps %zu off %zu size %zu", ps, offs[j], min);
            cr_assert_eq(stats_of(&a).capacity, ps);
            uint8_t *p = arena_alloc_pages(&a, 1);
            cr_assert_not_null(p);
            cr_assert(p >= base && p + ps == base + min,
                      "the one page ends the minimal region");
            memset(p, 0xEE, ps);
            cr_assert_null(arena_alloc_pages(&a, 1));
            cr_assert_eq(arena_free_pages(&a, p, 1), 0);
            cr_assert_eq(arena_check(&a), 0);
            region_assert_guards("minimal region");
        }
    }
    /* Degenerate sizes. */
    struct arena a;
    uint8_t *base = region_make(0, 64, 0);
    cr_assert_eq(arena_init(&a, base, 0, 64), ARENA_ERR_TOO_SMALL);
    cr_assert_eq(arena_init(&a, base, 1, 64), ARENA_ERR_TOO_SMALL);
    cr_assert_eq(arena_init(&a, base, 64, 64), ARENA_ERR_TOO_SMALL);
    cr_assert_eq(arena_init(&a, base + 1, 63, 64), ARENA_ERR_TOO_SMALL);
}

/* Not a power of two, or below 64: ARENA_ERR_PAGE_SIZE, nothing touched. */
Test(arena_init, bad_page_sizes_refused)
{
    const size_t bad[] = {0, 1, 2, 4, 8, 16, 32,
                          48, 63, 65, 96, 100, 127, 129,
                          192, 1000, 4095, 4097, 12288, (size_t)3 << 20,
                          SIZE_MAX, SIZE_MAX / 2, (SIZE_MAX / 2 + 1) + 64};
    uint8_t *base = region_make(8, 65536, 0x22);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct arena a;
        memset(&a, 0x5A, sizeof a);
        snap_take_bytes(&a);
        int rc = arena_init(&a, base, 65536, bad[i]);
        cr_assert_eq(rc, ARENA_ERR_PAGE_SIZE, "page size %zu: init %d", bad[i],
                     rc);
        unsigned char want[sizeof a];
        memset(want, 0x5A, sizeof want);
        cr_assert(memcmp(&a, want, sizeof a) == 0, "failed init changed *a");
        snap_assert_region_unchanged("bad page size");
    }
}

/* Every power of two from 64 is a valid page size. */
Test(arena_init, power_of_two_page_sizes_accepted)
{
    for (size_t ps = 64; ps <= 65536; ps *= 2) {
        struct arena a;
        arena_make(&a, 0, 4 * ps, ps, 0);
        cr_assert_eq(stats_of(&a).page_size, ps);
        cr_assert_eq(arena_page_size(&a), ps);
        cr_assert_eq(arena_npages(&a), 3,
                     "4 pages of region: bitmap takes one");
        region_assert_guards("power of two page size");
    }
    /* A huge power of two is a valid size; the region is just too small. */
    struct arena a;
    uint8_t *base = region_make(0, 65536, 0);
    cr_assert_eq(arena_init(&a, base, 65536, (size_t)1 << 40),
                 ARENA_ERR_TOO_SMALL);
    cr_assert_eq(arena_init(&a, base, 65536, SIZE_MAX / 2 + 1),
                 ARENA_ERR_TOO_SMALL);
}

Test(arena_init, null_arguments_refused)
{
    uint8_t *base = region_make(0, 4096, 0x33);
    struct arena a;
    memset(&a, 0x6B, sizeof a);
    unsigned char before[sizeof a];
    memcpy(before, &a, sizeof a); /* bytes, padding included */
    snap_take_bytes(&a);
    cr_assert_eq(arena_init(NULL, base, 4096, 64), ARENA_ERR_ARG);
    cr_assert_eq(arena_init(&a, NULL, 4096, 64), ARENA_ERR_ARG);
    cr_assert(memcmp(&a, before, sizeof a) == 0, "failed init changed *a");
    snap_assert_region_unchanged("NULL arguments");
}

/*
 * A failed init of a live arena leaves it exactly as it was: same bytes, same
 * figures, and it goes on handing out pages where it would have.
 */
Test(arena_init, failed_init_leaves_live_arena_unchanged)
{
    struct arena a;
    uint8_t *base = arena_make(&a, 40, 64 * 50, 64, 0);
    uint8_t *p = arena_alloc_pages(&a, 3);
    cr_assert_not_null(p);
    cr_assert_eq(arena_free_pages(&a, p, 1), 0);
    cr_assert_null(arena_alloc_pages(&a, 0));
    snap_take(&a);
    cr_assert_eq(arena_init(&a, base, 64 * 50, 100), ARENA_ERR_PAGE_SIZE);
    snap_assert_unchanged(&a, "init with bad page size");
    cr_assert_eq(arena_init(&a, base, 10, 64), ARENA_ERR_TOO_SMALL);
    snap_assert_unchanged(&a, "init with region too small");
    cr_assert_eq(arena_init(&a, NULL, 64 * 50, 64), ARENA_ERR_ARG);
    snap_assert_unchanged(&a, "init with NULL base");
    cr_assert_eq(arena_alloc_pages(&a, 1), p, "first fit still sees page 0");
    cr_assert_eq(arena_alloc_pages(&a, 1), p + 3 * 64);
}

/* Init over garbage (or over a used arena) gives a fresh arena. */
Test(arena_init, init_over_garbage_is_fresh)
{
    struct arena a;
    memset(&a, 0xFF, sizeof a);
    size_t size = 64 * 40 + 5;
    uint8_t *base = region_make(3, size, 0xFF); /* bitmap area all ones too */
    cr_assert_eq(arena_init(&a, base, size, 64), 0);
    struct arena_stats s = stats_of(&a);
    struct layout l = layout_expect((uintptr_t)base, size, 64);
    struct arena_stats want = {
        .page_size = 64,
        .capacity = l.npages * 64,
        .overhead = size - l.npages * 64,
    };
    stats_assert_eq(&s, &want, "fresh arena over garbage");
    cr_assert_eq(arena_check(&a), 0);
    /* Every page free (and no fault injection left armed by the garbage). */
    cr_assert_eq((uintptr_t)arena_alloc_pages(&a, l.npages), l.pages);

    /*
     * Again over the used arena, with a sticky failure armed: counters and
     * pages start over, and the armed failure is gone with the old state.
     */
    cr_assert_null(arena_alloc_pages(&a, 1));
    arena_reset(&a);
    cr_assert_not_null(arena_alloc_pages(&a, 2));
    arena_fail_after(&a, 1, 1);
    cr_assert_eq(arena_init(&a, base, size, 64), 0);
    s = stats_of(&a);
    stats_assert_eq(&s, &want, "re-init of a used arena");
    cr_assert_eq((uintptr_t)arena_alloc_pages(&a, l.npages), l.pages);
    region_assert_guards("init over garbage");
}
