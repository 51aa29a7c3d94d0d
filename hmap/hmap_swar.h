/* SPDX-License-Identifier: MIT */
/*
 * hmap_swar.h - private to hmap/: the bit tricks only the library's own
 * chain walks use.  Those the lookup shares (the match, the chain end, the
 * slot index, ONES) are explained once in hmap_probe.h, where they are
 * defined for hmap_get_u64's inline body.  The walks themselves
 * (chain_find in hmap.c, and the 8-byte paths in hmap_fast64.c) say only
 * which trick they use.
 *
 *   empty      a slot is empty when its tophash is 0 or 1: zero once its low
 *              bit is cleared, so hm_zero_bytes(tops & ~HM_ONES) flags them.
 *   rest       empty_outside: nothing live in a bucket but some bytes, one
 *              mask.
 */
#ifndef TIDEMARK_HMAP_SWAR_H
#define TIDEMARK_HMAP_SWAR_H

#include "hmap_internal.h"

/*
 * Whether bucket b holds nothing live outside the bytes set in skip, and its
 * last slot is EMPTY_REST: by hmap_check's invariant, then nothing live
 * follows in the chain either.  An empty tophash (0 or 1) has no bit above
 * the lowest, so one mask tests the 8 bytes at once; the last byte must be
 * 0 whole.
 */
ALWAYS_INLINE bool empty_outside(const uint8_t *b, uint64_t skip, uint64_t ones)
{
    return (hm_load64(b) & (~ones | (uint64_t)1 << 56) & ~skip) == 0;
}

/* The index of the lowest flagged slot of a nonzero byte-mask. */
ALWAYS_INLINE unsigned lowest_slot(uint64_t mask, uint64_t ones)
{
    return hm_lowest_key_offset(mask, ones) / 8 - 1;
}

#endif /* TIDEMARK_HMAP_SWAR_H */
