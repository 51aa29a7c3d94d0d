/* SPDX-License-Identifier: MIT */
/* test_support.c - see test_support.h. */
#include "test_support.h"

#include <string.h>

uint64_t tmix(uint64_t x)
{
    /* xor-shift / odd-multiply rounds: each step is invertible. */
    x ^= x >> 31;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 29;
    x *= 0xcf3bd2a9c2e7b8f5ull;
    x ^= x >> 32;
    return x;
}

uint64_t load_u64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

void store_u64(void *p, uint64_t v)
{
    memcpy(p, &v, sizeof v);
}

void trng_seed(struct trng *r, uint64_t seed)
{
    r->s = seed ^ 0x5851f42d4c957f2dull;
}

uint64_t trng_next(struct trng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    return tmix(r->s);
}

uint64_t trng_below(struct trng *r, uint64_t n)
{
    return trng_next(r) % n;
}
