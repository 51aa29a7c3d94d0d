/* SPDX-License-Identifier: MIT */
/*
 * arena_internal.h - private to arena/: the bitmap helpers arena.c (the
 * allocator) and arena_view.c (the read-only views) share.  Names with the
 * prefix ar_ have external linkage only because both files use them; they
 * are no part of the API (arena.h is).
 */
#ifndef TIDEMARK_ARENA_INTERNAL_H
#define TIDEMARK_ARENA_INTERNAL_H

#include "arena.h"

#define WORD_BITS 64u

/* The small helpers are inlined even at -Os: an alloc/free pair is a few
 * dozen instructions, and a call with its register saves would double it. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE size_t words_for(size_t npages)
{
    return (npages + WORD_BITS - 1) / WORD_BITS;
}

ALWAYS_INLINE uintptr_t align_up(uintptr_t x, uintptr_t align)
{
    return (x + align - 1) & ~(align - 1);
}

/*
 * Count trailing zeros of a nonzero word.  Where the ISA has no instruction
 * for it (rv64imac: no Zbb), GCC's __builtin_ctzll calls libgcc, which loops;
 * a de Bruijn multiply finds the lowest set bit in a handful of instructions.
 */
#ifndef ARENA_SOFT_CTZ /* the host tests set it to check this path too */
#if defined(__riscv) && !defined(__riscv_zbb)
#define ARENA_SOFT_CTZ 1
#else
#define ARENA_SOFT_CTZ 0
#endif
#endif

#if ARENA_SOFT_CTZ
/* The de Bruijn sequence's bit positions (arena.c). */
extern const uint8_t ar_debruijn_index[64];

/* The index of the one set bit of bit (a power of two). */
ALWAYS_INLINE unsigned bit_index(uint64_t bit)
{
    return ar_debruijn_index[(bit * 0x022fdd63cc95386dull) >> 58];
}
#else
ALWAYS_INLINE unsigned bit_index(uint64_t bit)
{
    return (unsigned)__builtin_ctzll(bit);
}
#endif

ALWAYS_INLINE unsigned ctz64(uint64_t x)
{
    return bit_index(x & -x);
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
ALWAYS_INLINE uint64_t bit_mask(unsigned lo, unsigned hi)
{
    uint64_t upper = hi == WORD_BITS ? ~0ull : ((1ull << hi) - 1);
    return upper & (~0ull << lo);
}

/* Index of the first free page at or after i, or npages if there is none. */
ALWAYS_INLINE size_t next_free(const struct arena *a, size_t i)
{
    size_t nw = words_for(a->npages);
    size_t w = i / WORD_BITS;
    if (w >= nw)
        return a->npages;
    uint64_t free_bits = ~a->map[w] & (~0ull << (i % WORD_BITS));
    while (free_bits == 0) {
        if (++w == nw)
            return a->npages;
        free_bits = ~a->map[w];
    }
    return w * WORD_BITS + ctz64(free_bits); /* tail bits are set: < npages */
}

/* Index of the first handed-out page in [i, limit), or limit if none. */
ALWAYS_INLINE size_t next_used(const struct arena *a, size_t i, size_t limit)
{
    size_t w = i / WORD_BITS;
    uint64_t used_bits = a->map[w] & (~0ull << (i % WORD_BITS));
    while (used_bits == 0) {
        if (++w * WORD_BITS >= limit)
            return limit;
        used_bits = a->map[w];
    }
    size_t r = w * WORD_BITS + ctz64(used_bits);
    return r < limit ? r : limit;
}

/* The bits of pages [i, end) that lie in page i's bitmap word; *next is the
 * first page of the word after it (or end). */
ALWAYS_INLINE uint64_t span_mask(size_t i, size_t end, size_t *next)
{
    size_t base = i / WORD_BITS * WORD_BITS;
    unsigned hi = end - base >= WORD_BITS ? WORD_BITS : (unsigned)(end - base);
    *next = base + hi;
    return bit_mask((unsigned)(i - base), hi);
}

#endif /* TIDEMARK_ARENA_INTERNAL_H */
