/* SPDX-License-Identifier: MIT */
/*
 * test_fit.c - hmap_entries_fit: how many entries a fill from empty reaches
 * in some bytes of arena.  What it promises is checked by doing it: a fresh
 * map in an arena of that many bytes takes that many new keys.  Small cases
 * are worked out by hand (4 KiB pages, 8-byte keys and values: 144-byte
 * buckets).
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "hmap_testlib.h"

static const size_t MIB = 1024 * 1024;

/* Capacity of an arena laid over `bytes` (its bitmap takes a page). */
static size_t capacity_of(const struct arena *a)
{
    struct arena_stats s;
    arena_get_stats(a, &s);
    return s.capacity;
}

/* An 8/8 map (built-in hash) with hint and seed, in an arena of `pages`
 * pages of 4 KiB; the arena, to free with test_arena_free. */
static struct arena *rig(struct hmap *m, size_t pages, size_t hint, uint64_t seed)
{
    static struct hmap_type t;
    t = type_u64(NULL);
    struct arena *a = test_arena_new(pages, PAGE_4K);
    cr_assert_eq(hmap_init(m, &t, a, hint, seed), 0);
    return a;
}

/* Keys 0..n-1 (ordered: false) or n random distinct-enough 64-bit keys:
 * how many went in before the first failure (n when all did). */
static size_t fill(struct hmap *m, size_t n, bool random, uint64_t seed)
{
    struct trng r;
    trng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        uint64_t k = random ? trng_next(&r) : i;
        if (put64(m, k, i) != 0)
            return i;
    }
    return n;
}

Test(fit, null_and_too_small)
{
    struct hmap m;
    struct arena *a = rig(&m, 4, 0, 1);
    cr_assert_eq(hmap_entries_fit(NULL, 1 << 20), 0);
    cr_assert_eq(hmap_entries_fit(&m, 0), 0);
    cr_assert_eq(hmap_entries_fit(&m, PAGE_4K - 1), 0, "not even the first array's page");
    test_arena_free(a);
}

/* By hand, hint 0.  An array of 2^B buckets (and 2^(B-4) more from B = 4)
 * in whole pages: B = 0..4 one page each.  A fill to 2^B buckets holds every
 * array it grew through (each new one is taken while the old is held, and
 * lands beyond those before it), and chunk pages for the overflow buckets
 * its chains can need: one per 8 entries past the first 8, 27 to a page.
 *   B = 0:  8 entries; 1 page, no overflow                       -> 1 page
 *   B = 1: 13 entries; 1 + 1 pages, 1 overflow (1 chunk page)    -> 3 pages
 *   B = 2: 26 entries; 1 + 1 + 1, 3 overflow (1 chunk page)      -> 4 pages
 *   B = 3: 52 entries; 4 arrays, 6 overflow (1 chunk page)       -> 5 pages
 */
Test(fit, small_cases_by_hand)
{
    struct hmap m;
    struct arena *a = rig(&m, 4, 0, 1);
    size_t in_use = test_arena_in_use(a);
    static const struct {
        size_t pages, entries;
    } cases[] = {{1, 8}, {2, 8}, {3, 13}, {4, 26}, {5, 52}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_eq(hmap_entries_fit(&m, cases[i].pages * PAGE_4K), cases[i].entries,
                     "%zu pages: want %zu entries, got %zu", cases[i].pages, cases[i].entries,
                     hmap_entries_fit(&m, cases[i].pages * PAGE_4K));
    /* A part page counts for nothing. */
    cr_assert_eq(hmap_entries_fit(&m, 3 * PAGE_4K - 1), 8);
    cr_assert_eq(test_arena_in_use(a), in_use, "it only computes");
    test_arena_free(a);
}

/* What fit promises, done: a fresh map in an arena of that capacity takes
 * that many new keys, for sizes from 2 pages to 48 MiB, ordered keys (the
 * console's fill) and random ones; and, from 1 MiB, it is not far below
 * what the fill really reaches (under a quarter of it). */
Test(fit, a_fill_from_empty_reaches_it, .timeout = 120)
{
    size_t checked = 0;
    for (size_t pages = 2; pages <= 48 * MIB / PAGE_4K; pages = pages * 5 / 4 + 1) {
        for (int random = 0; random < 2; random++) {
            struct hmap m;
            struct arena *a = rig(&m, pages, 0, 0x7469646500000001ULL + pages);
            size_t want = hmap_entries_fit(&m, capacity_of(a));
            size_t got = fill(&m, want, random, pages);
            cr_assert_eq(got, want, "%zu pages (%s keys): fit says %zu, the fill stopped at %zu",
                         pages, random ? "random" : "ordered", want, got);
            /* Below a few hundred pages the arrays are a page or two and
             * reuse each other's room, which fit does not count on. */
            size_t reached = want + fill(&m, SIZE_MAX, random, pages ^ 0x5eed);
            if (pages >= 256)
                cr_assert_lt(reached, 4 * want,
                             "%zu pages: fit says %zu, a fill reaches %zu: far too low", pages,
                             want, reached);
            cr_assert_eq(hmap_check(&m), 0);
            test_arena_free(a);
            checked++;
        }
    }
    TLOG("fit: a fill from empty reached hmap_entries_fit in %zu arenas of 2 pages to 48 MiB\n",
         checked);
}

/* More bytes never fit fewer entries; the answers are load limits. */
Test(fit, grows_with_the_bytes_in_load_limit_steps)
{
    struct hmap m;
    struct arena *a = rig(&m, 4, 0, 1);
    size_t last = 0;
    for (size_t bytes = PAGE_4K; bytes < (size_t)1 << 40; bytes += bytes / 7 + PAGE_4K) {
        size_t n = hmap_entries_fit(&m, bytes);
        cr_assert_geq(n, last, "%zu bytes fit %zu entries, fewer than less did (%zu)", bytes, n,
                      last);
        unsigned B = expect_B(n);
        cr_assert(n == 8 || n == 13 * ((size_t)1 << B) / 2, "%zu is not a load limit", n);
        last = n;
    }
    cr_assert_gt(last, 1000000000, "a terabyte fits more than a billion entries");
    test_arena_free(a);
}

/* A hint makes the first array larger: nothing smaller is counted, and what
 * a fill reaches from it still fits. */
Test(fit, a_map_with_a_hint)
{
    struct hmap m;
    struct arena *a = rig(&m, 3 * MIB / PAGE_4K, 8192, 7);
    size_t want = hmap_entries_fit(&m, capacity_of(a));
    cr_assert_geq(want, 8192 + 1, "3 MiB holds more than the hint's 8192");
    /* Fewer bytes than the hint's array (77 pages) fit nothing. */
    cr_assert_eq(hmap_entries_fit(&m, 76 * PAGE_4K), 0);
    cr_assert_eq(fill(&m, want, false, 0), want);
    test_arena_free(a);
}

/* However many bytes are asked about, up to the whole address space, the
 * answer stays under hmap_entries_upper_bound and holds no more entries than
 * their keys and values alone would fill. */
Test(fit, never_more_than_the_bytes_hold)
{
    static const size_t sizes[][2] = {{8, 8}, {1, 0}, {128, 128}, {64, 128}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct hmap_type t = {.key_size = sizes[i][0], .val_size = sizes[i][1]};
        struct arena *a = test_arena_new(4, PAGE_4K);
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
        size_t entry = sizes[i][0] + sizes[i][1];
        for (size_t bytes = SIZE_MAX; bytes > 0; bytes /= 3) {
            size_t n = hmap_entries_fit(&m, bytes);
            cr_assert_leq(n, hmap_entries_upper_bound(&m, bytes), "%zu bytes", bytes);
            cr_assert_leq(n, bytes / entry, "%zu/%zu-byte entries: %zu bytes said to fit %zu",
                          sizes[i][0], sizes[i][1], bytes, n);
        }
        test_arena_free(a);
    }
}
