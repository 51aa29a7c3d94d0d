/* SPDX-License-Identifier: MIT */
/*
 * test_fast64.c - the 8-byte fast paths and the built-in hash.
 *
 * Rules (hmap.h): hmap_put_u64 / hmap_get_u64 / hmap_delete_u64 have the
 * contracts of the generic calls, on maps with 8-byte keys and values and
 * the built-in hash and equality; on any other map they return
 * HMAP_ERR_SIZE / false.  The built-in hash is seeded and 64-bit, "a good
 * hash, not a toy".
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"
#include "fast64_inline.h"

/* Generic and fast calls mixed at random on one map, against a model. */
Test(fast64, agrees_with_generic)
{
    enum {
        RANGE = 2000,
        OPS = 300000,
    };
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 2024), 0);
    static bool has[RANGE];
    static uint64_t val[RANGE];
    struct trng r;
    trng_seed(&r, 17);
    size_t count = 0, n_ops[6] = {0};
    for (size_t op = 0; op < OPS; op++) {
        uint64_t k = trng_below(&r, RANGE);
        uint64_t v = trng_next(&r);
        unsigned kind = (unsigned)trng_below(&r, 6);
        n_ops[kind]++;
        uint64_t got = 0;
        switch (kind) {
        case 0:
            cr_assert_eq(hmap_put_u64(&m, k, v), 0);
            count += !has[k];
            has[k] = true;
            val[k] = v;
            break;
        case 1:
            cr_assert_eq(put64(&m, k, v), 0);
            count += !has[k];
            has[k] = true;
            val[k] = v;
            break;
        case 2:
            cr_assert_eq(hmap_get_u64(&m, k, &got), has[k], "op %zu", op);
            if (has[k])
                cr_assert_eq(got, val[k]);
            break;
        case 3:
            cr_assert_eq(get64(&m, k, &got), has[k], "op %zu", op);
            if (has[k])
                cr_assert_eq(got, val[k]);
            break;
        case 4:
            cr_assert_eq(hmap_delete_u64(&m, k), has[k], "op %zu", op);
            count -= has[k];
            has[k] = false;
            break;
        default:
            cr_assert_eq(del64(&m, k), has[k], "op %zu", op);
            count -= has[k];
            has[k] = false;
            break;
        }
        cr_assert_eq(hmap_len(&m), count);
        if (op % 1000 == 999) {
            cr_assert_eq(hmap_check(&m), 0, "op %zu", op);
            cr_assert_eq(hstats(&m).bytes, test_arena_in_use(a));
        }
    }
    for (uint64_t k = 0; k < RANGE; k++) {
        uint64_t g1 = 0, g2 = 0;
        cr_assert_eq(hmap_get_u64(&m, k, &g1), has[k]);
        cr_assert_eq(get64(&m, k, &g2), has[k]);
        if (has[k])
            cr_assert(g1 == val[k] && g2 == val[k]);
    }
    cr_assert_eq(hmap_check(&m), 0);
    TLOG("fast64: %d mixed ops: put_u64 %zu, put %zu, get_u64 %zu, get %zu, "
         "delete_u64 %zu, delete %zu; final len %zu\n",
         OPS, n_ops[0],
         n_ops[1], n_ops[2], n_ops[3], n_ops[4], n_ops[5], count);
    test_arena_free(a);
}

/* The fast writes do the growth work of the generic ones; the fast read
 * does none. */
Test(fast64, growth_work)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 2024), 0);
    uint64_t n = 0;
    while (hstats(&m).B < 6 || !hstats(&m).growing) {
        cr_assert_eq(hmap_put_u64(&m, n, n + 1), 0);
        n++;
    }
    size_t writes = 1;
    uint64_t del = 0;
    while (hstats(&m).growing) {
        size_t nev = hstats(&m).nevacuate;
        for (uint64_t k = 0; k < n; k++) {
            uint64_t v;
            cr_assert_eq(hmap_get_u64(&m, k, &v), k >= del);
            if (k >= del)
                cr_assert_eq(v, k + 1);
        }
        cr_assert_eq(hstats(&m).nevacuate, nev, "get_u64 evacuated");
        if (writes % 2) {
            cr_assert_eq(hmap_put_u64(&m, n, n + 1), 0);
            n++;
        } else {
            cr_assert(hmap_delete_u64(&m, del++));
        }
        writes++;
        if (hstats(&m).growing)
            cr_assert(hstats(&m).nevacuate > nev, "fast write %zu did not "
                                                  "evacuate",
                      writes);
        cr_assert(writes <= 32);
        cr_assert_eq(hmap_check(&m), 0);
    }
    cr_assert(writes >= 16, "32 old buckets moved in %zu writes", writes);
    cr_assert_eq(hstats(&m).bytes, test_arena_in_use(a));
    test_arena_free(a);
}

static void assert_refused(const struct hmap_type *t, const char *what)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    cr_assert_eq(hmap_init(&m, t, a, 0, 1), 0);
    uint8_t key[16] = {1}, val[16] = {2};
    cr_assert_eq(hmap_put(&m, key, val), 0);
    struct hmap_stats before = hstats(&m);
    uint64_t out = 0x1234;
    cr_assert_eq(hmap_put_u64(&m, 5, 6), HMAP_ERR_SIZE, "%s", what);
    cr_assert(!hmap_get_u64(&m, 5, &out), "%s", what);
    cr_assert_eq(out, 0x1234, "%s: get_u64 wrote *val", what);
    uint64_t k1 = load_u64(key); /* key {1, 0...}: as a u64 it is 1 */
    cr_assert(!hmap_get_u64(&m, k1, NULL), "%s", what);
    cr_assert(!hmap_delete_u64(&m, k1), "%s", what);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.len, before.len);
    cr_assert_eq(s.bytes, before.bytes);
    cr_assert(hmap_get(&m, key) != NULL, "%s: entry gone", what);
    test_arena_free(a);
}

static bool my_equal(const void *a, const void *b, size_t len)
{
    return memcmp(a, b, len) == 0;
}

/* The next key, from *k on, whose built-in hash under seed selects bucket j
 * of 2^B. */
static uint64_t key_in_bucket(uint64_t *k, unsigned j, unsigned B, uint64_t seed)
{
    while ((hmap_hash_bytes(k, sizeof *k, seed) & (((uint64_t)1 << B) - 1)) != j)
        (*k)++;
    return (*k)++;
}

/*
 * Overflow buckets that the 8-byte insert links from the spares, with
 * deletes keeping the count low, until there are as many as buckets: then
 * the next new key grows the map at the same size (Go's
 * tooManyOverflowBuckets), as through the general insert.
 */
Test(fast64, spare_overflow_then_same_size_growth)
{
    enum {
        SEED = 5,
        B = 2,
    };
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 20, SEED), 0);
    cr_assert_eq(hstats(&m).B, B);
    uint64_t k = 0;
    for (unsigned j = 0; j < (1u << B); j++) {
        uint64_t keys[9];
        for (unsigned i = 0; i < 9; i++) /* the 9th needs an overflow bucket */
            cr_assert_eq(hmap_put_u64(&m, keys[i] = key_in_bucket(&k, j, B, SEED), i), 0);
        for (unsigned i = 0; i < 8; i++)
            cr_assert(hmap_delete_u64(&m, keys[i]));
        struct hmap_stats st = hstats(&m);
        cr_assert_eq(st.overflow, j + 1);
        cr_assert_eq(st.len, j + 1);
        cr_assert_eq(st.same_size_grows, 0);
        cr_assert_eq(hmap_check(&m), 0, "after bucket %u", j);
    }
    cr_assert_eq(hmap_put_u64(&m, key_in_bucket(&k, 0, B, SEED), 1), 0);
    struct hmap_stats st = hstats(&m);
    cr_assert_eq(st.same_size_grows, 1);
    cr_assert_eq(st.B, B);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

Test(fast64, refused_on_other_maps)
{
    struct hmap_type t;
    t = (struct hmap_type){.key_size = 4, .val_size = 8};
    assert_refused(&t, "4/8");
    t = (struct hmap_type){.key_size = 8, .val_size = 4};
    assert_refused(&t, "8/4");
    t = (struct hmap_type){.key_size = 8, .val_size = 0};
    assert_refused(&t, "8/0");
    t = (struct hmap_type){.key_size = 16, .val_size = 16};
    assert_refused(&t, "16/16");
    t = (struct hmap_type){.key_size = 8, .val_size = 8, .hash = ctl_hash};
    assert_refused(&t, "8/8 custom hash");
    t = (struct hmap_type){.key_size = 8, .val_size = 8, .equal = my_equal};
    assert_refused(&t, "8/8 custom equal");
}

Test(fast64, nomem_and_null_val)
{
    struct arena *a = test_arena_new(1, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 8; k++)
        cr_assert_eq(hmap_put_u64(&m, k, k * 2), 0);
    cr_assert_eq(hmap_put_u64(&m, 8, 16), HMAP_ERR_NOMEM);
    cr_assert_eq(hmap_len(&m), 8);
    cr_assert_eq(hstats(&m).bytes, PAGE_4K);
    cr_assert(!hmap_get_u64(&m, 8, NULL));
    for (uint64_t k = 0; k < 8; k++) {
        uint64_t v;
        cr_assert(hmap_get_u64(&m, k, &v));
        cr_assert_eq(v, k * 2);
        cr_assert(hmap_get_u64(&m, k, NULL));
    }
    /* An overwrite needs no page. */
    cr_assert_eq(hmap_put_u64(&m, 3, 33), 0);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* hmap_get_u64 is defined inline in the header and exported by the library:
 * a call through its address (the library's copy) answers as the inlined
 * lookup (fast64_inline.c, compiled at -O2 so that it is inlined in every
 * build), in the fast path (fast_ready), mid-growth (the slow path) and for
 * a NULL map.  hmap_fast64_broken_export runs this test with the exported
 * symbol answering wrongly, and must fail. */
Test(fast64, exported_lookup_agrees_with_inline)
{
    bool (*volatile exported)(struct hmap *, uint64_t, uint64_t *) = hmap_get_u64;
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 99), 0);
    bool saw_growth = false, saw_ready = false;
    for (uint64_t k = 0; k < 3000; k++) {
        cr_assert_eq(hmap_put_u64(&m, k * 31, k), 0);
        saw_growth |= hstats(&m).growing;
        saw_ready |= m.fast_ready != 0;
        for (uint64_t j = k; j <= k + 1; j++) { /* one present, one absent */
            uint64_t v1 = 7, v2 = 7;
            bool in = fast64_lookup_inline(&m, j * 31, &v1);
            cr_assert_eq(exported(&m, j * 31, &v2), in,
                         "inline and exported lookups differ: key %lu", (unsigned long)j);
            cr_assert_eq(v1, v2, "inline and exported lookups differ: key %lu's value",
                         (unsigned long)j);
            cr_assert_eq(in, j == k);
        }
    }
    cr_assert(saw_growth && saw_ready);
    cr_assert(!fast64_lookup_inline(NULL, 1, NULL));
    cr_assert(!exported(NULL, 1, NULL));
    cr_assert(!exported(NULL, 1, NULL));
    test_arena_free(a);
}
