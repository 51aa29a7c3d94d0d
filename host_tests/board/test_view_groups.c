/* SPDX-License-Identifier: MIT */
/*
 * test_view_groups.c - the Swiss map's slots picture (view_groups) against
 * synthetic maps (a small map, one table, a split directory, tombstones,
 * more tables than rows) and over real maps: the character rule, the
 * header, table rows labelled by directory index and local depth, the
 * bounds, 80 columns; and after fill and delete-all every group empty or
 * tombstoned while the map's bytes stay.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "view_groups.h"
#include "views_support.h"

Test(view_groups, the_character_rule)
{
    cr_assert_eq(view_group_char(0, 0, 8), '.');
    cr_assert_eq(view_group_char(1, 0, 8), '1');
    cr_assert_eq(view_group_char(7, 0, 8), '7');
    cr_assert_eq(view_group_char(8, 0, 8), 'F');
    cr_assert_eq(view_group_char(0, 8, 8), 'x');
    cr_assert_eq(view_group_char(0, 3, 8), 'x');
    cr_assert_eq(view_group_char(1, 7, 8), 'a');
    cr_assert_eq(view_group_char(7, 1, 8), 'g');
    /* Two groups a character: eighths of 16 slots, rounded up. */
    cr_assert_eq(view_group_char(1, 0, 16), '1');
    cr_assert_eq(view_group_char(3, 0, 16), '2');
    cr_assert_eq(view_group_char(15, 0, 16), '7');
    cr_assert_eq(view_group_char(15, 1, 16), 'g');
    cr_assert_eq(view_group_char(0, 0, 0), '.');
}

/* A synthetic map: tables of `groups` groups each (depths given), every
 * group holding live[g % nlive] live slots and dead[g % ndead] deleted. */
struct synth {
    size_t tables, groups;
    const unsigned *depth;
    size_t live, dead; /* per group */
};

static void synth_table(void *ctx, size_t t, struct view_groups_table *out)
{
    const struct synth *s = ctx;
    *out = (struct view_groups_table){.index = t * 2, .depth = s->depth[t], .groups = s->groups};
}

static void synth_slots(void *ctx, size_t t, size_t first, size_t n, size_t *live,
                        size_t *dead)
{
    const struct synth *s = ctx;
    (void)t;
    (void)first;
    *live = s->live * n;
    *dead = s->dead * n;
}

static struct view_groups_src synth_src(struct synth *s)
{
    size_t groups = s->tables * s->groups;
    return (struct view_groups_src){
        .live = groups * s->live,
        .tombstones = groups * s->dead,
        .empty = groups * (8 - s->live - s->dead),
        .groups = groups,
        .tables = s->tables,
        .bytes = s->tables * 5 * 4096,
        .live_bytes = groups * s->live * 16,
        .table_at = synth_table,
        .group_slots = synth_slots,
        .ctx = s,
    };
}

Test(view_groups, one_row_per_64_groups_labelled_by_table)
{
    static const unsigned depth[] = {1, 1};
    struct synth sy = {.tables = 2, .groups = 128, .depth = depth, .live = 3};
    struct view_groups_src src = synth_src(&sy);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    int lines = vs_lines_checked_except("slots ");
    cr_assert_eq(lines, 1 + 1 + 4 + 1, "%s", vs_out);
    cr_assert_str_eq(vs_line(0), "slots live=768 empty=1280 tombstones=0 groups=256 tables=2 "
                                 "bytes=40960 live_bytes=12288");
    cr_assert(strncmp(vs_line(1), "groups per_char=1:", 18) == 0, "%s", vs_line(1));
    char want[128];
    snprintf(want, sizeof want, "    0/1     0 %.64s",
             "3333333333333333333333333333333333333333333333333333333333333333");
    cr_assert_str_eq(vs_line(2), want);
    cr_assert(strncmp(vs_line(3), "    0/1    64 3", 15) == 0, "%s", vs_line(3));
    cr_assert(strncmp(vs_line(4), "    2/1     0 3", 15) == 0, "%s", vs_line(4));
    cr_assert(strncmp(vs_line(6), "legend: ", 8) == 0, "%s", vs_line(6));
}

Test(view_groups, tombstones_have_their_own_characters)
{
    static const unsigned depth[] = {0};
    struct synth sy = {.tables = 1, .groups = 2, .depth = depth, .live = 0, .dead = 8};
    struct view_groups_src src = synth_src(&sy);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    vs_lines_checked_except("slots ");
    cr_assert_str_eq(vs_line(2), "    0/0     0 xx");
    sy.live = 5;
    sy.dead = 3;
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    cr_assert_str_eq(vs_line(2), "    0/0     0 ee");
}

Test(view_groups, many_tables_fold_to_two_groups_then_to_tables)
{
    static unsigned depth[2048];
    for (size_t i = 0; i < 2048; i++)
        depth[i] = 11;
    /* 20 tables of 128 groups: 40 rows at one group a character, 20 at two. */
    struct synth sy = {.tables = 20, .groups = 128, .depth = depth, .live = 8};
    struct view_groups_src src = synth_src(&sy);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    int lines = vs_lines_checked_except("slots ");
    cr_assert_eq(lines, 1 + 1 + 20 + 1, "%s", vs_out);
    cr_assert(strncmp(vs_line(1), "groups per_char=2:", 18) == 0, "%s", vs_line(1));
    /* 2048 tables: one character a table, 32 rows, folded as they repeat. */
    sy.tables = 2048;
    src = synth_src(&sy);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    lines = vs_lines_checked_except("slots ");
    cr_assert_leq(lines, VIEW_MAX_ROWS + 3, "%s", vs_out);
    cr_assert(strncmp(vs_line(1), "tables per_char=1:", 18) == 0, "%s", vs_line(1));
    cr_assert(strstr(vs_out, " x32\n") != NULL, "%s", vs_out);
    /* More tables than characters: several a character. */
    static unsigned deep[5000];
    sy.tables = 5000;
    sy.depth = deep;
    src = synth_src(&sy);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    lines = vs_lines_checked_except("slots ");
    cr_assert_leq(lines, VIEW_MAX_ROWS + 3, "%s", vs_out);
    cr_assert(strncmp(vs_line(1), "tables per_char=3:", 18) == 0, "%s", vs_line(1));
}

Test(view_groups, an_empty_map_draws_the_header_and_legend)
{
    struct synth sy = {0};
    struct view_groups_src src = synth_src(&sy);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked_except("slots "), 2, "%s", vs_out);
}

/* --- over real maps ------------------------------------------------------------ */

static const struct swiss_type u64 = {.key_size = 8, .val_size = 8};

static void draw_live(const struct swiss *m)
{
    struct view_groups_live live = {.map = m};
    struct view_groups_src src;
    view_groups_src_live(&src, &live);
    vs_reset();
    view_groups(&src, vs_sink, NULL);
}

Test(view_groups, a_small_map_is_one_group)
{
    struct arena *a = vs_arena(64);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &u64, a, 0, 1), 0);
    for (uint64_t k = 0; k < 5; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    draw_live(&m);
    cr_assert_eq(vs_lines_checked_except("slots "), 4, "%s", vs_out);
    cr_assert_str_eq(vs_line(0), "slots live=5 empty=3 tombstones=0 groups=1 tables=0 "
                                 "bytes=4096 live_bytes=80");
    cr_assert_str_eq(vs_line(2), "  small    0 5");
    vs_arena_free();
}

Test(view_groups, after_fill_and_delete_all_groups_stay)
{
    struct arena *a = vs_arena(2048);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &u64, a, 0, 7), 0);
    for (uint64_t k = 0; k < 8192; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    struct swiss_stats before, after;
    swiss_get_stats(&m, &before);
    draw_live(&m);
    vs_lines_checked_except("slots ");
    for (uint64_t k = 0; k < 8192; k++)
        cr_assert(swiss_delete_u64(&m, k));
    swiss_get_stats(&m, &after);
    cr_assert_eq(after.bytes, before.bytes);
    draw_live(&m);
    int lines = vs_lines_checked_except("slots ");
    cr_assert_leq(lines, VIEW_MAX_ROWS + 3);
    char head[160];
    snprintf(head, sizeof head,
             "slots live=0 empty=%zu tombstones=%zu groups=%zu tables=%zu bytes=%zu "
             "live_bytes=0",
             after.capacity - after.tombstones, after.tombstones, after.groups, after.tables,
             after.bytes);
    cr_assert_str_eq(vs_line(0), head);
    /* Every drawn character is '.', 'x' (or a group's half of both). */
    for (int l = 2; l < lines - 1; l++) {
        const char *row = vs_line(l) + 14;
        for (const char *p = row; *p && *p != ' '; p++)
            cr_assert(*p == '.' || *p == 'x', "line %d: %s", l, vs_line(l));
    }
    cr_assert_gt(after.tombstones, 0, "a fill of 8192 leaves full groups, so tombstones");
    vs_arena_free();
}

Test(view_groups, a_split_directory_labels_each_table)
{
    struct arena *a = vs_arena(256);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &u64, a, 0, 3), 0);
    for (uint64_t k = 0; k < 1000; k++) /* past one table's 896: a split */
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    struct swiss_stats s;
    swiss_get_stats(&m, &s);
    cr_assert_eq(s.tables, 2);
    draw_live(&m);
    vs_lines_checked_except("slots ");
    cr_assert(strncmp(vs_line(2), "    0/1     0 ", 14) == 0, "%s", vs_out);
    cr_assert(strstr(vs_out, "\n    1/1     0 ") != NULL, "%s", vs_out);
    vs_arena_free();
}
