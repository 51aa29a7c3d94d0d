/* SPDX-License-Identifier: MIT */
/*
 * hmap_probe.h - hmap_get_u64, defined inline, and the steps it shares with
 * the map's other 8-byte paths.  hmap.h includes it; it is not an API of its
 * own: every name here but hmap_get_u64 starts with hm_ or HM_ and may change
 * with any version.
 *
 * Why inline, and what the cached fast_ready byte stands for:
 * docs/design.md.  hmap_fast64.c holds the one external definition of
 * hmap_get_u64, so a caller that does not inline it (or takes its address)
 * calls the same code, and the symbol stays.  These are C99 inline definitions with external linkage: they may
 * use only each other, never a static function.  The steps are always
 * inlined (HM_ALWAYS_INLINE), so none is ever called and none needs an
 * external definition.  Under GNU89 inline rules this header defines
 * nothing (see HMAP_INLINE in hmap.h): the library, built as C11, is never
 * compiled so.
 *
 * SWAR ("SIMD within a register"): a bucket's 8 tophash bytes are read as
 * one little-endian 64-bit word, slot i in byte i, and compared 8 at a time.
 *
 *   match      hm_zero_bytes(tops ^ top * ONES) flags (0x80) every byte
 *              equal to top.  The subtraction's borrow can also flag a byte
 *              just above a true match when that byte is 0x01 (after the
 *              xor: tophash top ^ 1).  The general chain walk confirms a
 *              candidate by its byte; the 8-byte paths need not (see
 *              hmap_fast64.c).
 *   chain end  hm_chain_ends_here: by the EMPTY_REST invariants
 *              (hmap_internal.h), a chain ends in this bucket exactly when
 *              the last slot (the top byte) is EMPTY_REST: one shift, no
 *              SWAR test.
 *   slot index hm_lowest_key_offset: 8 * (slot + 1) of the lowest flagged
 *              byte, which in the 8-byte layout is the offset of that slot's
 *              key from the bucket (the value is 64 bytes further).  rv64imac
 *              has no count-trailing-zeros instruction; a multiply does it.
 *   ONES       hm_swar_ones: the constant through an empty asm.
 *
 * hmap_swar.h has the tricks only the library's own paths use.
 */
#ifndef TIDEMARK_HMAP_PROBE_H
#define TIDEMARK_HMAP_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "hmap.h"

#if !defined(__GNUC_GNU_INLINE__) || defined(__cplusplus)

#ifdef __cplusplus
extern "C" {
#endif

/* For the few-instruction steps: inlined even at -Os, where GCC would
 * otherwise call them. */
#define HM_ALWAYS_INLINE inline __attribute__((always_inline))

/* The alignment every bucket, its tophash word, its overflow link and the
 * 8-byte keys and values of the fast paths have: the pointer's size
 * (hmap_internal.h has the layout). */
#define HM_BUCKET_ALIGN (sizeof(void *))

/* The 8-byte layout's bucket size (144 on 64-bit targets, 140 on 32-bit
 * ones: a tophash byte, an 8-byte key and an 8-byte value a slot, and the
 * link), for the fast paths, which use it as a constant rather than the
 * map's bucket_size. */
#define HM_U64_BUCKET_SIZE (HMAP_BUCKET_SLOTS * 17 + sizeof(void *))

/* The tophash states the lookup reads (hmap_internal.h has them all). */
#define HM_TOPHASH_EMPTY_REST 0
#define HM_TOPHASH_MIN 5

#define HM_ONES 0x0101010101010101ull

/* A 64-bit word of a bucket: one load on a 64-bit target, two 32-bit loads
 * on a 32-bit one (which has no wider load). */
HM_ALWAYS_INLINE uint64_t hm_load64(const void *p)
{
    uint64_t v;
    __builtin_memcpy(&v, __builtin_assume_aligned(p, HM_BUCKET_ALIGN), sizeof v);
    return v;
}

HM_ALWAYS_INLINE void hm_store64(void *p, uint64_t v)
{
    __builtin_memcpy(__builtin_assume_aligned(p, HM_BUCKET_ALIGN), &v, sizeof v);
}

/*
 * 64x64 -> 128-bit multiply, folded (low half ^ high half): the mixing step
 * of the hash.  Both versions compute the same value, so a key hashes alike
 * on every target and the maps' layouts and figures agree across widths.
 * The choice is by __SIZEOF_INT128__ because a 64-bit target has a 128-bit
 * product in two instructions (mul, mulhu) while 32-bit targets have no
 * 128-bit type at all (GCC: "'__int128' is not supported on this target"):
 * there the product is built from four 32x32 -> 64 partial products, which
 * is what the compiler would emit for a 128-bit type anyway.
 */
#ifdef __SIZEOF_INT128__
HM_ALWAYS_INLINE uint64_t hm_mix64(uint64_t a, uint64_t b)
{
    __extension__ unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}
#else
HM_ALWAYS_INLINE uint64_t hm_mix64(uint64_t a, uint64_t b)
{
    uint32_t a0 = (uint32_t)a, a1 = (uint32_t)(a >> 32);
    uint32_t b0 = (uint32_t)b, b1 = (uint32_t)(b >> 32);
    uint64_t ll = (uint64_t)a0 * b0, lh = (uint64_t)a0 * b1;
    uint64_t hl = (uint64_t)a1 * b0, hh = (uint64_t)a1 * b1;
    /* The middle column: the carries into the high half, at most 2 bits. */
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    uint64_t lo = (mid << 32) | (uint32_t)ll;
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
}
#endif

/* The built-in hash of one 8-byte key: one multiply-fold round, keyed and
 * with a multiplier both derived from the map's seed.  The fold (high ^ low
 * half of the 128-bit product) carries every key bit into the low bits (the
 * bucket index) and the top byte (the tophash).  hmap_hash_bytes gives the
 * same value for those 8 bytes, so the fast and generic paths agree. */
HM_ALWAYS_INLINE uint64_t hm_hash_u64_keyed(uint64_t key, uint64_t hash_key,
                                            uint64_t hash_mul)
{
    return hm_mix64(key ^ hash_key, hash_mul);
}

/* The tophash of hash h (Go's tophash), in 64 bits: the 8-byte paths
 * multiply it into every byte of a word, and a uint8_t would cost them a
 * truncation. */
HM_ALWAYS_INLINE uint64_t hm_tophash64(uint64_t h)
{
    uint64_t top = h >> 56;
    return top < HM_TOPHASH_MIN ? top + HM_TOPHASH_MIN : top;
}

/*
 * ONES, through an empty asm the compiler cannot see into: the loops then
 * derive 0x80..80 with a shift and subtract ONES itself, where GCC would
 * otherwise load -ONES and 0x80..80 from the constant pool, two
 * instructions apiece on rv64.
 */
HM_ALWAYS_INLINE uint64_t hm_swar_ones(void)
{
    uint64_t ones = HM_ONES;
    __asm__(""
            : "+r"(ones));
    return ones;
}

/* 0x80 in every byte of x that is zero (and, through the borrow, possibly in
 * a 0x01 byte just above one: see the header comment). */
HM_ALWAYS_INLINE uint64_t hm_zero_bytes(uint64_t x, uint64_t ones)
{
    return (x - ones) & ~x & (ones << 7);
}

/*
 * The chain ends in this bucket when its last slot is EMPTY_REST: a slot
 * after an EMPTY_REST is EMPTY_REST too (hmap_check verifies it), so the
 * last slot is EMPTY_REST exactly when some slot is.
 */
HM_ALWAYS_INLINE bool hm_chain_ends_here(uint64_t tops)
{
    return (tops >> 56) == HM_TOPHASH_EMPTY_REST;
}

/*
 * For the lowest flagged slot i of a nonzero byte-mask: 8 * (i + 1).  Keep a
 * 0x01 in each byte up to and including byte i, and a multiply by ONES sums
 * them into the top byte: i + 1.  The byte below holds at most 7, so its top
 * three bits are clear and one shift by 53 gives the sum times 8.  Uses only
 * the ONES the caller holds: no constant to load.
 */
HM_ALWAYS_INLINE unsigned hm_lowest_key_offset(uint64_t mask, uint64_t ones)
{
    uint64_t upto = ((mask & -mask) - 1) & ones; /* 0x01 in bytes 0..i */
    return (unsigned)((upto * ones) >> 53);
}

/*
 * A bucket spans three cache lines (144 bytes for 8-byte keys and values;
 * four when it straddles): the tophash word, the key it leads to and that
 * key's value are on different ones.  Fetch the next two with the first, not
 * one miss after another.  No instruction on rv64imac, which has no prefetch.
 */
HM_ALWAYS_INLINE void hm_prefetch_bucket(const uint8_t *b)
{
    __builtin_prefetch(b + 64);
    __builtin_prefetch(b + 128);
}

/* The next bucket of an 8-byte chain, or NULL. */
HM_ALWAYS_INLINE uint8_t *hm_next_u64(const uint8_t *b)
{
    uint8_t *next;
    __builtin_memcpy(&next,
                     __builtin_assume_aligned(b + HM_U64_BUCKET_SIZE - sizeof next,
                                              HM_BUCKET_ALIGN),
                     sizeof next);
    return next;
}

/* Where an 8-byte fast path starts: the key's bucket in the current array
 * (no growth under way), its later lines asked for (hm_prefetch_bucket), and
 * the key's tophash in every byte of want. */
struct hm_probe {
    uint8_t *b;
    uint64_t want;
};

HM_ALWAYS_INLINE struct hm_probe hm_probe_u64(const struct hmap *m, uint64_t key,
                                              uint64_t ones)
{
    struct hm_probe p;
    uint64_t h = hm_hash_u64_keyed(key, m->hash_key, m->hash_mul);
    p.b = m->cur.buckets + (h & m->cur.mask) * HM_U64_BUCKET_SIZE;
    hm_prefetch_bucket(p.b);
    p.want = hm_tophash64(h) * ones;
    return p;
}

/* hmap_get_u64 whenever the fast path may not run (hmap_fast64.c). */
bool hm_get_u64_slow(struct hmap *m, uint64_t key, uint64_t *val);

/*
 * The 8-byte lookup, Go's mapaccess2_fast64: the hottest path of all (its
 * contract is in hmap.h).  It tests one byte of the map, fast_ready, and
 * hands every other case to hm_get_u64_slow.  Candidates come from the SWAR
 * match; the candidate mask gives the key's offset directly, and a key that
 * matches is the one (hmap_fast64.c's find_u64 says why no tophash byte
 * need be confirmed).  An empty array is searched like any other: no count
 * test.  The loop is find_u64's, written out so that a hit answers at its
 * match: through find_u64 it would test the offset it found a second time.
 */
inline bool hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val)
{
    uint64_t ones, tops, cand;
    struct hm_probe p;
    uint8_t *b;
    if (m == NULL || !m->fast_ready)
        return hm_get_u64_slow(m, key, val);
    ones = hm_swar_ones();
    p = hm_probe_u64(m, key, ones);
    b = p.b;
    do {
        tops = hm_load64(b);
        for (cand = hm_zero_bytes(tops ^ p.want, ones); cand != 0; cand &= cand - 1) {
            uint8_t *k = b + hm_lowest_key_offset(cand, ones);
            if (hm_load64(k) == key) {
                if (val != NULL)
                    *val = hm_load64(k + HMAP_BUCKET_SLOTS * 8);
                return true;
            }
        }
        if (hm_chain_ends_here(tops))
            return false;
        b = hm_next_u64(b);
    } while (b != NULL);
    return false;
}

#ifdef __cplusplus
}
#endif

#endif /* C99 inline rules */

#endif /* TIDEMARK_HMAP_PROBE_H */
