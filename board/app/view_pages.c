/* SPDX-License-Identifier: MIT */
/*
 * view_pages.c - the arena's page map up to the watermark, by owner
 * (view.h), and its source over a live arena and map: the arena says which
 * pages are handed out, the map which of those are its own and what each
 * run is (hmap_for_each_run); whatever is handed out and not the map's is
 * another owner's.
 */
#include "view.h"

#include "swiss_debug.h"

char view_owner_char(enum view_owner o)
{
    static const char chars[VIEW_OWNERS] = {'.', 'A', 'O', 'v', '#', 'G', 'D'};
    return (unsigned)o < VIEW_OWNERS ? chars[o] : '?';
}

/* The character for pages [first, first + n): the owner of most of them,
 * '.' only when all are free. */
static char cell(const struct view_pages_src *s, size_t first, size_t n)
{
    size_t count[VIEW_OWNERS] = {0};
    s->census(s->ctx, first, n, count);
    enum view_owner best = VIEW_FREE;
    size_t most = 0;
    for (int o = VIEW_ARRAY; o < VIEW_OWNERS; o++) {
        if (count[o] > most) {
            most = count[o];
            best = (enum view_owner)o;
        }
    }
    return view_owner_char(best);
}

void view_pages(const struct view_pages_src *s, out_write_fn write, void *ctx)
{
    size_t wm = s->watermark_pages;
    size_t cap = (size_t)VIEW_ROW_CHARS * VIEW_MAX_ROWS;
    size_t k = wm <= cap ? 1 : (wm + cap - 1) / cap;
    /* Two lines, so that a big arena's figures stay within 80 columns. */
    out_printf(write, ctx, "pages total=%zu page=%zu per_char=%zu\n"
                           "      watermark_pages=%zu in_use_pages=%zu\n",
               s->total_pages, s->page_size, k, wm, s->in_use_pages);
    struct view_rows rows;
    view_rows_begin(&rows, write, ctx, 0, k);
    for (size_t p = 0; p < wm; p += k)
        view_rows_put(&rows, cell(s, p, wm - p < k ? wm - p : k));
    view_rows_end(&rows);
    if (s->swiss)
        out_printf(write, ctx,
                   "legend: G groups (tables, small map)  D directory  # other  . free  "
                   "xN: N rows\n");
    else
        out_printf(write, ctx,
                   "legend: A array  O old array  v overflow chunk  # other  . free  xN: N rows\n");
    out_printf(write, ctx, "above the watermark: %zu pages never touched\n",
               s->total_pages - wm);
}

/* --- the live source ---------------------------------------------------------- */

/* What census_live's run callback needs. */
struct census_walk {
    const struct arena *arena;
    size_t first, end;
    size_t *count;
    bool swiss; /* the runs are a Swiss map's (swiss_debug.h's kinds) */
};

static void count_run(void *ctx, const void *pages, size_t npages, int kind)
{
    struct census_walk *w = ctx;
    size_t at = arena_page_index(w->arena, pages);
    if (at == SIZE_MAX)
        return;
    size_t lo = at > w->first ? at : w->first;
    size_t hi = at + npages < w->end ? at + npages : w->end;
    if (lo >= hi)
        return;
    enum view_owner o;
    if (w->swiss)
        o = kind == SWISS_RUN_DIRECTORY ? VIEW_DIRECTORY : VIEW_GROUPS;
    else if (kind == HMAP_RUN_ARRAY)
        o = VIEW_ARRAY;
    else
        o = kind == HMAP_RUN_OLD_ARRAY ? VIEW_OLD : VIEW_OVERFLOW;
    w->count[o] += hi - lo;
}

static void census_live(void *ctx, size_t first, size_t n, size_t count[VIEW_OWNERS])
{
    const struct view_live *live = ctx;
    size_t used = arena_pages_used(live->arena, first, n);
    struct census_walk w = {live->arena, first, first + n, count, live->swiss != NULL};
    if (live->swiss != NULL)
        swiss_for_each_run(live->swiss, count_run, &w);
    else if (live->map != NULL)
        hmap_for_each_run(live->map, count_run, &w);
    size_t mine = count[VIEW_ARRAY] + count[VIEW_OLD] + count[VIEW_OVERFLOW] +
                  count[VIEW_GROUPS] + count[VIEW_DIRECTORY];
    count[VIEW_OTHER] = used > mine ? used - mine : 0;
    count[VIEW_FREE] = n - used;
}

void view_pages_src_live(struct view_pages_src *s, struct view_live *live)
{
    struct arena_stats as;
    arena_get_stats(live->arena, &as);
    *s = (struct view_pages_src){
        .total_pages = arena_page_count(live->arena),
        .page_size = as.page_size,
        .watermark_pages = as.watermark / as.page_size,
        .in_use_pages = as.in_use / as.page_size,
        .census = census_live,
        .ctx = live,
        .swiss = live->swiss != NULL,
    };
}
