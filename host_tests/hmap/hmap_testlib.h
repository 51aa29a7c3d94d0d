/* SPDX-License-Identifier: MIT */
/*
 * hmap_testlib.h - shared helpers of the independent hmap test suite.
 *
 * The suite is written only against hmap/hmap.h, arena/arena.h and the
 * map's rules (hmap.h): it observes the map through hmap_get_stats,
 * hmap_check, lookups, iteration and the arena's own figures, and reads no
 * private field of struct hmap, except test_cache.c, whose subject is
 * hmap_check's verdict on those fields, and calls no internal function but
 * one, in test_sizing.c, for a case no host can reach through the API.
 * What this file offers:
 *
 *   - arenas of an exact page count over a heap region (the tests may use
 *     malloc; the map and the arena may not), and "filler" pages that a test
 *     holds so the map finds the arena full;
 *   - the sizing formulas of the contract (B from a hint, bucket size, bytes
 *     of a bucket array), computed independently of hmap.c;
 *   - custom hash functions that place keys where a test needs them;
 *   - a small deterministic random generator and a mixer.
 */
#ifndef TIDEMARK_HMAP_TESTLIB_H
#define TIDEMARK_HMAP_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "hmap.h"
#include "test_support.h" /* tmix, load_u64, store_u64, trng */

/* Figures the lead quotes go to stderr, one line each, with this prefix, so
 * they show with `ctest -V` or when a suite binary is run by hand. */
#define TLOG(...) (fprintf(stderr, "[hmap-tests] " __VA_ARGS__), fflush(stderr))

#define PAGE_4K ((size_t)4096)

/* --- arenas ------------------------------------------------------------- */

/* test_arena_new and the other arena helpers: test_support.h. */

/* --- the contract's formulas ------------------------------------------- */

/* Smallest B with hint <= 8 or hint <= 6.5 * 2^B (the sizing rule). */
unsigned expect_B(size_t hint);

/* 8 tophash bytes + 8 keys + 8 values + the overflow link. */
size_t expect_bucket_size(size_t key_size, size_t val_size);

/* Regular plus preallocated overflow buckets of an array of 2^B buckets:
 * 2^B, plus 2^(B-4) when B >= 4. */
size_t expect_array_buckets(unsigned B);

/* Bytes of the array: its buckets rounded up to whole pages. */
size_t expect_array_bytes(unsigned B, size_t bucket_size, size_t page_size);

/* Overflow buckets available in a fresh array of B >= 4: the preallocated
 * 2^(B-4) plus those that fit in the slack of the last page. */
size_t expect_spare(unsigned B, size_t bucket_size, size_t page_size);

/* True when count entries exceed the load factor of 2^B buckets, as the
 * growth rule reads it: count > 8 && count > 6.5 * 2^B. */
bool over_load(size_t count, unsigned B);

/* --- hashing helpers ---------------------------------------------------- */

/*
 * Placement-controlling hashes for 8-byte keys; all ignore the seed, which
 * the contract allows (equal keys must hash equally under every seed).
 *
 * ctl_hash:    low 32 bits = the key's low 32 bits (so key k lands in bucket
 *              k mod 2^B for any B <= 32), high bits mixed (varied tophash).
 * bucket0_hash: low 32 bits 0 (every key in bucket 0), high bits mixed.
 * weak_hash:   only 7 distinct values with equal top bytes: long chains and
 *              many equality calls.
 */
uint64_t ctl_hash(const void *key, size_t len, uint64_t seed);
uint64_t bucket0_hash(const void *key, size_t len, uint64_t seed);
uint64_t weak_hash(const void *key, size_t len, uint64_t seed);

/* --- map helpers -------------------------------------------------------- */

struct hmap_stats hstats(const struct hmap *m);

/* An 8/8 map type with the given hash (NULL: built-in). */
struct hmap_type type_u64(uint64_t (*hash)(const void *, size_t, uint64_t));

/* Put / look up 8-byte keys and values through the generic calls. */
int put64(struct hmap *m, uint64_t k, uint64_t v);
/* True and *v set when k is present. */
bool get64(struct hmap *m, uint64_t k, uint64_t *v);
bool del64(struct hmap *m, uint64_t k);
/* Asserts that keys from..to-1 are present with value k * mul (get64). */
void assert_range(struct hmap *m, uint64_t from, uint64_t to, uint64_t mul);

/*
 * Iterate the whole map and count visits of each 8-byte key in [0, range):
 * visits[k] += 1.  Keys outside the range are counted in the return of
 * *stray.  Returns the number of entries visited; *err gets the iterator's
 * error.
 */
size_t iter_count_u64(struct hmap *m, unsigned *visits, uint64_t range,
                      size_t *stray, int *err);

#endif /* TIDEMARK_HMAP_TESTLIB_H */
