/* SPDX-License-Identifier: MIT */
/*
 * swiss_fast64.c - the 8-byte calls (Go's runtime_fast64.go): keys and
 * values of 8 bytes, the built-in hash, a slot of 16 bytes at a constant
 * stride, so the probe compares keys as words and never calls memcmp.
 * Anything rare (no table yet, the small map, a table to grow) goes to
 * the general code's rare paths with the same hash.
 */
#include "swiss_internal.h"

#define U64_SLOT 16u

/* The 8-byte hash, sw_hash_u64's, with its multiplier read from the map:
 * one load where a 64-bit constant costs two on RISC-V (swiss_check holds
 * the copy equal to SW_HASH_MUL). */
ALWAYS_INLINE uint64_t u64_hash(const struct swiss *m, uint64_t key)
{
    return sw_fold_mul(key ^ m->hash_key, m->hash_mul);
}

/* The SWAR constants and the key's H2 in every byte, made once per call,
 * and the map, for U64_OFFSETS' copy. */
struct u64_swar {
    uint64_t lsb, msb, hb;
    const struct swiss *m;
};

ALWAYS_INLINE struct u64_swar u64_swar_of(const struct swiss *m, uint64_t hash)
{
    struct u64_swar w;
    w.lsb = m->swar_lsb;
    w.msb = w.lsb << 7;
    w.hb = h2(hash) * w.lsb;
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
ALWAYS_INLINE size_t u64_first_offset(uint64_t match, const struct u64_swar *w)
{
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv_zbb)
    (void)w;
    return ((size_t)__builtin_ctzll(match) >> 3) * U64_SLOT + U64_SLOT;
#else
    return (size_t)(((match & -match) * w->m->slot_offsets) >> 56);
#endif
}

/*
 * A group is at base + head: a table's group at its offset from the table
 * (u64_group) and TABLE_HEAD, or the small map's group and 0.  Written so,
 * the constant head goes into the loads' and stores' own offsets.
 */

/* The slot at offset o (u64_first_offset's): base + o as words, whose
 * word head / 8 - 1 is the key and head / 8 the value (u64_key, u64_val). */
ALWAYS_INLINE uint64_t *u64_slot_at(uint8_t *base, size_t o)
{
    void *s = base + o;
    return s;
}

ALWAYS_INLINE uint64_t *u64_key(uint64_t *s, size_t head)
{
    return s + head / 8 - 1;
}

ALWAYS_INLINE uint64_t *u64_val(uint64_t *s, size_t head)
{
    return s + head / 8;
}

/* The control bytes of the slot at offset o, as an array: the slot's is
 * u64_ctrl(...)[head - 1] (slot o / 16 - 1), so that the loads and stores
 * carry head - 1 in their own offset. */
ALWAYS_INLINE uint8_t *u64_ctrl(uint8_t *base, size_t o)
{
    return base + o / U64_SLOT;
}

/* The slot holding key in the group (u64_slot_at's), or NULL.  *c: u64_ctrl
 * of the slot, made here, where the offset is at hand. */
ALWAYS_INLINE uint64_t *u64_find(uint8_t *base, size_t head, uint64_t ctrl,
                                 const struct u64_swar *w, uint64_t key, uint8_t **c)
{
    for (uint64_t match = sw_match_bcast(ctrl, w->hb, w->lsb, w->msb); match != 0;
         match &= match - 1) {
        size_t o = u64_first_offset(match, w);
        uint64_t *s = u64_slot_at(base, o);
        if (*u64_key(s, head) == key) {
            *c = u64_ctrl(base, o);
            return s;
        }
    }
    return NULL;
}

/*
 * The base (u64_find's) of the group at o7, its index times 128, in table
 * *t: o7 + o7 / 16 is the index times 136, two instructions where a
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
ALWAYS_INLINE uint8_t *u64_group(struct swiss_table **t, size_t o7, bool reload)
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
ALWAYS_INLINE bool u64_probe_ends(const struct swiss_table *t, uint64_t ctrl,
                                  const struct u64_swar *w)
{
    return (ctrl & w->msb) != 0 && (t->tombstones == 0 || sw_match_empty(ctrl, w->msb) != 0);
}

/*
 * Find key along its probe sequence in table t, until a group with an
 * empty slot: every table has one (growth_left stops inserts at 7/8 of its
 * slots, tombstones included), and the probe visits every group, so it
 * ends.  Returns key's slot (u64_slot_at's, head TABLE_HEAD), with its
 * group's control word and u64_ctrl, or NULL.
 */
ALWAYS_INLINE uint64_t *u64_probe(struct swiss_table **t, uint64_t hash, uint64_t key,
                                  const struct u64_swar *w, bool reload, uint64_t *ctrl_out,
                                  uint8_t **c)
{
    for (size_t o7 = (size_t)hash & (*t)->mask7, step = 0;;
         o7 = (o7 + (step += 128)) & (*t)->mask7) {
        uint8_t *base = u64_group(t, o7, reload);
        uint64_t ctrl = sw_load_ctrl(base + TABLE_HEAD);
        uint64_t *s = u64_find(base, TABLE_HEAD, ctrl, w, key, c);
        if (s != NULL || u64_probe_ends(*t, ctrl, w)) {
            *ctrl_out = ctrl;
            return s;
        }
    }
}

/*
 * The 8-byte calls' fast paths below run only on a map with tables and no
 * write under way (u64_gate's U64_SHUT clear), and call nothing that could
 * re-enter the map (no hash or equal of the caller's, no arena call), so
 * they need no write bracket: only the rest, out of line and reached by a
 * tail call, takes it.  With no call, the fast paths need no stack frame.
 */

/* swiss_get_u64 off its fast path: the contract's refusals, a read inside
 * a write (misuse), and the small map's one group. */
static __attribute__((noinline)) bool u64_get_rest(struct swiss *m, uint64_t key,
                                                   uint64_t *val)
{
    if (m == NULL || m->general)
        return false;
    if (m->writing) {
        m->misuse++;
        return false;
    }
    if (m->small == NULL) /* no group at all (a table would be fast) */
        return false;
    uint64_t hash = u64_hash(m, key);
    struct u64_swar w = u64_swar_of(m, hash);
    uint8_t *c;
    uint64_t *s = u64_find(m->small, 0, sw_load_ctrl(m->small), &w, key, &c);
    if (s == NULL)
        return false;
    if (val != NULL)
        *val = *u64_val(s, 0);
    return true;
}

bool swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val)
{
    uint64_t gate;
    if (m == NULL || (int64_t)(gate = m->u64_gate) < 0)
        return u64_get_rest(m, key, val);
    uint64_t hash = u64_hash(m, key);
    struct swiss_table *t = table_at(m, hash, gate);
    struct u64_swar w = u64_swar_of(m, hash);
    uint64_t ctrl;
    uint8_t *c;
    uint64_t *s = u64_probe(&t, hash, key, &w, false, &ctrl, &c);
    if (s == NULL)
        return false;
    if (val != NULL)
        *val = *u64_val(s, TABLE_HEAD);
    return true;
}

/*
 * swiss_put_u64 off its fast path: the contract's refusals, then the
 * general put from the first group (no table yet, the small map, a
 * tombstone on the way, a table to prune or grow), inside the write
 * bracket: it may allocate, and an arena observer may call in.
 */
static __attribute__((noinline)) int u64_put_rest(struct swiss *m, uint64_t key, uint64_t val)
{
    if (m == NULL)
        return SWISS_ERR_ARG;
    if (m->general)
        return SWISS_ERR_SIZE;
    if (!write_begin(m))
        return SWISS_ERR_BUSY;
    int rc = sw_put_slow(m, u64_hash(m, key), &key, &val);
    write_end(m);
    return rc;
}

/*
 * table_put (swiss.c) for 8-byte keys, where the probe meets no tombstone:
 * overwrite, or take the empty slot that ends the probe while growth_left
 * lasts.  At a tombstone (Go's put may reuse it) or when the table must
 * prune or grow, the general put does it, from the start.
 */
int swiss_put_u64(struct swiss *m, uint64_t key, uint64_t val)
{
    uint64_t gate;
    if (m == NULL || (int64_t)(gate = m->u64_gate) < 0)
        return u64_put_rest(m, key, val);
    uint64_t hash = u64_hash(m, key);
    struct swiss_table *t = table_at(m, hash, gate);
    struct u64_swar w = u64_swar_of(m, hash);
    for (size_t o7 = (size_t)hash & t->mask7, step = 0;;
         o7 = (o7 + (step += 128)) & t->mask7) {
        uint8_t *base = u64_group(&t, o7, true);
        uint64_t ctrl = sw_load_ctrl(base + TABLE_HEAD);
        uint8_t *c;
        uint64_t *s = u64_find(base, TABLE_HEAD, ctrl, &w, key, &c);
        if (s != NULL) {
            *u64_val(s, TABLE_HEAD) = val;
            return SWISS_OK;
        }
        uint64_t free_slots = ctrl & w.msb;
        if (free_slots == 0)
            continue;
        /* A group with a tombstone has no empty slot: its first free slot
         * is a tombstone, else an empty slot, which ends the probe. */
        size_t o = u64_first_offset(free_slots, &w);
        s = u64_slot_at(base, o);
        c = u64_ctrl(base, o);
        if (c[TABLE_HEAD - 1] == CTRL_DELETED || t->growth_left == 0)
            return u64_put_rest(m, key, val);
        t->growth_left--;
        *u64_key(s, TABLE_HEAD) = key;
        *u64_val(s, TABLE_HEAD) = val;
        c[TABLE_HEAD - 1] = (uint8_t)w.hb;
        m->used++;
        return SWISS_OK;
    }
}

/* A delete's "not there", out of line: returned in line, false and the
 * found path's true would meet in one return block, and the found path
 * would carry its result in another register than the one that returns it
 * (the map's pointer holds a0 until the emptied test). */
static __attribute__((noinline)) bool u64_absent(void)
{
    return false;
}

/* The last entry gone: Go reseeds the map.  Reached by a tail call, so that
 * delete makes no call of its own. */
static __attribute__((noinline)) bool u64_emptied(struct swiss *m)
{
    sw_reseed(m);
    return true;
}

/* swiss_delete_u64 off its fast path: the contract's refusals, a delete
 * inside a write, and the small map, which always empties the slot. */
static __attribute__((noinline)) bool u64_delete_rest(struct swiss *m, uint64_t key)
{
    if (m == NULL || m->general || m->used == 0)
        return false;
    if (m->writing) { /* write_begin's refusal; nothing below can re-enter */
        m->misuse++;
        return false;
    }
    uint64_t hash = u64_hash(m, key);
    struct u64_swar w = u64_swar_of(m, hash);
    uint8_t *g = m->small; /* a map with entries and no table has it */
    uint8_t *c;
    uint64_t *v = u64_find(g, 0, sw_load_ctrl(g), &w, key, &c);
    if (v == NULL)
        return false;
    c[-1] = CTRL_EMPTY; /* the small map's group: head 0 */
    if (--m->used == 0)
        return u64_emptied(m);
    return true;
}

/* delete_hashed (swiss.c) for 8-byte keys in a table. */
bool swiss_delete_u64(struct swiss *m, uint64_t key)
{
    uint64_t gate;
    if (m == NULL || (int64_t)(gate = m->u64_gate) < 0)
        return u64_delete_rest(m, key);
    uint64_t hash = u64_hash(m, key);
    struct swiss_table *t = table_at(m, hash, gate);
    struct u64_swar w = u64_swar_of(m, hash);
    uint64_t ctrl;
    uint8_t *c;
    uint64_t *v = u64_probe(&t, hash, key, &w, true, &ctrl, &c);
    if (v == NULL)
        return u64_absent();
    /* Empty when the group has an empty slot, else a tombstone (see
     * delete_hashed). */
    if (sw_match_empty(ctrl, w.msb) != 0) {
        c[TABLE_HEAD - 1] = CTRL_EMPTY;
        t->growth_left++;
    } else {
        c[TABLE_HEAD - 1] = CTRL_DELETED;
        t->tombstones++;
        m->tombstone_possible = true;
    }
    if (--m->used == 0)
        return u64_emptied(m);
    return true;
}
