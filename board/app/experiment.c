/* SPDX-License-Identifier: MIT */
/*
 * experiment.c - the seed experiment as a table of steps (see experiment.h).
 *
 * The seed is a Go program of this shape:
 *
 *     var intMap map[int]int
 *     func initMap() { intMap = make(map[int]int, 8192); for i := 0; i < 8192; i++ { intMap[i] = i } }
 *     ... delete(intMap, i) for every i; runtime.GC(); [intMap = nil; runtime.GC()]
 *
 * Each step below is one line of that program (or of its variants) and the C
 * that does the same to an hmap.  The steps are data; run_step interprets
 * them, so the table and what is run cannot drift apart.
 *
 * Go's int is as wide as a pointer (8 bytes on amd64 and arm64, 4 on 386
 * and arm), and so is the map's here: intptr_t keys and values.  On a
 * 64-bit target that is the 8-byte map of the hmap_*_u64 paths (a 144-byte
 * bucket); on a 32-bit one, a 4-byte map through hmap_put and hmap_delete,
 * whose bucket is Go 386's 8 + 8*4 + 8*4 + 4 = 76 bytes.
 */
#include "experiment.h"

#include <stdint.h>

#include "arena.h"
#include "hmap.h"
#include "map_u64.h"
#include "out.h"

/* Go's int on this target, and the C of the steps that touch its keys. */
typedef intptr_t go_int;
#if INTPTR_MAX == INT64_MAX
#define GO_INT_FAST64 1 /* 8 bytes: the hmap_*_u64 paths */
#define C_PUT(m) "hmap_put_u64(&" m ", i, i)"
#define C_DELETE(m) "hmap_delete_u64(&" m ", i)"
#else
#define GO_INT_FAST64 0
#define C_PUT(m) "hmap_put(&" m ", &i, &i)"
#define C_DELETE(m) "hmap_delete(&" m ", &i)"
#endif

struct step {
    const char *id;
    int scenario;
    enum experiment_op op;
    int map; /* 0: m (or a), 1: b */
    const char *go;
    const char *c;
};

static const struct step steps[] = {
    {"1.1", 1, EXP_MAKE, 0, "intMap = make(map[int]int, n)", "hmap_init(&m, ..., n, ...)"},
    {"1.2", 1, EXP_FILL, 0, "intMap[i] = i, i < n", C_PUT("m")},
    {"1.3", 1, EXP_DELETE, 0, "delete(intMap, i), i < n", C_DELETE("m")},
    {"1.4", 1, EXP_NOTHING, 0, "runtime.GC()", "nothing: no collector"},
    {"1.5", 1, EXP_RESET, 0, "main returns, process exits", "hmap_reset(&m)"},

    {"2.1", 2, EXP_MAKE, 0, "intMap = make(map[int]int, n)", "hmap_init(&m, ..., n, ...)"},
    {"2.2", 2, EXP_FILL, 0, "intMap[i] = i, i < n", C_PUT("m")},
    {"2.3", 2, EXP_DELETE, 0, "delete(intMap, i), i < n", C_DELETE("m")},
    {"2.4", 2, EXP_RESET, 0, "intMap = nil; runtime.GC()", "hmap_reset(&m)"},

    {"3.1", 3, EXP_MAKE_FILL, 0, "initMap(): make, then fill", "init_map(&m): init, puts"},
    {"3.2", 3, EXP_DELETE, 0, "delete(intMap, i), i < n", C_DELETE("m")},
    {"3.3", 3, EXP_NOTHING, 0, "runtime.GC()", "nothing: no collector"},
    {"3.4", 3, EXP_RESET, 0, "main returns, process exits", "hmap_reset(&m)"},

    {"4.1", 4, EXP_MAKE_FILL, 0, "initMap(): make, then fill", "init_map(&m): init, puts"},
    {"4.2", 4, EXP_DELETE, 0, "delete(intMap, i), i < n", C_DELETE("m")},
    {"4.3", 4, EXP_RESET, 0, "intMap = nil; runtime.GC()", "hmap_reset(&m)"},

    {"5.1", 5, EXP_MAKE, 0, "m := make(map[int]int, n)", "struct hmap m; hmap_init(&m)"},
    {"5.2", 5, EXP_FILL, 0, "m[i] = i, i < n", C_PUT("m")},
    {"5.3", 5, EXP_DELETE, 0, "delete(m, i), i < n", C_DELETE("m")},
    {"5.4", 5, EXP_RESET, 0, "f returns; runtime.GC()", "hmap_reset(&m), end of scope"},

    {"6.1", 6, EXP_MAKE_FILL, 0, "a := make(...); fill a", "hmap_init(&a), puts"},
    {"6.2", 6, EXP_RESET, 0, "a = nil; runtime.GC()", "hmap_reset(&a)"},
    {"6.3", 6, EXP_MAKE, 1, "b := make(map[int]int, n)", "hmap_init(&b, ..., n, ...)"},
    {"6.4", 6, EXP_FILL, 1, "b[i] = i, i < n", C_PUT("b")},
    {"6.5", 6, EXP_RESET, 1, "b = nil; runtime.GC()", "hmap_reset(&b)"},
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))
_Static_assert(NSTEPS <= EXPERIMENT_MAX_ROWS, "EXPERIMENT_MAX_ROWS too small");

static const char *const titles[] = {
    "",
    "delete only: the map stays referenced",
    "delete, then intMap = nil",
    "initMap() builds the map in a function; no nil",
    "initMap(), delete, then intMap = nil",
    "a local map going out of scope",
    "beyond Go: a second map of the same size reuses the pages",
};

const char *experiment_scenario_title(int scenario)
{
    if (scenario < 1 || scenario > 6)
        return "";
    return titles[scenario];
}

#if GO_INT_FAST64
static int make_map(struct hmap *m, struct arena *a)
{
    return hmap_init(m, &map_u64_type, a, EXPERIMENT_KEYS, EXPERIMENT_SEED);
}

static int fill_map(struct hmap *m)
{
    for (uint64_t i = 0; i < EXPERIMENT_KEYS; i++) {
        int rc = hmap_put_u64(m, i, i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void delete_all(struct hmap *m)
{
    for (uint64_t i = 0; i < EXPERIMENT_KEYS; i++)
        (void)hmap_delete_u64(m, i);
}
#else
static const struct hmap_type go_int_type = {sizeof(go_int), sizeof(go_int), NULL, NULL};

static int make_map(struct hmap *m, struct arena *a)
{
    return hmap_init(m, &go_int_type, a, EXPERIMENT_KEYS, EXPERIMENT_SEED);
}

static int fill_map(struct hmap *m)
{
    for (go_int i = 0; i < EXPERIMENT_KEYS; i++) {
        int rc = hmap_put(m, &i, &i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void delete_all(struct hmap *m)
{
    for (go_int i = 0; i < EXPERIMENT_KEYS; i++)
        (void)hmap_delete(m, &i);
}
#endif

/* Do one step to maps[s->map].  live[] says which maps hold pages (were
 * made and not reset since), so the caller can release them on failure. */
static int run_step(const struct step *s, struct hmap maps[2], bool live[2], struct arena *a)
{
    struct hmap *m = &maps[s->map];
    int rc = 0;
    switch (s->op) {
    case EXP_MAKE:
        rc = make_map(m, a);
        live[s->map] = rc == 0;
        break;
    case EXP_FILL:
        rc = fill_map(m);
        break;
    case EXP_MAKE_FILL:
        rc = make_map(m, a);
        live[s->map] = rc == 0;
        if (rc == 0)
            rc = fill_map(m);
        break;
    case EXP_DELETE:
        delete_all(m);
        break;
    case EXP_NOTHING:
        break;
    case EXP_RESET:
        hmap_reset(m);
        break;
    }
    return rc;
}

int experiment_run(void *region, size_t size, struct experiment_result *r)
{
    return experiment_run_watched(region, size, r, NULL);
}

int experiment_run_watched(void *region, size_t size, struct experiment_result *r,
                           const struct experiment_watch *w)
{
    struct arena a;
    struct hmap maps[2];
    bool live[2] = {false, false};

    r->nrows = 0;
    r->err = 0;
    r->failed_step = NULL;
    r->err_text = NULL;

    int rc = arena_init(&a, region, size, TIDEMARK_PAGE_SIZE);
    if (rc != 0) {
        r->err = rc;
        r->failed_step = steps[0].id;
        r->err_text = arena_strerror(rc);
        return rc;
    }

    bool watching = false;
    for (size_t i = 0; i < NSTEPS; i++) {
        const struct step *s = &steps[i];
        if (w != NULL && s->scenario == w->scenario && !watching) {
            watching = true;
            w->begin(w->ctx, &a);
        } else if (watching && s->scenario != w->scenario) {
            watching = false;
            w->end(w->ctx, &a);
        }
        rc = run_step(s, maps, live, &a);
        if (rc != 0) {
            r->err = rc;
            r->failed_step = s->id;
            r->err_text = hmap_strerror(rc);
            break;
        }
        struct hmap_stats ms;
        struct arena_stats as;
        hmap_get_stats(&maps[s->map], &ms);
        arena_get_stats(&a, &as);
        struct experiment_row *row = &r->rows[r->nrows++];
        row->step = s->id;
        row->scenario = s->scenario;
        row->op = s->op;
        row->go = s->go;
        row->c = s->c;
        row->len = ms.len;
        row->bytes = ms.bytes;
        row->in_use = as.in_use;
        row->watermark = as.watermark;
        if (watching)
            w->step(w->ctx, row, &maps[s->map], &a);
    }
    if (watching)
        w->end(w->ctx, &a);

    /* Leave no map holding pages (the region is the caller's again). */
    for (int k = 0; k < 2; k++)
        if (live[k])
            hmap_reset(&maps[k]);
    return r->err;
}

const char *experiment_check(const struct experiment_result *r)
{
    if (r->err != 0)
        return "the experiment did not finish";
    if (r->nrows != NSTEPS)
        return "the table is missing rows";

    const struct experiment_row *filled = NULL; /* last row after a fill */
    const struct experiment_row *first_fill_6 = NULL;
    for (size_t i = 0; i < r->nrows; i++) {
        const struct experiment_row *row = &r->rows[i];
        const struct experiment_row *prev = i ? &r->rows[i - 1] : NULL;

        if (prev && row->watermark < prev->watermark)
            return "the watermark fell";
        if (prev && row->in_use < prev->in_use && row->op != EXP_RESET)
            return "in_use fell at a step that is not a reset";

        if (row->op == EXP_FILL || row->op == EXP_MAKE_FILL) {
            if (row->len != EXPERIMENT_KEYS)
                return "a fill did not leave every key in the map";
            filled = row;
            if (row->scenario == 6 && !first_fill_6)
                first_fill_6 = row;
        }
        if (row->op == EXP_DELETE) {
            if (!filled || filled->scenario != row->scenario)
                return "a delete step has no fill before it";
            if (row->len != 0)
                return "deleting every key left entries";
            if (row->bytes != filled->bytes || row->in_use != filled->in_use ||
                row->watermark != filled->watermark)
                return "deleting every key changed bytes, in_use or the watermark";
        }
        if (row->op == EXP_RESET && row->bytes != 0)
            return "a reset map still holds bytes";
        if (row->scenario == 6 && row->op == EXP_FILL && first_fill_6 &&
            row->watermark != first_fill_6->watermark)
            return "the second map moved the watermark";
    }
    return NULL;
}

/* --- printing ------------------------------------------------------------ */

/* Each step takes two lines, its Go and its figures, then its C under the
 * Go, so that the table fits 80 columns (67 and at most 37). */
#define ROW_FMT "%-4s %-30s %5s %7s %7s %9s\n"
#define NUM_FMT "%-4s %-30s %5zu %7zu %7zu %9zu\n"
#define C_FMT "       %s\n"

void experiment_print(const struct experiment_result *r, out_write_fn write, void *ctx)
{
    out_printf(write, ctx,
               "seed experiment: n = %u keys 0..%u (value = key), hint n, %u-byte keys and\n"
               "values, %u-byte pages, on an arena of its own; figures after each step, in\n"
               "bytes; each step's C counterpart under its Go\n",
               (unsigned)EXPERIMENT_KEYS, (unsigned)EXPERIMENT_KEYS - 1, (unsigned)sizeof(go_int),
               (unsigned)TIDEMARK_PAGE_SIZE);
    out_printf(write, ctx, ROW_FMT, "step", "Go (C under it)", "len", "bytes", "in_use",
               "watermark");

    int scenario = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const struct experiment_row *row = &r->rows[i];
        if (row->scenario != scenario) {
            scenario = row->scenario;
            out_printf(write, ctx, "%d    %s\n", scenario, experiment_scenario_title(scenario));
        }
        out_printf(write, ctx, NUM_FMT, row->step, row->go, row->len, row->bytes, row->in_use,
                   row->watermark);
        out_printf(write, ctx, C_FMT, row->c);
    }
    if (r->err != 0)
        out_printf(write, ctx, "ERR experiment: step %s failed: %s\n",
                   r->failed_step ? r->failed_step : "?", r->err_text ? r->err_text : "?");

    const char *bad = experiment_check(r);
    if (bad)
        out_printf(write, ctx, "check: FAILED: %s\n", bad);
    else
        out_printf(write, ctx, "check: ok: deleting every key left bytes, in_use and watermark as they "
                               "were;\n"
                               "       only hmap_reset lowered in_use; the watermark never fell\n");
}
