/* SPDX-License-Identifier: MIT */
/*
 * hmap_bucket.h - private to hmap/: the bucket layout, tophash states, the
 * hash, and the table operations the .c files share.
 *
 * A bucket, for key size K and value size V (Go's bmap):
 *
 *   offset 0          tophash[8]   one byte a slot: a state or the hash's top byte
 *   offset 8          keys[8]      8 * K bytes
 *   offset 8 + 8K     vals[8]      8 * V bytes
 *   offset 8 + 8K+8V  overflow     pointer to the next bucket of the chain, or NULL
 *
 * 8K and 8V are multiples of 8, so with buckets placed at 8-byte boundaries the
 * tophash word and the overflow pointer are 8-byte aligned, and so are the
 * keys and values of the 8-byte fast paths.
 *
 * A slot's tophash:
 *   EMPTY_REST (0)  empty, and so is every later slot of the chain: a lookup
 *                   can stop here.  A fresh bucket is all EMPTY_REST.
 *   EMPTY_ONE  (1)  empty, but a later slot may be live.
 *   EVACUATED_X/Y/EMPTY (2..4)  only in old buckets during growth: the entry
 *                   went to the new array's first/second half, or there was
 *                   none.  A bucket is evacuated when its first tophash is one
 *                   of these (Go's evacuated()).
 *   >= MIN_TOPHASH  live: the hash's top byte, raised by MIN_TOPHASH below it.
 */
#ifndef TIDEMARK_HMAP_BUCKET_H
#define TIDEMARK_HMAP_BUCKET_H

#include <string.h>

#include "hmap.h"

#define SLOTS HMAP_BUCKET_SLOTS

/* For the few-instruction helpers of the hot paths: inlined even at -Os,
 * where GCC would otherwise call them. */
#define HOT static inline __attribute__((always_inline))

HOT uint64_t load64(const void *p)
{
    uint64_t v;
    memcpy(&v, __builtin_assume_aligned(p, 8), sizeof v);
    return v;
}

HOT void store64(void *p, uint64_t v)
{
    memcpy(__builtin_assume_aligned(p, 8), &v, sizeof v);
}

HOT uint8_t *bucket_key(const struct hmap *m, uint8_t *b, unsigned i)
{
    return b + SLOTS + i * m->key_size;
}

HOT uint8_t *bucket_val(const struct hmap *m, uint8_t *b, unsigned i)
{
    return b + SLOTS + SLOTS * m->key_size + i * m->val_size;
}

HOT uint8_t *bucket_overflow(const struct hmap *m, const uint8_t *b)
{
    uint8_t *next;
    memcpy(&next, __builtin_assume_aligned(b + m->bucket_size - sizeof next, 8),
           sizeof next);
    return next;
}

HOT void set_overflow(const struct hmap *m, uint8_t *b, uint8_t *next)
{
    memcpy(__builtin_assume_aligned(b + m->bucket_size - sizeof next, 8), &next,
           sizeof next);
}

HOT uint8_t *bucket_at(const struct hmap *m, const struct hmap_table *t,
                                 size_t i)
{
    return t->buckets + i * m->bucket_size;
}

/* The 8-byte layout's bucket size (144), for the fast paths, which use it as
 * a constant rather than the map's bucket_size. */
#define U64_BUCKET_SIZE (SLOTS + SLOTS * 8 + SLOTS * 8 + 8)

HOT bool is_empty(uint8_t top)
{
    return top <= HMAP_EMPTY_ONE;
}

/* Go's evacuated(b): the bucket's entries have moved to the new array. */
HOT bool evacuated(const uint8_t *b)
{
    return b[0] > HMAP_EMPTY_ONE && b[0] < HMAP_MIN_TOPHASH;
}

/* The tophash of hash h (Go's tophash), in 64 bits: the 8-byte paths
 * multiply it into every byte of a word, and a uint8_t would cost them a
 * truncation. */
HOT uint64_t tophash64(uint64_t h)
{
    uint64_t top = h >> 56;
    return top < HMAP_MIN_TOPHASH ? top + HMAP_MIN_TOPHASH : top;
}

HOT uint8_t tophash(uint64_t h)
{
    return (uint8_t)tophash64(h);
}

HOT size_t bucket_mask(unsigned B)
{
    return ((size_t)1 << B) - 1;
}

/* The most entries 2^B buckets hold without overloading: Go's
 * overLoadFactor(count, B) is count > load_limit(B). */
HOT size_t load_limit(unsigned B)
{
    size_t fill = HMAP_LOAD_NUM * (((size_t)1 << B) / HMAP_LOAD_DEN);
    return fill > SLOTS ? fill : SLOTS;
}

HOT bool over_load_factor(size_t count, unsigned B)
{
    return count > load_limit(B);
}

/* Go's tooManyOverflowBuckets(noverflow, B) is noverflow >= this: about as
 * many overflow buckets as regular ones (counted up to 2^15). */
HOT size_t overflow_limit(unsigned B)
{
    return (size_t)1 << (B < 15 ? B : 15);
}

/* Overflow buckets a packed chain of n entries needs (0 for n <= 8). */
static inline size_t overflow_for(size_t n)
{
    return n == 0 ? 0 : (n - 1) / SLOTS;
}

/* --- the hash (hmap_hash.c) -------------------------------------------- */

/* 64x64 -> 128-bit multiply, folded: the mixing step of the hash. */
HOT uint64_t mix64(uint64_t a, uint64_t b)
{
    __extension__ unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

#define HASH_K0 0x9e3779b97f4a7c15ull /* 2^64 / golden ratio      */
#define HASH_K1 0xbf58476d1ce4e5b9ull /* odd, well-mixed constants */
#define HASH_K2 0x94d049bb133111ebull
#define HASH_K3 0xd6e8feb86659fd93ull

/* The per-map key of the built-in hash, from its seed: mixed once, at init
 * and at every reseed, so that no seed (0, 1, ...) leaves keys unmixed. */
HOT uint64_t hash_key_of(uint64_t seed)
{
    return mix64(seed ^ HASH_K0, HASH_K1);
}

/* The multiplier that goes with a hash key: odd, and seeded too. */
HOT uint64_t hash_mul_of(uint64_t hash_key)
{
    return (HASH_K2 ^ (hash_key << 1)) | 1;
}

/* The built-in hash of one 8-byte key: one multiply-fold round, keyed and
 * with a multiplier both derived from the map's seed.  The fold (high ^ low
 * half of the 128-bit product) carries every key bit into the low bits (the
 * bucket index) and the top byte (the tophash).  hmap_hash_bytes gives the
 * same value for those 8 bytes, so the fast and generic paths agree. */
HOT uint64_t hash_u64_keyed(uint64_t key, uint64_t hash_key, uint64_t hash_mul)
{
    return mix64(key ^ hash_key, hash_mul);
}

HOT uint64_t hash_u64(uint64_t key, uint64_t seed)
{
    uint64_t k = hash_key_of(seed);
    return hash_u64_keyed(key, k, hash_mul_of(k));
}

static inline uint64_t key_hash(const struct hmap *m, const void *key)
{
    if (m->hash != NULL)
        return m->hash(key, m->key_size, m->seed);
    return hmap_hash_bytes(key, m->key_size, m->seed);
}

static inline bool key_equal(const struct hmap *m, const void *a, const void *b)
{
    if (m->equal != NULL)
        return m->equal(a, b, m->key_size);
    return memcmp(a, b, m->key_size) == 0;
}

/* Where a lookup finds key (hmap.c): its slot's key, or NULL.  Reads only;
 * for hmap_check (hmap_get uses the same search).  The map has an array. */
uint8_t *hmap_find_key(const struct hmap *m, const void *key);

/* --- tables (hmap_table.c) ---------------------------------------------- */

/* B that a hint asks for: smallest with !over_load_factor(hint, B). */
unsigned hmap_b_for_hint(size_t hint);

/* Allocate and zero a table of 2^B buckets plus preallocated overflow.
 * HMAP_ERR_NOMEM (t untouched, arena unchanged) or 0. */
int table_make(const struct hmap *m, struct hmap_table *t, unsigned B);

/* Make sure at least n unused overflow buckets are on t's free list, with at
 * most one arena allocation.  HMAP_ERR_NOMEM (nothing changed) or 0. */
int table_reserve(const struct hmap *m, struct hmap_table *t, size_t n);

/* Link a spare overflow bucket after b and return it (empty).  The caller
 * reserved it: the free list is not empty. */
uint8_t *table_new_overflow(const struct hmap *m, struct hmap_table *t,
                            uint8_t *b);

/* Give back every page t holds (array and chunks); t becomes all zero but B. */
void table_free(const struct hmap *m, struct hmap_table *t);

/* Empty every bucket of t's array, give back its chunks, rebuild the free
 * list from the array's preallocated overflow buckets. */
void table_clear(const struct hmap *m, struct hmap_table *t);

/* Arena pages t holds. */
size_t table_pages(const struct hmap_table *t);

/* Buckets the array run holds (regular + preallocated overflow). */
size_t table_array_capacity(const struct hmap *m, const struct hmap_table *t);

/* Per-map layout computed at init: fills bucket_size and chunk_pages. */
int hmap_layout(struct hmap *m, size_t key_size, size_t val_size);

#endif /* TIDEMARK_HMAP_BUCKET_H */
