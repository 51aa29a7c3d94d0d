/* SPDX-License-Identifier: MIT */
/*
 * swiss_fast64.c - the 8-byte calls (Go's runtime_fast64.go): keys and
 * values of 8 bytes, the built-in hash, a slot of 16 bytes at a constant
 * stride, so the probe compares keys as words and never calls memcmp.
 * Anything rare (no table yet, the small map, a table to grow) goes to the
 * general code with the same hash.
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
    int i;
    if (m->dir == NULL) {
        g = m->small;
        i = u64_find(g, sw_load_ctrl(g), h2(hash), key);
    } else {
        struct swiss_table *t = table_for(m, hash);
        for (struct probe p = probe_start(hash, t->group_mask);; probe_next(&p)) {
            g = t->groups + p.offset * U64_GROUP;
            uint64_t ctrl = sw_load_ctrl(g);
            i = u64_find(g, ctrl, h2(hash), key);
            if (i >= 0 || match_empty(ctrl) != 0)
                break;
        }
    }
    if (i < 0)
        return false;
    if (val != NULL)
        *val = u64_key(g, (unsigned)i)[1];
    return true;
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
    int rc = sw_put_hashed(m, hash, &key, &val);
    write_end(m);
    return rc;
}

bool swiss_delete_u64(struct swiss *m, uint64_t key)
{
    if (m == NULL || !m->fast64 || m->used == 0)
        return false;
    if (!write_begin(m))
        return false;
    bool found = sw_delete_hashed(m, sw_hash_u64(key, m->hash_key), &key);
    write_end(m);
    return found;
}
