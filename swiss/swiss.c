/* SPDX-License-Identifier: MIT */
/*
 * swiss.c - init, reset, clear, and the general put, get and delete: the
 * small map's one group, and the probe of a table (Go's map.go and
 * table.go: PutSlot, getWithoutKey, Delete, Clear).
 */
#include "swiss_internal.h"

int swiss_init(struct swiss *m, const struct swiss_type *t, struct arena *a,
               size_t hint, uint64_t seed)
{
    if (m == NULL || t == NULL || a == NULL)
        return SWISS_ERR_ARG;
    if (t->key_size == 0 || t->key_size > SWISS_MAX_KEY || t->val_size > SWISS_MAX_VAL)
        return SWISS_ERR_SIZE;
    struct swiss n = {
        .arena = a,
        .hash = t->hash,
        .equal = t->equal,
        .key_size = t->key_size,
        .val_size = t->val_size,
        .slot_size = t->key_size + t->val_size,
        .group_size = SLOTS + SLOTS * (t->key_size + t->val_size),
        .general = !(t->key_size == 8 && t->val_size == 8 && t->hash == NULL && t->equal == NULL),
        .pruning = true,
        .seed = seed,
        .hash_key = sw_hash_key_of(seed),
        .hash_mul = SW_HASH_MUL,
        .swar_lsb = LSB,
        .slot_offsets = U64_OFFSETS,
        .hint = hint,
    };
    set_dir(&n, NULL, DIR_TOP);
    int rc = sw_make_tables(&n, hint);
    if (rc != SWISS_OK)
        return rc; /* *m untouched, nothing held */
    *m = n;
    return SWISS_OK;
}

size_t swiss_len(const struct swiss *m)
{
    return m == NULL ? 0 : m->used;
}

void swiss_set_pruning(struct swiss *m, bool on)
{
    if (m != NULL)
        m->pruning = on;
}

/* --- the small map: one group, no table ---------------------------------- */

/* The slot of key in group g (full slots only), or -1. */
static int group_find(const struct swiss *m, uint8_t *g, uint64_t hash, const void *key)
{
    for (uint64_t match = match_h2(sw_load_ctrl(g), h2(hash)); match != 0;
         match &= match - 1) {
        unsigned i = first_slot(match);
        if (keys_equal(m, key, slot_key(m, g, i)))
            return (int)i;
    }
    return -1;
}

/* Go's putSlotSmall, for a small map with fewer than 8 entries. */
static void small_put(struct swiss *m, uint64_t hash, const void *key, const void *val)
{
    uint8_t *g = m->small;
    int i = group_find(m, g, hash, key);
    if (i >= 0) { /* val may be this very slot's value (swiss_get's): memmove */
        if (m->val_size != 0)
            memmove(slot_val(m, g, (unsigned)i), val, m->val_size);
        return;
    }
    /* A small map never holds a tombstone: any empty-or-deleted slot is
     * empty, and one exists while used < 8. */
    unsigned j = first_slot(match_empty_or_deleted(sw_load_ctrl(g)));
    slot_write(m, g, j, hash, key, val);
    m->used++;
}

/* --- a table --------------------------------------------------------------- */

/* Where a put writes: a slot found or taken, or why none. */
enum {
    PUT_DONE = 0,
    PUT_REHASH = 1,
};

/*
 * Go's table.PutSlot: overwrite key's value if the probe finds it, else
 * take the first tombstone the probe passed or the first empty slot of the
 * group where the probe ends.  Taking an empty slot needs growth_left; at 0
 * the table first prunes its tombstones, and if that frees too little the
 * put returns PUT_REHASH having changed nothing.
 */
static int table_put(struct swiss *m, struct swiss_table *t, uint64_t hash,
                     const void *key, const void *val)
{
    uint8_t *del_g = NULL;
    unsigned del_i = 0;
    for (struct probe p = probe_start(hash, t->group_mask);; probe_next(&p)) {
        uint8_t *g = group_at(m, t, p.offset);
        int f = group_find(m, g, hash, key);
        if (f >= 0) {
            if (m->val_size != 0)
                memmove(slot_val(m, g, (unsigned)f), val, m->val_size);
            return PUT_DONE;
        }
        uint64_t free_slots = match_empty_or_deleted(sw_load_ctrl(g));
        if (free_slots == 0)
            continue;
        unsigned i = first_slot(free_slots);
        if (g[i] == CTRL_DELETED) {
            /* Go probes on past a group whose first free slot is a
             * tombstone, remembering the first such slot. */
            if (del_g == NULL) {
                del_g = g;
                del_i = i;
            }
            continue;
        }
        if (del_g != NULL) { /* reuse the tombstone: growth_left unchanged */
            slot_write(m, del_g, del_i, hash, key, val);
            t->tombstones--;
            m->used++;
            return PUT_DONE;
        }
        if (t->growth_left == 0)
            sw_table_prune(m, t);
        if (t->growth_left == 0)
            return PUT_REHASH;
        slot_write(m, g, i, hash, key, val);
        t->growth_left--;
        m->used++;
        return PUT_DONE;
    }
}

/*
 * The put's rare paths: a map with nothing allocated yet, a small map, a
 * table that must grow or split.  key and val are copied first, because
 * each of those may give back the pages they point into (an iterator's key,
 * swiss_get's value).  Out of line, so that the common put does not carry
 * the copies' stack.
 */
__attribute__((noinline)) int sw_put_slow(struct swiss *m, uint64_t hash, const void *key,
                                          const void *val)
{
    uint8_t key_copy[SWISS_MAX_KEY], val_copy[SWISS_MAX_VAL];
    memcpy(key_copy, key, m->key_size);
    key = key_copy;
    if (m->val_size != 0) {
        memcpy(val_copy, val, m->val_size);
        val = val_copy;
    }
    if (m->dir == NULL) {
        if (m->small == NULL && m->hint > SLOTS) { /* after a reset */
            int rc = sw_make_tables(m, m->hint);
            if (rc != SWISS_OK)
                return rc;
        } else if (m->small == NULL) { /* Go's growToSmall */
            uint8_t *g = arena_alloc_pages(m->arena, arena_pages_for(m->arena, m->group_size));
            if (g == NULL)
                return SWISS_ERR_NOMEM;
            set_all_empty(g);
            m->small = g;
            m->layout++;
        }
        if (m->small != NULL) {
            /* Go grows a full small map to a table even to overwrite. */
            if (m->used < SLOTS) {
                small_put(m, hash, key, val);
                return SWISS_OK;
            }
            int rc = sw_grow_to_table(m);
            if (rc != SWISS_OK)
                return rc;
        }
    }
    for (;;) {
        struct swiss_table *t = table_for(m, hash);
        if (table_put(m, t, hash, key, val) == PUT_DONE)
            return SWISS_OK;
        int rc = sw_table_rehash(m, t);
        if (rc != SWISS_OK)
            return rc;
    }
}

/* The insert once the key's hash is known: overwrite, take a slot, prune or
 * grow as Go's PutSlot does. */
static int put_hashed(struct swiss *m, uint64_t hash, const void *key, const void *val)
{
    if (m->dir != NULL && table_put(m, table_for(m, hash), hash, key, val) == PUT_DONE)
        return SWISS_OK;
    return sw_put_slow(m, hash, key, val);
}

int swiss_put(struct swiss *m, const void *key, const void *val)
{
    if (m == NULL || key == NULL || (val == NULL && m->val_size != 0))
        return SWISS_ERR_ARG;
    if (!write_begin(m))
        return SWISS_ERR_BUSY;
    int rc = put_hashed(m, sw_key_hash(m, key), key, val);
    write_end(m);
    return rc;
}

int sw_find_slot(const struct swiss *m, uint64_t hash, const void *key, uint8_t **group,
                 size_t *groups)
{
    if (m->dir == NULL) {
        *group = m->small;
        *groups = 1;
        return group_find(m, m->small, hash, key);
    }
    const struct swiss_table *t = table_for(m, hash);
    *groups = 0;
    for (struct probe p = probe_start(hash, t->group_mask);; probe_next(&p)) {
        uint8_t *g = group_at(m, t, p.offset);
        int i = group_find(m, g, hash, key);
        *group = g;
        ++*groups;
        if (i >= 0 || match_empty(sw_load_ctrl(g)) != 0)
            return i;
    }
}

void *swiss_get(struct swiss *m, const void *key)
{
    if (m == NULL || key == NULL || m->used == 0)
        return NULL;
    if (m->writing) {
        m->misuse++;
        return NULL;
    }
    uint8_t *g;
    size_t groups;
    int i = sw_find_slot(m, sw_key_hash(m, key), key, &g, &groups);
    return i < 0 ? NULL : slot_val(m, g, (unsigned)i);
}

/*
 * Go's table.Delete: a slot whose group still has an empty slot becomes
 * empty (no probe sequence can have passed this group, since they end at
 * an empty slot) and gives its growth back; otherwise it becomes a
 * tombstone, so that probes for keys placed beyond still go on.  The small
 * map always empties the slot.  The last entry gone, the map reseeds.
 * (swiss_delete_u64 is the same for 8-byte keys.)
 */
static bool delete_hashed(struct swiss *m, uint64_t hash, const void *key)
{
    uint8_t *g;
    size_t groups;
    int i = sw_find_slot(m, hash, key, &g, &groups);
    if (i < 0)
        return false;
    struct swiss_table *t = m->dir != NULL ? table_for(m, hash) : NULL;
    if (t == NULL || match_empty(sw_load_ctrl(g)) != 0) {
        g[i] = CTRL_EMPTY;
        if (t != NULL)
            t->growth_left++;
    } else {
        g[i] = CTRL_DELETED;
        t->tombstones++;
        m->tombstone_possible = true;
    }
    if (--m->used == 0)
        sw_reseed(m);
    return true;
}

bool swiss_delete(struct swiss *m, const void *key)
{
    if (m == NULL || key == NULL || m->used == 0)
        return false;
    if (!write_begin(m))
        return false;
    bool found = delete_hashed(m, sw_key_hash(m, key), key);
    write_end(m);
    return found;
}

/* --- clear and reset -------------------------------------------------------- */

void swiss_clear(struct swiss *m)
{
    if (m == NULL || (m->used == 0 && !m->tombstone_possible))
        return;
    if (!write_begin(m))
        return;
    if (m->dir == NULL) {
        set_all_empty(m->small);
    } else {
        for (size_t i = 0; i < m->dir_len; i += dir_span(m, m->dir[i])) {
            struct swiss_table *t = m->dir[i];
            size_t max = max_growth_left(t->capacity);
            if (t->growth_left == max)
                continue; /* no entry and no tombstone: nothing to do */
            for (size_t j = 0; j <= t->group_mask; j++)
                set_all_empty(group_at(m, t, j));
            t->tombstones = 0;
            t->growth_left = max;
        }
    }
    m->used = 0;
    m->tombstone_possible = false;
    sw_reseed(m);
    write_end(m);
}

void swiss_reset(struct swiss *m)
{
    if (m == NULL || !write_begin(m))
        return;
    sw_free_all(m);
    m->used = 0;
    m->tombstone_possible = false;
    sw_reseed(m);
    write_end(m);
}
