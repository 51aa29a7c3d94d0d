/* SPDX-License-Identifier: MIT */
/*
 * hmap_internal.h - private to hmap/: the bucket layout, the tophash states,
 * the growth thresholds and the functions the hmap_*.c files share.  The
 * design they implement: docs/design.md; here, the exact bytes.
 *
 * Functions here with external linkage carry the prefix hm_: they are shared
 * between the files of hmap/ and are no part of the API (hmap.h is).
 *
 * A bucket, for key size K and value size V (Go's bmap):
 *
 *   offset 0          tophash[8]   one byte a slot: a state or the hash's top byte
 *   offset 8          keys[8]      8 * K bytes
 *   offset 8 + 8K     vals[8]      8 * V bytes
 *   offset 8 + 8K+8V  overflow     pointer to the next bucket of the chain, or NULL
 *
 * The overflow link is pointer-sized, as in Go: 8 bytes on a 64-bit target,
 * 4 on a 32-bit one (so 144 and 140 bytes for 8-byte keys and values, Go's
 * amd64 and 386 figures).  8K and 8V are multiples of 8, so no padding is
 * ever needed before the link, on either width.  Buckets are laid out back
 * to back, so a bucket, its tophash word and its 8-byte keys are aligned to
 * HM_BUCKET_ALIGN, the pointer's size: 8 on 64-bit targets, 4 on 32-bit ones,
 * where Go too places a uint64 key at 4-byte alignment.
 *
 * A slot's tophash (Go's states, same values):
 *   TOPHASH_EMPTY_REST (0)  empty, and so is every later slot of the chain: a
 *                   lookup can stop here.  A fresh bucket is all EMPTY_REST.
 *                   Invariants (hmap_check): after an EMPTY_REST, every slot
 *                   of the chain is EMPTY_REST; and a bucket's last slot
 *                   is EMPTY_REST when it and every later slot are empty
 *                   (the chain walks stop at that bucket).
 *   TOPHASH_EMPTY_ONE  (1)  empty, but a later slot may be live.
 *   TOPHASH_EVACUATED_X/Y/EMPTY (2..4)  only in old buckets during growth:
 *                   the entry went to the new array's first/second half, or
 *                   there was none.  A bucket is evacuated when its first
 *                   tophash is one of these (Go's evacuated()).
 *   >= TOPHASH_MIN  live: the hash's top byte, raised by TOPHASH_MIN below it.
 */
#ifndef TIDEMARK_HMAP_INTERNAL_H
#define TIDEMARK_HMAP_INTERNAL_H

#include <string.h>

#include "hmap.h"

/* For the few-instruction helpers of the hot paths: inlined even at -Os,
 * where GCC would otherwise call them. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define SLOTS HMAP_BUCKET_SLOTS

#define TOPHASH_EMPTY_REST HM_TOPHASH_EMPTY_REST /* 0, hmap_probe.h */
#define TOPHASH_EMPTY_ONE 1
#define TOPHASH_EVACUATED_X 2
#define TOPHASH_EVACUATED_Y 3
#define TOPHASH_EVACUATED_EMPTY 4
#define TOPHASH_MIN HM_TOPHASH_MIN /* 5, hmap_probe.h */

/* --- bucket access ---------------------------------------------------------- */

ALWAYS_INLINE uint8_t *bucket_key(const struct hmap *m, uint8_t *b, size_t i)
{
    return b + SLOTS + i * m->key_size;
}

ALWAYS_INLINE uint8_t *bucket_val(const struct hmap *m, uint8_t *b, size_t i)
{
    return b + SLOTS + SLOTS * m->key_size + i * m->val_size;
}

ALWAYS_INLINE uint8_t *bucket_overflow(const struct hmap *m, const uint8_t *b)
{
    uint8_t *next;
    memcpy(&next, __builtin_assume_aligned(b + m->bucket_size - sizeof next, HM_BUCKET_ALIGN),
           sizeof next);
    return next;
}

ALWAYS_INLINE void set_overflow(const struct hmap *m, uint8_t *b, uint8_t *next)
{
    memcpy(__builtin_assume_aligned(b + m->bucket_size - sizeof next, HM_BUCKET_ALIGN), &next,
           sizeof next);
}

ALWAYS_INLINE uint8_t *bucket_at(const struct hmap *m, const struct hmap_table *t,
                                 size_t i)
{
    return t->buckets + i * m->bucket_size;
}

ALWAYS_INLINE bool is_empty(uint8_t top)
{
    return top <= TOPHASH_EMPTY_ONE;
}

/* Go's evacuated(b): the bucket's entries have moved to the new array. */
ALWAYS_INLINE bool evacuated(const uint8_t *b)
{
    return (unsigned)(b[0] - TOPHASH_EVACUATED_X) < TOPHASH_MIN - TOPHASH_EVACUATED_X;
}

/* The tophash of hash h as a byte (hm_tophash64, hmap_probe.h). */
ALWAYS_INLINE uint8_t tophash(uint64_t h)
{
    return (uint8_t)hm_tophash64(h);
}

ALWAYS_INLINE size_t bucket_mask(unsigned B)
{
    return ((size_t)1 << B) - 1;
}

ALWAYS_INLINE bool growing(const struct hmap *m)
{
    return m->old.buckets != NULL;
}

/* A position in a chain: bucket and slot. */
struct slot {
    uint8_t *b;
    size_t i;
};

/* Number of buckets in the old array (Go's noldbuckets). */
ALWAYS_INLINE size_t old_nbuckets(const struct hmap *m)
{
    return (size_t)1 << m->old.B;
}

/* --- growth thresholds ------------------------------------------------------ */

/* HM_B_LIMIT: the first B no table ever has.  Below it 13 * 2^B
 * (load_max_for's product) and 2^B * 17/16 buckets (an array with its
 * preallocated overflow) still fit in a size_t with room; hm_b_for_hint
 * stops there, hmap_init refuses it, and hmap_entries_fit never looks past
 * it. */
#define HM_B_LIMIT ((unsigned)(sizeof(size_t) * 8 - 6))

/* load_max: the most entries 2^B buckets hold without overloading.  Go's
 * overLoadFactor(count, B) is count > load_max_for(B); a table caches it as
 * t->load_max, and an insert of a new key at count >= load_max grows. */
ALWAYS_INLINE size_t load_max_for(unsigned B)
{
    size_t fill = HMAP_LOAD_NUM * (((size_t)1 << B) / HMAP_LOAD_DEN);
    return fill > SLOTS ? fill : SLOTS;
}

/* Go's overflow count tops out at 2^HM_OVERFLOW_CAP_B, and from the next B
 * on it counts only some of the overflow buckets (incrnoverflow): an
 * estimate, which hm_table_new_overflow keeps (docs/design.md). */
#define HM_OVERFLOW_CAP_B 15u

/* Go's tooManyOverflowBuckets(noverflow, B) is noverflow >=
 * overflow_max_for(B), about as many overflow buckets as regular ones
 * (counted up to 2^HM_OVERFLOW_CAP_B); a new table starts its
 * t->overflow_max there. */
ALWAYS_INLINE size_t overflow_max_for(unsigned B)
{
    return (size_t)1 << (B < HM_OVERFLOW_CAP_B ? B : HM_OVERFLOW_CAP_B);
}

/* Overflow buckets an array of 2^B preallocates after its buckets: 2^(B-4)
 * when B >= 4, as Go's makeBucketArray. */
ALWAYS_INLINE size_t prealloc_for(unsigned B)
{
    return B >= 4 ? ((size_t)1 << B) >> 4 : 0;
}

/* Overflow buckets a packed chain of n entries needs (0 for n <= 8). */
static inline size_t overflow_for(size_t n)
{
    return n == 0 ? 0 : (n - 1) / SLOTS;
}

/* --- the hash (hmap_hash.c) -------------------------------------------------- */

#define HASH_K0 0x9e3779b97f4a7c15ull /* 2^64 / golden ratio      */
#define HASH_K1 0xbf58476d1ce4e5b9ull /* odd, well-mixed constants */
#define HASH_K2 0x94d049bb133111ebull
#define HASH_K3 0xd6e8feb86659fd93ull

/* The per-map key of the built-in hash, from its seed: mixed once, at init
 * and at every reseed, so that no seed (0, 1, ...) leaves keys unmixed. */
ALWAYS_INLINE uint64_t hash_key_of(uint64_t seed)
{
    return hm_mix64(seed ^ HASH_K0, HASH_K1);
}

/* The multiplier that goes with a hash key: odd, and seeded too. */
ALWAYS_INLINE uint64_t hash_mul_of(uint64_t hash_key)
{
    return (HASH_K2 ^ (hash_key << 1)) | 1;
}

ALWAYS_INLINE uint64_t hash_u64(uint64_t key, uint64_t seed)
{
    uint64_t k = hash_key_of(seed);
    return hm_hash_u64_keyed(key, k, hash_mul_of(k));
}

/* --- keys --------------------------------------------------------------------- */

/* The hash of a key under the map's hash function and seed (hmap_hash.c). */
uint64_t hm_key_hash(const struct hmap *m, const void *key);

static inline bool key_equal(const struct hmap *m, const void *a, const void *b)
{
    if (m->equal != NULL)
        return m->equal(a, b, m->key_size);
    return memcmp(a, b, m->key_size) == 0;
}

/* --- the write bracket and shared steps (hmap.c) ----------------------------- */

/*
 * Recompute the fast paths' cached state (fast64, fast_ready, fast_write,
 * grow_at)
 * from what it summarises.  Those conditions change only inside bracketed
 * writes (and hmap_init, hmap_set_auto_shrink), which call this last; the
 * fast paths themselves never start or end a growth, allocate or drop the
 * array.  hmap_check verifies the cache.
 */
void hm_refresh_fast(struct hmap *m);

/* Enter a write (Go's hashWriting): refuse, and count, one that re-enters
 * another.  The fast flags are off for the bracket's duration. */
ALWAYS_INLINE bool hm_begin_write(struct hmap *m)
{
    if (m->writing) {
        m->misuse++;
        return false;
    }
    m->writing = true;
    m->fast_ready = false;
    m->fast_write = false;
    m->writes++;
    return true;
}

ALWAYS_INLINE void hm_end_write(struct hmap *m)
{
    m->writing = false;
    hm_refresh_fast(m);
}

/* Set the hash seed, the built-in hash's key and multiplier, and the
 * random source of the overflow estimate from it. */
void hm_set_seed(struct hmap *m, uint64_t seed);

/* Empty slot i of bucket b (its key and value already zeroed) in the chain
 * that starts at first; the emptyRest bookkeeping of a delete, then the
 * count.  Returns true (the delete's answer). */
bool hm_vacate(struct hmap *m, uint8_t *first, uint8_t *b, size_t i);

/* Give every page back; the next put allocates at the hint's B.  Reseeds.
 * Inside a write. */
void hm_release_all(struct hmap *m);

/*
 * Find key in the chain that starts at b (its tophash is top).  Returns the
 * slot holding it, or {NULL} when absent; then *ins (if not NULL) is the
 * first empty slot of the chain ({NULL} if none) and *last (if not NULL)
 * the chain's last bucket.
 */
struct slot hm_chain_find(const struct hmap *m, uint8_t *b, const void *key,
                          uint8_t top, struct slot *ins, uint8_t **last);

/* Store a new entry (top, key, val) of table t in slot ins, or, when ins is
 * {NULL}, in a spare overflow bucket linked after last (taking one from the
 * arena if none is spare).  0, or HMAP_ERR_NOMEM with nothing changed. */
int hm_place(struct hmap *m, struct hmap_table *t, struct slot ins,
             uint8_t *last, uint8_t top, const void *key, const void *val);

/*
 * What the general insert, lookup and delete know of keys: the hash of a key
 * (the one looked for, and each stored one an evacuation moves) and the
 * search of a chain (hm_chain_find's contract).  Two sets: hm_any_keys
 * (hm_key_hash, hm_chain_find: every key size, the user's hash and equal),
 * which hmap_put/get/delete pass, and the 8-byte one the 8-byte entry points
 * pass when their fast path does not apply (hmap_fast64.c).  Through
 * pointers, so that a firmware using only the 8-byte entry points links
 * neither the byte hash nor the general chain walk.
 */
struct hm_keyops {
    uint64_t (*hash)(const struct hmap *m, const void *key);
    struct slot (*find)(const struct hmap *m, uint8_t *b, const void *key, uint8_t top,
                        struct slot *ins, uint8_t **last);
};

extern const struct hm_keyops hm_any_keys;

/* The general insert (hmap_put's, after its argument checks), inside its own
 * write bracket: HMAP_OK, HMAP_ERR_BUSY (re-entered) or HMAP_ERR_NOMEM
 * (nothing changed). */
int hm_put(struct hmap *m, const void *key, const void *val, const struct hm_keyops *k);

/* The general lookup (hmap_get's, after its argument checks): the value,
 * or NULL when absent, the map empty, or read from inside a write (counted
 * as misuse). */
void *hm_get(struct hmap *m, const void *key, const struct hm_keyops *k);

/* The general delete (hmap_delete's, after its argument checks), inside its
 * own write bracket: whether key was there (false when re-entered). */
bool hm_delete(struct hmap *m, const void *key, const struct hm_keyops *k);

/* The slot where a lookup finds key, or {NULL} when absent: hm_get's
 * search, which hmap_check uses too.  Reads only.  The map has an array. */
struct slot hm_find_slot(const struct hmap *m, const void *key, const struct hm_keyops *k);

/* --- growth and evacuation (hmap_grow.c) ------------------------------------- */

/* Start growing: a doubling, or same size when only overflow is the problem.
 * Allocates the new array only; 0 or HMAP_ERR_NOMEM (nothing changed). */
int hm_grow_start(struct hmap *m);

/* Take back a hm_grow_start that nothing has used yet; ops and peak are the
 * shrink policy's counters as they were before it. */
void hm_grow_undo(struct hmap *m, size_t ops, size_t peak);

/* Evacuate old bucket i (not evacuated yet), reserving the overflow buckets
 * it needs, plus one when a new key of hash h is to go in afterwards
 * (insert); the keys are rehashed with k's hash.  0 or HMAP_ERR_NOMEM (then
 * nothing changed). */
int hm_evacuate(struct hmap *m, size_t i, bool insert, uint64_t h,
                const struct hm_keyops *k);

/* Give the old table back and leave the growth state: when the last old
 * bucket is evacuated, or when a growth is abandoned (clear, reset,
 * compact).  Nothing to give back when not growing. */
void hm_grow_end(struct hmap *m);

/* The optional half of Go's growWork: move the lowest unevacuated buckets,
 * one or HMAP_GROW_WORK (hmap.h), while their overflow can be had.  Nothing
 * when not growing. */
void hm_evacuate_next(struct hmap *m, const struct hm_keyops *k);

/* --- tables (hmap_table.c) ------------------------------------------------------ */

/* B that a hint asks for: smallest with hint <= load_max_for(B). */
unsigned hm_b_for_hint(size_t hint);

/* Pages of the array run of a table of 2^B buckets (B below the width of
 * size_t): the buckets, plus 2^(B-4) preallocated overflow buckets when
 * B >= 4 (Go's makeBucketArray), rounded up to whole pages; SIZE_MAX when
 * its bytes would overflow a size_t, which only a doubling of an array over
 * half the address space could ask for (32-bit targets). */
size_t hm_array_pages(const struct hmap *m, unsigned B);

/* Pages in t's overflow chunks, counted from the chunks' own headers (what
 * t->chunk_pages should say). */
size_t hm_table_chunk_pages(const struct hmap_table *t);

/* Allocate and zero a table of 2^B buckets plus preallocated overflow.
 * HMAP_ERR_NOMEM (t untouched, arena unchanged) or 0.  Either way the
 * request is the map's last (hmap_last_request_pages). */
int hm_table_make(struct hmap *m, struct hmap_table *t, unsigned B);

/* Make sure at least n unused overflow buckets are on t's free list, with at
 * most one arena allocation.  HMAP_ERR_NOMEM (nothing changed) or 0. */
int hm_table_reserve(struct hmap *m, struct hmap_table *t, size_t n);

/* Link a spare overflow bucket after b and return it (empty), and count it
 * (Go's incrnoverflow: noverflow, and overflow_max when Go's estimate leaves
 * it out).  The caller reserved it: the free list is not empty. */
uint8_t *hm_table_new_overflow(struct hmap *m, struct hmap_table *t, uint8_t *b);

/* Set t's cached mask, load_max and overflow_max from its B (all 0 when it
 * has no array), overflow_max as for a table with no overflow bucket. */
void hm_table_limits(struct hmap_table *t);

/* Give back every page t holds (array and chunks); t becomes all zero but B.
 * Each run leaves t's page counts before it goes back to the arena, so the
 * map never reports a page the arena has already taken back. */
void hm_table_free(const struct hmap *m, struct hmap_table *t);

/* Empty every bucket of t's array, give back its chunks, rebuild the free
 * list from the array's preallocated overflow buckets. */
void hm_table_clear(const struct hmap *m, struct hmap_table *t);

/* An overflow chunk starts with this header; its buckets follow at
 * CHUNK_HEADER.  The table's chunks are a list through it. */
struct chunk_header {
    uint8_t *next;
    size_t npages;
};
#define CHUNK_HEADER sizeof(struct chunk_header)

/* The header of chunk c: its length in pages and the next chunk of its
 * table (NULL at the end).  The one reader of a chunk's header. */
ALWAYS_INLINE struct chunk_header chunk_header_of(const uint8_t *c)
{
    struct chunk_header h; /* a chunk starts a page: aligned */
    memcpy(&h, __builtin_assume_aligned(c, HM_BUCKET_ALIGN), sizeof h);
    return h;
}

/* Arena pages t holds. */
size_t hm_table_pages(const struct hmap_table *t);

/* Buckets the array run holds (regular + preallocated overflow). */
size_t hm_table_array_capacity(const struct hmap *m, const struct hmap_table *t);

#endif /* TIDEMARK_HMAP_INTERNAL_H */
