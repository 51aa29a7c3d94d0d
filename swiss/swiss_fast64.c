/* SPDX-License-Identifier: MIT */
/*
 * swiss_fast64.c - the 8-byte calls (Go's runtime_fast64.go): keys and
 * values of 8 bytes, the built-in hash, a slot of 16 bytes at a constant
 * stride, so the probe compares keys as words and never calls memcmp.
 * Anything rare (no table yet, the small map, a table to grow) goes to the
 * general code's rare paths with the same hash.
 *
 * The small map's group is probed as a table of one group (group mask 0).
 */
#include "swiss_internal.h"

#define U64_SLOT 16u
#define U64_GROUP (SLOTS + SLOTS * U64_SLOT) /* 136 */

/* The SWAR constants and the key's H2 in every byte, made once per call. */
struct u64_swar {
    uint64_t lsb, msb, hb;
};

ALWAYS_INLINE struct u64_swar u64_swar_of(uint64_t hash)
{
    struct u64_swar w;
    w.lsb = sw_swar_lsb();
    w.msb = w.lsb << 7;
    w.hb = h2(hash) * w.lsb;
    return w;
}

/* The slot at a byte offset into group g's slots: the group's first word
 * (its control word) skipped as a word, so that the key's load carries the
 * 8 in its own offset. */
ALWAYS_INLINE uint64_t *u64_slot_at(uint8_t *g, size_t byte_offset)
{
    return (uint64_t *)__builtin_assume_aligned(g + byte_offset, 8) + 1;
}

/*
 * The byte offset (16 * slot) of the lowest flagged slot of a match.  As
 * first_slot, without a count-trailing-zeros instruction: the lowest flag
 * shifted down is 1 << 8i, and the constant's byte j is 16 * (7 - j), so
 * the product's top byte is 16 * i, the offset itself.
 */
ALWAYS_INLINE size_t u64_first_offset(uint64_t match)
{
#if defined(__x86_64__) || defined(__aarch64__) || defined(__riscv_zbb)
    return ((size_t)__builtin_ctzll(match) >> 3) * U64_SLOT;
#else
    return (size_t)((((match & -match) >> 7) * 0x0010203040506070ull) >> 56);
#endif
}

ALWAYS_INLINE size_t u64_slot_index(const uint8_t *g, const uint64_t *s)
{
    return (size_t)((const uint8_t *)s - g - SLOTS) / U64_SLOT;
}

/* Where key's probe runs: its table's groups and group mask, or the small
 * map's group as a table of one group.  False when the map holds no group. */
ALWAYS_INLINE bool u64_groups(const struct swiss *m, uint64_t hash, struct swiss_table **t,
                              uint8_t **groups, size_t *mask)
{
    if (m->dir != NULL) {
        *t = table_for(m, hash);
        *groups = (*t)->groups;
        *mask = (*t)->group_mask;
        return true;
    }
    *t = NULL;
    *groups = m->small;
    *mask = 0;
    return m->small != NULL;
}

/* The slot holding key in group g (its word pointer), or NULL. */
ALWAYS_INLINE uint64_t *u64_find(uint8_t *g, uint64_t ctrl, const struct u64_swar *w,
                                 uint64_t key)
{
    for (uint64_t match = sw_match_bcast(ctrl, w->hb, w->lsb, w->msb); match != 0;
         match &= match - 1) {
        uint64_t *s = u64_slot_at(g, u64_first_offset(match));
        if (s[0] == key)
            return s;
    }
    return NULL;
}

ALWAYS_INLINE uint64_t u64_empty(uint64_t ctrl, const struct u64_swar *w)
{
    return ctrl & ~(ctrl << 6) & w->msb;
}

/*
 * Find key along its probe sequence: until a group with an empty slot, or
 * until every group was seen (which ends a miss in a full small map; a
 * table always keeps an empty slot, growth_left stops inserts at 7/8 of its
 * slots).  Returns key's slot, with its group and that group's control
 * word, or NULL.
 */
ALWAYS_INLINE uint64_t *u64_lookup(uint8_t *groups, size_t mask, uint64_t hash, uint64_t key,
                                   const struct u64_swar *w, uint8_t **group,
                                   uint64_t *ctrl_out)
{
    for (struct probe p = probe_start(hash, mask);; probe_next(&p)) {
        uint8_t *g = groups + p.offset * U64_GROUP;
        uint64_t ctrl = sw_load_ctrl(g);
        uint64_t *s = u64_find(g, ctrl, w, key);
        *group = g;
        *ctrl_out = ctrl;
        if (s != NULL || u64_empty(ctrl, w) != 0 || p.index == mask)
            return s;
    }
}

bool swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val)
{
    if (m == NULL || !m->fast64)
        return false;
    if (m->writing) {
        m->misuse++;
        return false;
    }
    uint64_t hash = sw_hash_u64(key, m->hash_key);
    struct swiss_table *t;
    uint8_t *groups, *g;
    size_t mask;
    uint64_t ctrl;
    if (!u64_groups(m, hash, &t, &groups, &mask))
        return false;
    struct u64_swar w = u64_swar_of(hash);
    uint64_t *s = u64_lookup(groups, mask, hash, key, &w, &g, &ctrl);
    if (s == NULL)
        return false;
    if (val != NULL)
        *val = s[1];
    return true;
}

/* Write a new entry into slot offset o of group g; its control byte is H2,
 * the low byte of H2 in every byte. */
ALWAYS_INLINE void u64_take(struct swiss *m, struct swiss_table *t, uint8_t *g, size_t o,
                            const struct u64_swar *w, uint64_t key, uint64_t val)
{
    uint64_t *s = u64_slot_at(g, o);
    s[0] = key;
    s[1] = val;
    g[o / U64_SLOT] = (uint8_t)w->hb;
    t->used++;
    m->used++;
}

/*
 * table_put (swiss.c) for 8-byte keys, where the probe meets no tombstone:
 * overwrite, or take the empty slot that ends the probe while growth_left
 * lasts.  Returns false, having changed nothing, at a tombstone (Go's put
 * may reuse it) or when the table must prune or grow: the general put does
 * those.
 */
ALWAYS_INLINE bool u64_table_put(struct swiss *m, struct swiss_table *t, uint64_t hash,
                                 uint64_t key, uint64_t val)
{
    struct u64_swar w = u64_swar_of(hash);
    for (struct probe p = probe_start(hash, t->group_mask);; probe_next(&p)) {
        uint8_t *g = t->groups + p.offset * U64_GROUP;
        uint64_t ctrl = sw_load_ctrl(g);
        uint64_t *s = u64_find(g, ctrl, &w, key);
        if (s != NULL) {
            s[1] = val;
            return true;
        }
        uint64_t free_slots = ctrl & w.msb;
        if (free_slots == 0)
            continue;
        /* A group with a tombstone has no empty slot: its first free slot
         * is a tombstone, else an empty slot, which ends the probe. */
        size_t o = u64_first_offset(free_slots);
        if (g[o / U64_SLOT] == CTRL_DELETED || t->growth_left == 0)
            return false;
        t->growth_left--;
        u64_take(m, t, g, o, &w, key, val);
        return true;
    }
}

/*
 * swiss_put_u64 where the 8-byte probe cannot place the key (no table yet,
 * the small map, a tombstone on the way, a table to prune or grow): the
 * general put from the first group.  Out of line and reached by a tail
 * call, so that the common path makes no call and needs no stack frame.
 * Ends the write.
 */
static __attribute__((noinline)) int u64_put_rest(struct swiss *m, uint64_t hash, uint64_t key,
                                                  uint64_t val)
{
    int rc = sw_put_slow(m, hash, &key, &val);
    write_end(m);
    return rc;
}

int swiss_put_u64(struct swiss *m, uint64_t key, uint64_t val)
{
    if (m == NULL)
        return SWISS_ERR_ARG;
    if (!m->fast64)
        return SWISS_ERR_SIZE;
    if (!write_begin(m))
        return SWISS_ERR_BUSY;
    uint64_t hash = sw_hash_u64(key, m->hash_key);
    if (m->dir == NULL || !u64_table_put(m, table_for(m, hash), hash, key, val))
        return u64_put_rest(m, hash, key, val);
    write_end(m);
    return SWISS_OK;
}

/* The last entry gone: Go reseeds the map.  Ends the write.  Reached by a
 * tail call, so that delete makes no call and needs no stack frame. */
static __attribute__((noinline)) bool u64_emptied(struct swiss *m)
{
    sw_reseed(m);
    write_end(m);
    return true;
}

/* delete_hashed (swiss.c) for 8-byte keys. */
bool swiss_delete_u64(struct swiss *m, uint64_t key)
{
    if (m == NULL || !m->fast64 || m->used == 0)
        return false;
    if (!write_begin(m))
        return false;
    uint64_t hash = sw_hash_u64(key, m->hash_key);
    struct swiss_table *t;
    uint8_t *groups, *g;
    size_t mask;
    uint64_t ctrl;
    uint64_t *s = NULL;
    struct u64_swar w = u64_swar_of(hash);
    if (u64_groups(m, hash, &t, &groups, &mask))
        s = u64_lookup(groups, mask, hash, key, &w, &g, &ctrl);
    if (s == NULL) {
        write_end(m);
        return false;
    }
    size_t i = u64_slot_index(g, s);
    /* The small map always empties; a table leaves a tombstone when the
     * group has no empty slot (see table_delete). */
    if (t == NULL || u64_empty(ctrl, &w) != 0) {
        g[i] = CTRL_EMPTY;
        if (t != NULL)
            t->growth_left++;
    } else {
        g[i] = CTRL_DELETED;
        m->tombstone_possible = true;
    }
    if (t != NULL)
        t->used--;
    if (--m->used == 0)
        return u64_emptied(m);
    write_end(m);
    return true;
}
