/* SPDX-License-Identifier: MIT */
/*
 * test_reseed.c - reseeding.
 * Rules (hmap.h): hmap_clear reseeds the hash, and so does a delete that
 * brings the count to 0, as Go's map does; the map stays usable either way.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

/* The order an iteration visits 64 keys in, as a fingerprint. */
static void visit_order(struct hmap *m, uint64_t *out, size_t n)
{
    struct hmap_iter it;
    const void *k;
    size_t i = 0;
    hmap_iter_init(&it, m);
    while (hmap_iter_next(&it, &k, NULL)) {
        cr_assert(i < n);
        out[i++] = load_u64(k);
    }
    cr_assert_eq(i, n);
}

/* Emptying the map (clear, or deleting every entry) reseeds it; that the
 * seed really changes is seen in the bucket bytes (test_layout.c).  Here:
 * round after round the emptied map keeps working, and iteration stays
 * exact. */
static void reseed_rounds(bool by_clear)
{
    enum {
        N = 64,
        ROUNDS = 8,
    };
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, N, 42), 0);
    uint64_t order[N];
    for (int r = 0; r < ROUNDS; r++) {
        for (uint64_t k = 0; k < N; k++)
            cr_assert_eq(put64(&m, k, k + (uint64_t)r), 0);
        visit_order(&m, order, N);
        bool seen[N] = {false};
        for (size_t i = 0; i < N; i++) {
            cr_assert(order[i] < N && !seen[order[i]]);
            seen[order[i]] = true;
        }
        for (uint64_t k = 0; k < N; k++) {
            uint64_t v;
            cr_assert(get64(&m, k, &v));
            cr_assert_eq(v, k + (uint64_t)r);
        }
        cr_assert_eq(hmap_check(&m), 0);
        if (by_clear) {
            hmap_clear(&m);
        } else {
            for (uint64_t k = 0; k < N; k++)
                cr_assert(del64(&m, k));
        }
        cr_assert_eq(hmap_len(&m), 0);
        cr_assert_eq(hstats(&m).bytes, expect_array_bytes(4, 144, PAGE_4K));
        cr_assert_eq(hmap_check(&m), 0);
    }
    test_arena_free(a);
}

Test(reseed, by_clear) { reseed_rounds(true); }
Test(reseed, by_deleting_every_key) { reseed_rounds(false); }
