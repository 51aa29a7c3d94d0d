/* SPDX-License-Identifier: MIT */
/*
 * fuzz_swiss.c - libFuzzer target: a byte stream decoded as operations on
 * a Swiss map, checked against a reference table, swiss_check after every
 * operation.
 *
 * Input: byte 0 picks key and value sizes; byte 1 the page size, the
 * arena's size, the hash (built-in, a good custom one, or a crowding one:
 * few probe starts and few top bits, for long probes, tombstones and
 * lopsided splits), the hint and pruning.  Then each operation is an
 * opcode byte and an argument byte: put, a run of puts (to reach tables,
 * doublings and splits), delete, get, the u64 calls, clear, reset, an
 * iteration that deletes and overwrites as it goes, a put or delete whose
 * key points into the map, and fault injection (the k-th allocation from
 * now fails, once or from then on).  A put that fails must fail with
 * SWISS_ERR_NOMEM and change nothing: entries, the map's figures and the
 * arena's in_use.  Freed pages are scribbled by an arena observer, so a
 * read of a page the map gave back shows as a wrong entry.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swiss.h"

#define MAX_KEYS 1200
#define MAX_OPS 256 /* per input: swiss_check after each costs a pass */
#define REGION (1024 * 1024)

static const size_t key_sizes[] = {1, 2, 3, 8, 16, 40, 128, 8};
static const size_t val_sizes[] = {0, 1, 8, 24, 128, 8};
static const size_t hints[] = {0, 0, 9, 40, 300, 1200, 5000, 8};

static _Alignas(4096) uint8_t region[REGION];
static uint8_t ref_val[MAX_KEYS][SWISS_MAX_VAL];
static bool ref_has[MAX_KEYS];
static size_t ref_len, keys, ks, vs;

#define REQUIRE(c)   \
    do {             \
        if (!(c))    \
            abort(); \
    } while (0)

static uint64_t mix(uint64_t x)
{
    x ^= x >> 31;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 29;
    x *= 0xcf3bd2a9c2e7b8f5ull;
    return x ^ (x >> 32);
}

static uint64_t mix_hash(const void *key, size_t len, uint64_t seed)
{
    const uint8_t *p = key;
    uint64_t h = mix(seed ^ len);
    for (size_t i = 0; i < len; i++)
        h = mix(h ^ p[i] ^ (uint64_t)i << 8);
    return h;
}

/* Four probe starts, top bits of three values, every H2. */
static uint64_t crowd_hash(const void *key, size_t len, uint64_t seed)
{
    uint64_t h = mix_hash(key, len, 0);
    (void)seed;
    return (h & 0x7f) | ((h >> 8 & 3) << 7) | ((h >> 16) % 3) << 60;
}

static bool bytes_equal(const void *a, const void *b, size_t len)
{
    return memcmp(a, b, len) == 0;
}

/* Byte comparison for the reference checks: a loop, not memcmp, whose
 * interceptor would record every comparison for the fuzzer's guidance. */
static bool same(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}

static void make_key(uint8_t *k, size_t i)
{
    for (size_t j = 0; j < ks; j++)
        k[j] = (uint8_t)(j < 2 ? i >> (8 * j) : i * 37 + j);
}

static size_t index_of(const uint8_t *k)
{
    return ks == 1 ? k[0] : (size_t)(k[0] | k[1] << 8);
}

static void make_val(uint8_t *v, size_t i, uint8_t salt)
{
    for (size_t j = 0; j < vs; j++)
        v[j] = (uint8_t)(salt + i + j * 7);
}

static void scribble(void *ctx, int event, const void *pages, size_t npages)
{
    if (event == ARENA_EVENT_FREE)
        memset((void *)(uintptr_t)pages, 0x5A, npages * arena_page_size(ctx));
}

static size_t in_use(const struct arena *a)
{
    struct arena_stats s;
    arena_get_stats(a, &s);
    return s.in_use;
}

static void verify_all(struct swiss *m, struct arena *a, bool entries)
{
    REQUIRE(swiss_check(m) == SWISS_OK);
    REQUIRE(arena_check(a) == ARENA_OK);
    REQUIRE(swiss_len(m) == ref_len);
    struct swiss_stats s;
    swiss_get_stats(m, &s);
    REQUIRE(s.bytes == in_use(a));
    REQUIRE(s.len == ref_len);
    if (!entries)
        return;
    uint8_t k[SWISS_MAX_KEY];
    for (size_t i = 0; i < keys; i++) {
        make_key(k, i);
        uint8_t *v = swiss_get(m, k);
        REQUIRE((v != NULL) == ref_has[i]);
        REQUIRE(v == NULL || vs == 0 || same(v, ref_val[i], vs));
    }
}

/* The figures a failed put must not move. */
static bool same_figures(const struct swiss_stats *x, const struct swiss_stats *y)
{
    return x->len == y->len && x->tables == y->tables && x->dir_len == y->dir_len &&
           x->capacity == y->capacity && x->tombstones == y->tombstones &&
           x->growth_left == y->growth_left && x->bytes == y->bytes &&
           x->alloc_bytes == y->alloc_bytes && x->small == y->small && x->grows == y->grows &&
           x->splits == y->splits;
}

/* swiss_put (from key bytes that may live in the map), against the
 * reference; crowd_hash may keep split halves (swiss.h's exception). */
static void checked_put(struct swiss *m, struct arena *a, const uint8_t *k, size_t i,
                        const uint8_t *v, bool lenient)
{
    struct swiss_stats before, after;
    swiss_get_stats(m, &before);
    size_t used = in_use(a);
    uint8_t want[SWISS_MAX_VAL]; /* v may be in the map: read it before */
    memcpy(want, v, vs);
    int rc = swiss_put(m, k, vs ? v : NULL);
    if (rc == SWISS_ERR_NOMEM) {
        swiss_get_stats(m, &after);
        REQUIRE(lenient || (same_figures(&before, &after) && in_use(a) == used));
        return;
    }
    REQUIRE(rc == SWISS_OK);
    if (!ref_has[i])
        ref_len++;
    ref_has[i] = true;
    memcpy(ref_val[i], want, vs);
}

static void iterate(struct swiss *m, uint8_t arg)
{
    static bool seen[MAX_KEYS], gone[MAX_KEYS], start[MAX_KEYS];
    memset(seen, 0, sizeof seen);
    memset(gone, 0, sizeof gone);
    memcpy(start, ref_has, sizeof start);
    struct swiss_iter it;
    const void *kp;
    void *vp;
    unsigned n = 0;
    swiss_iter_init(&it, m);
    while (swiss_iter_next(&it, &kp, &vp)) {
        size_t i = index_of(kp);
        REQUIRE(i < keys && ref_has[i] && !seen[i] && !gone[i]);
        REQUIRE(vs == 0 || same(vp, ref_val[i], vs));
        seen[i] = true;
        n++;
        if ((arg & 1) && n % 3 == 0) { /* delete the current entry by its own key */
            REQUIRE(swiss_delete(m, kp));
            ref_has[i] = false;
            ref_len--;
            gone[i] = true;
        }
        if ((arg & 2) && n % 5 == 0) { /* delete one maybe not yet reached */
            size_t j = (i * 7 + arg) % keys;
            uint8_t k[SWISS_MAX_KEY];
            make_key(k, j);
            REQUIRE(swiss_delete(m, k) == ref_has[j]);
            if (ref_has[j])
                ref_len--;
            ref_has[j] = false;
            gone[j] = true;
        }
    }
    REQUIRE(swiss_iter_error(&it) == SWISS_OK);
    for (size_t i = 0; i < keys; i++)
        REQUIRE(!start[i] || gone[i] || seen[i]);
}

/* Put or delete with the key of the first entry an iteration yields:
 * pointers into the map's own pages. */
static void aliased(struct swiss *m, struct arena *a, uint8_t arg, bool lenient)
{
    struct swiss_iter it;
    const void *kp;
    void *vp;
    swiss_iter_init(&it, m);
    if (!swiss_iter_next(&it, &kp, &vp))
        return;
    size_t i = index_of(kp);
    if (arg & 1) {
        REQUIRE(swiss_delete(m, kp));
        ref_has[i] = false;
        ref_len--;
        return;
    }
    /* Overwrite with its own value (a full small map makes its first
     * table for it, giving the group back). */
    uint8_t keep[SWISS_MAX_VAL];
    memcpy(keep, ref_val[i], vs);
    checked_put(m, a, kp, i, vs ? vp : keep, lenient);
    REQUIRE(vs == 0 || same(ref_val[i], keep, vs));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    ks = key_sizes[data[0] % 8];
    vs = val_sizes[(data[0] / 8) % 6];
    uint8_t f = data[1];
    size_t ps = (size_t)64 << (f % 4 * 2); /* 64, 256, 1024, 4096 */
    size_t region_size = REGION >> ((f >> 2) % 4);
    unsigned hash_kind = (f >> 4) % 4;
    struct swiss_type t = {ks, vs, NULL, NULL};
    if (hash_kind == 1)
        t.hash = mix_hash;
    else if (hash_kind == 2) {
        t.hash = crowd_hash;
        t.equal = bytes_equal;
    }
    bool lenient = hash_kind == 2;
    /* 1-byte keys have 256 values; crowded keys stay under 897. */
    keys = ks == 1 ? 256 : (lenient ? 600 : MAX_KEYS);
    size_t hint = hints[(data[0] / 48 + (f >> 6)) % 8];

    struct arena a;
    struct swiss m;
    REQUIRE(arena_init(&a, region, region_size, ps) == ARENA_OK);
    arena_set_observer(&a, scribble, &a);
    int rc = swiss_init(&m, &t, &a, hint, f);
    if (rc == SWISS_ERR_NOMEM) {
        REQUIRE(in_use(&a) == 0);
        return 0;
    }
    REQUIRE(rc == SWISS_OK);
    swiss_set_pruning(&m, hash_kind != 3);
    memset(ref_has, 0, sizeof ref_has);
    ref_len = 0;
    bool fast = ks == 8 && vs == 8 && t.hash == NULL;

    uint8_t k[SWISS_MAX_KEY], v[SWISS_MAX_VAL];
    size_t n_ops = 0;
    for (size_t at = 2; at + 1 < size && n_ops < MAX_OPS; at += 2, n_ops++) {
        uint8_t op = data[at], arg = data[at + 1];
        size_t i = ((size_t)arg * 8 + op / 16) % keys;
        make_key(k, i);
        switch (op % 16) {
        case 0:
        case 1:
        case 2: /* put */
            make_val(v, i, op);
            checked_put(&m, &a, k, i, v, lenient);
            break;
        case 3: /* a run of puts */
            for (size_t j = 0; j < (size_t)arg + 1; j++) {
                size_t x = (i + j) % keys;
                make_key(k, x);
                make_val(v, x, op);
                checked_put(&m, &a, k, x, v, lenient);
            }
            break;
        case 4:
        case 5:
        case 6: /* delete */
            REQUIRE(swiss_delete(&m, k) == ref_has[i]);
            if (ref_has[i])
                ref_len--;
            ref_has[i] = false;
            break;
        case 7: { /* get */
            const uint8_t *got = swiss_get(&m, k);
            REQUIRE((got != NULL) == ref_has[i]);
            REQUIRE(got == NULL || vs == 0 || same(got, ref_val[i], vs));
            break;
        }
        case 8: { /* the u64 calls */
            uint64_t kv = 0, vv = 0, got = 0;
            memcpy(&kv, k, sizeof kv < ks ? sizeof kv : ks);
            if (!fast) {
                REQUIRE(swiss_put_u64(&m, kv, 1) == SWISS_ERR_SIZE);
                REQUIRE(!swiss_get_u64(&m, kv, NULL));
                REQUIRE(!swiss_delete_u64(&m, kv));
                break;
            }
            if (arg & 1) {
                REQUIRE(swiss_get_u64(&m, kv, &got) == ref_has[i]);
                REQUIRE(!ref_has[i] || same(&got, ref_val[i], 8));
                REQUIRE(swiss_delete_u64(&m, kv) == ref_has[i]);
                if (ref_has[i])
                    ref_len--;
                ref_has[i] = false;
                break;
            }
            make_val(v, i, arg);
            memcpy(&vv, v, 8);
            struct swiss_stats before, after;
            swiss_get_stats(&m, &before);
            size_t used = in_use(&a);
            rc = swiss_put_u64(&m, kv, vv);
            if (rc == SWISS_ERR_NOMEM) {
                swiss_get_stats(&m, &after);
                REQUIRE(same_figures(&before, &after) && in_use(&a) == used);
                break;
            }
            REQUIRE(rc == SWISS_OK);
            if (!ref_has[i])
                ref_len++;
            ref_has[i] = true;
            memcpy(ref_val[i], v, 8);
            break;
        }
        case 9: /* clear or reset */
            if (arg & 1) {
                swiss_reset(&m);
                REQUIRE(in_use(&a) == 0);
            } else {
                struct swiss_stats before, after;
                swiss_get_stats(&m, &before);
                swiss_clear(&m);
                swiss_get_stats(&m, &after);
                REQUIRE(after.bytes == before.bytes && after.tombstones == 0);
            }
            memset(ref_has, 0, sizeof ref_has);
            ref_len = 0;
            break;
        case 10:
        case 11:
            iterate(&m, arg);
            break;
        case 12:
            aliased(&m, &a, arg, lenient);
            break;
        case 13: /* the k-th allocation from now fails */
            arena_fail_after(&a, 1 + arg % 4, arg & 0x80);
            break;
        case 14:
            arena_fail_after(&a, 0, 0);
            break;
        case 15:
            swiss_set_pruning(&m, arg & 1);
            break;
        }
        /* Every entry every 32 operations and after the rare ones. */
        verify_all(&m, &a, n_ops % 32 == 0 || op % 16 >= 9);
    }
    verify_all(&m, &a, true);
    /* No page leaks: reset gives every page back. */
    arena_fail_after(&a, 0, 0);
    swiss_reset(&m);
    REQUIRE(in_use(&a) == 0);
    return 0;
}
