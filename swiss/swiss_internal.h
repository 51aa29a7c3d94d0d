/* SPDX-License-Identifier: MIT */
/*
 * swiss_internal.h - private to swiss/: the group layout, the control
 * bytes and the functions the swiss_*.c files share (prefix sw_; swiss.h
 * is the API).  The table struct (at swiss.h's end) and the 8-byte probe's
 * steps, sw_load_ctrl, sw_match_bcast and sw_match_empty among them, are
 * in swiss_probe.h, which swiss.h includes for swiss_get_u64's inline
 * definition.
 *
 * A group, for key size K and value size V (Go's group, byte arrays):
 *
 *   offset 0                 ctrl[8]  one byte a slot
 *   offset 8 + i * (K + V)   slot i's key, then its value
 *
 * 8 * (K + V) is a multiple of 8, so every group, its control word and (with
 * K = V = 8) every key and value is 8-aligned when the groups array is.
 *
 * A control byte (Go's values):
 *   CTRL_EMPTY   0x80  never held an entry since the table was made, cleared
 *                      or pruned: a probe sequence ends at a group with one;
 *   CTRL_DELETED 0xFE  a tombstone: a deleted entry in a group that had no
 *                      empty slot left, so that probes go on past it.
 *                      Invariant: a group with a tombstone has no empty slot
 *                      (delete writes one only then; only clear and pruning
 *                      turn slots back to empty, a whole group at a time).
 *   0x00..0x7F         live: H2, the low 7 bits of the key's hash.
 * Slot i's byte is byte i of the word in memory; the word is read as a
 * little-endian 64-bit value (sw_load_ctrl), so bit 8i + 7 of it is set for
 * exactly the empty and deleted slots.
 *
 * A table is one arena run: its struct swiss_table at the run's start, then
 * its groups from SW_TABLE_HEAD bytes in, so that the 8-byte paths find a
 * group from the table pointer the directory holds without loading the
 * groups pointer.  The directory is a run of its own.  A table of local
 * depth d covers the 2^(global_depth - d) directory entries from its index,
 * which is a multiple of that count.
 */
#ifndef TIDEMARK_SWISS_INTERNAL_H
#define TIDEMARK_SWISS_INTERNAL_H

#include <string.h>

#include "swiss.h"

/* For the few-instruction helpers of the hot paths: inlined even at -Os. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define SLOTS SWISS_GROUP_SLOTS
#define CTRL_EMPTY 0x80u
#define CTRL_DELETED 0xFEu

#define LSB 0x0101010101010101ull
/* Bits 49 - 8i to 56 - 8i hold 16 * (i + 1), i = 0..7 (the last, 128, is
 * bit 0 alone): sw_u64_first_offset's (swiss_probe.h) multiplier. */
#define U64_OFFSETS 0x0020406080a0c0e1ull
#define MSB 0x8080808080808080ull

/* --- hashing -------------------------------------------------------------- */

/* H1 picks the first group to probe, H2 is stored in the control byte. */
ALWAYS_INLINE size_t h1(uint64_t hash)
{
    return (size_t)(hash >> 7);
}

ALWAYS_INLINE uint8_t h2(uint64_t hash)
{
    return (uint8_t)(hash & SW_H2_MASK);
}

/*
 * The 8-byte hash, from the seed premixed by sw_hash_key_of: key ^ hash_key
 * times an odd constant, the 128-bit product's two halves folded by xor.
 * The high half depends on every bit of the factor (through the product's
 * carries), so every output bit does, the low 7 (H2) and the top ones (the
 * directory entry) alike.  One multiply deep, where two rounds of
 * xor-shift-multiply were two: this hash is on the path of every call.
 *
 * The product and its fold are sw_fold_mul's (swiss_probe.h).
 */
#define SW_HASH_MUL 0x9fb21c651e98df25ull

ALWAYS_INLINE uint64_t sw_hash_u64(uint64_t key, uint64_t hash_key)
{
    return sw_fold_mul(key ^ hash_key, SW_HASH_MUL);
}

uint64_t sw_hash_key_of(uint64_t seed);
uint64_t sw_key_hash(const struct swiss *m, const void *key);

ALWAYS_INLINE bool keys_equal(const struct swiss *m, const void *a, const void *b)
{
    return m->equal ? m->equal(a, b, m->key_size) : memcmp(a, b, m->key_size) == 0;
}

/* --- the control word ------------------------------------------------------
 * Read by sw_load_ctrl, matched by sw_match_bcast and sw_match_empty
 * (swiss_probe.h). */

ALWAYS_INLINE void set_all_empty(uint8_t *g)
{
    memset(g, CTRL_EMPTY, SLOTS);
}

/* sw_match_bcast for one group, with the constants as they are. */
ALWAYS_INLINE uint64_t match_h2(uint64_t ctrl, uint8_t h)
{
    return sw_match_bcast(ctrl, LSB * h, LSB, MSB);
}

ALWAYS_INLINE uint64_t match_empty(uint64_t ctrl)
{
    return sw_match_empty(ctrl, MSB);
}

ALWAYS_INLINE uint64_t match_empty_or_deleted(uint64_t ctrl)
{
    return ctrl & MSB;
}

ALWAYS_INLINE uint64_t match_full(uint64_t ctrl)
{
    return ~ctrl & MSB;
}

/*
 * The slot of the lowest flagged byte.  Where the core has no count-
 * trailing-zeros instruction (rv64imac, rv32imac), GCC would call libgcc's:
 * instead, the lowest flag (match & -match) shifted down is 1 << 8i, and
 * multiplying it by a constant whose byte j is 7 - j puts byte 7 - i of the
 * constant, which is i, into the product's top byte.
 */
ALWAYS_INLINE unsigned first_slot(uint64_t match)
{
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv_zbb)
    return (unsigned)__builtin_ctzll(match) >> 3;
#else
    return (unsigned)((((match & -match) >> 7) * 0x0001020304050607ull) >> 56);
#endif
}

/* Flagged bytes: each flag moved to its byte's bit 0, then the bytes summed
 * into the top byte by one multiply (at most 8, no carry between bytes). */
ALWAYS_INLINE unsigned count_slots(uint64_t match)
{
    return (unsigned)(((match >> 7) * LSB) >> 56);
}

/* --- groups and slots ---------------------------------------------------- */

ALWAYS_INLINE uint8_t *group_at(const struct swiss *m, const struct swiss_table *t,
                                size_t i)
{
    return t->groups + i * m->group_size;
}

ALWAYS_INLINE uint8_t *slot_key(const struct swiss *m, uint8_t *g, unsigned i)
{
    return g + SLOTS + i * m->slot_size;
}

ALWAYS_INLINE uint8_t *slot_val(const struct swiss *m, uint8_t *g, unsigned i)
{
    return g + SLOTS + i * m->slot_size + m->key_size;
}

/* Write an entry into slot i of group g and mark it live with H2. */
ALWAYS_INLINE void slot_write(const struct swiss *m, uint8_t *g, unsigned i, uint64_t hash,
                              const void *key, const void *val)
{
    memcpy(slot_key(m, g, i), key, m->key_size);
    if (m->val_size != 0)
        memcpy(slot_val(m, g, i), val, m->val_size);
    g[i] = h2(hash);
}

/* Go's quadratic probe over groups: offsets p, p+1, p+3, p+6, ... (mod the
 * group count), which visits every group of a power-of-two table once. */
struct probe {
    size_t mask, offset, index;
};

ALWAYS_INLINE struct probe probe_start(uint64_t hash, size_t mask)
{
    return (struct probe){.mask = mask, .offset = h1(hash) & mask, .index = 0};
}

ALWAYS_INLINE void probe_next(struct probe *p)
{
    p->index++;
    p->offset = (p->offset + p->index) & p->mask;
}

/* --- tables and the directory -------------------------------------------- */

/*
 * The table of a hash: the directory entry of its top global_depth bits.
 * dir_shift is DIR_TOP - global_depth, so the one shift leaves the entry's
 * index times the pointer's size in the low bits, above bits the mask
 * clears: the entry's byte offset in a shift and an and.  The directory
 * never has more entries than a size_t counts in bytes (table_split), so
 * global_depth < DIR_TOP and the shift is at least 1; depth 0 gives entry 0.
 */
#define DIR_TOP (sizeof(void *) == 8 ? 61u : 62u)

#define U64_SHUT ((uint64_t)1 << 63)

ALWAYS_INLINE unsigned dir_shift(const struct swiss *m)
{
    return (unsigned)(m->u64_gate & 63);
}

/* The table of hash (sw_table_at, with the map's own gate word). */
ALWAYS_INLINE struct swiss_table *table_for(const struct swiss *m, uint64_t hash)
{
    return sw_table_at(m, hash, m->u64_gate);
}

/* U64_SHUT as the map's state asks: not the 8-byte calls' map, no tables,
 * or a write under way. */
ALWAYS_INLINE uint64_t u64_shut(const struct swiss *m)
{
    return (uint64_t)(m->general || m->dir == NULL || m->writing) << 63;
}

/* Set the directory (or NULL) and its shift, and the gate with them. */
ALWAYS_INLINE void set_dir(struct swiss *m, struct swiss_table **dir, unsigned shift)
{
    m->dir = dir;
    m->u64_gate = shift | u64_shut(m);
}

/* The most entries plus tombstones a table of this capacity holds. */
ALWAYS_INLINE size_t max_growth_left(size_t capacity)
{
    return capacity <= SLOTS ? capacity - 1 : capacity * SWISS_LOAD_NUM / SLOTS;
}

/* Live slots.  Kept as the tombstones rather than the live count: an
 * insert into an empty slot and a delete that empties its slot then
 * change growth_left only, one counter where Go's table changes two. */
ALWAYS_INLINE size_t table_used(const struct swiss_table *t)
{
    return max_growth_left(t->capacity) - t->growth_left - t->tombstones;
}

ALWAYS_INLINE size_t dir_span(const struct swiss *m, const struct swiss_table *t)
{
    return (size_t)1 << (m->global_depth - t->local_depth);
}

/* Pages of a table run with this many groups. */
size_t sw_table_run_pages(const struct swiss *m, size_t groups);
/* Go 1.25's pruneTombstones: turn the tombstones that no probe sequence
 * needs back into empty slots, if that frees at least 10% of capacity. */
void sw_table_prune(struct swiss *m, struct swiss_table *t);
/* Go's rehash: double t, or split it when it already has 1024 slots.  On
 * SWISS_ERR_NOMEM the map is as it was. */
int sw_table_rehash(struct swiss *m, struct swiss_table *t);
/* Make the small map's first table (Go's growToTable). */
int sw_grow_to_table(struct swiss *m);
/* Allocate what swiss_init's hint asks for: nothing for hint <= 8, else the
 * directory and its tables.  On failure nothing is held. */
int sw_make_tables(struct swiss *m, size_t hint);
/* Give every run back; the map holds nothing. */
void sw_free_all(struct swiss *m);
/* A new seed, from the map's own sequence (deterministic under a fixed
 * initial seed). */
void sw_reseed(struct swiss *m);

/* The general put's rare paths (no table yet, the small map, a table to
 * prune or grow), also where swiss_put_u64 goes when its own probe cannot
 * place the key.  Copies key and val first: they may point into pages a
 * growth frees. */
int sw_put_slow(struct swiss *m, uint64_t hash, const void *key, const void *val);

/*
 * The slot holding key, or -1, with the group looked at last in *group and
 * the number of groups read in *groups: the small map's one group, or the
 * groups of key's probe sequence in its table, up to the one holding key
 * or the first with an empty slot (where every probe for key ends).  The
 * map holds a group.  (swiss.c; swiss_probe_groups reports *groups.)
 */
int sw_find_slot(const struct swiss *m, uint64_t hash, const void *key, uint8_t **group,
                 size_t *groups);

/* The write bracket: refuse a re-entrant write, count it as misuse. */
ALWAYS_INLINE bool write_begin(struct swiss *m)
{
    if (m->writing) {
        m->misuse++;
        return false;
    }
    m->writing = true;
    m->u64_gate |= U64_SHUT;
    return true;
}

ALWAYS_INLINE void write_end(struct swiss *m)
{
    m->writing = false;
    m->u64_gate = dir_shift(m) | u64_shut(m);
}

#endif /* TIDEMARK_SWISS_INTERNAL_H */
