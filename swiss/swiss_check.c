/* SPDX-License-Identifier: MIT */
/*
 * swiss_check.c - every invariant of the map, for tests and debugging
 * (Go's checkInvariants, and what Go leaves to its garbage collector: the
 * pages).  Reads only.
 */
#include "swiss_internal.h"

/* Is slot (g, i) reachable by key's probe in t: no group before g on the
 * probe sequence has an empty slot? */
static bool reachable(const struct swiss *m, const struct swiss_table *t, uint64_t hash,
                      size_t group)
{
    struct probe p = probe_start(hash, t->group_mask);
    for (size_t n = 0; n <= t->group_mask; n++, probe_next(&p)) {
        if (p.offset == group)
            return true;
        if (match_empty(sw_load_ctrl(group_at(m, t, p.offset))) != 0)
            return false;
    }
    return false;
}

/* Is the key of slot (gi, i) of t stored again anywhere later in t? */
static bool stored_twice(const struct swiss *m, const struct swiss_table *t, size_t gi,
                         unsigned i)
{
    uint8_t *key = slot_key(m, group_at(m, t, gi), i);
    for (size_t g = gi; g <= t->group_mask; g++) {
        uint8_t *grp = group_at(m, t, g);
        for (unsigned j = g == gi ? i + 1 : 0; j < SLOTS; j++)
            if (!(grp[j] & CTRL_EMPTY) && keys_equal(m, key, slot_key(m, grp, j)))
                return true;
    }
    return false;
}

/* A control byte's own validity: empty, deleted or a 7-bit H2. */
static bool ctrl_valid(uint8_t c)
{
    return c == CTRL_EMPTY || c == CTRL_DELETED || c <= SW_H2_MASK;
}

typedef uint64_t hash_of_fn(const struct swiss *m, const void *key);

static int check_group_bytes(const struct swiss *m, uint8_t *g, hash_of_fn *hash_of,
                             size_t *live, size_t *dead)
{
    uint64_t ctrl = sw_load_ctrl(g);
    for (unsigned i = 0; i < SLOTS; i++) {
        uint8_t c = g[i];
        if (!ctrl_valid(c))
            return SWISS_BROKEN_CTRL;
        if (c == CTRL_DELETED) {
            (*dead)++;
            if (match_empty(ctrl) != 0)
                return SWISS_BROKEN_TOMBSTONE;
        } else if (c != CTRL_EMPTY) {
            (*live)++;
            if (h2(hash_of(m, slot_key(m, g, i))) != c)
                return SWISS_BROKEN_CTRL;
        }
    }
    return 0;
}

static int check_table(const struct swiss *m, const struct swiss_table *t, size_t *live)
{
    size_t cap = t->capacity;
    if (cap < SLOTS || cap > SWISS_MAX_TABLE_CAPACITY || (cap & (cap - 1)) != 0 ||
        t->group_mask != cap / SLOTS - 1 || t->mask7 != t->group_mask << 7)
        return SWISS_BROKEN_CAPACITY;
    size_t used = 0, dead = 0;
    for (size_t gi = 0; gi <= t->group_mask; gi++) {
        uint8_t *g = group_at(m, t, gi);
        int rc = check_group_bytes(m, g, sw_key_hash, &used, &dead);
        if (rc != 0)
            return rc;
        for (unsigned i = 0; i < SLOTS; i++) {
            if (g[i] & CTRL_EMPTY)
                continue;
            uint64_t hash = sw_key_hash(m, slot_key(m, g, i));
            if (table_for(m, hash) != t || !reachable(m, t, hash, gi))
                return SWISS_BROKEN_PLACEMENT;
            if (stored_twice(m, t, gi, i))
                return SWISS_BROKEN_DUPLICATE;
        }
    }
    if (dead != t->tombstones)
        return SWISS_BROKEN_COUNT;
    if (t->growth_left > max_growth_left(cap) ||
        used + dead + t->growth_left != max_growth_left(cap))
        return SWISS_BROKEN_GROWTH_LEFT;
    if (t->pages != sw_table_run_pages(m, cap / SLOTS) ||
        arena_pages_used(m->arena, arena_page_index(m->arena, t), t->pages) != t->pages ||
        t->groups != (uint8_t *)t + SW_TABLE_HEAD)
        return SWISS_BROKEN_PAGES;
    *live += used;
    return 0;
}

/* The directory: 2^global entries, each table covering 2^(global-local)
 * entries from an index that is a multiple of that count. */
static int check_directory(const struct swiss *m)
{
    if (m->global_depth >= DIR_TOP || m->dir_len != (size_t)1 << m->global_depth ||
        dir_shift(m) != DIR_TOP - m->global_depth)
        return SWISS_BROKEN_DIRECTORY;
    for (size_t i = 0; i < m->dir_len;) {
        const struct swiss_table *t = m->dir[i];
        if (t == NULL || t->local_depth > m->global_depth || t->index != i)
            return SWISS_BROKEN_DIRECTORY;
        size_t span = dir_span(m, t);
        if (i % span != 0)
            return SWISS_BROKEN_DIRECTORY;
        for (size_t j = 0; j < span; j++)
            if (m->dir[i + j] != t)
                return SWISS_BROKEN_DIRECTORY;
        i += span;
    }
    if (m->dir_pages != arena_pages_for(m->arena, m->dir_len * sizeof(struct swiss_table *)) ||
        arena_pages_used(m->arena, arena_page_index(m->arena, m->dir), m->dir_pages) !=
            m->dir_pages)
        return SWISS_BROKEN_PAGES;
    return 0;
}

int swiss_check(const struct swiss *m)
{
    /* The 8-byte calls' copies of the constants (swiss.h): others would put
     * keys where no other path looks. */
    if ((m->u64_gate & ~(uint64_t)63) != u64_shut(m))
        return SWISS_BROKEN_DIRECTORY;
    if (m->hash_mul != SW_HASH_MUL || m->swar_lsb != LSB || m->slot_offsets != U64_OFFSETS)
        return SWISS_BROKEN_PLACEMENT;
    if (m->small != NULL && m->dir != NULL)
        return SWISS_BROKEN_PAGES;
    if (m->small != NULL) {
        size_t live = 0, dead = 0;
        int rc = check_group_bytes(m, m->small, sw_key_hash, &live, &dead);
        if (rc != 0)
            return rc;
        if (dead != 0)
            return SWISS_BROKEN_TOMBSTONE;
        if (live != m->used)
            return SWISS_BROKEN_COUNT;
        for (unsigned i = 0; i < SLOTS; i++) {
            if (m->small[i] & CTRL_EMPTY)
                continue;
            for (unsigned j = i + 1; j < SLOTS; j++)
                if (!(m->small[j] & CTRL_EMPTY) &&
                    keys_equal(m, slot_key(m, m->small, i), slot_key(m, m->small, j)))
                    return SWISS_BROKEN_DUPLICATE;
        }
        size_t pages = arena_pages_for(m->arena, m->group_size);
        if (arena_pages_used(m->arena, arena_page_index(m->arena, m->small), pages) != pages)
            return SWISS_BROKEN_PAGES;
        return 0;
    }
    if (m->dir == NULL)
        return m->used == 0 ? 0 : SWISS_BROKEN_COUNT;
    int rc = check_directory(m);
    if (rc != 0)
        return rc;
    size_t live = 0;
    for (size_t i = 0; i < m->dir_len; i += dir_span(m, m->dir[i])) {
        rc = check_table(m, m->dir[i], &live);
        if (rc != 0)
            return rc;
    }
    return live == m->used ? 0 : SWISS_BROKEN_COUNT;
}
