/* SPDX-License-Identifier: MIT */
/*
 * test_support.h - what the map suites share (hmap_testlib, swiss_testlib):
 * a 64-bit mixer, unaligned 8-byte loads and stores, and a small random
 * number generator, all deterministic.  Test code only.
 */
#ifndef TIDEMARK_TEST_SUPPORT_H
#define TIDEMARK_TEST_SUPPORT_H

#include <stdint.h>

/* A 64-bit mixer (not the maps' hash): a bijection on uint64_t. */
uint64_t tmix(uint64_t x);

/* Read / write an 8-byte key without alignment assumptions. */
uint64_t load_u64(const void *p);
void store_u64(void *p, uint64_t v);

/* A Weyl sequence passed through tmix: simple and full-period. */
struct trng {
    uint64_t s;
};
void trng_seed(struct trng *r, uint64_t seed);
uint64_t trng_next(struct trng *r);
/* Uniform in [0, n), n >= 1. */
uint64_t trng_below(struct trng *r, uint64_t n);

#endif /* TIDEMARK_TEST_SUPPORT_H */
