/* SPDX-License-Identifier: MIT */
/*
 * swiss_probe.h - swiss_get_u64, defined inline, and the steps of the
 * 8-byte probe it shares with the map's other 8-byte calls
 * (swiss_fast64.c).  swiss.h includes it; it is not an API of its own:
 * every name here but swiss_get_u64 starts with sw_ or SW_ and may change
 * with any version.
 *
 * Why inline: docs/design.md.  swiss_fast64.c holds the one external
 * definition of swiss_get_u64, so a caller that does not inline it (or
 * takes its address) calls the same code, and the symbol stays.  These are
 * C99 inline definitions with external linkage: they may use only each
 * other, never a static function.  The steps are always inlined
 * (SW_ALWAYS_INLINE), so none is ever called and none needs an external
 * definition.  Under GNU89 inline rules this header defines nothing (see
 * SWISS_INLINE in swiss.h): the library, built as C11, is never compiled
 * so.
 *
 * The group layout, the control bytes and the SWAR matches are described
 * in swiss_internal.h, which uses these steps too.
 */
#ifndef TIDEMARK_SWISS_PROBE_H
#define TIDEMARK_SWISS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "swiss.h"

#if !defined(__GNUC_GNU_INLINE__) || defined(__cplusplus)

#ifdef __cplusplus
extern "C" {
#endif

/* For the few-instruction steps: inlined even at -Os, where GCC would
 * otherwise call them. */
#define SW_ALWAYS_INLINE inline __attribute__((always_inline))

/* The 8-byte calls' slot: an 8-byte key then an 8-byte value. */
#define SW_U64_SLOT 16u

/* H2, the control byte of a live slot: the hash's low 7 bits. */
#define SW_H2_MASK 0x7Fu

/* Where a table's groups start in its run: after its struct, 8-aligned. */
#define SW_TABLE_HEAD ((sizeof(struct swiss_table) + 7) & ~(size_t)7)

/*
 * 64x64 -> 128-bit multiply, the halves folded by xor: the 8-byte hash's
 * one round (swiss_internal.h says why).  Where the compiler has a 128-bit
 * type (64-bit targets) the product is two instructions (rv64: mul,
 * mulhu); 32-bit targets have none, and the high half is summed from the
 * four 32x32 -> 64 partial products.  Both give the same value, so a key
 * hashes alike on every target.
 */
#ifdef __SIZEOF_INT128__
SW_ALWAYS_INLINE uint64_t sw_fold_mul(uint64_t a, uint64_t b)
{
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;
    return (uint64_t)p ^ (uint64_t)(p >> 64);
}
#else
SW_ALWAYS_INLINE uint64_t sw_fold_mul(uint64_t a, uint64_t b)
{
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo, lo_hi = a_lo * b_hi, hi_lo = a_hi * b_lo;
    /* The middle column: each term below 2^32, so the sum cannot wrap. */
    uint64_t mid = (lo_lo >> 32) + (uint32_t)lo_hi + (uint32_t)hi_lo;
    uint64_t high = a_hi * b_hi + (lo_hi >> 32) + (hi_lo >> 32) + (mid >> 32);
    uint64_t low = (mid << 32) | (uint32_t)lo_lo;
    return low ^ high;
}
#endif

/* A group's control word, slot i's byte in byte i. */
SW_ALWAYS_INLINE uint64_t sw_load_ctrl(const uint8_t *g)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    __builtin_memcpy(&w, __builtin_assume_aligned(g, 8), sizeof w);
    return w;
#else
    uint64_t w = 0;
    for (unsigned i = 0; i < SWISS_GROUP_SLOTS; i++)
        w |= (uint64_t)g[i] << (8 * i);
    return w;
#endif
}

/*
 * Bit 8i + 7 set for every slot i whose byte equals h2, given hb, h2 in
 * every byte (h2 * lsb), and the constants lsb and msb (lsb << 7), which a
 * probe loop makes once.  The classic zero-byte test on ctrl ^ hb: a byte
 * after a true match may be flagged too (the borrow), so a caller confirms
 * a match by its key.
 */
SW_ALWAYS_INLINE uint64_t sw_match_bcast(uint64_t ctrl, uint64_t hb, uint64_t lsb,
                                         uint64_t msb)
{
    uint64_t v = ctrl ^ hb;
    return (v - lsb) & ~v & msb;
}

/* Empty slots: 0x80 is the only byte with bit 7 set and bit 1 clear
 * (deleted is 0xFE, live bytes have bit 7 clear); msb is 0x80 in every
 * byte, or a probe loop's own copy of it. */
SW_ALWAYS_INLINE uint64_t sw_match_empty(uint64_t ctrl, uint64_t msb)
{
    return ctrl & ~(ctrl << 6) & msb;
}

/* The table of hash, given the map's u64_gate word (its shift in bits 0-5;
 * RISC-V's shifts read those bits alone, so the mask costs nothing): the
 * directory entry of the hash's top global_depth bits (swiss_internal.h's
 * DIR_TOP says why one shift and an and give its byte offset). */
SW_ALWAYS_INLINE struct swiss_table *sw_table_at(const struct swiss *m, uint64_t hash,
                                                 uint64_t gate)
{
    size_t off = (size_t)(hash >> (gate & 63)) & ~(sizeof(void *) - 1);
    return *(struct swiss_table **)__builtin_assume_aligned((char *)m->dir + off,
                                                            sizeof(void *));
}

/* The 8-byte hash, sw_hash_u64's (swiss_internal.h), with its multiplier
 * read from the map: one load where a 64-bit constant costs two on RISC-V
 * (swiss_check holds the copy equal to SW_HASH_MUL). */
SW_ALWAYS_INLINE uint64_t sw_u64_hash(const struct swiss *m, uint64_t key)
{
    return sw_fold_mul(key ^ m->hash_key, m->hash_mul);
}

/* The SWAR constants and the key's H2 in every byte, made once per call,
 * and the map, for the offsets' constant. */
struct sw_u64_swar {
    uint64_t lsb, msb, hb;
    const struct swiss *m;
};

SW_ALWAYS_INLINE struct sw_u64_swar sw_u64_swar_of(const struct swiss *m, uint64_t hash)
{
    struct sw_u64_swar w;
    w.lsb = m->swar_lsb;
    w.msb = w.lsb << 7;
    w.hb = (hash & SW_H2_MASK) * w.lsb;
    w.m = m;
    return w;
}

/*
 * For the lowest flagged slot i of a match: 16 * (i + 1), the offset of
 * slot i's value from its group (its key is 8 bytes below).  Without a
 * count-trailing-zeros instruction (rv64imac, rv32imac), one multiply:
 * match & -match is the lowest flag, 1 << (8i + 7), so the product's top
 * byte is bits 49 - 8i to 56 - 8i of U64_OFFSETS, which hold 16 * (i + 1)
 * (swiss_internal.h).  The constant is read from the map's copy, one load.
 */
SW_ALWAYS_INLINE size_t sw_u64_first_offset(uint64_t match, const struct sw_u64_swar *w)
{
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv_zbb)
    (void)w;
    /* The flag's bit, 8i + 7, with its low 3 bits cleared is 8i: that
     * times SW_U64_SLOT / 8 (two), plus one slot, is the offset: one and
     * and one address add. */
    return ((size_t)(unsigned)__builtin_ctzll(match) & ~(size_t)7) * (SW_U64_SLOT / 8) +
           SW_U64_SLOT;
#else
    return (size_t)(((match & (0 - match)) * w->m->slot_offsets) >> 56);
#endif
}

/*
 * A group is at base + head: a table's group at its offset from the table
 * (sw_u64_group) and SW_TABLE_HEAD, or the small map's group and 0.
 * Written so, the constant head goes into the loads' and stores' own
 * offsets.
 */

/* The slot at offset o (sw_u64_first_offset's): base + o as words, whose
 * word head / 8 - 1 is the key and head / 8 the value (sw_u64_key,
 * sw_u64_val). */
SW_ALWAYS_INLINE uint64_t *sw_u64_slot_at(uint8_t *base, size_t o)
{
    return (uint64_t *)(void *)(base + o);
}

SW_ALWAYS_INLINE uint64_t *sw_u64_key(uint64_t *s, size_t head)
{
    return s + head / 8 - 1;
}

SW_ALWAYS_INLINE uint64_t *sw_u64_val(uint64_t *s, size_t head)
{
    return s + head / 8;
}

/* The control bytes of the slot at offset o, as an array: the slot's is
 * sw_u64_ctrl(...)[head - 1] (slot o / 16 - 1), so that the loads and
 * stores carry head - 1 in their own offset. */
SW_ALWAYS_INLINE uint8_t *sw_u64_ctrl(uint8_t *base, size_t o)
{
    return base + o / SW_U64_SLOT;
}

/* The slot holding key in the group (sw_u64_slot_at's), or NULL.  *c:
 * sw_u64_ctrl of the slot, made here, where the offset is at hand. */
SW_ALWAYS_INLINE uint64_t *sw_u64_find(uint8_t *base, size_t head, uint64_t ctrl,
                                       const struct sw_u64_swar *w, uint64_t key, uint8_t **c)
{
    for (uint64_t match = sw_match_bcast(ctrl, w->hb, w->lsb, w->msb); match != 0;
         match &= match - 1) {
        size_t o = sw_u64_first_offset(match, w);
        uint64_t *s = sw_u64_slot_at(base, o);
        if (*sw_u64_key(s, head) == key) {
            *c = sw_u64_ctrl(base, o);
            return s;
        }
    }
    return NULL;
}

/*
 * The base (sw_u64_find's) of the group at o7, its index times 128, in
 * table *t: o7 + o7 / 16 is the index times 136, two instructions where a
 * multiply would hold 136 in a register.  The probe runs on such offsets:
 * the first is hash & mask7 (h1's low bits, in place), the next adds 128,
 * 256, 384, ... (Go's p, p+1, p+3, p+6, ..., as probe_next).  With reload,
 * *t goes through an empty asm, so GCC reads mask7 from the table at each
 * group rather than holding it across the loop: held, put's probe loop
 * needs more registers than RISC-V's caller-saved ones, and a stack frame.
 * The lookup keeps it.  Delete would fit without it on rv64, but not on
 * rv32 (two registers a 64-bit value), where dropping it costs more than
 * it saves; the probe hands the pointer back, so delete needs no copy.
 */
SW_ALWAYS_INLINE uint8_t *sw_u64_group(struct swiss_table **t, size_t o7, bool reload)
{
    if (reload)
        __asm__(""
                : "+r"(*t));
    return (uint8_t *)*t + o7 + o7 / 16;
}

/*
 * Whether a group ends the probe: it has an empty slot.  A free slot (bit 7
 * set: empty or deleted) is one in a table without tombstones, which the
 * table's count says in one load; only with tombstones about is the exact
 * test needed.  A full group goes on in two instructions.
 */
SW_ALWAYS_INLINE bool sw_u64_probe_ends(const struct swiss_table *t, uint64_t ctrl,
                                        const struct sw_u64_swar *w)
{
    return (ctrl & w->msb) != 0 && (t->tombstones == 0 || sw_match_empty(ctrl, w->msb) != 0);
}

/*
 * Find key along its probe sequence in table t, until a group with an
 * empty slot: every table has one (growth_left stops inserts at 7/8 of its
 * slots, tombstones included), and the probe visits every group, so it
 * ends.  Returns key's slot (sw_u64_slot_at's, head SW_TABLE_HEAD), with
 * its group's control word and sw_u64_ctrl, or NULL.
 */
SW_ALWAYS_INLINE uint64_t *sw_u64_probe(struct swiss_table **t, uint64_t hash, uint64_t key,
                                        const struct sw_u64_swar *w, bool reload,
                                        uint64_t *ctrl_out, uint8_t **c)
{
    for (size_t o7 = (size_t)hash & (*t)->mask7, step = 0;;
         o7 = (o7 + (step += 128)) & (*t)->mask7) {
        uint8_t *base = sw_u64_group(t, o7, reload);
        uint64_t ctrl = sw_load_ctrl(base + SW_TABLE_HEAD);
        uint64_t *s = sw_u64_find(base, SW_TABLE_HEAD, ctrl, w, key, c);
        if (s != NULL || sw_u64_probe_ends(*t, ctrl, w)) {
            *ctrl_out = ctrl;
            return s;
        }
    }
}

/* swiss_get_u64 off its fast path (swiss_fast64.c): the contract's
 * refusals, a read inside a write (misuse), and the small map's one group. */
bool sw_get_u64_rest(struct swiss *m, uint64_t key, uint64_t *val);

/*
 * The 8-byte lookup, Go's runtime_fast64.go mapaccess2: its contract is in
 * swiss.h.  The fast path runs only on a map with tables and no write
 * under way (u64_gate's U64_SHUT bit clear, the word's sign), and calls
 * nothing, so it needs no write bracket and no stack frame; every other
 * case goes to sw_get_u64_rest by a tail call.
 */
inline bool swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val)
{
    uint64_t gate, hash, ctrl;
    struct swiss_table *t;
    struct sw_u64_swar w;
    uint8_t *c;
    uint64_t *s;
    if (m == NULL || (int64_t)(gate = m->u64_gate) < 0)
        return sw_get_u64_rest(m, key, val);
    hash = sw_u64_hash(m, key);
    t = sw_table_at(m, hash, gate);
    w = sw_u64_swar_of(m, hash);
    s = sw_u64_probe(&t, hash, key, &w, false, &ctrl, &c);
    if (s == NULL)
        return false;
    if (val != NULL)
        *val = *sw_u64_val(s, SW_TABLE_HEAD);
    return true;
}

#ifdef __cplusplus
}
#endif

#endif /* C99 inline rules */

#endif /* TIDEMARK_SWISS_PROBE_H */
