/* SPDX-License-Identifier: MIT */
/*
 * swiss_iter.c - iteration (Go's Iter): every table once, from a directory
 * entry and a slot offset chosen per iteration, each table's slots from
 * that offset round.  The walk reads control bytes as it goes, so deletes,
 * overwrites and clear during the loop need nothing of it; only a write
 * that replaces a table (m->layout) ends it.
 */
#include "swiss_internal.h"

void swiss_iter_init(struct swiss_iter *it, struct swiss *m)
{
    *it = (struct swiss_iter){.m = m, .done = true};
    if (m == NULL || m->used == 0)
        return;
    /* Go draws both offsets at random; a hash of the seed and of where the
     * iterator lives varies them between iterations and maps. */
    uint64_t r = sw_hash_u64((uint64_t)(uintptr_t)it, m->hash_key);
    it->layout = m->layout;
    it->slot_offset = (size_t)r;
    if (m->dir != NULL) /* start at the first entry of a table */
        it->dir_pos = m->dir[(size_t)(r >> 32) & (m->dir_len - 1)]->index;
    it->done = false;
}

bool swiss_iter_next(struct swiss_iter *it, const void **key, void **val)
{
    if (it->done)
        return false;
    struct swiss *m = it->m;
    if (m->layout != it->layout) {
        it->err = SWISS_ERR_CHANGED;
        it->done = true;
        return false;
    }
    for (;;) {
        struct swiss_table *t = m->dir ? m->dir[it->dir_pos] : NULL;
        size_t capacity = t ? t->capacity : SLOTS;
        while (it->slot < capacity) {
            size_t e = (it->slot++ + it->slot_offset) & (capacity - 1);
            uint8_t *g = t ? group_at(m, t, e / SLOTS) : m->small;
            unsigned i = (unsigned)(e % SLOTS);
            if (g[i] & CTRL_EMPTY)
                continue; /* empty or deleted */
            if (key)
                *key = slot_key(m, g, i);
            if (val)
                *val = slot_val(m, g, i);
            return true;
        }
        if (t == NULL)
            break;
        size_t span = dir_span(m, t);
        it->dir_seen += span;
        if (it->dir_seen >= m->dir_len)
            break;
        it->dir_pos = (it->dir_pos + span) & (m->dir_len - 1);
        it->slot = 0;
    }
    it->done = true;
    return false;
}

int swiss_iter_error(const struct swiss_iter *it)
{
    return it->err;
}
