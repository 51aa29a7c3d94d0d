/* SPDX-License-Identifier: MIT */
/*
 * view_groups.h - the Swiss map's slots picture: what every group of every
 * table holds, live, empty or tombstoned, one character per group, table
 * by table (view.h has the bucket map's pictures and the conventions:
 * VIEW_COLS, VIEW_ROW_CHARS, VIEW_MAX_ROWS).
 *
 * The renderer reads its figures through a source struct, so the host
 * tests can draw synthetic maps; view_groups_src_live fills one from a
 * real map (swiss_debug.h).
 */
#ifndef TIDEMARK_VIEW_GROUPS_H
#define TIDEMARK_VIEW_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include "out.h"
#include "swiss_debug.h"

/* One table, as the picture labels it. */
struct view_groups_table {
    size_t index;   /* its first directory entry                        */
    unsigned depth; /* its local depth                                  */
    size_t groups;
};

/* The t-th table (0 = first in directory order) into *out. */
typedef void (*view_table_at_fn)(void *ctx, size_t t, struct view_groups_table *out);

/* Live and tombstoned slots of groups [first, first + n) of the t-th table
 * (8 slots a group); for a small map t and first are 0 and n is 1. */
typedef void (*view_group_slots_fn)(void *ctx, size_t t, size_t first, size_t n,
                                    size_t *live, size_t *tombstones);

struct view_groups_src {
    size_t live, empty, tombstones; /* slots over every group            */
    size_t groups, tables;          /* tables 0 with a small map         */
    size_t bytes;                   /* arena bytes the map holds         */
    size_t live_bytes;              /* len * (key_size + val_size)       */
    bool small;                     /* one group and no table            */
    view_table_at_fn table_at;
    view_group_slots_fn group_slots;
    void *ctx;
};

/*
 * Draw the groups:
 *   slots live=<n> empty=<n> tombstones=<n> groups=<n> tables=<n> bytes=<n> live_bytes=<n>
 *   groups per_char=<k>: table <dir index>/<local depth>, then the row's first group
 *   <index>/<depth> <group> <up to 64 characters>
 *   ...
 *   legend: 1-7 live  F all live  . none  a-g 1-7 live, rest deleted  x all deleted
 * A character stands for k groups (k = 1, or 2 when one group a character
 * would take more than VIEW_MAX_ROWS rows; each table starts a row): `.`
 * none of its slots live and none deleted, `1`..`7` the eighths of its
 * slots live (rounded up; with k = 1 the live slots), `F` all live; with a
 * tombstone among them `a`..`g` for 1..7 eighths live and `x` for none.
 * When even k = 2 needs too many rows, one character stands for whole
 * tables instead (`tables per_char=<k>`, rows labelled by the table's
 * ordinal), with the same rule over their slots.  A small map is one
 * `small` row of one character.  At most VIEW_MAX_ROWS + 3 lines, each at
 * most VIEW_COLS columns (but the key=value first line).
 */
void view_groups(const struct view_groups_src *s, out_write_fn write, void *ctx);

/* The character for live and tombstoned slots among slots slots. */
char view_group_char(size_t live, size_t tombstones, size_t slots);

/* A source over a live map; *live must outlive the source's use.  It
 * remembers the last table it was asked for, so that walking the tables
 * in order costs one step each. */
struct view_groups_live {
    const struct swiss *map;
    size_t last_t; /* ordinal of last, when have_last */
    struct swiss_table_info last;
    bool have_last;
};
void view_groups_src_live(struct view_groups_src *s, struct view_groups_live *live);

#endif /* TIDEMARK_VIEW_GROUPS_H */
