/* SPDX-License-Identifier: MIT */
/*
 * fuzz_hmap.c - libFuzzer target: a byte stream decoded as map operations
 * over a small key range, checked against a reference table, hmap_check
 * after every operation.
 *
 * Input: byte 0 picks key and value sizes, byte 1 the page size, the arena's
 * size, the hint, a weak hash (long chains) and auto-shrink.  Then each
 * operation is an opcode byte and an argument byte: put, delete, get, clear,
 * reset, compact, a full iteration, or an injected allocation failure.  The
 * arena is small, so growth and overflow run out of pages by themselves; a
 * put that fails must fail with HMAP_ERR_NOMEM and change nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

#define KEYS 64
#define REGION (96 * 1024)

static const size_t key_sizes[] = {1, 2, 3, 8, 16, 40};
static const size_t val_sizes[] = {0, 1, 8, 24};

static _Alignas(64) uint8_t region[REGION];
static uint8_t ref_val[KEYS][24];
static bool ref_has[KEYS];
static size_t ref_len;
static size_t ks, vs;

#define REQUIRE(c)   \
    do {             \
        if (!(c))    \
            abort(); \
    } while (0)

/* A weak hash: 4 distinct low parts, so a few buckets take every key. */
static uint64_t weak_hash(const void *key, size_t len, uint64_t seed)
{
    const uint8_t *k = key;
    (void)len;
    return ((uint64_t)(k[0] & 3) | ((uint64_t)k[0] << 56)) ^ (seed & 0xf0);
}

static void make_key(uint8_t *k, unsigned i)
{
    for (size_t j = 0; j < ks; j++)
        k[j] = (uint8_t)(j == 0 ? i : i * 37 + j);
}

static void make_val(uint8_t *v, unsigned i, uint8_t salt)
{
    for (size_t j = 0; j < vs; j++)
        v[j] = (uint8_t)(salt + i + j * 7);
}

static void verify_all(struct hmap *m)
{
    REQUIRE(hmap_check(m) == HMAP_OK);
    REQUIRE(hmap_len(m) == ref_len);
    uint8_t k[40];
    for (unsigned i = 0; i < KEYS; i++) {
        make_key(k, i);
        uint8_t *v = hmap_get(m, k);
        REQUIRE((v != NULL) == ref_has[i]);
        REQUIRE(v == NULL || memcmp(v, ref_val[i], vs) == 0);
    }
}

static void verify_iteration(struct hmap *m)
{
    bool seen[KEYS] = {0};
    size_t n = 0;
    struct hmap_iter it;
    const void *k;
    void *v;
    hmap_iter_init(&it, m);
    while (hmap_iter_next(&it, &k, &v)) {
        unsigned i = ((const uint8_t *)k)[0];
        REQUIRE(i < KEYS && ref_has[i] && !seen[i]);
        REQUIRE(memcmp(v, ref_val[i], vs) == 0);
        seen[i] = true;
        n++;
    }
    REQUIRE(hmap_iter_error(&it) == HMAP_OK && n == ref_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    ks = key_sizes[data[0] % 6];
    vs = val_sizes[(data[0] / 6) % 4];
    uint8_t f = data[1];
    size_t ps = (size_t)64 << (f % 4 * 2); /* 64, 256, 1024, 4096 */
    size_t region_size = REGION >> ((f >> 2) % 3);
    struct hmap_type t = {ks, vs, (f & 0x10) ? weak_hash : NULL, NULL};
    size_t hint = (f & 0x20) ? 40 : 0;

    struct arena a;
    struct hmap m;
    struct arena_stats s0, s;
    REQUIRE(arena_init(&a, region, region_size, ps) == ARENA_OK);
    arena_get_stats(&a, &s0);
    int rc = hmap_init(&m, &t, &a, hint, 1);
    if (rc == HMAP_ERR_NOMEM) {
        arena_get_stats(&a, &s);
        REQUIRE(s.in_use == s0.in_use);
        return 0;
    }
    REQUIRE(rc == HMAP_OK);
    hmap_set_auto_shrink(&m, (f & 0x40) != 0);
    memset(ref_has, 0, sizeof ref_has);
    ref_len = 0;

    uint8_t k[40], v[24];
    for (size_t at = 2; at + 1 < size; at += 2) {
        uint8_t op = data[at], arg = data[at + 1];
        unsigned i = arg % KEYS;
        make_key(k, i);
        switch (op % 12) {
        case 0:
        case 1:
        case 2:
        case 3: { /* put */
            make_val(v, i, op);
            struct hmap_stats before, after;
            hmap_get_stats(&m, &before);
            rc = hmap_put(&m, k, v);
            if (rc == HMAP_ERR_NOMEM) {
                hmap_get_stats(&m, &after);
                REQUIRE(after.len == before.len && after.bytes == before.bytes);
                break;
            }
            REQUIRE(rc == HMAP_OK);
            if (!ref_has[i])
                ref_len++;
            ref_has[i] = true;
            memcpy(ref_val[i], v, vs);
            break;
        }
        case 4:
        case 5:
        case 6: /* delete */
            REQUIRE(hmap_delete(&m, k) == ref_has[i]);
            if (ref_has[i])
                ref_len--;
            ref_has[i] = false;
            break;
        case 7: /* get */
            REQUIRE((hmap_get(&m, k) != NULL) == ref_has[i]);
            break;
        case 8: /* clear, reset or compact */
            if (arg % 3 == 0 || arg % 3 == 1) {
                if (arg % 3 == 0)
                    hmap_clear(&m);
                else
                    hmap_reset(&m);
                memset(ref_has, 0, sizeof ref_has);
                ref_len = 0;
            } else {
                rc = hmap_compact(&m);
                REQUIRE(rc == HMAP_OK || rc == HMAP_ERR_NOMEM);
            }
            break;
        case 9:
            verify_iteration(&m);
            break;
        case 10: /* the k-th allocation from now fails */
            arena_fail_after(&a, 1 + arg % 4, arg & 0x80);
            break;
        case 11:
            arena_fail_after(&a, 0, 0);
            break;
        }
        verify_all(&m);
    }
    /* No page leaks: reset gives every page back. */
    arena_fail_after(&a, 0, 0);
    hmap_reset(&m);
    arena_get_stats(&a, &s);
    REQUIRE(s.in_use == s0.in_use);
    return 0;
}
