/* SPDX-License-Identifier: MIT */
/*
 * test_iter.c - iteration, by swiss.h's contract (Go's Iter semantics):
 * each entry present from start to end is visited exactly once; the loop
 * may delete (a deleted entry not yet reached is not visited), overwrite,
 * clear or insert; a write that replaces a table (a growth, a split, the
 * small map's first table, a reset) ends the iteration with
 * SWISS_ERR_CHANGED.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "swiss_testlib.h"

#define RANGE 13000

static unsigned visits[RANGE];

static void fill(struct swiss *m, uint64_t n)
{
    for (uint64_t k = 0; k < n; k++)
        cr_assert_eq(swiss_put_u64(m, k, k * 7), 0);
}

Test(iter, each_entry_once)
{
    static const size_t sizes[] = {0, 1, 5, 8, 9, 14, 15, 100, 896,
                                   897, 1300, 1800, 2400, 3000, 4000, 6000, 12000};
    struct arena *a = test_arena_new(1024, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t hint = 0; hint <= 8192; hint += 8192) {
            struct swiss m;
            cr_assert_eq(swiss_init(&m, &t, a, hint, i), 0);
            fill(&m, sizes[i]);
            for (int round = 0; round < 2; round++) {
                memset(visits, 0, sizeof visits);
                size_t stray;
                int err;
                size_t n = iter_count(&m, visits, RANGE, &stray, &err);
                cr_assert_eq(err, 0);
                cr_assert_eq(stray, 0);
                cr_assert_eq(n, sizes[i], "visited %zu of %zu", n, sizes[i]);
                for (uint64_t k = 0; k < sizes[i]; k++)
                    cr_assert_eq(visits[k], 1, "n %zu key %llu visited %u times", sizes[i],
                                 (unsigned long long)k, visits[k]);
            }
            swiss_reset(&m);
        }
    }
    test_arena_free(a);
}

/* Tables of different depths (one on several directory entries): the walk
 * must take each table once.  Filled until such a state, several times. */
Test(iter, each_entry_once_mixed_depths)
{
    struct arena *a = test_arena_new(1024, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (uint64_t seed = 0; seed < 3; seed++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, 0, seed), 0);
        uint64_t n = 0;
        for (int state = 0; state < 2; state++) {
            /* The first such state, then the first after 4,500 entries. */
            for (uint64_t until = state ? 4500 : 0; n < until; n++)
                cr_assert_eq(swiss_put_u64(&m, n, n * 7), 0);
            while (sstats(&m).tables == sstats(&m).dir_len) {
                cr_assert_eq(swiss_put_u64(&m, n, n * 7), 0);
                cr_assert_lt(++n, RANGE);
            }
            memset(visits, 0, sizeof visits);
            size_t stray;
            int err;
            cr_assert_eq(iter_count(&m, visits, RANGE, &stray, &err), n);
            cr_assert_eq(err + stray, 0);
            for (uint64_t k = 0; k < n; k++)
                cr_assert_eq(visits[k], 1, "key %llu visited %u times", (unsigned long long)k,
                             visits[k]);
        }
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* Values seen through the iterator are the stored ones, and writable. */
Test(iter, values_and_overwrite)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct swiss_type t = {.key_size = 3, .val_size = 5};
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    for (unsigned k = 0; k < 300; k++) {
        uint8_t key[3] = {(uint8_t)k, (uint8_t)(k >> 8), 0x11};
        uint8_t val[5] = {(uint8_t)k, 1, 2, 3, (uint8_t)(k >> 8)};
        cr_assert_eq(swiss_put(&m, key, val), 0);
    }
    struct swiss_iter it;
    const void *kp;
    void *vp;
    size_t n = 0;
    swiss_iter_init(&it, &m);
    while (swiss_iter_next(&it, &kp, &vp)) {
        const uint8_t *key = kp;
        uint8_t *val = vp;
        cr_assert_eq(val[0], key[0]);
        cr_assert_eq(val[4], key[1]);
        uint8_t nv[5] = {9, 9, 9, 9, key[0]};
        cr_assert_eq(swiss_put(&m, key, nv), 0, "overwrite during iteration");
        n++;
    }
    cr_assert_eq(swiss_iter_error(&it), 0);
    cr_assert_eq(n, 300);
    for (unsigned k = 0; k < 300; k++) {
        uint8_t key[3] = {(uint8_t)k, (uint8_t)(k >> 8), 0x11};
        const uint8_t *v = swiss_get(&m, key);
        cr_assert(v != NULL);
        cr_assert_eq(v[0], 9);
        cr_assert_eq(v[4], (uint8_t)k);
    }
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* Deleting the entry just visited: every entry still visited once. */
Test(iter, delete_current)
{
    static const size_t sizes[] = {8, 9, 500, 3000};
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, 0, i), 0);
        fill(&m, sizes[i]);
        memset(visits, 0, sizeof visits);
        struct swiss_iter it;
        const void *kp;
        size_t n = 0;
        swiss_iter_init(&it, &m);
        while (swiss_iter_next(&it, &kp, NULL)) {
            uint64_t k = load_u64(kp);
            cr_assert_lt(k, sizes[i]);
            visits[k]++;
            cr_assert(swiss_delete_u64(&m, k));
            n++;
            if (n % 97 == 0 || sizes[i] < 100)
                cr_assert_eq(swiss_check(&m), 0);
        }
        cr_assert_eq(swiss_iter_error(&it), 0);
        cr_assert_eq(n, sizes[i]);
        for (uint64_t k = 0; k < sizes[i]; k++)
            cr_assert_eq(visits[k], 1);
        cr_assert_eq(swiss_len(&m), 0);
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* Deleting entries not yet reached: they are not visited; the rest are,
 * once. */
Test(iter, delete_ahead)
{
    static const size_t sizes[] = {8, 40, 2000};
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, 0, i), 0);
        uint64_t n = sizes[i];
        fill(&m, n);
        memset(visits, 0, sizeof visits);
        static bool deleted[RANGE];
        memset(deleted, 0, sizeof deleted);
        struct swiss_iter it;
        const void *kp;
        bool first = true;
        swiss_iter_init(&it, &m);
        while (swiss_iter_next(&it, &kp, NULL)) {
            uint64_t k = load_u64(kp);
            cr_assert(!deleted[k], "visited key %llu deleted before", (unsigned long long)k);
            visits[k]++;
            if (first) { /* delete every other key, but not this one */
                for (uint64_t d = (k + 1) % 2; d < n; d += 2) {
                    cr_assert(swiss_delete_u64(&m, d));
                    deleted[d] = true;
                }
                first = false;
            }
        }
        cr_assert_eq(swiss_iter_error(&it), 0);
        for (uint64_t k = 0; k < n; k++)
            cr_assert_eq(visits[k], deleted[k] ? 0u : 1u, "key %llu", (unsigned long long)k);
        cr_assert_eq(swiss_check(&m), 0);
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* Inserting without a growth: old entries once each, new ones at most
 * once. */
Test(iter, insert_without_growth)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 8192, 2), 0);
    fill(&m, 1000);
    memset(visits, 0, sizeof visits);
    struct swiss_iter it;
    const void *kp;
    uint64_t next = 1000;
    swiss_iter_init(&it, &m);
    while (swiss_iter_next(&it, &kp, NULL)) {
        visits[load_u64(kp)]++;
        if (next < 3000)
            cr_assert_eq(swiss_put_u64(&m, next++, 0), 0);
    }
    cr_assert_eq(swiss_iter_error(&it), 0);
    cr_assert_eq(sstats(&m).grows + sstats(&m).splits, 0);
    for (uint64_t k = 0; k < 3000; k++)
        cr_assert_leq(visits[k], 1);
    for (uint64_t k = 0; k < 1000; k++)
        cr_assert_eq(visits[k], 1);
    test_arena_free(a);
}

Test(iter, clear_ends_the_walk)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (uint64_t n = 5; n <= 5000; n *= 10) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, 0, n), 0);
        fill(&m, n);
        struct swiss_iter it;
        swiss_iter_init(&it, &m);
        cr_assert(swiss_iter_next(&it, NULL, NULL));
        swiss_clear(&m);
        cr_assert(!swiss_iter_next(&it, NULL, NULL), "an entry after clear");
        cr_assert_eq(swiss_iter_error(&it), 0);
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* Visit one entry, then do what replaces a table: CHANGED, and no more
 * entries (even after further writes). */
static void changed_after(size_t before, size_t hint, int what)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, hint, 4), 0);
    fill(&m, before);
    struct swiss_stats s0 = sstats(&m);
    struct swiss_iter it;
    swiss_iter_init(&it, &m);
    cr_assert(swiss_iter_next(&it, NULL, NULL));
    if (what == 0) { /* insert until the table layout moves */
        uint64_t k = before;
        while (sstats(&m).capacity == s0.capacity && !sstats(&m).small == !s0.small)
            cr_assert_eq(swiss_put_u64(&m, k++, 0), 0);
    } else {
        swiss_reset(&m);
        fill(&m, before);
    }
    cr_assert(!swiss_iter_next(&it, NULL, NULL));
    cr_assert_eq(swiss_iter_error(&it), SWISS_ERR_CHANGED);
    cr_assert(!swiss_iter_next(&it, NULL, NULL));
    cr_assert_eq(swiss_iter_error(&it), SWISS_ERR_CHANGED);
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(iter, changed_by_first_table) { changed_after(8, 0, 0); }
Test(iter, changed_by_doubling) { changed_after(14, 0, 0); }
Test(iter, changed_by_doubling_mid) { changed_after(300, 0, 0); }
Test(iter, changed_by_split) { changed_after(896, 0, 0); }
Test(iter, changed_by_split_of_many) { changed_after(5000, 0, 0); }
Test(iter, changed_by_reset_small) { changed_after(3, 0, 1); }
Test(iter, changed_by_reset_tables) { changed_after(3000, 8192, 1); }

Test(iter, empty_and_null)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 100, 4), 0);
    struct swiss_iter it;
    swiss_iter_init(&it, &m);
    cr_assert(!swiss_iter_next(&it, NULL, NULL));
    cr_assert_eq(swiss_iter_error(&it), 0);
    swiss_iter_init(&it, NULL);
    cr_assert(!swiss_iter_next(&it, NULL, NULL));
    cr_assert_eq(swiss_iter_error(&it), 0);
    test_arena_free(a);
}
