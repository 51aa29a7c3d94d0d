/* SPDX-License-Identifier: MIT */
/*
 * view_groups.c - the Swiss map's slots, group by group (view_groups.h):
 * the picture of a delete in Go 1.24 and later, which empties a slot or
 * leaves a tombstone and gives back no group.
 */
#include "view_groups.h"

#include "view.h"

char view_group_char(size_t live, size_t tombstones, size_t slots)
{
    if (slots == 0 || (live == 0 && tombstones == 0))
        return '.';
    if (live >= slots)
        return 'F';
    if (live == 0)
        return 'x';
    size_t eighths = (live * 8 + slots - 1) / slots;
    if (eighths > 7)
        eighths = 7;
    return (char)((tombstones ? 'a' : '1') + eighths - 1);
}

/* Rows a drawing at k groups a character needs: each table starts one. */
static size_t rows_for(const struct view_groups_src *s, size_t k)
{
    size_t rows = 0;
    for (size_t t = 0; t < s->tables && rows <= VIEW_MAX_ROWS; t++) {
        struct view_groups_table tab;
        s->table_at(s->ctx, t, &tab);
        size_t chars = (tab.groups + k - 1) / k;
        rows += (chars + VIEW_ROW_CHARS - 1) / VIEW_ROW_CHARS;
    }
    return rows;
}

static void draw_by_group(const struct view_groups_src *s, size_t k, out_write_fn write,
                          void *ctx)
{
    out_printf(write, ctx,
               "groups per_char=%zu: table <dir index>/<local depth>, then the row's first "
               "group\n",
               k);
    for (size_t t = 0; t < s->tables; t++) {
        struct view_groups_table tab;
        s->table_at(s->ctx, t, &tab);
        for (size_t g = 0; g < tab.groups; g += (size_t)VIEW_ROW_CHARS * k) {
            char row[VIEW_ROW_CHARS];
            size_t n = 0;
            for (size_t c = g; c < tab.groups && n < VIEW_ROW_CHARS; c += k) {
                size_t span = tab.groups - c < k ? tab.groups - c : k;
                size_t live, dead;
                s->group_slots(s->ctx, t, c, span, &live, &dead);
                row[n++] = view_group_char(live, dead, span * SWISS_GROUP_SLOTS);
            }
            out_printf(write, ctx, "%5zu/%-2u %4zu %.*s\n", tab.index, tab.depth, g, (int)n,
                       row);
        }
    }
}

static void draw_by_table(const struct view_groups_src *s, out_write_fn write, void *ctx)
{
    size_t cap = (size_t)VIEW_ROW_CHARS * VIEW_MAX_ROWS;
    size_t k = s->tables <= cap ? 1 : (s->tables + cap - 1) / cap;
    out_printf(write, ctx, "tables per_char=%zu: the row's first table, in directory order\n",
               k);
    struct view_rows rows;
    view_rows_begin(&rows, write, ctx, 0, k);
    for (size_t t = 0; t < s->tables; t += k) {
        size_t live = 0, dead = 0, slots = 0;
        for (size_t u = t; u < t + k && u < s->tables; u++) {
            struct view_groups_table tab;
            size_t l, d;
            s->table_at(s->ctx, u, &tab);
            s->group_slots(s->ctx, u, 0, tab.groups, &l, &d);
            live += l;
            dead += d;
            slots += tab.groups * SWISS_GROUP_SLOTS;
        }
        view_rows_put(&rows, view_group_char(live, dead, slots));
    }
    view_rows_end(&rows);
}

void view_groups(const struct view_groups_src *s, out_write_fn write, void *ctx)
{
    out_printf(write, ctx,
               "slots live=%zu empty=%zu tombstones=%zu groups=%zu tables=%zu bytes=%zu "
               "live_bytes=%zu\n",
               s->live, s->empty, s->tombstones, s->groups, s->tables, s->bytes, s->live_bytes);
    if (s->small) {
        size_t live, dead;
        s->group_slots(s->ctx, 0, 0, 1, &live, &dead);
        out_printf(write, ctx, "small map: one group, no table and no directory\n");
        out_printf(write, ctx, "  small    0 %c\n", view_group_char(live, dead, SWISS_GROUP_SLOTS));
    } else if (s->tables > 0) {
        if (rows_for(s, 1) <= VIEW_MAX_ROWS)
            draw_by_group(s, 1, write, ctx);
        else if (rows_for(s, 2) <= VIEW_MAX_ROWS)
            draw_by_group(s, 2, write, ctx);
        else
            draw_by_table(s, write, ctx);
    }
    out_printf(write, ctx,
               "legend: 1-7 live  F all live  . none  a-g 1-7 live, rest deleted  x all "
               "deleted\n");
}

/* --- the live source ---------------------------------------------------------- */

/* The t-th table: from the last one asked for when t is at or after it
 * (the drawing asks in order), else from the directory's start. */
static void table_info(struct view_groups_live *v, size_t t, struct swiss_table_info *out)
{
    size_t at = 0, index = 0;
    if (v->have_last && v->last_t <= t) {
        at = v->last_t;
        index = v->last.index;
    }
    swiss_table_at(v->map, index, out);
    while (at < t && swiss_table_at(v->map, out->index + out->entries, out))
        at++;
    v->last_t = at;
    v->last = *out;
    v->have_last = true;
}

static void table_at_live(void *ctx, size_t t, struct view_groups_table *out)
{
    struct swiss_table_info info;
    table_info(ctx, t, &info);
    *out = (struct view_groups_table){
        .index = info.index, .depth = info.local_depth, .groups = info.groups};
}

static void group_slots_live(void *ctx, size_t t, size_t first, size_t n, size_t *live,
                             size_t *tombstones)
{
    struct view_groups_live *v = ctx;
    struct swiss_table_info info; /* zeroed for a small map: its group is 0, 0 */
    table_info(v, t, &info);
    size_t index = info.index;
    *live = *tombstones = 0;
    for (size_t g = first; g < first + n; g++) {
        struct swiss_slot_counts c;
        if (swiss_group_slots(v->map, index, g, &c)) {
            *live += c.live;
            *tombstones += c.tombstones;
        }
    }
}

void view_groups_src_live(struct view_groups_src *s, struct view_groups_live *live)
{
    struct swiss_stats ms;
    struct swiss_slot_counts c;
    swiss_get_stats(live->map, &ms);
    swiss_slot_totals(live->map, &c);
    live->have_last = false;
    *s = (struct view_groups_src){
        .live = c.live,
        .empty = c.empty,
        .tombstones = c.tombstones,
        .groups = ms.groups,
        .tables = ms.tables,
        .bytes = ms.bytes,
        .live_bytes = ms.len * (ms.group_size - SWISS_GROUP_SLOTS) / SWISS_GROUP_SLOTS,
        .small = ms.small,
        .table_at = table_at_live,
        .group_slots = group_slots_live,
        .ctx = live,
    };
}
