/* SPDX-License-Identifier: MIT */
/*
 * test_misuse.c - best-effort misuse detection (Go's hashWriting flag).
 *
 * Rules (hmap.h): a write called from inside a write on the same map (from a
 * hash or equal callback) is refused and changes nothing: hmap_put,
 * hmap_compact and hmap_remove return HMAP_ERR_BUSY, hmap_delete returns
 * false, hmap_clear
 * and hmap_reset do nothing, hmap_get returns NULL; the outer write goes on
 * and succeeds.  Any write during an iteration ends it: hmap_iter_next
 * returns false and hmap_iter_error gives HMAP_ERR_CHANGED.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

/* --- callbacks that re-enter the map ----------------------------------- */

static struct hmap *g_map; /* the map the callbacks write to          */
static int g_armed;        /* callbacks still to misbehave            */
static int g_in_callback;  /* guards against the callback recursing   */
static int g_reentries;    /* how many times a callback re-entered    */
static int g_wrong;        /* inner calls that were not refused       */
static char g_what[200];   /* first inner call that was not refused   */

static void note_wrong(const char *what)
{
    if (g_wrong++ == 0)
        snprintf(g_what, sizeof g_what, "%s", what);
}

/* Try every write (and a read) on g_map from inside a callback; each must be
 * refused and leave the map as it was. */
static void reenter(void)
{
    struct hmap *m = g_map;
    g_in_callback = 1;
    g_reentries++;
    uint64_t k = 0xdead0000u + (uint64_t)g_reentries, v = 1, present = 1;
    struct hmap_stats before = hstats(m);

    /* Reads that are allowed in here see the map whole: no bucket half
     * moved by the evacuation that called this hash. */
    if (hmap_check(m) != HMAP_OK)
        note_wrong("inner hmap_check found the map broken");
    if (hmap_put(m, &k, &v) != HMAP_ERR_BUSY)
        note_wrong("inner hmap_put not HMAP_ERR_BUSY");
    if (hmap_delete(m, &present))
        note_wrong("inner hmap_delete returned true");
    if (hmap_remove(m, &present) != HMAP_ERR_BUSY)
        note_wrong("inner hmap_remove not HMAP_ERR_BUSY");
    if (m->fast64 && hmap_remove_u64(m, present) != HMAP_ERR_BUSY)
        note_wrong("inner hmap_remove_u64 not HMAP_ERR_BUSY");
    if (hmap_get(m, &present) != NULL)
        note_wrong("inner hmap_get not NULL");
    if (hmap_compact(m) != HMAP_ERR_BUSY)
        note_wrong("inner hmap_compact not HMAP_ERR_BUSY");
    hmap_clear(m);
    hmap_reset(m);
    struct hmap_stats after = hstats(m);
    if (after.len != before.len || after.bytes != before.bytes ||
        after.B != before.B || after.buckets != before.buckets ||
        after.overflow != before.overflow || after.growing != before.growing)
        note_wrong("inner clear/reset changed the map");
    g_in_callback = 0;
}

/* All keys collide fully (same hash): a put of a new key compares it with
 * every key already in the chain, so equal is sure to run. */
static uint64_t same_hash(const void *key, size_t len, uint64_t seed)
{
    (void)key;
    (void)len;
    (void)seed;
    return 0x5a5a5a5a5a5a5a00ull;
}

static bool reentrant_equal(const void *a, const void *b, size_t len)
{
    if (g_armed > 0 && !g_in_callback) {
        g_armed--;
        reenter();
    }
    return memcmp(a, b, len) == 0;
}

/* A good hash that misbehaves on every call while armed. */
static uint64_t reentrant_hash(const void *key, size_t len, uint64_t seed)
{
    if (g_armed > 0 && !g_in_callback) {
        g_armed--;
        reenter();
    }
    return hmap_hash_bytes(key, len, seed);
}

static void reset_globals(struct hmap *m)
{
    g_map = m;
    g_armed = 0;
    g_in_callback = 0;
    g_reentries = 0;
    g_wrong = 0;
    g_what[0] = '\0';
}

static void assert_keys(struct hmap *m, uint64_t from, uint64_t to)
{
    for (uint64_t k = from; k < to; k++) {
        uint64_t v;
        cr_assert(get64(m, k, &v), "key %lu lost", (unsigned long)k);
        cr_assert_eq(v, k * 10);
    }
}

Test(misuse, equal_callback_reenters_put)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 8, .val_size = 8, .hash = same_hash, .equal = reentrant_equal};
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    reset_globals(&m);
    for (uint64_t k = 1; k <= 5; k++)
        cr_assert_eq(put64(&m, k, k * 10), 0);

    g_armed = 1;
    cr_assert_eq(put64(&m, 6, 60), 0, "the outer put failed");
    cr_assert_eq(g_reentries, 1, "equal was not called");
    cr_assert_eq(g_wrong, 0, "%s", g_what);
    cr_assert_eq(hmap_len(&m), 6);
    assert_keys(&m, 1, 7);
    cr_assert(!get64(&m, 0xdead0001u, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    struct hmap_stats s = hstats(&m);
    TLOG("misuse: equal re-entering put: misuse count %zu\n", s.misuse);
    cr_assert(s.misuse >= 4, "misuse %zu: refusals not counted", s.misuse);

    /* Also as the outer call: delete and an overwriting put. */
    g_armed = 1;
    cr_assert(del64(&m, 3));
    cr_assert_eq(g_wrong, 0, "%s", g_what);
    g_armed = 1;
    cr_assert_eq(put64(&m, 4, 40), 0);
    cr_assert_eq(g_wrong, 0, "%s", g_what);
    cr_assert_eq(g_reentries, 3);
    cr_assert_eq(hmap_len(&m), 5);
    cr_assert(!get64(&m, 3, NULL));
    assert_keys(&m, 4, 7);
    cr_assert_eq(hmap_check(&m), 0);

    /* Disarmed, the map is an ordinary map again. */
    cr_assert_eq(put64(&m, 100, 1000), 0);
    cr_assert_eq(hmap_len(&m), 6);
    test_arena_free(a);
}

Test(misuse, hash_callback_reenters_put_and_delete)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 8, .val_size = 8, .hash = reentrant_hash, .equal = NULL};
    cr_assert_eq(hmap_init(&m, &t, a, 20, 1), 0);
    reset_globals(&m);
    for (uint64_t k = 1; k <= 10; k++)
        cr_assert_eq(put64(&m, k, k * 10), 0);

    g_armed = 1000; /* every hash call of the next write misbehaves */
    cr_assert_eq(put64(&m, 11, 110), 0);
    g_armed = 0;
    cr_assert(g_reentries >= 1);
    cr_assert_eq(g_wrong, 0, "put: %s", g_what);

    g_armed = 1000;
    cr_assert(del64(&m, 2));
    g_armed = 0;
    cr_assert_eq(g_wrong, 0, "delete: %s", g_what);

    cr_assert_eq(hmap_len(&m), 10);
    assert_keys(&m, 3, 12);
    cr_assert(get64(&m, 1, NULL));
    cr_assert(!get64(&m, 2, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Hash calls during evacuation (a write under way) misbehave: refused too,
 * and the growth completes with every entry intact. */
Test(misuse, hash_callback_reenters_during_evacuation)
{
    struct arena *a = test_arena_new(32, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 8, .val_size = 8, .hash = reentrant_hash, .equal = NULL};
    cr_assert_eq(hmap_init(&m, &t, a, 104, 1), 0);
    reset_globals(&m);
    uint64_t n = 0;
    while (!hstats(&m).growing) {
        cr_assert_eq(put64(&m, n, n * 10), 0);
        n++;
    }
    int writes = 0;
    while (hstats(&m).growing) {
        g_armed = 1000;
        cr_assert_eq(put64(&m, n, n * 10), 0);
        g_armed = 0;
        n++;
        writes++;
        cr_assert_eq(g_wrong, 0, "write %d: %s", writes, g_what);
        cr_assert_eq(hmap_check(&m), 0);
    }
    TLOG("misuse: %d re-entries refused during a growth of %d writes\n",
         g_reentries, writes);
    cr_assert(g_reentries > writes, "evacuation did not hash");
    cr_assert_eq(hmap_len(&m), n);
    assert_keys(&m, 0, n);
    test_arena_free(a);
}

/* --- iterators over a map written during the iteration ------------------ */

enum { IT_KEYS = 40 };

typedef void (*write_fn)(struct hmap *m);

static void w_put_new(struct hmap *m) { cr_assert_eq(put64(m, 9999, 1), 0); }
static void w_overwrite(struct hmap *m) { cr_assert_eq(put64(m, 5, 1), 0); }
static void w_delete(struct hmap *m) { cr_assert(del64(m, 7)); }
static void w_clear(struct hmap *m) { hmap_clear(m); }
static void w_reset(struct hmap *m) { hmap_reset(m); }
static void w_put_u64(struct hmap *m)
{
    cr_assert_eq(hmap_put_u64(m, 8888, 1), 0);
}
static void w_delete_u64(struct hmap *m) { cr_assert(hmap_delete_u64(m, 8)); }
static void w_compact(struct hmap *m)
{
    /* The map was built bigger than it needs (see iterate_then_write), so
     * the compact really rebuilds it. */
    size_t shrinks = hstats(m).shrinks;
    cr_assert_eq(hmap_compact(m), 0);
    cr_assert_eq(hstats(m).shrinks, shrinks + 1);
}

static void iterate_then_write(write_fn w, const char *name)
{
    struct arena *a = test_arena_new(32, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    /* Grow to B = 5 with 200 keys, then delete down to IT_KEYS: compact has
     * something to do. */
    for (uint64_t k = 0; k < 200; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    for (uint64_t k = IT_KEYS; k < 200; k++)
        cr_assert(del64(&m, k));

    struct hmap_iter it;
    const void *k;
    void *v;
    hmap_iter_init(&it, &m);
    for (int i = 0; i < 3; i++)
        cr_assert(hmap_iter_next(&it, &k, &v), "%s", name);
    w(&m);
    cr_assert(!hmap_iter_next(&it, &k, &v), "%s: iteration went on", name);
    cr_assert_eq(hmap_iter_error(&it), HMAP_ERR_CHANGED, "%s", name);
    cr_assert(!hmap_iter_next(&it, &k, &v), "%s", name);
    cr_assert_eq(hmap_iter_error(&it), HMAP_ERR_CHANGED, "%s", name);
    cr_assert_eq(hmap_check(&m), 0, "%s", name);

    /* A new iteration sees the map as it is now. */
    size_t n = 0;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, &k, &v))
        n++;
    cr_assert_eq(hmap_iter_error(&it), 0);
    cr_assert_eq(n, hmap_len(&m), "%s", name);
    test_arena_free(a);
}

Test(misuse, iter_put_new) { iterate_then_write(w_put_new, "put new"); }
Test(misuse, iter_overwrite) { iterate_then_write(w_overwrite, "overwrite"); }
Test(misuse, iter_delete) { iterate_then_write(w_delete, "delete"); }
Test(misuse, iter_clear) { iterate_then_write(w_clear, "clear"); }
Test(misuse, iter_reset) { iterate_then_write(w_reset, "reset"); }
Test(misuse, iter_compact) { iterate_then_write(w_compact, "compact"); }
Test(misuse, iter_put_u64) { iterate_then_write(w_put_u64, "put_u64"); }
Test(misuse, iter_delete_u64)
{
    iterate_then_write(w_delete_u64, "delete_u64");
}

/* Reads during an iteration are not writes: it runs to the end. */
Test(misuse, iter_with_reads_completes)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < IT_KEYS; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    unsigned seen[IT_KEYS] = {0};
    struct hmap_iter it;
    const void *k;
    void *v;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, &k, &v)) {
        uint64_t key = load_u64(k);
        cr_assert(key < IT_KEYS);
        seen[key]++;
        uint64_t got;
        cr_assert(get64(&m, (key * 13) % IT_KEYS, &got));
        cr_assert(hmap_get_u64(&m, key, &got));
        cr_assert_eq(got, key);
        struct hmap_stats s;
        hmap_get_stats(&m, &s);
        cr_assert_eq(hmap_check(&m), 0);
        /* Writing through the value pointer is not a map write. */
        store_u64(v, key + 1);
    }
    cr_assert_eq(hmap_iter_error(&it), 0);
    for (int i = 0; i < IT_KEYS; i++)
        cr_assert_eq(seen[i], 1);
    for (uint64_t key = 0; key < IT_KEYS; key++) {
        uint64_t got;
        cr_assert(get64(&m, key, &got));
        cr_assert_eq(got, key + 1);
    }
    test_arena_free(a);
}
