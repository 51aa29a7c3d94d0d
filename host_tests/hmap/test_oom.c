/* SPDX-License-Identifier: MIT */
/*
 * test_oom.c - running out of pages.
 *
 * Rules (hmap.h): hmap_put that cannot get a page (a new array,
 * an overflow chunk) returns HMAP_ERR_NOMEM and leaves the map as it was:
 * every earlier entry with its value, no more pages held than before.
 * hmap_delete never fails for lack of pages (a growth step it cannot do is
 * skipped; the delete happens in place).  Once pages are available again
 * the map works.  Pages are denied two ways: tiny arenas whose free pages
 * the test holds itself, and arena_fail_after (the k-th allocation fails,
 * or every one from the k-th on).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

static bool stats_same(const struct hmap_stats *x, const struct hmap_stats *y)
{
    return x->len == y->len && x->B == y->B && x->buckets == y->buckets &&
           x->overflow == y->overflow && x->bytes == y->bytes &&
           x->growing == y->growing && x->old_buckets == y->old_buckets &&
           x->nevacuate == y->nevacuate &&
           x->spare_overflow == y->spare_overflow && x->grows == y->grows &&
           x->same_size_grows == y->same_size_grows &&
           x->shrinks == y->shrinks;
}

static void assert_u64_range(struct hmap *m, uint64_t from, uint64_t to,
                             uint64_t mul)
{
    for (uint64_t k = from; k < to; k++) {
        uint64_t v;
        cr_assert(get64(m, k, &v), "key %lu lost", (unsigned long)k);
        cr_assert_eq(v, k * mul, "key %lu value", (unsigned long)k);
    }
}

/* B = 0: the first put needs the one bucket's page. */
Test(oom, first_put)
{
    struct arena *a = test_arena_new(2, PAGE_4K);
    void *held[2];
    size_t n = test_arena_fill(a, held, 2);
    cr_assert_eq(n, 2);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    cr_assert_eq(put64(&m, 1, 10), HMAP_ERR_NOMEM);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert(!get64(&m, 1, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_release(a, held, 1);
    cr_assert_eq(put64(&m, 1, 10), 0);
    assert_u64_range(&m, 1, 2, 10);
    test_arena_free(a);
}

/* Doubling from B = 0 needs a second page while the first is held. */
Test(oom, doubling_b0)
{
    struct arena *a = test_arena_new(2, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 8; k++)
        cr_assert_eq(put64(&m, k, k * 10), 0);
    void *held[2];
    size_t n = test_arena_fill(a, held, 2);
    cr_assert_eq(n, 1);
    struct hmap_stats before = hstats(&m);
    size_t in_use = test_arena_in_use(a);

    cr_assert_eq(put64(&m, 8, 80), HMAP_ERR_NOMEM);
    struct hmap_stats s = hstats(&m);
    cr_assert(stats_same(&before, &s), "failed put changed the map");
    cr_assert_eq(test_arena_in_use(a), in_use);
    assert_u64_range(&m, 0, 8, 10);
    cr_assert(!get64(&m, 8, NULL));
    cr_assert_eq(hmap_check(&m), 0);

    /* Writes that need no page still work. */
    cr_assert_eq(put64(&m, 3, 30), 0);
    cr_assert(del64(&m, 5));
    cr_assert_eq(put64(&m, 100, 1000), 0); /* takes the freed slot */
    cr_assert_eq(hmap_len(&m), 8);
    cr_assert_eq(hstats(&m).bytes, PAGE_4K);
    cr_assert_eq(hmap_check(&m), 0);

    /* Pages back: the map grows. */
    test_arena_release(a, held, n);
    cr_assert_eq(put64(&m, 5, 50), 0);
    cr_assert_eq(put64(&m, 8, 80), 0);
    s = hstats(&m);
    cr_assert_eq(s.B, 1);
    cr_assert_eq(s.len, 10);
    assert_u64_range(&m, 0, 9, 10);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Doubling from B = 4: the new array (2 pages) does not fit beside the old
 * one; exact figures with ctl_hash. */
Test(oom, doubling_b4)
{
    struct arena *a = test_arena_new(2, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 104, 1), 0);
    for (uint64_t k = 0; k < 104; k++)
        cr_assert_eq(put64(&m, k, k * 10), 0);
    struct hmap_stats before = hstats(&m);
    for (int i = 0; i < 3; i++) { /* and again: still no harm done */
        cr_assert_eq(put64(&m, 104, 1040), HMAP_ERR_NOMEM);
        struct hmap_stats s = hstats(&m);
        cr_assert(stats_same(&before, &s), "failed put changed the map");
        cr_assert_eq(test_arena_in_use(a), PAGE_4K);
        assert_u64_range(&m, 0, 104, 10);
        cr_assert_eq(hmap_check(&m), 0);
    }
    test_arena_free(a);
}

/*
 * The insert that starts a growth gets the new array, but the evacuation it
 * must do next needs an overflow chunk it cannot get: the put fails and the
 * growth is taken back, so the map is exactly as before (same figures, no
 * growth under way, no extra page).  bucket0_hash, hint 208 (B = 5): 208
 * keys in one chain need 25 overflow buckets; doubled to B = 6, that chain
 * moves whole into new bucket 0, which has 21 spare overflow buckets: the
 * evacuation needs a chunk.  Pages denied by fillers, then by
 * arena_fail_after(2) (the array is allocation 1).
 */
static void grow_then_evacuation_fails(bool by_injection)
{
    struct arena *a = test_arena_new(32, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 208, 1), 0);
    for (uint64_t k = 0; k < 208; k++)
        cr_assert_eq(put64(&m, k, k * 10), 0);
    cr_assert_eq(expect_spare(6, 144, PAGE_4K), 21);
    struct hmap_stats before = hstats(&m);
    cr_assert_eq(before.overflow, 25);
    cr_assert(!before.growing);
    void *held[32];
    size_t n = 0;
    if (by_injection) {
        arena_fail_after(a, 2, 1);
    } else {
        /* Leave exactly the B = 6 array's 3 pages free, in one run. */
        n = test_arena_fill(a, held, 32);
        size_t need = expect_array_bytes(6, 144, PAGE_4K) / PAGE_4K;
        cr_assert(n > need);
        for (size_t i = 0; i + 1 < need; i++)
            cr_assert(held[i + 1] == (uint8_t *)held[i] + PAGE_4K);
        test_arena_release(a, held, need);
        memmove(held, held + need, (n - need) * sizeof held[0]);
        n -= need;
    }
    size_t in_use = test_arena_in_use(a);
    cr_assert_eq(put64(&m, 208, 2080), HMAP_ERR_NOMEM);
    struct hmap_stats s = hstats(&m);
    cr_assert(!s.growing, "a failed put left a growth under way");
    cr_assert_eq(s.grows, before.grows);
    cr_assert(stats_same(&before, &s), "failed put changed the map");
    cr_assert_eq(test_arena_in_use(a), in_use, "failed put kept pages");
    assert_u64_range(&m, 0, 208, 10);
    cr_assert(!get64(&m, 208, NULL));
    cr_assert_eq(hmap_check(&m), 0);

    arena_fail_after(a, 0, 0);
    test_arena_release(a, held, n);
    cr_assert_eq(put64(&m, 208, 2080), 0);
    s = hstats(&m);
    cr_assert_eq(s.B, 6);
    cr_assert_eq(s.grows, before.grows + 1);
    assert_u64_range(&m, 0, 209, 10);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

Test(oom, growth_undone_fillers) { grow_then_evacuation_fails(false); }
Test(oom, growth_undone_injection) { grow_then_evacuation_fails(true); }

/* Overflow chunk: 8-byte keys, 128-byte values (1104-byte buckets), B = 4:
 * a 5-page array with 2 spare overflow buckets.  All keys in bucket 0: the
 * 25th needs a third overflow bucket, from a new chunk. */
Test(oom, overflow_chunk)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 8, .val_size = 128, .hash = bucket0_hash};
    cr_assert_eq(hmap_init(&m, &t, a, 104, 1), 0);
    size_t bs = expect_bucket_size(8, 128);
    cr_assert_eq(hstats(&m).bytes, expect_array_bytes(4, bs, PAGE_4K));
    cr_assert_eq(hstats(&m).spare_overflow, 2);
    uint8_t val[128];
    for (uint64_t k = 0; k < 24; k++) {
        memset(val, (int)k, sizeof val);
        cr_assert_eq(hmap_put(&m, &k, val), 0);
    }
    cr_assert_eq(hstats(&m).overflow, 2);
    void *held[16];
    size_t n = test_arena_fill(a, held, 16);
    struct hmap_stats before = hstats(&m);
    size_t in_use = test_arena_in_use(a);

    uint64_t k24 = 24;
    memset(val, 24, sizeof val);
    cr_assert_eq(hmap_put(&m, &k24, val), HMAP_ERR_NOMEM);
    struct hmap_stats s = hstats(&m);
    cr_assert(stats_same(&before, &s), "failed put changed the map");
    cr_assert_eq(test_arena_in_use(a), in_use);
    cr_assert(hmap_get(&m, &k24) == NULL);
    for (uint64_t k = 0; k < 24; k++) {
        uint8_t *p = hmap_get(&m, &k);
        cr_assert(p != NULL);
        cr_assert(p[0] == (uint8_t)k && p[127] == (uint8_t)k);
    }
    cr_assert_eq(hmap_check(&m), 0);

    test_arena_release(a, held, n);
    cr_assert_eq(hmap_put(&m, &k24, val), 0);
    s = hstats(&m);
    cr_assert_eq(s.overflow, 3);
    cr_assert(s.bytes > before.bytes);
    cr_assert(hmap_get(&m, &k24) != NULL);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/*
 * arena_fail_after(k): the k-th allocation from now fails, once.  For each
 * k, insert keys until the put that hits it: that put fails cleanly, the
 * retry succeeds, and all the rest go in.  k runs up until a whole run makes
 * fewer than k allocations (how many the map makes is its own business).
 * Run with the built-in hash (array allocations) and with bucket0_hash
 * (chunk allocations as well, and evacuations that need them).
 */
static void fail_kth(uint64_t (*hash)(const void *, size_t, uint64_t),
                     unsigned kmin, uint64_t nkeys, const char *name)
{
    struct hmap_type t = type_u64(hash);
    unsigned k;
    for (k = 1; k < 1000; k++) {
        struct arena *a = test_arena_new(64, PAGE_4K);
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &t, a, 0, k), 0);
        arena_fail_after(a, k, 0);
        int failures = 0;
        for (uint64_t key = 0; key < nkeys; key++) {
            struct hmap_stats before = hstats(&m);
            int rc = put64(&m, key, key * 7);
            if (rc == HMAP_ERR_NOMEM) {
                failures++;
                struct hmap_stats s = hstats(&m);
                cr_assert_eq(s.len, before.len, "k %u", k);
                cr_assert(s.bytes <= before.bytes, "k %u", k);
                cr_assert_eq(s.bytes, test_arena_in_use(a));
                cr_assert(!get64(&m, key, NULL));
                assert_u64_range(&m, 0, key, 7);
                cr_assert_eq(hmap_check(&m), 0, "k %u", k);
                rc = put64(&m, key, key * 7); /* the injection is spent */
            }
            cr_assert_eq(rc, 0, "k %u key %lu", k, (unsigned long)key);
        }
        cr_assert(failures <= 1, "k %u: %d failures", k, failures);
        assert_u64_range(&m, 0, nkeys, 7);
        cr_assert_eq(hmap_check(&m), 0);
        size_t allocs;
        struct arena_stats as;
        arena_get_stats(a, &as);
        allocs = as.allocs;
        test_arena_free(a);
        if (failures == 0) {
            cr_assert(allocs < k, "k %u: %zu allocations, none failed", k,
                      allocs);
            break;
        }
    }
    TLOG("oom %s: a failure at each of the %u allocations of %lu inserts "
         "was survived\n",
         name, k - 1, (unsigned long)nkeys);
    cr_assert(k - 1 >= kmin, "only %u allocations", k - 1);
}

Test(oom, fail_kth_builtin) { fail_kth(NULL, 8, 1500, "built-in hash"); }
Test(oom, fail_kth_chains) { fail_kth(bucket0_hash, 7, 400, "one chain"); }

/* Sticky failure from the k-th allocation on: every put that needs a page
 * fails cleanly, deletes never fail, and when the injection is turned off
 * the map takes everything. */
Test(oom, sticky_failure)
{
    enum { N = 2000 };
    struct hmap_type t = type_u64(NULL);
    for (unsigned k = 1; k <= 6; k++) {
        struct arena *a = test_arena_new(64, PAGE_4K);
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &t, a, 0, k), 0);
        static bool has[N];
        memset(has, 0, sizeof has);
        arena_fail_after(a, k, 1);
        size_t fails = 0;
        for (uint64_t key = 0; key < N; key++) {
            struct hmap_stats before = hstats(&m);
            int rc = put64(&m, key, key * 7);
            if (rc == HMAP_ERR_NOMEM) {
                fails++;
                struct hmap_stats s = hstats(&m);
                cr_assert_eq(s.len, before.len);
                cr_assert(s.bytes <= before.bytes);
                cr_assert(!get64(&m, key, NULL));
            } else {
                cr_assert_eq(rc, 0);
                has[key] = true;
            }
            if (key % 3 == 0 && key > 0 && has[key - 1]) {
                cr_assert(del64(&m, key - 1), "delete failed");
                has[key - 1] = false;
            }
            if (key % 100 == 0)
                cr_assert_eq(hmap_check(&m), 0);
        }
        for (uint64_t key = 0; key < N; key++) {
            uint64_t v;
            cr_assert_eq(get64(&m, key, &v), has[key]);
            if (has[key])
                cr_assert_eq(v, key * 7);
        }
        cr_assert(fails > 0);
        arena_fail_after(a, 0, 0);
        for (uint64_t key = 0; key < N; key++)
            cr_assert_eq(put64(&m, key, key * 7), 0);
        assert_u64_range(&m, 0, N, 7);
        cr_assert_eq(hmap_check(&m), 0);
        test_arena_free(a);
    }
}

/*
 * A delete whose growth step needs a page.  lump_hash puts keys 0..55 in
 * bucket 5 (one 56-key chain, and bit 4 of their hash is 0, so all go to
 * new bucket 5 when it is evacuated); keys >= 1000 spread by their low bits.
 * With 1104-byte buckets the B = 5 array has 5 spare overflow buckets, and
 * the chain needs 6: evacuating old bucket 5 needs a chunk.  The doubling's
 * array allocation succeeds, every later one fails: deleting a chain key
 * (which evacuates bucket 5 first) must still succeed.
 */
static uint64_t lump_hash(const void *key, size_t len, uint64_t seed)
{
    (void)len;
    (void)seed;
    uint64_t k = load_u64(key);
    uint64_t low = k < 1000 ? 5 : (k & 0xffffffffull);
    return (tmix(k) & 0xffffffff00000000ull) | low;
}

enum { CHAIN_KEYS = 56 };

Test(oom, delete_when_evacuation_cannot_get_pages)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 8, .val_size = 128, .hash = lump_hash};
    cr_assert_eq(hmap_init(&m, &t, a, 104, 1), 0);
    cr_assert_eq(expect_spare(5, expect_bucket_size(8, 128), PAGE_4K), 5);
    uint8_t val[128];
    bool live[5000] = {false};
    uint64_t count = 0;
    for (uint64_t k = 0; k < CHAIN_KEYS; k++) {
        memset(val, (int)k, sizeof val);
        cr_assert_eq(hmap_put(&m, &k, val), 0);
        live[k] = true;
        count++;
    }
    for (uint64_t k = 1000; count < 104; k++) {
        if ((k & 15) == 5 || (k & 15) == 0)
            continue; /* keep bucket 5 the lump, bucket 0 free */
        memset(val, (int)k, sizeof val);
        cr_assert_eq(hmap_put(&m, &k, val), 0);
        live[k] = true;
        count++;
    }
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 4);
    cr_assert_eq(s.overflow, 6);
    cr_assert(!s.growing);

    /* The doubling: its array is allocation 1 and succeeds; every later
     * allocation fails. */
    arena_fail_after(a, 2, 1);
    uint64_t trigger = 4096; /* bucket 0 at B = 4 and B = 5 */
    memset(val, 0x40, sizeof val);
    cr_assert_eq(hmap_put(&m, &trigger, val), 0);
    live[trigger] = true;
    s = hstats(&m);
    cr_assert(s.growing);
    cr_assert_eq(s.B, 5);

    /* Delete every chain key: each must succeed although the evacuation of
     * bucket 5 cannot get its chunk. */
    for (uint64_t k = 0; k < CHAIN_KEYS; k++) {
        cr_assert(hmap_delete(&m, &k), "delete %lu failed for lack of pages",
                  (unsigned long)k);
        live[k] = false;
        cr_assert(hmap_get(&m, &k) == NULL);
        cr_assert_eq(hmap_check(&m), 0, "after deleting %lu",
                     (unsigned long)k);
        for (uint64_t j = k + 1; j < CHAIN_KEYS; j++) {
            uint8_t *p = hmap_get(&m, &j);
            cr_assert(p != NULL, "key %lu lost", (unsigned long)j);
            cr_assert_eq(p[0], (uint8_t)j);
        }
    }
    arena_fail_after(a, 0, 0);
    /* Finish the growth with new keys; everything left is intact. */
    for (uint64_t k = 2000; hstats(&m).growing; k++) {
        memset(val, (int)k, sizeof val);
        cr_assert_eq(hmap_put(&m, &k, val), 0);
        live[k] = true;
        cr_assert(k < 2100);
    }
    size_t n = 0;
    for (uint64_t k = 0; k < 5000; k++) {
        uint8_t *p = hmap_get(&m, &k);
        cr_assert_eq(p != NULL, live[k], "key %lu", (unsigned long)k);
        if (p != NULL) {
            cr_assert_eq(p[0], k == trigger ? 0x40 : (uint8_t)k);
            n++;
        }
    }
    cr_assert_eq(hmap_len(&m), n);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/*
 * Randomized: a 24-page arena, keys 0..2999 (more than it can hold), random
 * puts, deletes, gets, compacts, clears and resets, with fail injections
 * switched on and off.  Every NOMEM is checked: the model is unchanged, the
 * map holds no more bytes, len is the same, and hmap_check passes.
 */
Test(oom, randomized)
{
    enum {
        RANGE = 3000,
        OPS = 300000,
    };
    struct arena *a = test_arena_new(24, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 9), 0);
    static bool has[RANGE];
    static uint64_t val[RANGE];
    size_t count = 0, put_nomem = 0, puts = 0, compact_nomem = 0, dels = 0;
    size_t injections = 0, max_len = 0;
    struct trng r;
    trng_seed(&r, 99);
    for (size_t op = 0; op < OPS; op++) {
        unsigned dice = (unsigned)trng_below(&r, 1000);
        uint64_t k = trng_below(&r, RANGE), v = trng_next(&r);
        struct hmap_stats before = hstats(&m);
        if (dice < 550) {
            puts++;
            int rc = (v & 1) ? put64(&m, k, v) : hmap_put_u64(&m, k, v);
            if (rc == HMAP_ERR_NOMEM) {
                put_nomem++;
                struct hmap_stats s = hstats(&m);
                cr_assert_eq(s.len, before.len, "op %zu", op);
                cr_assert(s.bytes <= before.bytes, "op %zu: bytes %zu -> %zu",
                          op, before.bytes, s.bytes);
                uint64_t g;
                cr_assert_eq(get64(&m, k, &g), has[k], "op %zu", op);
                if (has[k])
                    cr_assert_eq(g, val[k], "op %zu: old value lost", op);
                cr_assert_eq(hmap_check(&m), 0, "op %zu", op);
            } else {
                cr_assert_eq(rc, 0, "op %zu: %d", op, rc);
                count += !has[k];
                has[k] = true;
                val[k] = v;
            }
        } else if (dice < 900) {
            dels++;
            cr_assert_eq(del64(&m, k), has[k], "op %zu: delete", op);
            count -= has[k];
            has[k] = false;
        } else if (dice < 980) {
            uint64_t g;
            cr_assert_eq(get64(&m, k, &g), has[k], "op %zu: get", op);
            if (has[k])
                cr_assert_eq(g, val[k]);
        } else if (dice < 985) {
            int rc = hmap_compact(&m);
            if (rc == HMAP_ERR_NOMEM) {
                compact_nomem++;
                struct hmap_stats s = hstats(&m);
                cr_assert(stats_same(&before, &s), "op %zu: failed compact "
                                                   "changed the map",
                          op);
            } else {
                cr_assert_eq(rc, 0);
            }
            cr_assert_eq(hmap_check(&m), 0);
        } else if (dice < 987) {
            hmap_clear(&m);
            memset(has, 0, sizeof has);
            count = 0;
            cr_assert_eq(hmap_check(&m), 0);
        } else if (dice < 988) {
            hmap_reset(&m);
            memset(has, 0, sizeof has);
            count = 0;
            cr_assert_eq(hstats(&m).bytes, 0);
        } else {
            /* Switch injection: off, once, or sticky. */
            unsigned how = (unsigned)(v % 3);
            arena_fail_after(a, how == 0 ? 0 : 1 + (v >> 8) % 3,
                             how == 2);
            injections += how != 0;
        }
        cr_assert_eq(hmap_len(&m), count, "op %zu", op);
        cr_assert_eq(hstats(&m).bytes, test_arena_in_use(a), "op %zu", op);
        if (count > max_len)
            max_len = count;
        if (op % 500 == 499)
            cr_assert_eq(hmap_check(&m), 0, "op %zu", op);
    }
    arena_fail_after(a, 0, 0);
    for (uint64_t k = 0; k < RANGE; k++) {
        uint64_t g;
        cr_assert_eq(get64(&m, k, &g), has[k]);
        if (has[k])
            cr_assert_eq(g, val[k]);
    }
    cr_assert_eq(hmap_check(&m), 0);
    TLOG("oom randomized: %d ops, %zu puts (%zu NOMEM), %zu deletes, %zu "
         "compacts NOMEM, %zu injections, max len %zu\n",
         OPS, puts,
         put_nomem, dels, compact_nomem, injections, max_len);
    cr_assert(put_nomem > 100, "the arena never ran out");
    test_arena_free(a);
}
