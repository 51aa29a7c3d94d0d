/* SPDX-License-Identifier: MIT */
/*
 * swiss_fast64.c - the 8-byte calls (Go's runtime_fast64.go): keys and
 * values of 8 bytes, the built-in hash, a slot of 16 bytes at a constant
 * stride, so the probe compares keys as words and never calls memcmp.
 * Anything rare (no table yet, the small map, a table to grow) goes to the
 * general code's rare paths with the same hash.
 */
#include "swiss_internal.h"

#define U64_SLOT 16u
#define U64_GROUP (SLOTS + SLOTS * U64_SLOT) /* 136 */

ALWAYS_INLINE uint64_t *u64_key(uint8_t *g, unsigned i)
{
    return __builtin_assume_aligned(g + SLOTS + i * U64_SLOT, 8);
}

/* The slot of key in group g, or -1: the control match, then the key. */
ALWAYS_INLINE int u64_find(uint8_t *g, uint64_t ctrl, uint8_t h, uint64_t key)
{
    for (uint64_t match = match_h2(ctrl, h); match != 0; match &= match - 1) {
        unsigned i = first_slot(match);
        if (*u64_key(g, i) == key)
            return (int)i;
    }
    return -1;
}

/*
 * Find key: in the small map's group (t NULL), or along t's probe sequence
 * until a group with an empty slot.  One loop for both, so the match is
 * inlined once.  Returns the slot's group and index, or -1.
 */
ALWAYS_INLINE int u64_lookup(const struct swiss *m, const struct swiss_table *t,
                             uint64_t hash, uint64_t key, uint8_t **group, uint64_t *ctrl_out)
{
    struct probe p = probe_start(hash, t ? t->group_mask : 0);
    for (;;) {
        uint8_t *g = t ? t->groups + p.offset * U64_GROUP : m->small;
        uint64_t ctrl = sw_load_ctrl(g);
        int i = u64_find(g, ctrl, h2(hash), key);
        if (i >= 0 || t == NULL || match_empty(ctrl) != 0) {
            *group = g;
            *ctrl_out = ctrl;
            return i;
        }
        probe_next(&p);
    }
}

bool swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val)
{
    if (m == NULL || !m->fast64 || m->used == 0)
        return false;
    if (m->writing) {
        m->misuse++;
        return false;
    }
    uint64_t hash = sw_hash_u64(key, m->hash_key);
    uint8_t *g;
    uint64_t ctrl;
    int i = u64_lookup(m, m->dir ? table_for(m, hash) : NULL, hash, key, &g, &ctrl);
    if (i < 0)
        return false;
    if (val != NULL)
        *val = u64_key(g, (unsigned)i)[1];
    return true;
}

/*
 * table_put (swiss.c) for 8-byte keys: overwrite, reuse the first
 * tombstone the probe passed, or take an empty slot while growth_left
 * lasts.  Returns false, having changed nothing, when the table must prune
 * or grow: the general put does that.
 */
ALWAYS_INLINE bool u64_table_put(struct swiss *m, struct swiss_table *t, uint64_t hash,
                                 uint64_t key, uint64_t val)
{
    uint8_t *del_g = NULL;
    unsigned del_i = 0;
    for (struct probe p = probe_start(hash, t->group_mask);; probe_next(&p)) {
        uint8_t *g = t->groups + p.offset * U64_GROUP;
        uint64_t ctrl = sw_load_ctrl(g);
        int f = u64_find(g, ctrl, h2(hash), key);
        if (f >= 0) {
            u64_key(g, (unsigned)f)[1] = val;
            return true;
        }
        uint64_t free_slots = match_empty_or_deleted(ctrl);
        if (free_slots == 0)
            continue;
        unsigned i = first_slot(free_slots);
        if (g[i] == CTRL_DELETED) {
            if (del_g == NULL) {
                del_g = g;
                del_i = i;
            }
            continue;
        }
        if (del_g != NULL) {
            g = del_g;
            i = del_i;
        } else if (t->growth_left == 0) {
            return false;
        } else {
            t->growth_left--;
        }
        uint64_t *slot = u64_key(g, i);
        slot[0] = key;
        slot[1] = val;
        g[i] = h2(hash);
        t->used++;
        m->used++;
        return true;
    }
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
    int rc = SWISS_OK;
    if (m->dir == NULL || !u64_table_put(m, table_for(m, hash), hash, key, val))
        rc = sw_put_slow(m, hash, &key, &val);
    write_end(m);
    return rc;
}

/* sw_delete_hashed (swiss.c) for 8-byte keys. */
bool swiss_delete_u64(struct swiss *m, uint64_t key)
{
    if (m == NULL || !m->fast64 || m->used == 0)
        return false;
    if (!write_begin(m))
        return false;
    uint64_t hash = sw_hash_u64(key, m->hash_key);
    struct swiss_table *t = m->dir ? table_for(m, hash) : NULL;
    uint8_t *g;
    uint64_t ctrl;
    int i = u64_lookup(m, t, hash, key, &g, &ctrl);
    if (i >= 0) {
        /* The small map always empties; a table leaves a tombstone when the
         * group has no empty slot (see table_delete). */
        if (t == NULL || match_empty(ctrl) != 0) {
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
            sw_reseed(m);
    }
    write_end(m);
    return i >= 0;
}
