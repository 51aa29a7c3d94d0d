/* SPDX-License-Identifier: MIT */
/*
 * experiment.h - the seed experiment (a Go program's map of 8192 ints, and
 * what deleting, nil-ing and scoping do to its memory) replayed step by step
 * on the Go-style map, with the arena's figures after every step.
 *
 * The seed's five scenarios, then a sixth Go cannot show:
 *   1 delete only: the map stays referenced;
 *   2 delete, then intMap = nil;
 *   3 initMap() builds the map inside a function; no nil;
 *   4 initMap(), delete, then intMap = nil;
 *   5 a local map going out of scope;
 *   6 after one map is reset, a second map of the same size fills without
 *     the watermark moving: it reuses the pages.
 * Each step names its Go counterpart and its C counterpart.  Bare metal has
 * no garbage collector: where Go would collect (`intMap = nil;
 * runtime.GC()`, a local map unreachable after return, the process exiting),
 * the C counterpart is an explicit hmap_reset, and a lone `runtime.GC()` on
 * a map still referenced is "nothing".
 *
 * The experiment runs on an arena of its own, made afresh over the region it
 * is given, so its table is the same on every run whatever else is going on:
 * keys and values as wide as Go's int on the target (8 bytes on a 64-bit
 * one, 4 on a 32-bit one: Go's map[int]int there), TIDEMARK_PAGE_SIZE
 * pages, hint and keys EXPERIMENT_KEYS, a fixed seed.
 *
 * Plain C11, no hardware: it builds on the host for tests.
 */
#ifndef TIDEMARK_EXPERIMENT_H
#define TIDEMARK_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "out.h"
#include "page_size.h"

#define EXPERIMENT_KEYS 8192                  /* keys 0..8191, value = key; also the hint */
#define EXPERIMENT_REGION_SIZE (512u * 1024u) /* what the experiment needs, with room */
#define EXPERIMENT_SEED 0x5eed5eed5eed5eedULL
#define EXPERIMENT_MAX_ROWS 32

/* What a step does to its map. */
enum experiment_op {
    EXP_MAKE,      /* hmap_init with hint EXPERIMENT_KEYS                  */
    EXP_FILL,      /* put(i, i) for i < EXPERIMENT_KEYS                     */
    EXP_MAKE_FILL, /* both, as the seed's initMap()                         */
    EXP_DELETE,    /* delete(i) for i < EXPERIMENT_KEYS                     */
    EXP_NOTHING,   /* a Go step with no C counterpart (runtime.GC())        */
    EXP_RESET      /* hmap_reset                                            */
};

/* One step and the figures after it. */
struct experiment_row {
    const char *step; /* "1.3"                                         */
    int scenario;     /* 1..6                                          */
    enum experiment_op op;
    const char *go;   /* the Go counterpart                            */
    const char *c;    /* the C counterpart                             */
    size_t len;       /* the map's len                                 */
    size_t bytes;     /* the map's bytes (hmap_get_stats)              */
    size_t in_use;    /* the experiment arena's in_use                 */
    size_t watermark; /* the experiment arena's watermark              */
};

struct experiment_result {
    struct experiment_row rows[EXPERIMENT_MAX_ROWS];
    size_t nrows;            /* rows done (all of them when err == 0)         */
    int err;                 /* 0, or the ARENA_* / HMAP_* code that stopped it */
    const char *failed_step; /* the step that failed, when err != 0         */
    const char *err_text;    /* arena_strerror / hmap_strerror of err         */
};

/* Title of scenario 1..6, or "" for any other number. */
const char *experiment_scenario_title(int scenario);

/*
 * Run every step on a fresh arena over [region, region + size) and record
 * the figures.  Returns 0; or the arena_init error (ARENA_*) if the region
 * is not usable, or the hmap error (HMAP_ERR_NOMEM) when it is too small;
 * then r->nrows rows were done, r->failed_step names the next and
 * r->err_text says what went wrong.  Whatever happens, the maps are
 * reset before it returns; the region is scratch and may be reused at once.
 */
int experiment_run(void *region, size_t size, struct experiment_result *r);

/* Watching one scenario of a run (experiment_run_watched): the hooks see
 * the experiment's own arena and map while that scenario's steps run. */
struct arena;
struct hmap;
struct experiment_watch {
    int scenario; /* the scenario watched, 1..6                         */
    void *ctx;    /* passed to every hook                               */
    /* Before the scenario's first step (to attach an arena observer). */
    void (*begin)(void *ctx, struct arena *a);
    /* After each of its steps, with the row just recorded and the map the
     * step worked on (made by then, except after a failed make). */
    void (*step)(void *ctx, const struct experiment_row *row, const struct hmap *m,
                 struct arena *a);
    /* After its last step, or when the run stops inside it (to detach). */
    void (*end)(void *ctx, struct arena *a);
};

/* experiment_run, with w's hooks called around the steps of w->scenario
 * (w == NULL: exactly experiment_run).  The hooks must not change the
 * arena or the map: the table is the same with or without them. */
int experiment_run_watched(void *region, size_t size, struct experiment_result *r,
                           const struct experiment_watch *w);

/*
 * Check the claims the table exists to show; returns NULL when all hold,
 * else a sentence naming the first that failed:
 *   - deleting every key leaves len 0 and bytes, in_use and watermark as
 *     they were after the fill;
 *   - in_use falls only at a reset step;
 *   - the watermark never falls;
 *   - in scenario 6 the second map fills without moving the watermark.
 */
const char *experiment_check(const struct experiment_result *r);

/*
 * Print the table: a header, one line per scenario title, two lines per
 * step: step, Go, len, bytes, in_use, watermark (the four figures are the
 * last four fields of the line, in decimal), then the C counterpart alone,
 * indented under the Go; every line within 80 columns; then the check's
 * verdict ("check: ok ..." or "check: FAILED: ...").  When r->err is set, a
 * line "ERR experiment: ..." follows the rows that were done.
 */
void experiment_print(const struct experiment_result *r, out_write_fn write, void *ctx);

#endif /* TIDEMARK_EXPERIMENT_H */
