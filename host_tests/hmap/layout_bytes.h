/* SPDX-License-Identifier: MIT */
/*
 * layout_bytes.h - the bucket bytes as the map's rules lay them out, for the
 * tests that read them (test_layout.c) and corrupt them (test_check.c): the
 * bucket size for 8-byte keys and values, Go's tophash states, and where a
 * bucket's keys, values and overflow link sit.
 */
#ifndef TIDEMARK_LAYOUT_BYTES_H
#define TIDEMARK_LAYOUT_BYTES_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hmap_testlib.h"

#define BS 144u /* bucket size for 8-byte keys and values */

/* Go's tophash states (runtime/map.go), written out here rather than taken
 * from the library: the test states the encoding it expects. */
enum {
    EMPTY_REST = 0,      /* this and every later slot of the chain empty */
    EMPTY_ONE = 1,       /* this slot empty                              */
    EVACUATED_X = 2,     /* moved to the first half of the new array     */
    EVACUATED_Y = 3,     /* moved to the second half                     */
    EVACUATED_EMPTY = 4, /* was empty; bucket evacuated                  */
    MIN_TOPHASH = 5      /* smallest tophash of a live slot              */
};

/* The lowest page of a fresh arena: where the map's first array will go. */
static inline uint8_t *first_page(struct arena *a)
{
    uint8_t *p = arena_alloc_pages(a, 1);
    cr_assert(p != NULL);
    cr_assert_eq(arena_free_pages(a, p, 1), 0);
    return p;
}

static inline uint8_t *bucket_at(uint8_t *array, size_t i) { return array + i * BS; }
static inline uint8_t *key_at(uint8_t *b, unsigned s) { return b + 8 + 8 * s; }
static inline uint8_t *val_at(uint8_t *b, unsigned s) { return b + 8 + 64 + 8 * s; }
static inline uint8_t *ovf_of(uint8_t *b)
{
    uint8_t *p;
    memcpy(&p, b + BS - 8, sizeof p);
    return p;
}

static inline uint8_t tophash_of(uint64_t h)
{
    uint8_t top = (uint8_t)(h >> 56);
    return top < MIN_TOPHASH ? (uint8_t)(top + MIN_TOPHASH) : top;
}

static inline bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

#endif /* TIDEMARK_LAYOUT_BYTES_H */
