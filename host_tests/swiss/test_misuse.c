/* SPDX-License-Identifier: MIT */
/*
 * test_misuse.c - bad arguments and re-entrant writes, by swiss.h.
 *
 *   - NULL map, type, arena, key, or value (with val_size > 0):
 *     SWISS_ERR_ARG, false, NULL or 0, and nothing changes;
 *   - key_size 0 or > 128, val_size > 128: SWISS_ERR_SIZE;
 *   - the u64 calls on a map that is not 8/8 with the built-in hash and
 *     equality: SWISS_ERR_SIZE or false;
 *   - a hash or equal callback that writes the map it serves (Go's
 *     `concurrent map writes` check): the inner put gets SWISS_ERR_BUSY,
 *     an inner delete false, an inner clear or reset does nothing, an
 *     inner get NULL; each counts in stats.misuse; the outer call works.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

Test(misuse, init_arguments)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
    struct swiss m;
    struct swiss_type t = type_u64(NULL);
    cr_assert_eq(swiss_init(NULL, &t, a, 0, 1), SWISS_ERR_ARG);
    cr_assert_eq(swiss_init(&m, NULL, a, 0, 1), SWISS_ERR_ARG);
    cr_assert_eq(swiss_init(&m, &t, NULL, 0, 1), SWISS_ERR_ARG);
    static const size_t bad[][2] = {{0, 8}, {129, 8}, {8, 129}, {0, 0}, {1000, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct swiss_type b = {.key_size = bad[i][0], .val_size = bad[i][1]};
        cr_assert_eq(swiss_init(&m, &b, a, 0, 1), SWISS_ERR_SIZE, "sizes %zu/%zu", bad[i][0],
                     bad[i][1]);
        cr_assert_eq(swiss_init(&m, &b, a, 100, 1), SWISS_ERR_SIZE);
    }
    cr_assert_eq(test_arena_in_use(a), 0);
    static const size_t good[][2] = {{1, 0}, {128, 128}, {1, 128}, {128, 0}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        struct swiss_type g = {.key_size = good[i][0], .val_size = good[i][1]};
        cr_assert_eq(swiss_init(&m, &g, a, 0, 1), 0);
        cr_assert_eq(swiss_check(&m), 0);
    }
    /* *t is copied: changing it after init changes nothing. */
    struct swiss_type c = {.key_size = 4, .val_size = 4};
    cr_assert_eq(swiss_init(&m, &c, a, 0, 1), 0);
    c.key_size = 100;
    cr_assert_eq(swiss_put(&m, "abcd", "wxyz"), 0);
    cr_assert_eq(memcmp(swiss_get(&m, "abcd"), "wxyz", 4), 0);
    cr_assert_eq(sstats(&m).group_size, 8 + 8 * 8);
    test_arena_free(a);
}

Test(misuse, null_arguments)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
    struct swiss m;
    struct swiss_type t = type_u64(NULL);
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    uint64_t k = 1, v = 2;
    cr_assert_eq(swiss_put(NULL, &k, &v), SWISS_ERR_ARG);
    cr_assert_eq(swiss_put(&m, NULL, &v), SWISS_ERR_ARG);
    cr_assert_eq(swiss_put(&m, &k, NULL), SWISS_ERR_ARG);
    cr_assert_eq(test_arena_in_use(a), 0, "a refused put allocated");
    cr_assert_eq(swiss_put(&m, &k, &v), 0);
    cr_assert_null(swiss_get(NULL, &k));
    cr_assert_null(swiss_get(&m, NULL));
    cr_assert(!swiss_delete(NULL, &k));
    cr_assert(!swiss_delete(&m, NULL));
    cr_assert_eq(swiss_len(NULL), 0);
    cr_assert_eq(swiss_put_u64(NULL, 1, 1), SWISS_ERR_ARG);
    cr_assert(!swiss_get_u64(NULL, 1, &v));
    cr_assert(!swiss_delete_u64(NULL, 1));
    swiss_clear(NULL);
    swiss_reset(NULL);
    swiss_set_pruning(NULL, false);
    cr_assert_eq(swiss_len(&m), 1);
    cr_assert(swiss_get_u64(&m, 1, NULL), "val NULL: only whether the key is there");
    cr_assert_eq(swiss_check(&m), 0);
    /* A set (val_size 0) takes a NULL value. */
    struct swiss_type st = {.key_size = 2, .val_size = 0};
    struct swiss s;
    cr_assert_eq(swiss_init(&s, &st, a, 0, 1), 0);
    cr_assert_eq(swiss_put(&s, "ab", NULL), 0);
    cr_assert_eq(swiss_put(&s, "ab", NULL), 0);
    cr_assert_eq(swiss_len(&s), 1);
    cr_assert_not_null(swiss_get(&s, "ab"));
    cr_assert(swiss_delete(&s, "ab"));
    cr_assert_eq(swiss_check(&s), 0);
    test_arena_free(a);
}

static uint64_t neg_hash(const void *key, size_t len, uint64_t seed)
{
    return ~swiss_hash_bytes(key, len, seed);
}

static bool eq8(const void *x, const void *y, size_t len)
{
    return memcmp(x, y, len) == 0;
}

Test(misuse, u64_calls_on_other_maps)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss_type types[] = {
        {.key_size = 8, .val_size = 4},
        {.key_size = 4, .val_size = 8},
        {.key_size = 8, .val_size = 0},
        {.key_size = 16, .val_size = 16},
        {.key_size = 8, .val_size = 8, .hash = neg_hash},
        {.key_size = 8, .val_size = 8, .equal = eq8},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &types[i], a, 0, 1), 0);
        uint8_t key[16] = {1}, val[16] = {2};
        cr_assert_eq(swiss_put(&m, key, val), 0);
        cr_assert_eq(swiss_put_u64(&m, 1, 2), SWISS_ERR_SIZE, "type %zu", i);
        uint64_t v = 77;
        cr_assert(!swiss_get_u64(&m, 1, &v));
        cr_assert_eq(v, 77);
        cr_assert(!swiss_delete_u64(&m, 1));
        cr_assert_eq(swiss_len(&m), 1);
        cr_assert_not_null(swiss_get(&m, key));
        cr_assert_eq(swiss_check(&m), 0);
        swiss_reset(&m);
    }
    /* The 8/8 built-in map: both routes see the same entries. */
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 100; k++)
        cr_assert_eq(k % 2 ? swiss_put_u64(&m, k, k + 5) : put64(&m, k, k + 5), 0);
    for (uint64_t k = 0; k < 100; k++) {
        uint64_t v1 = 0, v2 = 0;
        cr_assert(swiss_get_u64(&m, k, &v1));
        cr_assert(get64(&m, k, &v2));
        cr_assert_eq(v1, k + 5);
        cr_assert_eq(v2, k + 5);
    }
    for (uint64_t k = 0; k < 100; k++)
        cr_assert(k % 3 ? swiss_delete_u64(&m, k) : del64(&m, k));
    cr_assert_eq(swiss_len(&m), 0);
    test_arena_free(a);
}

/* --- re-entrant writes --------------------------------------------------- */

enum reenter {
    RE_NONE,
    RE_PUT,
    RE_PUT_U64,
    RE_DELETE,
    RE_DELETE_U64,
    RE_GET,
    RE_GET_U64,
    RE_CLEAR,
    RE_RESET,
};

static struct swiss *victim;
static enum reenter reenter;
static int inner_rc;
static bool inner_bool;
static void *inner_ptr;
static unsigned inner_calls;

static void do_reenter(void)
{
    enum reenter what = reenter;
    if (what == RE_NONE)
        return;
    reenter = RE_NONE; /* once */
    inner_calls++;
    uint64_t k = 1, v = 99;
    switch (what) {
    case RE_PUT: inner_rc = swiss_put(victim, &(uint64_t){5000}, &v); break;
    case RE_PUT_U64: inner_rc = swiss_put_u64(victim, 5000, v); break;
    case RE_DELETE: inner_bool = swiss_delete(victim, &k); break;
    case RE_DELETE_U64: inner_bool = swiss_delete_u64(victim, k); break;
    case RE_GET: inner_ptr = swiss_get(victim, &k); break;
    case RE_GET_U64: inner_bool = swiss_get_u64(victim, k, &v); break;
    case RE_CLEAR: swiss_clear(victim); break;
    case RE_RESET: swiss_reset(victim); break;
    case RE_NONE: break;
    }
}

static uint64_t reentrant_hash(const void *key, size_t len, uint64_t seed)
{
    do_reenter();
    return swiss_hash_bytes(key, len, seed);
}

static bool reentrant_equal(const void *x, const void *y, size_t len)
{
    do_reenter();
    return memcmp(x, y, len) == 0;
}

/* A map of keys 0..n-1 (value k), hashed and compared by the callbacks;
 * then one outer write whose callback tries `what`. */
static void outer_write(enum reenter what, bool via_equal, bool outer_delete, size_t n)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct swiss_type t = {.key_size = 8, .val_size = 8, .hash = reentrant_hash, .equal = reentrant_equal};
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    victim = &m;
    reenter = RE_NONE;
    for (uint64_t k = 0; k < n; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    struct swiss_stats before = sstats(&m);
    size_t in_use = test_arena_in_use(a);
    inner_rc = 12345;
    inner_bool = true;
    inner_ptr = &inner_rc;
    inner_calls = 0;
    reenter = what;
    if (via_equal) { /* equal runs once the H2 matches: an existing key */
        if (outer_delete)
            cr_assert(del64(&m, 2));
        else
            cr_assert_eq(put64(&m, 2, 20), 0);
    } else {
        if (outer_delete)
            cr_assert(del64(&m, 3));
        else
            cr_assert_eq(put64(&m, 777, 7770), 0);
    }
    cr_assert_eq(inner_calls, 1, "the callback did not run");
    reenter = RE_NONE;
    struct swiss_stats s = sstats(&m);
    switch (what) {
    case RE_PUT:
    case RE_PUT_U64:
        cr_assert_eq(inner_rc, what == RE_PUT_U64 ? SWISS_ERR_SIZE : SWISS_ERR_BUSY);
        cr_assert(!get64(&m, 5000, NULL), "the refused put wrote");
        break;
    case RE_DELETE:
        cr_assert(!inner_bool);
        cr_assert(get64(&m, 1, NULL), "the refused delete deleted");
        break;
    case RE_GET:
        cr_assert_null(inner_ptr, "a re-entrant get found the key");
        break;
    case RE_CLEAR:
    case RE_RESET:
        break;
    default:
        break;
    }
    if (what != RE_PUT_U64)
        cr_assert_eq(s.misuse, before.misuse + 1, "misuse %zu", s.misuse);
    /* Only the outer write happened. */
    size_t want = n + (outer_delete ? (size_t)-1 : (via_equal ? 0 : 1));
    cr_assert_eq(s.len, want, "len %zu, want %zu", s.len, want);
    cr_assert_eq(test_arena_in_use(a), in_use);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t v;
        bool gone = outer_delete && k == (via_equal ? 2u : 3u);
        cr_assert_eq(get64(&m, k, &v), !gone, "key %llu", (unsigned long long)k);
        if (!gone)
            cr_assert_eq(v, k == 2 && via_equal && !outer_delete ? 20u : k);
    }
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(misuse, put_inside_hash) { outer_write(RE_PUT, false, false, 20); }
Test(misuse, put_inside_hash_small) { outer_write(RE_PUT, false, false, 3); }
Test(misuse, put_inside_equal) { outer_write(RE_PUT, true, false, 20); }
Test(misuse, put_inside_delete_hash) { outer_write(RE_PUT, false, true, 20); }
Test(misuse, delete_inside_hash) { outer_write(RE_DELETE, false, false, 20); }
Test(misuse, delete_inside_equal_of_delete) { outer_write(RE_DELETE, true, true, 20); }
Test(misuse, get_inside_hash) { outer_write(RE_GET, false, false, 20); }
Test(misuse, get_inside_equal) { outer_write(RE_GET, true, false, 5); }
Test(misuse, clear_inside_hash) { outer_write(RE_CLEAR, false, false, 20); }
Test(misuse, reset_inside_hash) { outer_write(RE_RESET, false, false, 20); }
Test(misuse, reset_inside_equal_small) { outer_write(RE_RESET, true, false, 4); }
/* The u64 calls refuse a custom-hash map before they look at `writing`. */
Test(misuse, put_u64_inside_hash) { outer_write(RE_PUT_U64, false, false, 20); }

Test(misuse, strerror_names_every_code)
{
    static const int codes[] = {
        SWISS_OK,
        SWISS_ERR_ARG,
        SWISS_ERR_SIZE,
        SWISS_ERR_NOMEM,
        SWISS_ERR_BUSY,
        SWISS_ERR_CHANGED,
        SWISS_BROKEN_COUNT,
        SWISS_BROKEN_CTRL,
        SWISS_BROKEN_PLACEMENT,
        SWISS_BROKEN_DUPLICATE,
        SWISS_BROKEN_GROWTH_LEFT,
        SWISS_BROKEN_TOMBSTONE,
        SWISS_BROKEN_DIRECTORY,
        SWISS_BROKEN_CAPACITY,
        SWISS_BROKEN_PAGES,
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = swiss_strerror(codes[i]);
        cr_assert_not_null(s);
        cr_assert_str_neq(s, "unknown", "code %d", codes[i]);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(s, swiss_strerror(codes[j]), "codes %d and %d", codes[i], codes[j]);
    }
    cr_assert_str_eq(swiss_strerror(12345), "unknown");
    cr_assert_eq(SWISS_ERR_NOMEM, -3, "hmap.h's value");
}
