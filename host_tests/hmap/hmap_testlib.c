/* SPDX-License-Identifier: MIT */
/*
 * hmap_testlib.c - helpers of the independent hmap suite (see the header).
 * The formulas here are written from the contract's text, not from hmap.c,
 * so a disagreement between them and the map is a finding, not a tautology.
 */
#include "hmap_testlib.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* --- the contract's formulas ------------------------------------------- */

unsigned expect_B(size_t hint)
{
    /* hint > 6.5 * 2^B, in doubles: exact for every hint below 2^53. */
    unsigned B = 0;
    while (hint > 8 && (double)hint > 6.5 * (double)((uint64_t)1 << B))
        B++;
    return B;
}

size_t expect_bucket_size(size_t key_size, size_t val_size)
{
    return 8 + 8 * key_size + 8 * val_size + 8;
}

size_t expect_array_buckets(unsigned B)
{
    size_t n = (size_t)1 << B;
    if (B >= 4)
        n += (size_t)1 << (B - 4);
    return n;
}

size_t expect_array_bytes(unsigned B, size_t bucket_size, size_t page_size)
{
    size_t bytes = expect_array_buckets(B) * bucket_size;
    return (bytes + page_size - 1) / page_size * page_size;
}

size_t expect_spare(unsigned B, size_t bucket_size, size_t page_size)
{
    return expect_array_bytes(B, bucket_size, page_size) / bucket_size -
           ((size_t)1 << B);
}

bool over_load(size_t count, unsigned B)
{
    return count > 8 && 2 * count > 13 * ((size_t)1 << B);
}

/* --- hashing helpers ---------------------------------------------------- */

uint64_t ctl_hash(const void *key, size_t len, uint64_t seed)
{
    (void)len;
    (void)seed;
    uint64_t k = load_u64(key);
    return (tmix(k) & 0xffffffff00000000ull) | (k & 0xffffffffull);
}

uint64_t bucket0_hash(const void *key, size_t len, uint64_t seed)
{
    (void)len;
    (void)seed;
    return tmix(load_u64(key)) & 0xffffffff00000000ull;
}

uint64_t weak_hash(const void *key, size_t len, uint64_t seed)
{
    (void)len;
    (void)seed;
    return 0xab00000000000000ull | (load_u64(key) % 7);
}

/* --- map helpers -------------------------------------------------------- */

struct hmap_stats hstats(const struct hmap *m)
{
    struct hmap_stats s;
    memset(&s, 0, sizeof s);
    hmap_get_stats(m, &s);
    return s;
}

struct hmap_type type_u64(uint64_t (*hash)(const void *, size_t, uint64_t))
{
    struct hmap_type t = {.key_size = 8, .val_size = 8, .hash = hash, .equal = NULL};
    return t;
}

int put64(struct hmap *m, uint64_t k, uint64_t v)
{
    return hmap_put(m, &k, &v);
}

void assert_range(struct hmap *m, uint64_t from, uint64_t to, uint64_t mul)
{
    for (uint64_t k = from; k < to; k++) {
        uint64_t v;
        cr_assert(get64(m, k, &v), "key %lu lost", (unsigned long)k);
        cr_assert_eq(v, k * mul);
    }
}

bool get64(struct hmap *m, uint64_t k, uint64_t *v)
{
    void *p = hmap_get(m, &k);
    if (p == NULL)
        return false;
    if (v != NULL)
        *v = load_u64(p);
    return true;
}

bool del64(struct hmap *m, uint64_t k)
{
    return hmap_delete(m, &k);
}

size_t iter_count_u64(struct hmap *m, unsigned *visits, uint64_t range,
                      size_t *stray, int *err)
{
    struct hmap_iter it;
    const void *k;
    void *v;
    size_t n = 0, out = 0;
    hmap_iter_init(&it, m);
    while (hmap_iter_next(&it, &k, &v)) {
        uint64_t key = load_u64(k);
        if (key < range)
            visits[key]++;
        else
            out++;
        n++;
    }
    if (stray != NULL)
        *stray = out;
    if (err != NULL)
        *err = hmap_iter_error(&it);
    return n;
}
