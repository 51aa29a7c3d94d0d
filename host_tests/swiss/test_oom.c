/* SPDX-License-Identifier: MIT */
/*
 * test_oom.c - running out of pages at every allocation point.
 *
 * Rule (swiss.h): a put or an init that cannot get its pages returns
 * SWISS_ERR_NOMEM and leaves every entry and every page as it was (the one
 * exception, a put that already split once with a hash that sends 897 keys
 * to the same top bits, keeps the halves: tested on its own).  Writes
 * that need no page (overwrites, deletes, clear, pruning) work while the
 * arena refuses everything.
 *
 * Each write of a workload runs under arena_fail_after(a, k, sticky) for
 * k = 1, 2, ... until it succeeds: every failure is checked against a
 * snapshot (every figure of swiss_get_stats, the arena's in_use and
 * checks, swiss_check, every entry of a reference), and then the same map
 * goes on, so the guarantee is what makes the next try meaningful.
 * Odd writes use a sticky failure (every allocation from the k-th on
 * fails), even ones a single failure (only the k-th).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

#define MAX_KEYS 6000

struct ref {
    struct swiss *m;
    struct arena *a;
    size_t ks, vs;
    bool has[MAX_KEYS];
    uint8_t salt[MAX_KEYS];
    size_t len;
    size_t failures, writes, max_k;
    bool refused[MAX_KEYS]; /* the put of key i was refused at least once */
};

static void make_key(const struct ref *r, uint8_t *k, size_t i)
{
    for (size_t j = 0; j < r->ks; j++)
        k[j] = (uint8_t)(j < 2 ? i >> (8 * j) : i * 31 + j);
    if (r->ks == 1)
        k[0] = (uint8_t)i;
}

static void make_val(const struct ref *r, uint8_t *v, size_t i, uint8_t salt)
{
    for (size_t j = 0; j < r->vs; j++)
        v[j] = (uint8_t)(i + salt * 3 + j);
}

static bool stats_equal(const struct swiss_stats *x, const struct swiss_stats *y)
{
    return x->len == y->len && x->tables == y->tables && x->global_depth == y->global_depth &&
           x->dir_len == y->dir_len && x->groups == y->groups && x->capacity == y->capacity &&
           x->tombstones == y->tombstones && x->growth_left == y->growth_left &&
           x->bytes == y->bytes && x->alloc_bytes == y->alloc_bytes && x->small == y->small &&
           x->group_size == y->group_size && x->grows == y->grows && x->splits == y->splits &&
           x->dir_grows == y->dir_grows && x->prunes == y->prunes && x->misuse == y->misuse;
}

static void verify(struct ref *r)
{
    cr_assert_eq(swiss_check(r->m), 0, "swiss_check %d", swiss_check(r->m));
    cr_assert_eq(arena_check(r->a), 0);
    cr_assert_eq(swiss_len(r->m), r->len);
    cr_assert_eq(sstats(r->m).bytes, test_arena_in_use(r->a));
    uint8_t k[128], v[128];
    size_t distinct = r->ks == 1 ? 256 : MAX_KEYS;
    for (size_t i = 0; i < distinct; i++) {
        if (!r->has[i] && i % 17 != 0)
            continue; /* absent keys: a sample */
        make_key(r, k, i);
        const uint8_t *got = swiss_get(r->m, k);
        cr_assert_eq(got != NULL, r->has[i], "key %zu: present %d", i, got != NULL);
        if (got != NULL && r->vs != 0) {
            make_val(r, v, i, r->salt[i]);
            cr_assert_eq(memcmp(got, v, r->vs), 0, "key %zu: value", i);
        }
    }
}

/* Put key i with a new salt under fault injection until it succeeds. */
static void armed_put(struct ref *r, size_t i, uint8_t salt)
{
    uint8_t k[128], v[128];
    make_key(r, k, i);
    make_val(r, v, i, salt);
    int sticky = (int)(r->writes++ % 2);
    for (size_t fail_at = 1;; fail_at++) {
        struct swiss_stats before = sstats(r->m);
        size_t in_use = test_arena_in_use(r->a);
        arena_fail_after(r->a, fail_at, sticky);
        int rc = swiss_put(r->m, k, r->vs ? v : NULL);
        arena_fail_after(r->a, 0, 0);
        if (rc == 0) {
            if (fail_at > r->max_k)
                r->max_k = fail_at;
            break;
        }
        cr_assert_eq(rc, SWISS_ERR_NOMEM, "put of key %zu: rc %d", i, rc);
        r->failures++;
        r->refused[i] = true;
        struct swiss_stats after = sstats(r->m);
        cr_assert(stats_equal(&before, &after),
                  "failed put of key %zu (fail at %zu, sticky %d) changed the map: len %zu->%zu "
                  "tables %zu->%zu bytes %zu->%zu",
                  i, fail_at, sticky, before.len, after.len, before.tables, after.tables,
                  before.bytes, after.bytes);
        cr_assert_eq(test_arena_in_use(r->a), in_use, "failed put kept pages");
        verify(r);
        cr_assert_lt(fail_at, 64u, "put of key %zu never succeeds", i);
    }
    if (!r->has[i])
        r->len++;
    r->has[i] = true;
    r->salt[i] = salt;
}

static struct ref *ref_new(struct swiss *m, struct arena *a, size_t ks, size_t vs)
{
    static struct ref r;
    memset(&r, 0, sizeof r);
    r.m = m;
    r.a = a;
    r.ks = ks;
    r.vs = vs;
    return &r;
}

/* Put keys 0..n-1 one after another, each under injection, with a full
 * check at every layout change. */
static struct swiss_stats grow_under_injection(size_t ks, size_t vs, size_t hint, size_t n,
                                               size_t pages)
{
    struct arena *a = test_arena_new(pages, PAGE_4K);
    struct swiss_type t = {.key_size = ks, .val_size = vs};
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, hint, 77), 0);
    struct ref *r = ref_new(&m, a, ks, vs);
    for (size_t i = 0; i < n; i++) {
        size_t f = r->failures;
        armed_put(r, i, 1);
        if (r->failures != f)
            verify(r);
    }
    struct swiss_stats s = sstats(&m);
    cr_assert_gt(r->failures, 0);
    if (hint == 0) {
        /* The allocation points the workload must have met. */
        cr_assert(r->refused[0], "the first put (the small map's group) was not refused");
        cr_assert(r->refused[8], "the 9th insert (first table, directory) was not refused");
        cr_assert_geq(s.grows, 1);
    }
    verify(r);
    SLOG("oom %zu/%zu hint %zu: %zu puts, %zu refused (at most %zu allocations a put), "
         "%zu tables, %zu splits, %zu dir doublings\n",
         ks, vs, hint, n, r->failures, r->max_k - 1, s.tables, s.splits, s.dir_grows);
    /* Overwrites of every key: no page needed. */
    arena_fail_after(a, 1, 1);
    for (size_t i = 0; i < n; i += 3) {
        uint8_t k[128], v[128];
        make_key(r, k, i);
        make_val(r, v, i, 2);
        cr_assert_eq(swiss_put(&m, k, vs ? v : NULL), 0, "an overwrite needed a page");
        r->salt[i] = 2;
    }
    arena_fail_after(a, 0, 0);
    verify(r);
    test_arena_free(a);
    return s;
}

/* 8/8: the small map, the first table, six doublings, splits with and
 * without directory doubling. */
Test(oom, grow_u64_to_6000)
{
    struct swiss_stats s = grow_under_injection(8, 8, 0, 6000, 1024);
    /* Splits with a directory doubling, and splits without. */
    cr_assert_geq(s.dir_grows, 2);
    cr_assert_gt(s.splits, s.dir_grows);
}
Test(oom, grow_1_0) { (void)grow_under_injection(1, 0, 0, 256, 64); }
Test(oom, grow_7_33) { (void)grow_under_injection(7, 33, 0, 2500, 1024); }
Test(oom, grow_128_128) { (void)grow_under_injection(128, 128, 0, 1000, 1024); }
Test(oom, grow_hinted) { (void)grow_under_injection(16, 4, 1024, 3000, 1024); }

/* The u64 calls: the same guarantee. */
Test(oom, put_u64)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 5), 0);
    size_t failures = 0;
    for (uint64_t k = 0; k < 2000; k++) {
        for (size_t at = 1;; at++) {
            struct swiss_stats before = sstats(&m);
            size_t in_use = test_arena_in_use(a);
            arena_fail_after(a, at, (int)(k % 2));
            int rc = swiss_put_u64(&m, k, k * 5);
            arena_fail_after(a, 0, 0);
            if (rc == 0)
                break;
            cr_assert_eq(rc, SWISS_ERR_NOMEM);
            failures++;
            struct swiss_stats after = sstats(&m);
            cr_assert(stats_equal(&before, &after));
            cr_assert_eq(test_arena_in_use(a), in_use);
            cr_assert(!swiss_get_u64(&m, k, NULL));
            assert_range(&m, 0, k, 5, 0);
            cr_assert_eq(swiss_check(&m), 0);
        }
    }
    cr_assert_gt(failures, 0);
    assert_range(&m, 0, 2000, 5, 0);
    test_arena_free(a);
}

/* init with a hint: every allocation refused in turn; each failure holds
 * nothing and leaves *m as it was. */
Test(oom, init_with_hints)
{
    static const size_t hints[] = {9, 64, 1000, 1024, 8192, 20000};
    struct arena *a = test_arena_new(1024, PAGE_4K);
    struct swiss_type t = {.key_size = 8, .val_size = 24};
    for (size_t h = 0; h < sizeof hints / sizeof hints[0]; h++) {
        size_t refused = 0;
        for (size_t at = 1;; at++) {
            struct swiss m, copy;
            memset(&m, 0x3C, sizeof m);
            memcpy(&copy, &m, sizeof m);
            arena_fail_after(a, at, (int)(at % 2));
            int rc = swiss_init(&m, &t, a, hints[h], 1);
            arena_fail_after(a, 0, 0);
            if (rc == 0) {
                cr_assert_eq(sstats(&m).tables, expect_dir_len(hints[h]));
                cr_assert_eq(sstats(&m).bytes, test_arena_in_use(a));
                cr_assert_eq(swiss_check(&m), 0);
                swiss_reset(&m);
                break;
            }
            cr_assert_eq(rc, SWISS_ERR_NOMEM);
            refused++;
            cr_assert_eq(memcmp(&m, &copy, sizeof m), 0, "a failed init wrote *m");
            cr_assert_eq(test_arena_in_use(a), 0, "hint %zu, failure at %zu: pages kept", hints[h], at);
            cr_assert_eq(arena_check(a), 0);
            cr_assert_lt(at, 1000u);
        }
        /* Go allocates the directory and each table: at least that many
         * points to fail at. */
        cr_assert_geq(refused, 1, "hint %zu", hints[h]);
        SLOG("init hint %zu: %zu allocation points\n", hints[h], refused);
    }
    test_arena_free(a);
}

/* After a reset the next put makes the hinted tables: out of pages there,
 * the map stays empty and holds nothing. */
Test(oom, put_after_reset)
{
    static const size_t hints[] = {0, 9, 1024, 8192};
    struct arena *a = test_arena_new(512, PAGE_4K);
    for (size_t h = 0; h < sizeof hints / sizeof hints[0]; h++) {
        struct swiss_type t = {.key_size = 8, .val_size = 8};
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, hints[h], 1), 0);
        struct ref *r = ref_new(&m, a, 8, 8);
        for (size_t i = 0; i < 100; i++)
            armed_put(r, i, 1);
        swiss_reset(&m);
        memset(r->has, 0, sizeof r->has);
        r->len = 0;
        cr_assert_eq(test_arena_in_use(a), 0);
        size_t f = r->failures;
        armed_put(r, 5, 3);
        cr_assert_gt(r->failures, f, "hint %zu: the put after reset allocated nothing", hints[h]);
        verify(r);
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* Deletes, gets, iteration, clear and a put that prunes need no page. */
Test(oom, writes_without_pages)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 3000; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    struct arena_stats as0, as1;
    arena_get_stats(a, &as0);
    arena_fail_after(a, 1, 1);
    for (uint64_t k = 0; k < 3000; k += 2)
        cr_assert(swiss_delete_u64(&m, k));
    assert_range(&m, 1, 2, 1, 0);
    struct swiss_iter it;
    size_t n = 0;
    swiss_iter_init(&it, &m);
    while (swiss_iter_next(&it, NULL, NULL))
        n++;
    cr_assert_eq(n, 1500);
    swiss_clear(&m);
    cr_assert_eq(swiss_len(&m), 0);
    /* Refill within the kept tables: no page needed either. */
    for (uint64_t k = 0; k < 1000; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    arena_get_stats(a, &as1);
    cr_assert_eq(as1.failed_allocs, as0.failed_allocs, "a write that needs no page asked");
    cr_assert_eq(as1.in_use, as0.in_use);
    arena_fail_after(a, 0, 0);
    cr_assert_eq(swiss_check(&m), 0);
    swiss_reset(&m);

    /* Pruning instead of growing, while the arena refuses. */
    struct swiss_type ti = type_u64(id_hash);
    cr_assert_eq(swiss_init(&m, &ti, a, 9, 1), 0);
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(put64(&m, gkey(0, i), i), 0);
    for (unsigned i = 0; i < 6; i++)
        cr_assert_eq(put64(&m, gkey(1, 16 + i), i), 0);
    cr_assert(del64(&m, gkey(0, 1)));
    cr_assert(del64(&m, gkey(0, 2)));
    arena_fail_after(a, 1, 1);
    cr_assert_eq(put64(&m, gkey(1, 50), 50), 0, "pruning needed a page");
    arena_fail_after(a, 0, 0);
    cr_assert_eq(sstats(&m).prunes, 1);
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* The exception swiss.h states: top bit 63 always 0, so the first split
 * of the full 1024-slot table sends every entry left; the put splits
 * again, and that second split is refused.  Every entry must be intact;
 * the halves may be kept. */
static uint64_t low_half_hash(const void *key, size_t len, uint64_t seed)
{
    return mix_hash(key, len, seed) >> 1;
}

Test(oom, second_split_refused)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(low_half_hash);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 896; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    cr_assert_eq(sstats(&m).capacity, 1024);
    bool refused = false;
    for (size_t at = 1; at < 16; at++) {
        arena_fail_after(a, at, 1);
        int rc = put64(&m, 896, 896);
        arena_fail_after(a, 0, 0);
        cr_assert_eq(swiss_check(&m), 0);
        assert_range(&m, 0, 896, 1, 0);
        cr_assert_eq(sstats(&m).bytes, test_arena_in_use(a));
        if (rc == 0)
            break;
        cr_assert_eq(rc, SWISS_ERR_NOMEM);
        cr_assert(!get64(&m, 896, NULL));
        cr_assert_eq(swiss_len(&m), 896);
        refused = true;
    }
    cr_assert(refused);
    assert_range(&m, 0, 897, 1, 0);
    test_arena_free(a);
}
