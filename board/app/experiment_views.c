/* SPDX-License-Identifier: MIT */
/*
 * experiment_views.c - scenario 2 of the seed experiment in pictures (see
 * experiment_views.h).  While the scenario runs, a history attached to the
 * experiment's arena records every allocation and free, and each step adds
 * a cmd entry named by its step; after the delete and after the reset the
 * owner of every page up to the watermark is copied into a snapshot, drawn
 * later through view_pages like a live arena.
 */
#include "experiment_views.h"

#include <string.h>

#include "arena.h"
#include "history.h"
#include "hmap.h"
#include "view.h"

/* Pages the experiment's region can hold at most. */
#define MAX_PAGES (EXPERIMENT_REGION_SIZE / TIDEMARK_PAGE_SIZE)

/* The page map at one moment. */
struct snapshot {
    const char *step;          /* the row's step, NULL: not taken         */
    const char *go;            /* its Go counterpart                      */
    size_t total, wm, in_use;  /* pages                                   */
    char owner[MAX_PAGES + 1]; /* ".AOv#" a page, up to wm                */
};

static struct {
    struct history history;
    struct history_entry buf[64];
    struct snapshot snap[2]; /* after the delete, after the reset */
    bool watched;
} V;

static void begin(void *ctx, struct arena *a)
{
    (void)ctx;
    history_init(&V.history, V.buf, sizeof V.buf / sizeof V.buf[0], a, NULL);
    arena_set_observer(a, history_observe, &V.history);
    V.watched = true;
}

static void take_snapshot(struct snapshot *s, const struct experiment_row *row,
                          const struct hmap *m, struct arena *a)
{
    struct view_live live = {a, m, NULL};
    struct view_pages_src src;
    view_pages_src_live(&src, &live);
    s->step = row->step;
    s->go = row->go;
    s->total = src.total_pages;
    s->wm = src.watermark_pages < MAX_PAGES ? src.watermark_pages : MAX_PAGES;
    s->in_use = src.in_use_pages;
    for (size_t p = 0; p < s->wm; p++) {
        size_t count[VIEW_OWNERS] = {0};
        src.census(src.ctx, p, 1, count);
        enum view_owner o = VIEW_FREE;
        for (int k = 0; k < VIEW_OWNERS; k++)
            if (count[k] != 0)
                o = (enum view_owner)k;
        s->owner[p] = view_owner_char(o);
    }
    s->owner[s->wm] = '\0';
}

static void step(void *ctx, const struct experiment_row *row, const struct hmap *m,
                 struct arena *a)
{
    (void)ctx;
    history_set_map(&V.history, m);
    history_record(&V.history, HISTORY_CMD, 0, row->step);
    if (row->op == EXP_DELETE)
        take_snapshot(&V.snap[0], row, m, a);
    else if (row->op == EXP_RESET)
        take_snapshot(&V.snap[1], row, m, a);
}

static void end(void *ctx, struct arena *a)
{
    (void)ctx;
    arena_set_observer(a, NULL, NULL);
}

void experiment_views_watch(struct experiment_watch *w)
{
    memset(&V, 0, sizeof V);
    *w = (struct experiment_watch){
        .scenario = EXPERIMENT_VIEWS_SCENARIO, .begin = begin, .step = step, .end = end};
}

/* The census of a snapshot (ctx). */
static void census_snapshot(void *ctx, size_t first, size_t n, size_t count[VIEW_OWNERS])
{
    const struct snapshot *s = ctx;
    static const char owners[] = ".AOv#";
    for (size_t p = first; p < first + n; p++)
        count[strchr(owners, s->owner[p]) - owners]++;
}

static void print_snapshot(const struct snapshot *s, out_write_fn write, void *ctx)
{
    out_printf(write, ctx, "the experiment's arena after %s (%s):\n", s->step, s->go);
    struct view_pages_src src = {
        .total_pages = s->total,
        .page_size = TIDEMARK_PAGE_SIZE,
        .watermark_pages = s->wm,
        .in_use_pages = s->in_use,
        .census = census_snapshot,
        .ctx = (void *)s,
    };
    view_pages(&src, write, ctx);
}

void experiment_views_print(out_write_fn write, void *ctx)
{
    if (!V.watched || V.snap[0].step == NULL || V.snap[1].step == NULL) {
        out_printf(write, ctx, "scenario %d was not watched to its end: no pictures\n",
                   EXPERIMENT_VIEWS_SCENARIO);
        return;
    }
    out_printf(write, ctx, "scenario %d over time: %s\n"
                           "(an entry per page run taken or given back, and one per step)\n",
               EXPERIMENT_VIEWS_SCENARIO, experiment_scenario_title(EXPERIMENT_VIEWS_SCENARIO));
    view_chart(&V.history, write, ctx);
    print_snapshot(&V.snap[0], write, ctx);
    print_snapshot(&V.snap[1], write, ctx);
}
