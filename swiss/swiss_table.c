/* SPDX-License-Identifier: MIT */
/*
 * swiss_table.c - tables and the directory: make, grow, split, prune, free
 * (Go's NewMap, newTable, growToTable, rehash, grow, split,
 * installTableSplit, pruneTombstones).
 *
 * Every change that allocates takes all its runs first and touches the map
 * only once it has them, so running out of pages leaves the map as it was.
 * Every free comes after the map has let go of its run, so that an arena
 * observer reading the map's figures from inside the free (the console's
 * history does) sees neither the run nor freed pages.
 */
#include "swiss_internal.h"

size_t sw_table_run_pages(const struct swiss *m, size_t groups)
{
    return arena_pages_for(m->arena, SW_TABLE_HEAD + groups * m->group_size);
}

/* A new empty table of capacity slots (a power of two, 8..1024), or NULL
 * when the arena has no run for it. */
static struct swiss_table *table_new(struct swiss *m, size_t capacity, unsigned local_depth,
                                     size_t index)
{
    size_t groups = capacity / SLOTS;
    size_t pages = sw_table_run_pages(m, groups);
    uint8_t *run = arena_alloc_pages(m->arena, pages);
    if (run == NULL)
        return NULL;
    struct swiss_table *t = (struct swiss_table *)(void *)run;
    *t = (struct swiss_table){
        .groups = run + SW_TABLE_HEAD,
        .group_mask = groups - 1,
        .mask7 = (groups - 1) << 7,
        .capacity = capacity,
        .growth_left = max_growth_left(capacity),
        .index = index,
        .pages = pages,
        .local_depth = local_depth,
    };
    for (size_t i = 0; i < groups; i++)
        set_all_empty(group_at(m, t, i));
    return t;
}

/* Give back a table the map no longer points at (the file's rule). */
static void table_free(struct swiss *m, struct swiss_table *t)
{
    (void)arena_free_pages(m->arena, t, t->pages);
}

/*
 * Moving entries into a new table (growth, split): every live entry of a
 * group put into the table its hash bit selects (right when bit is set in
 * the hash; bit 0: always left), by Go's uncheckedPutSlot: the first free
 * slot of its probe, since the entry is known to be absent and the table
 * has room.  Written once for any key and value size (move_entries); the
 * 8-byte calls' map gets its own copy with the sizes and the built-in hash
 * as constants, so that a move is a few loads and stores, not two calls of
 * memcpy and one of the hash.  Built for size (GCC and Clang define
 * __OPTIMIZE_SIZE__ at -Os), the one general copy serves every map.
 */
ALWAYS_INLINE void move_entries(struct swiss *m, uint8_t *g, uint64_t bit,
                                struct swiss_table *left, struct swiss_table *right,
                                bool u64)
{
    size_t key_size = u64 ? 8 : m->key_size, val_size = u64 ? 8 : m->val_size;
    size_t slot_size = u64 ? SW_U64_SLOT : m->slot_size;
    size_t group_size = u64 ? SLOTS + SLOTS * SW_U64_SLOT : m->group_size;
    for (uint64_t full = match_full(sw_load_ctrl(g)); full != 0; full &= full - 1) {
        unsigned i = first_slot(full);
        const uint8_t *key = g + SLOTS + i * slot_size;
        uint64_t hash;
        if (u64) {
            uint64_t k;
            memcpy(&k, key, sizeof k);
            hash = sw_hash_u64(k, m->hash_key);
        } else {
            hash = sw_key_hash(m, key);
        }
        struct swiss_table *t = (hash & bit) ? right : left;
        for (struct probe p = probe_start(hash, t->group_mask);; probe_next(&p)) {
            uint8_t *d = t->groups + p.offset * group_size;
            uint64_t free_slots = match_empty_or_deleted(sw_load_ctrl(d));
            if (free_slots == 0)
                continue;
            unsigned j = first_slot(free_slots);
            memcpy(d + SLOTS + j * slot_size, key, key_size);
            if (val_size != 0)
                memcpy(d + SLOTS + j * slot_size + key_size, key + key_size, val_size);
            d[j] = h2(hash);
            t->growth_left--;
            break;
        }
    }
}

static void move_group(struct swiss *m, uint8_t *g, uint64_t bit, struct swiss_table *left,
                       struct swiss_table *right)
{
#ifndef __OPTIMIZE_SIZE__
    if (!m->general) {
        move_entries(m, g, bit, left, right, true);
        return;
    }
#endif
    move_entries(m, g, bit, left, right, false);
}

/* Point the directory entries t covers at t. */
static void dir_install(struct swiss *m, struct swiss_table *t)
{
    size_t span = dir_span(m, t);
    for (size_t i = 0; i < span; i++)
        m->dir[t->index + i] = t;
}

static size_t dir_run_pages(const struct swiss *m, size_t len)
{
    return arena_pages_for(m->arena, len * sizeof(struct swiss_table *));
}

/* Go's table.grow: a table of twice the capacity, every entry reinserted
 * (tombstones dropped), the old groups given back. */
static int table_grow(struct swiss *m, struct swiss_table *t)
{
    struct swiss_table *nt = table_new(m, t->capacity * 2, t->local_depth, t->index);
    if (nt == NULL)
        return SWISS_ERR_NOMEM;
    for (size_t i = 0; i <= t->group_mask; i++)
        move_group(m, group_at(m, t, i), 0, nt, nt);
    dir_install(m, nt);
    table_free(m, t);
    m->grows++;
    m->layout++;
    return SWISS_OK;
}

/*
 * Go's table.split: two 1024-slot tables of local depth + 1, the entries
 * parted by the hash bit below the ones the directory already used; when
 * the table's depth was the directory's, the directory doubles first (each
 * entry twice, Go's installTableSplit).  The old table and both halves are
 * live together, as in Go, until the old one is given back.
 */
static int table_split(struct swiss *m, struct swiss_table *t)
{
    unsigned depth = t->local_depth + 1;
    bool dir_grows = t->local_depth == m->global_depth;
    size_t new_len = m->dir_len * 2;
    /* Depth 63 is the most a 64-bit hash can index (and far past any
     * directory an arena holds); a hash that never parts its keys ends
     * here, out of pages, rather than shifting by 64. */
    if (depth > 63 || (dir_grows && new_len > SIZE_MAX / sizeof(struct swiss_table *)))
        return SWISS_ERR_NOMEM;
    struct swiss_table *left = table_new(m, SWISS_MAX_TABLE_CAPACITY, depth, 0);
    struct swiss_table *right =
        left ? table_new(m, SWISS_MAX_TABLE_CAPACITY, depth, 0) : NULL;
    struct swiss_table **dir = NULL;
    size_t dir_pages = 0;
    if (right != NULL && dir_grows) {
        dir_pages = dir_run_pages(m, new_len);
        dir = arena_alloc_pages(m->arena, dir_pages);
    }
    if (right == NULL || (dir_grows && dir == NULL)) {
        if (right)
            table_free(m, right);
        if (left)
            table_free(m, left);
        return SWISS_ERR_NOMEM;
    }
    if (dir_grows) {
        for (size_t i = 0; i < m->dir_len; i++) {
            struct swiss_table *d = m->dir[i];
            dir[2 * i] = dir[2 * i + 1] = d;
            if (d->index == i)
                d->index = 2 * i;
        }
        struct swiss_table **old = m->dir;
        size_t old_pages = m->dir_pages;
        m->dir = dir; /* one directory for another: the gate stays shut */
        m->dir_len = new_len;
        m->dir_pages = dir_pages;
        m->global_depth++;
        m->u64_gate--; /* dir_shift - 1: it is at least 1, no borrow */
        m->dir_grows++;
        (void)arena_free_pages(m->arena, old, old_pages);
    }
    uint64_t bit = (uint64_t)1 << (64 - depth);
    for (size_t i = 0; i <= t->group_mask; i++)
        move_group(m, group_at(m, t, i), bit, left, right);
    left->index = t->index;
    dir_install(m, left);
    right->index = left->index + dir_span(m, left);
    dir_install(m, right);
    table_free(m, t);
    m->splits++;
    m->layout++;
    return SWISS_OK;
}

int sw_table_rehash(struct swiss *m, struct swiss_table *t)
{
    if (t->capacity * 2 <= SWISS_MAX_TABLE_CAPACITY)
        return table_grow(m, t);
    return table_split(m, t);
}

/*
 * Go 1.25's pruneTombstones.  A tombstone is needed when some live key's
 * probe sequence passes its group before reaching the key's own group (the
 * probe must not stop there); a group with an empty slot is needed too (it
 * has no tombstone to give).  Only when the tombstones of the groups nobody
 * needs are at least 10% of the capacity are they turned back into empty
 * slots; otherwise nothing changes and the caller grows.
 */
void sw_table_prune(struct swiss *m, struct swiss_table *t)
{
    if (!m->pruning || t->tombstones * 10 < t->capacity)
        return;
    uint32_t needed[SWISS_MAX_TABLE_CAPACITY / SLOTS / 32] = {0};
    for (size_t i = 0; i <= t->group_mask; i++) {
        uint8_t *g = group_at(m, t, i);
        uint64_t ctrl = sw_load_ctrl(g);
        for (uint64_t full = match_full(ctrl); full != 0; full &= full - 1) {
            uint64_t hash = sw_key_hash(m, slot_key(m, g, first_slot(full)));
            for (struct probe p = probe_start(hash, t->group_mask); p.offset != i;
                 probe_next(&p)) {
                if (match_empty_or_deleted(sw_load_ctrl(group_at(m, t, p.offset))) != 0)
                    needed[p.offset / 32] |= (uint32_t)1 << (p.offset % 32);
            }
        }
        if (match_empty(ctrl) != 0)
            needed[i / 32] |= (uint32_t)1 << (i % 32);
    }
    size_t freed = 0;
    for (size_t i = 0; i <= t->group_mask; i++)
        if (!(needed[i / 32] >> (i % 32) & 1))
            freed += count_slots(match_empty_or_deleted(sw_load_ctrl(group_at(m, t, i))));
    if (freed * 10 < t->capacity)
        return;
    for (size_t i = 0; i <= t->group_mask; i++) {
        if (needed[i / 32] >> (i % 32) & 1)
            continue;
        uint8_t *g = group_at(m, t, i);
        for (uint64_t del = match_empty_or_deleted(sw_load_ctrl(g)); del != 0; del &= del - 1)
            g[first_slot(del)] = CTRL_EMPTY;
    }
    t->growth_left += freed;
    t->tombstones -= freed; /* a group nobody needs has no empty slot */
    m->prunes++;
}

int sw_grow_to_table(struct swiss *m)
{
    struct swiss_table *t = table_new(m, 2 * SLOTS, 0, 0);
    if (t == NULL)
        return SWISS_ERR_NOMEM;
    size_t dir_pages = dir_run_pages(m, 1);
    struct swiss_table **dir = arena_alloc_pages(m->arena, dir_pages);
    if (dir == NULL) {
        table_free(m, t);
        return SWISS_ERR_NOMEM;
    }
    move_group(m, m->small, 0, t, t);
    uint8_t *small = m->small;
    m->small = NULL;
    dir[0] = t;
    set_dir(m, dir, DIR_TOP);
    m->dir_len = 1;
    m->dir_pages = dir_pages;
    m->global_depth = 0;
    m->layout++;
    (void)arena_free_pages(m->arena, small, arena_pages_for(m->arena, m->group_size));
    return SWISS_OK;
}

/* Go's NewMap sizing: the directory length and each table's capacity for a
 * hint above 8, or SWISS_ERR_SIZE when they would not fit in a size_t. */
static int size_tables(const struct swiss *m, size_t hint, size_t *dir_len,
                       size_t *capacity)
{
    if (hint > SIZE_MAX / SLOTS)
        return SWISS_ERR_SIZE;
    size_t target = hint * SLOTS / SWISS_LOAD_NUM;
    size_t tables = target / SWISS_MAX_TABLE_CAPACITY +
                    (target % SWISS_MAX_TABLE_CAPACITY != 0);
    size_t len = 1;
    while (len < tables) {
        if (len > SIZE_MAX / 2)
            return SWISS_ERR_SIZE;
        len *= 2;
    }
    size_t groups_per = SWISS_MAX_TABLE_CAPACITY / SLOTS;
    if (len > SIZE_MAX / sizeof(struct swiss_table *) ||
        len > SIZE_MAX / groups_per / m->group_size)
        return SWISS_ERR_SIZE;
    size_t cap = SLOTS;
    while (cap < target / len)
        cap *= 2;
    *dir_len = len;
    *capacity = cap;
    return SWISS_OK;
}

int sw_make_tables(struct swiss *m, size_t hint)
{
    if (hint <= SLOTS)
        return SWISS_OK;
    size_t len, cap;
    int rc = size_tables(m, hint, &len, &cap);
    if (rc != SWISS_OK)
        return rc;
    size_t dir_pages = dir_run_pages(m, len);
    struct swiss_table **dir = arena_alloc_pages(m->arena, dir_pages);
    if (dir == NULL)
        return SWISS_ERR_NOMEM;
    unsigned depth = 0;
    while (((size_t)1 << depth) < len)
        depth++;
    for (size_t i = 0; i < len; i++) {
        dir[i] = table_new(m, cap, depth, i);
        if (dir[i] == NULL) {
            while (i-- > 0)
                table_free(m, dir[i]);
            (void)arena_free_pages(m->arena, dir, dir_pages);
            return SWISS_ERR_NOMEM;
        }
    }
    set_dir(m, dir, DIR_TOP - depth);
    m->dir_len = len;
    m->dir_pages = dir_pages;
    m->global_depth = depth;
    m->layout++;
    return SWISS_OK;
}

void sw_free_all(struct swiss *m)
{
    uint8_t *small = m->small;
    struct swiss_table **dir = m->dir;
    size_t dir_len = m->dir_len, dir_pages = m->dir_pages;
    m->small = NULL;
    set_dir(m, NULL, DIR_TOP);
    m->dir_len = 0;
    m->dir_pages = 0;
    m->layout++;
    if (small != NULL)
        (void)arena_free_pages(m->arena, small, arena_pages_for(m->arena, m->group_size));
    /* A table's struct is inside its run: read its span (global_depth is
     * still the directory's) before the run goes back. */
    for (size_t i = 0; i < dir_len;) {
        struct swiss_table *t = dir[i];
        i += dir_span(m, t);
        table_free(m, t);
    }
    if (dir != NULL)
        (void)arena_free_pages(m->arena, dir, dir_pages);
    m->global_depth = 0;
}
