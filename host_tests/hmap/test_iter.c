/* SPDX-License-Identifier: MIT */
/*
 * test_iter.c - iteration.
 * Rules (hmap.h): each live entry is visited exactly once, also during a
 * growth (a write during one ends it: test_misuse.c); the pointer
 * hmap_get returns stays valid until the next write, and writing through it
 * changes the stored value.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

static void assert_iter_exact(struct hmap *m, const bool *live, size_t range)
{
    unsigned *visits = calloc(range, sizeof *visits);
    cr_assert(visits != NULL);
    size_t stray = 0;
    int err = 1;
    size_t n = iter_count_u64(m, visits, range, &stray, &err);
    cr_assert_eq(err, 0);
    cr_assert_eq(stray, 0);
    cr_assert_eq(n, hmap_len(m), "visited %zu of %zu", n, hmap_len(m));
    for (size_t k = 0; k < range; k++)
        cr_assert_eq(visits[k], live[k] ? 1u : 0u, "key %zu visited %u times",
                     k, visits[k]);
    free(visits);
}

/* Iterate after every write of a run that grows the map several times and
 * deletes in between: exactly once each, growing or not. */
Test(iter, exactly_once_through_growths)
{
    enum { RANGE = 1200 };
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 31), 0);
    bool live[RANGE] = {false};
    assert_iter_exact(&m, live, RANGE);
    size_t mid_growth = 0;
    for (uint64_t k = 0; k < RANGE; k++) {
        cr_assert_eq(put64(&m, k, k), 0);
        live[k] = true;
        if (k % 3 == 2) {
            cr_assert(del64(&m, k - 1));
            live[k - 1] = false;
        }
        if (hstats(&m).growing || k % 50 == 0) {
            mid_growth += hstats(&m).growing;
            assert_iter_exact(&m, live, RANGE);
        }
    }
    TLOG("iter: exact iterations checked in %zu mid-growth states\n",
         mid_growth);
    cr_assert(mid_growth > 20, "only %zu mid-growth states", mid_growth);
    test_arena_free(a);
}

/* The values the iterator hands out are the stored ones; NULL key or value
 * pointers are allowed. */
Test(iter, values_and_null_outputs)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 31), 0);
    for (uint64_t k = 0; k < 300; k++)
        cr_assert_eq(put64(&m, k, k * k), 0);
    struct hmap_iter it;
    const void *kp;
    void *vp;
    size_t n = 0;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, &kp, &vp)) {
        cr_assert_eq(load_u64(vp), load_u64(kp) * load_u64(kp));
        n++;
    }
    cr_assert_eq(n, 300);
    n = 0;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, NULL, NULL))
        n++;
    cr_assert_eq(n, 300);
    cr_assert_eq(hmap_iter_error(&it), 0);
    cr_assert(!hmap_iter_next(&it, NULL, NULL), "next after the end");
    test_arena_free(a);
}

/* The pointer from hmap_get is the stored value: writing through it
 * changes what the map holds. */
Test(iter, get_pointer_writes_through)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 31), 0);
    cr_assert_eq(put64(&m, 42, 1), 0);
    uint64_t k = 42;
    void *p = hmap_get(&m, &k);
    cr_assert(p != NULL);
    store_u64(p, 99);
    uint64_t v;
    cr_assert(get64(&m, 42, &v));
    cr_assert_eq(v, 99);
    cr_assert(hmap_get_u64(&m, 42, &v));
    cr_assert_eq(v, 99);
    test_arena_free(a);
}
