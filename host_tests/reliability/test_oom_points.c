/* SPDX-License-Identifier: MIT */
/*
 * test_oom_points.c - out of memory at every point.
 *
 * Each workload below (fills with and without a hint, and with a hash that
 * loads buckets as random keys would; same-size churn; compact; auto-shrink;
 * clear then refill) is first run with pages to spare, counting the arena
 * allocations it makes (K).  Then it is run K more times on a fresh arena,
 * the k-th allocation failing (arena_fail_after), for every k in 1..K.  At
 * the failure:
 *   - a call with an int result returned HMAP_ERR_NOMEM and changed nothing
 *     (len and bytes as before the call), or it returned 0 because the page
 *     it missed was optional work (the second evacuation of Go's growWork, an
 *     auto-shrink), and then it did its job all the same;
 *   - hmap_check passes and every entry put before is there with its value;
 *   - with pages available again, the workload runs to its end and the map
 *     holds exactly what the reference says;
 *   - after hmap_reset the arena's in_use is back where it started.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hmap.h"

#define PAGE 256
#define KEYS 4096

static _Alignas(4096) uint8_t region[8u << 20];

/* What the map should hold. */
struct ref {
    bool has[KEYS];
    uint64_t val[KEYS];
    size_t len;
};

struct run {
    struct arena a;
    struct hmap m;
    struct ref ref;
    bool live;              /* m is initialised                        */
    bool fired;             /* the injected failure has happened       */
    size_t nomem, absorbed; /* how the failure showed                 */
    size_t start_in_use;
};

/* The sliding hash of the churn workload: 16 consecutive keys share a
 * bucket, so each window of keys makes an overflow bucket that its deletes
 * leave behind: the same-size growth trigger. */
static uint64_t slide_hash(const void *key, size_t len, uint64_t seed)
{
    uint64_t k;
    (void)len;
    memcpy(&k, key, sizeof k);
    return ((k >> 4) | (k << 56)) ^ (seed & 0xff00000000000000ull);
}

/* splitmix64's finalizer: keys 0..n land in buckets as random ones would
 * (Poisson loads, so many overflow buckets), where the built-in hash spreads
 * consecutive keys almost evenly. */
static uint64_t random_like_hash(const void *key, size_t len, uint64_t seed)
{
    uint64_t z;
    (void)len;
    memcpy(&z, key, sizeof z);
    z += seed + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static const struct hmap_type u64_type = {8, 8, NULL, NULL};
static const struct hmap_type random_type = {8, 8, random_like_hash, NULL};
static const struct hmap_type slide_type = {8, 8, slide_hash, NULL};

static size_t failed_allocs(const struct run *r)
{
    struct arena_stats s;
    arena_get_stats(&r->a, &s);
    return s.failed_allocs;
}

static void verify(struct run *r, const char *what)
{
    cr_assert_eq(hmap_check(&r->m), 0, "%s: hmap_check %d", what, hmap_check(&r->m));
    cr_assert_eq(hmap_len(&r->m), r->ref.len, "%s: len", what);
    for (uint64_t k = 0; k < KEYS; k++) {
        uint64_t *v = hmap_get(&r->m, &k);
        cr_assert_eq(v != NULL, r->ref.has[k], "%s: key %lu presence", what,
                     (unsigned long)k);
        if (v != NULL)
            cr_assert_eq(*v, r->ref.val[k], "%s: key %lu value", what,
                         (unsigned long)k);
    }
}

/* Judge one call that may have met the injected failure.  Returns true when
 * the call must be repeated (it failed with NOMEM). */
static bool judge(struct run *r, int rc, size_t failed_before,
                  const struct hmap_stats *before, const char *what)
{
    bool fired_now = failed_allocs(r) > failed_before;
    if (rc == HMAP_ERR_NOMEM) {
        cr_assert(fired_now, "%s: NOMEM with pages to spare", what);
        struct hmap_stats after;
        hmap_get_stats(&r->m, &after);
        cr_assert_eq(after.len, before->len, "%s: NOMEM changed len", what);
        cr_assert_eq(after.bytes, before->bytes, "%s: NOMEM changed bytes", what);
        verify(r, what);
        r->nomem++;
        r->fired = true;
        arena_fail_after(&r->a, 0, 0); /* pages are available again */
        return true;
    }
    cr_assert_eq(rc, 0, "%s: rc %d", what, rc);
    if (fired_now && !r->fired) {
        r->absorbed++;
        r->fired = true;
        arena_fail_after(&r->a, 0, 0);
    }
    return false;
}

static void put(struct run *r, uint64_t k, uint64_t v)
{
    for (;;) {
        struct hmap_stats before;
        hmap_get_stats(&r->m, &before);
        size_t f = failed_allocs(r);
        int rc = hmap_put(&r->m, &k, &v);
        if (rc == HMAP_OK) {
            r->ref.len += !r->ref.has[k];
            r->ref.has[k] = true;
            r->ref.val[k] = v;
        }
        if (!judge(r, rc, f, &before, "put"))
            return;
    }
}

static void del(struct run *r, uint64_t k)
{
    size_t f = failed_allocs(r);
    bool found = hmap_delete(&r->m, &k);
    cr_assert_eq(found, r->ref.has[k], "delete %lu", (unsigned long)k);
    r->ref.len -= r->ref.has[k];
    r->ref.has[k] = false;
    if (failed_allocs(r) > f && !r->fired) {
        r->absorbed++; /* a skipped evacuation step or shrink */
        r->fired = true;
        arena_fail_after(&r->a, 0, 0);
        verify(r, "delete");
    }
}

static void compact(struct run *r)
{
    for (;;) {
        struct hmap_stats before;
        hmap_get_stats(&r->m, &before);
        size_t f = failed_allocs(r);
        if (!judge(r, hmap_compact(&r->m), f, &before, "compact"))
            return;
    }
}

static void clear(struct run *r)
{
    hmap_clear(&r->m);
    memset(&r->ref, 0, sizeof r->ref);
}

static void init(struct run *r, const struct hmap_type *t, size_t hint)
{
    for (;;) {
        struct arena_stats s;
        int rc = hmap_init(&r->m, t, &r->a, hint, 99);
        if (rc == HMAP_OK) {
            r->live = true;
            return;
        }
        cr_assert_eq(rc, HMAP_ERR_NOMEM, "init rc %d", rc);
        arena_get_stats(&r->a, &s);
        cr_assert_eq(s.in_use, r->start_in_use, "failed init kept pages");
        r->nomem++;
        r->fired = true;
        arena_fail_after(&r->a, 0, 0);
    }
}

/* --- the workloads ---------------------------------------------------- */

/* Each workload ends by checking it did what it is there to exercise. */
static struct hmap_stats stats_of(struct run *r)
{
    struct hmap_stats s;
    hmap_get_stats(&r->m, &s);
    return s;
}

static void fill_no_hint(struct run *r)
{
    init(r, &u64_type, 0);
    for (uint64_t k = 0; k < 3000; k++) /* B 0 -> 9: nine doublings */
        put(r, k, k * 3 + 1);
    cr_assert_geq(stats_of(r).grows, 9);
}

static void fill_random_like(struct run *r)
{
    init(r, &random_type, 0);
    for (uint64_t k = 0; k < 4000; k++) /* B 0 -> 10, overflow all along */
        put(r, k, ~k);
    cr_assert_geq(stats_of(r).grows, 10);
    cr_assert_gt(stats_of(r).overflow, 0);
}

static void fill_hint(struct run *r)
{
    init(r, &u64_type, 1000);
    for (uint64_t k = 0; k < 4000; k++) /* hint 1000: B 8, then 9 and 10 */
        put(r, k, k ^ 0x5a5a);
    cr_assert_geq(stats_of(r).grows, 2);
}

static void churn_same_size(struct run *r)
{
    init(r, &slide_type, 100);
    for (uint64_t w = 0; w < 60; w++) {
        for (uint64_t k = w * 16; k < w * 16 + 16; k++)
            put(r, k, k + w);
        for (uint64_t k = w * 16; k < w * 16 + 16; k++)
            del(r, k);
        put(r, w, w); /* a key that stays */
    }
    cr_assert_geq(stats_of(r).same_size_grows, 2);
}

static void compact_after_deletes(struct run *r)
{
    init(r, &u64_type, 0);
    for (uint64_t k = 0; k < 2000; k++)
        put(r, k, k);
    for (uint64_t k = 0; k < 1900; k++)
        del(r, k);
    compact(r);
    cr_assert_eq(stats_of(r).shrinks, 1);
    for (uint64_t k = 0; k < 500; k++)
        put(r, k, k + 7);
}

static void auto_shrink(struct run *r)
{
    init(r, &u64_type, 0);
    hmap_set_auto_shrink(&r->m, true);
    for (uint64_t k = 0; k < 2000; k++)
        put(r, k, k);
    for (uint64_t k = 0; k < 1990; k++)
        del(r, k);
    for (uint64_t i = 0; i < 3000; i++) { /* churn past 2N operations */
        put(r, 2000 + i % 50, i);
        del(r, 2000 + i % 50);
    }
    cr_assert_geq(stats_of(r).shrinks, 1);
    cr_assert_lt(stats_of(r).B, 8);
}

static void clear_refill(struct run *r)
{
    init(r, &u64_type, 0);
    for (uint64_t k = 0; k < 2000; k++)
        put(r, k, k);
    clear(r);
    for (uint64_t k = 0; k < 3000; k++)
        put(r, k, k + 11);
}

/* --- the driver ------------------------------------------------------- */

static void start(struct run *r)
{
    memset(r, 0, sizeof *r);
    cr_assert_eq(arena_init(&r->a, region, sizeof region, PAGE), 0);
    struct arena_stats s;
    arena_get_stats(&r->a, &s);
    r->start_in_use = s.in_use;
}

static void finish(struct run *r, const char *name, size_t k)
{
    char what[64];
    snprintf(what, sizeof what, "%s, failing allocation %zu", name, k);
    verify(r, what);
    hmap_reset(&r->m);
    struct arena_stats s;
    arena_get_stats(&r->a, &s);
    cr_assert_eq(s.in_use, r->start_in_use, "%s: %zu bytes leaked", what,
                 s.in_use - r->start_in_use);
}

static void every_point(const char *name, void (*workload)(struct run *))
{
    static struct run r;
    start(&r);
    workload(&r);
    struct arena_stats s;
    arena_get_stats(&r.a, &s);
    size_t total = s.allocs + s.failed_allocs;
    cr_assert_eq(s.failed_allocs, 0, "%s: the clean run ran out of pages", name);
    finish(&r, name, 0);

    size_t nomem = 0, absorbed = 0;
    for (size_t k = 1; k <= total; k++) {
        start(&r);
        arena_fail_after(&r.a, k, 0);
        workload(&r);
        cr_assert(r.fired, "%s: allocation %zu of %zu never failed", name, k, total);
        finish(&r, name, k);
        nomem += r.nomem;
        absorbed += r.absorbed;
    }
    cr_assert_gt(nomem, 0, "%s: no failure reached a caller", name);
    fprintf(stderr,
            "oom %-22s %4zu failure points: %4zu returned NOMEM, %3zu absorbed "
            "by optional work\n",
            name, total, nomem, absorbed);
}

Test(oom_points, fill_without_hint) { every_point("fill without hint", fill_no_hint); }
Test(oom_points, fill_random_like_hash) { every_point("fill, random-like hash", fill_random_like); }
Test(oom_points, fill_with_hint) { every_point("fill with hint", fill_hint); }
Test(oom_points, churn_same_size_growth) { every_point("same-size churn", churn_same_size); }
Test(oom_points, compact) { every_point("compact", compact_after_deletes); }
Test(oom_points, auto_shrink) { every_point("auto-shrink", auto_shrink); }
Test(oom_points, clear_then_refill) { every_point("clear then refill", clear_refill); }
