/* SPDX-License-Identifier: MIT */
/*
 * swiss_view.c - the map's runs, tables and slot states, for drawing it
 * (swiss_debug.h).  Reads only.
 */
#include "swiss_debug.h"
#include "swiss_internal.h"

size_t swiss_for_each_run(const struct swiss *m, swiss_run_fn fn, void *ctx)
{
    if (m == NULL || fn == NULL)
        return 0;
    if (m->small != NULL) {
        fn(ctx, m->small, arena_pages_for(m->arena, m->group_size), SWISS_RUN_SMALL);
        return 1;
    }
    if (m->dir == NULL)
        return 0;
    size_t runs = 1;
    fn(ctx, m->dir, m->dir_pages, SWISS_RUN_DIRECTORY);
    for (size_t i = 0; i < m->dir_len; i += dir_span(m, m->dir[i]), runs++)
        fn(ctx, m->dir[i], m->dir[i]->pages, SWISS_RUN_TABLE);
    return runs;
}

static struct swiss_table_info info_of(const struct swiss *m, const struct swiss_table *t)
{
    return (struct swiss_table_info){
        .index = t->index,
        .entries = dir_span(m, t),
        .local_depth = t->local_depth,
        .capacity = t->capacity,
        .groups = t->group_mask + 1,
        .used = table_used(t),
        .tombstones = t->tombstones,
        .growth_left = t->growth_left,
        .pages = t,
        .npages = t->pages,
    };
}

size_t swiss_for_each_table(const struct swiss *m, swiss_table_fn fn, void *ctx)
{
    if (m == NULL || m->dir == NULL)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < m->dir_len; i += dir_span(m, m->dir[i]), n++) {
        struct swiss_table_info info = info_of(m, m->dir[i]);
        if (fn != NULL)
            fn(ctx, &info);
    }
    return n;
}

bool swiss_in_write(const struct swiss *m)
{
    return m != NULL && m->writing;
}

bool swiss_table_at(const struct swiss *m, size_t index, struct swiss_table_info *out)
{
    *out = (struct swiss_table_info){0};
    if (m == NULL || m->dir == NULL || index >= m->dir_len)
        return false;
    *out = info_of(m, m->dir[index]);
    return true;
}

static void count_group(const uint8_t *g, struct swiss_slot_counts *out)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        if (g[i] == CTRL_EMPTY)
            out->empty++;
        else if (g[i] == CTRL_DELETED)
            out->tombstones++;
        else
            out->live++;
    }
}

bool swiss_group_slots(const struct swiss *m, size_t index, size_t group,
                       struct swiss_slot_counts *out)
{
    *out = (struct swiss_slot_counts){0};
    if (m == NULL)
        return false;
    if (m->small != NULL) {
        if (index != 0 || group != 0)
            return false;
        count_group(m->small, out);
        return true;
    }
    if (m->dir == NULL || index >= m->dir_len)
        return false;
    const struct swiss_table *t = m->dir[index];
    if (t->index != index || group > t->group_mask)
        return false;
    count_group(group_at(m, t, group), out);
    return true;
}

void swiss_slot_totals(const struct swiss *m, struct swiss_slot_counts *out)
{
    *out = (struct swiss_slot_counts){0};
    if (m == NULL)
        return;
    if (m->small != NULL) {
        count_group(m->small, out);
        return;
    }
    if (m->dir == NULL)
        return;
    for (size_t i = 0; i < m->dir_len; i += dir_span(m, m->dir[i]))
        for (size_t g = 0; g <= m->dir[i]->group_mask; g++)
            count_group(group_at(m, m->dir[i], g), out);
}

size_t swiss_probe_groups(const struct swiss *m, const void *key)
{
    if (m == NULL || key == NULL || m->writing || (m->small == NULL && m->dir == NULL))
        return 0;
    uint8_t *g;
    size_t groups;
    (void)sw_find_slot(m, sw_key_hash(m, key), key, &g, &groups);
    return groups;
}
