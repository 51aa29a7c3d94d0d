/* SPDX-License-Identifier: MIT */
/*
 * test_support.h - what the map suites share (hmap_testlib, swiss_testlib):
 * arenas on the test heap, a 64-bit mixer, unaligned 8-byte loads and
 * stores, and a small random number generator, all deterministic.  Test
 * code only: the arena helpers assert with Criterion.
 */
#ifndef TIDEMARK_TEST_SUPPORT_H
#define TIDEMARK_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* --- arenas ------------------------------------------------------------- */

/*
 * A heap-backed arena of exactly npages usable pages of page_size bytes.
 * Asserts (Criterion) that arena_init gave exactly that capacity.  Never
 * returns NULL.  Release with test_arena_free (NULL is ignored).
 */
struct arena *test_arena_new(size_t npages, size_t page_size);
void test_arena_free(struct arena *a);

/* Bytes of pages handed out now / the watermark, from arena_get_stats. */
size_t test_arena_in_use(const struct arena *a);
size_t test_arena_watermark(const struct arena *a);

/*
 * Hold every free page of a, one page at a time, so the next allocation
 * fails; return how many were taken (their addresses in *held, which must
 * have room for max; asserted: no page is left when fewer than max were
 * taken).  test_arena_release gives them back.
 */
size_t test_arena_fill(struct arena *a, void **held, size_t max);
void test_arena_release(struct arena *a, void **held, size_t n);

/* --- numbers ------------------------------------------------------------ */

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
