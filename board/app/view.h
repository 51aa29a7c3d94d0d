/* SPDX-License-Identifier: MIT */
/*
 * view.h - pictures of the memory for the console and the boot, drawn as
 * plain ASCII through an out_write_fn, at most VIEW_COLS columns a line and
 * a bounded number of lines, with no large array on the stack:
 *
 *   view_pages   the arena's page map up to the watermark, one character
 *                per page (or per k pages), by owner (view_pages.c);
 *   view_slots   what the map's slots hold, one character per page of its
 *                bucket array (view_slots.c);
 *   view_chart   in_use, the map's bytes and the watermark over a recorded
 *                history (view_chart.c; the history: history.h).
 *
 * The renderers read their figures through small source structs, so the
 * host tests can draw synthetic arenas and maps; view_pages_live and
 * view_slots_live fill them from a real arena and map.
 */
#ifndef TIDEMARK_VIEW_H
#define TIDEMARK_VIEW_H

#include <stddef.h>

#include <stdbool.h>

#include "arena.h"
#include "hmap.h"
#include "out.h"
#include "swiss.h"

/* Widest line any view prints (the line end not counted). */
#define VIEW_COLS 80

/* Characters a drawing row holds (after its leading offset). */
#define VIEW_ROW_CHARS 64

/* Rows a page or slot drawing aims for at most: above this many full rows
 * a character stands for more pages. */
#define VIEW_MAX_ROWS 32

/* --- pages ------------------------------------------------------------------ */

/* Who holds a page. */
enum view_owner {
    VIEW_FREE,      /* '.' free (below the watermark: touched before)      */
    VIEW_ARRAY,     /* 'A' the map's current bucket array                   */
    VIEW_OLD,       /* 'O' the map's old bucket array, while growing         */
    VIEW_OVERFLOW,  /* 'v' an overflow chunk of the map                      */
    VIEW_OTHER,     /* '#' handed out to anything else                       */
    VIEW_GROUPS,    /* 'G' a Swiss map's table (its groups) or small group   */
    VIEW_DIRECTORY, /* 'D' a Swiss map's directory                           */
    VIEW_OWNERS
};

/* The character of an owner (".AOv#GD"). */
char view_owner_char(enum view_owner o);

/*
 * Count, for pages [first, first + n), how many each owner holds:
 * count[o] for every o (the counts add up to n).  first + n never passes
 * the source's watermark.
 */
typedef void (*view_census_fn)(void *ctx, size_t first, size_t n,
                               size_t count[VIEW_OWNERS]);

struct view_pages_src {
    size_t total_pages;     /* pages in the arena                        */
    size_t page_size;       /* bytes                                     */
    size_t watermark_pages; /* the watermark, in pages                   */
    size_t in_use_pages;    /* pages handed out now                      */
    view_census_fn census;
    void *ctx;
    bool swiss; /* the map is a Swiss map: its legend        */
};

/*
 * Draw the page map:
 *   pages total=<n> page=<bytes> per_char=<k>
 *         watermark_pages=<n> in_use_pages=<n>
 *   <first page of the row> <up to 64 characters>[ x<r>]
 *   ...
 *   legend: A array  O old array  v overflow chunk  # other  . free  xN: N rows
 *   above the watermark: <n> pages never touched
 * (for a Swiss map the legend reads `legend: G groups (tables, small map)
 * D directory  # other  . free  xN: N rows`)
 * One character per k pages, k = 1 unless the watermark needs more than
 * VIEW_MAX_ROWS rows: then k is the smallest that fits.  A character shows
 * the owner holding most of its k pages (ties: A, O, v, #, G, D in that order),
 * `.` only when all k are free.  Consecutive identical rows are one line,
 * ending ` x<r>` when it stands for r > 1 rows.  At most VIEW_MAX_ROWS + 4
 * lines, each at most VIEW_COLS columns.
 */
void view_pages(const struct view_pages_src *s, out_write_fn write, void *ctx);

/* A source over a live arena and map (the map may be NULL: then every
 * handed-out page is `#`), the bucket map or, when swiss is not NULL, the
 * Swiss map.  *live must outlive the source's use. */
struct view_live {
    const struct arena *arena;
    const struct hmap *map;
    const struct swiss *swiss;
};
void view_pages_src_live(struct view_pages_src *s, struct view_live *live);

/* --- slots ------------------------------------------------------------------ */

/*
 * Live slots and all slots of pages [first, first + n) of the bucket array
 * (0 = the array's first page), counting the buckets that start in them.
 */
typedef void (*view_page_slots_fn)(void *ctx, size_t first, size_t n, size_t *live,
                                   size_t *slots);

struct view_slots_src {
    size_t live, empty, evacuated; /* slots, over every bucket in chains   */
    size_t buckets, overflow;      /* regular buckets, overflow in chains   */
    size_t bytes;                  /* arena bytes the map holds             */
    size_t live_bytes;             /* len * (key_size + val_size)           */
    size_t array_first;            /* arena page index of the array's first */
    size_t array_pages;            /* pages of the array run (0: none)      */
    view_page_slots_fn page_slots;
    void *ctx;
};

/*
 * Draw the slots:
 *   slots live=<n> empty=<n> evacuated=<n> buckets=<n> overflow=<n> bytes=<n> live_bytes=<n>
 *   array first_page=<arena page index> pages=<n> per_char=<k>
 *   <arena page index> <up to 64 characters>[ x<r>]
 *   ...
 *   legend: 1-9 tenths of the slots live (rounded up)  F all live  . none live
 * One character per page of the current bucket array (per k pages when the
 * array needs more than VIEW_MAX_ROWS rows), for the buckets that start in
 * it: `.` when none of their slots is live, `F` when all are, else the
 * tenths that are, rounded up and capped at 9 (one live slot shows `1`).
 * Rows fold as in view_pages.  At most VIEW_MAX_ROWS + 3 lines.
 */
void view_slots(const struct view_slots_src *s, out_write_fn write, void *ctx);

/* The slots source over a live map (live->map not NULL). */
void view_slots_src_live(struct view_slots_src *s, struct view_live *live);

/* The character for live of slots slots (view_slots' rule). */
char view_slots_char(size_t live, size_t slots);

/* --- chart ------------------------------------------------------------------ */

struct history;

/* Plot rows above the chart's axis, and the columns of its plot. */
#define VIEW_CHART_ROWS 16
#define VIEW_CHART_COLS 64

/*
 * Draw in_use (i), the map's bytes (b) and the watermark (w) over the
 * entries of history h, oldest at the left:
 *   chart entries=<n>[ (first <d> dropped)] at=<first>[..<last>], y in <KiB|MiB>
 *   <y label> |<plot row>         (VIEW_CHART_ROWS rows, top first; the
 *   ...                            labels: the top, the middle, in KiB or
 *        0 |<axis row>              MiB as the first line says; an all-zero
 *                                   chart labels its axis only)
 *           at=<first>  <what a column shows>  at=<last>
 *   legend: ...
 * `(first <d> dropped)`: the ring dropped d older entries, which the chart
 * cannot show.  With at most VIEW_CHART_COLS entries each entry takes the
 * same number of columns; with more, the last entry has the last column to
 * itself and the others fold into the columns before it, each of which
 * draws every series from the lowest to the highest value it had over its
 * entries (a vertical span), so that a drop anywhere shows.  The right edge
 * is thus always the memory as the last entry found it.  A value sits on
 * the row nearest it (nonzero: at least the first row above the axis;
 * zero: on the axis); where series share a cell: `+` for b and i, `*` for
 * w with b or i.  At most 20 lines of at most VIEW_COLS columns; one line
 * when h holds no entry.
 */
void view_chart(const struct history *h, out_write_fn write, void *ctx);

/* --- rows: the folding both page drawings share (view_rows.c) ----------------- */

/* Rows of up to VIEW_ROW_CHARS characters, each led by an offset, printed
 * with consecutive identical rows folded into one line. */
struct view_rows {
    out_write_fn write;
    void *ctx;
    char row[VIEW_ROW_CHARS + 1];  /* the row being filled             */
    size_t len;                    /* characters in row                 */
    size_t row_first;              /* its offset                        */
    char held[VIEW_ROW_CHARS + 1]; /* the last finished row, not printed */
    size_t held_len;
    size_t held_first;
    size_t held_count; /* rows it stands for (0: none held)  */
    size_t next_first; /* offset of the next character      */
    size_t step;       /* offset units per character        */
};

/* Start rows whose first character is at offset first, each character
 * step offset units further. */
void view_rows_begin(struct view_rows *r, out_write_fn write, void *ctx, size_t first,
                     size_t step);
/* Add one character. */
void view_rows_put(struct view_rows *r, char ch);
/* Print whatever is left. */
void view_rows_end(struct view_rows *r);

#endif /* TIDEMARK_VIEW_H */
