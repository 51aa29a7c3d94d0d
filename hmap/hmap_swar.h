/* SPDX-License-Identifier: MIT */
/*
 * hmap_swar.h - private to hmap/: the bit tricks of the chain walks, each
 * explained once here.  The walks themselves (chain_find in hmap.c, and the
 * 8-byte paths in hmap_fast64.c) say only which trick they use.
 *
 * SWAR ("SIMD within a register"): a bucket's 8 tophash bytes are read as
 * one little-endian 64-bit word, slot i in byte i, and compared 8 at a time.
 *
 *   match      zero_bytes(tops ^ top * ONES) flags (0x80) every byte equal
 *              to top.  The subtraction's borrow can also flag a byte just
 *              above a true match when that byte is 0x01 (after the xor:
 *              tophash top ^ 1).  chain_find confirms a candidate by its
 *              byte; the 8-byte paths need not (see hmap_fast64.c).
 *   empty      a slot is empty when its tophash is 0 or 1: zero once its low
 *              bit is cleared, so zero_bytes(tops & ~ONES) flags them.
 *   chain end  chain_ends_here: by the EMPTY_REST invariants, a chain ends in
 *              this bucket exactly when the last slot (the top byte) is
 *              EMPTY_REST: one shift, no SWAR test.  empty_outside: nothing
 *              live in a bucket but some bytes, one mask.
 *   slot index lowest_key_offset: 8 * (slot + 1) of the lowest flagged
 *              byte, which in the 8-byte layout is the offset of that slot's
 *              key from the bucket (the value is 64 bytes further).  rv64imac
 *              has no count-trailing-zeros instruction; a multiply does it.
 *   ONES       swar_ones: the constant through an empty asm.
 */
#ifndef TIDEMARK_HMAP_SWAR_H
#define TIDEMARK_HMAP_SWAR_H

#include "hmap_internal.h"

#define ONES 0x0101010101010101ull

/* 0x80 in every byte of x that is zero (and, through the borrow, possibly in
 * a 0x01 byte just above one: see the header comment). */
ALWAYS_INLINE uint64_t zero_bytes(uint64_t x, uint64_t ones)
{
    return (x - ones) & ~x & (ones << 7);
}

/*
 * ONES, through an empty asm the compiler cannot see into: the loops then
 * derive 0x80..80 with a shift and subtract ONES itself, where GCC would
 * otherwise load -ONES and 0x80..80 from the constant pool, two
 * instructions apiece on rv64.
 */
ALWAYS_INLINE uint64_t swar_ones(void)
{
    uint64_t ones = ONES;
    __asm__("" : "+r"(ones));
    return ones;
}

/*
 * The chain ends in this bucket when its last slot is EMPTY_REST: a slot
 * after an EMPTY_REST is EMPTY_REST too (hmap_check verifies it), so the
 * last slot is EMPTY_REST exactly when some slot is.
 */
ALWAYS_INLINE bool chain_ends_here(uint64_t tops)
{
    return (tops >> 56) == TOPHASH_EMPTY_REST;
}

/*
 * Whether bucket b holds nothing live outside the bytes set in skip, and its
 * last slot is EMPTY_REST: by hmap_check's invariant, then nothing live
 * follows in the chain either.  An empty tophash (0 or 1) has no bit above
 * the lowest, so one mask tests the 8 bytes at once; the last byte must be
 * 0 whole.
 */
ALWAYS_INLINE bool empty_outside(const uint8_t *b, uint64_t skip, uint64_t ones)
{
    return (load64(b) & (~ones | (uint64_t)1 << 56) & ~skip) == 0;
}

/*
 * For the lowest flagged slot i of a nonzero byte-mask: 8 * (i + 1).  Keep a
 * 0x01 in each byte up to and including byte i, and a multiply by ONES sums
 * them into the top byte: i + 1.  The byte below holds at most 7, so its top
 * three bits are clear and one shift by 53 gives the sum times 8.  Uses only
 * the ONES the caller holds: no constant to load.
 */
ALWAYS_INLINE unsigned lowest_key_offset(uint64_t mask, uint64_t ones)
{
    uint64_t upto = ((mask & -mask) - 1) & ones; /* 0x01 in bytes 0..i */
    return (unsigned)((upto * ones) >> 53);
}

/* The index of the lowest flagged slot of a nonzero byte-mask. */
ALWAYS_INLINE unsigned lowest_slot(uint64_t mask, uint64_t ones)
{
    return lowest_key_offset(mask, ones) / 8 - 1;
}

/*
 * A bucket spans three cache lines (144 bytes for 8-byte keys and values;
 * four when it straddles): the tophash word, the key it leads to and that
 * key's value are on different ones.  Fetch the next two with the first, not
 * one miss after another.  No instruction on rv64imac, which has no prefetch.
 */
ALWAYS_INLINE void prefetch_bucket(const uint8_t *b)
{
    __builtin_prefetch(b + 64);
    __builtin_prefetch(b + 128);
}

#endif /* TIDEMARK_HMAP_SWAR_H */
