/* SPDX-License-Identifier: MIT */
/*
 * experiment_swiss.c - the seed on Go's Swiss map, and the churn at
 * constant length on both maps (experiment_swiss.h).
 *
 * Go's int is as wide as a pointer (experiment.c says why): on a 64-bit
 * target the Swiss map's 8-byte calls and a 136-byte group, on a 32-bit
 * one 4-byte keys and values through swiss_put (Go 386's 72-byte group).
 * The churn is Go's map[uint64]uint64 on every target.
 */
#include "experiment_swiss.h"

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "hmap.h"
#include "map_u64.h"
#include "page_size.h"
#include "swiss.h"

typedef intptr_t go_int;

static const struct swiss_type go_int_type = {sizeof(go_int), sizeof(go_int), NULL, NULL};
static const struct swiss_type u64_type = {8, 8, NULL, NULL};

/* --- the Swiss table ------------------------------------------------------ */

enum swiss_op {
    S_MAKE,
    S_FILL,
    S_DELETE,
    S_CLEAR,
    S_RESET,
};

struct swiss_step {
    const char *id;
    int scenario;
    enum swiss_op op;
    size_t hint;
    const char *go, *c;
};

static const struct swiss_step steps[] = {
    {"S1.1", 1, S_MAKE, EXPERIMENT_KEYS, "make(map[int]int, n)", "swiss_init(n)"},
    {"S1.2", 1, S_FILL, 0, "intMap[i] = i, i < n", "swiss_put"},
    {"S1.3", 1, S_DELETE, 0, "delete(intMap, i), i < n", "swiss_delete"},
    {"S1.4", 1, S_CLEAR, 0, "clear(intMap)", "swiss_clear"},
    {"S1.5", 1, S_RESET, 0, "intMap = nil; runtime.GC()", "swiss_reset"},
    {"S2.1", 2, S_MAKE, 0, "make(map[int]int)", "swiss_init(0)"},
    {"S2.2", 2, S_FILL, 0, "intMap[i] = i, i < n", "swiss_put"},
    {"S2.3", 2, S_DELETE, 0, "delete(intMap, i), i < n", "swiss_delete"},
    {"S2.4", 2, S_RESET, 0, "intMap = nil; runtime.GC()", "swiss_reset"},
};
#define NSTEPS (sizeof steps / sizeof steps[0])

static const char *const titles[] = {
    "",
    "hint n: delete every key, clear, then intMap = nil",
    "no hint: the map grows from one group to tables",
};

static int run_step(const struct swiss_step *s, struct swiss *m, struct arena *a)
{
    switch (s->op) {
    case S_MAKE:
        return swiss_init(m, &go_int_type, a, s->hint, EXPERIMENT_SEED);
    case S_FILL:
        for (go_int i = 0; i < EXPERIMENT_KEYS; i++) {
            int rc = swiss_put(m, &i, &i);
            if (rc != 0)
                return rc;
        }
        return 0;
    case S_DELETE:
        for (go_int i = 0; i < EXPERIMENT_KEYS; i++)
            (void)swiss_delete(m, &i);
        return 0;
    case S_CLEAR:
        swiss_clear(m);
        return 0;
    case S_RESET:
        swiss_reset(m);
        return 0;
    }
    return 0;
}

#define ROW_FMT "%-4s %-26s %-14s %5s %7s %7s %9s\n"
#define NUM_FMT "%-4s %-26s %-14s %5zu %7zu %7zu %9zu\n"

/* The rule the table shows: deletes and clear keep bytes, in_use and the
 * watermark; only the reset gives pages back; the watermark never falls. */
static const char *check_row(const struct swiss_step *s, size_t bytes, size_t in_use,
                             size_t wm, const size_t before[3])
{
    if (wm < before[2])
        return "the watermark fell";
    if ((s->op == S_DELETE || s->op == S_CLEAR) &&
        (bytes != before[0] || in_use != before[1] || wm != before[2]))
        return "a delete or clear changed bytes, in_use or the watermark";
    if (s->op == S_RESET && bytes != 0)
        return "a reset map still holds bytes";
    return NULL;
}

int experiment_swiss_print(void *region, size_t size, out_write_fn write, void *ctx)
{
    struct arena a;
    struct swiss m;
    int rc = arena_init(&a, region, size, TIDEMARK_PAGE_SIZE);
    out_printf(write, ctx,
               "swiss experiment (Go 1.24+): the same %u keys, %u-byte, on Go's Swiss map\n",
               (unsigned)EXPERIMENT_KEYS, (unsigned)sizeof(go_int));
    out_printf(write, ctx, ROW_FMT, "step", "Go", "C", "len", "bytes", "in_use", "watermark");
    const char *bad = NULL;
    bool made = false;
    size_t before[3] = {0, 0, 0};
    int scenario = 0;
    for (size_t i = 0; rc == 0 && i < NSTEPS; i++) {
        const struct swiss_step *s = &steps[i];
        if (s->scenario != scenario) {
            scenario = s->scenario;
            out_printf(write, ctx, "S%d   %s\n", scenario, titles[scenario]);
        }
        rc = run_step(s, &m, &a);
        if (rc != 0) {
            out_printf(write, ctx, "ERR experiment: step %s failed: %s\n", s->id,
                       swiss_strerror(rc));
            break;
        }
        made = s->op != S_RESET;
        struct swiss_stats ms;
        struct arena_stats as;
        swiss_get_stats(&m, &ms);
        arena_get_stats(&a, &as);
        out_printf(write, ctx, NUM_FMT, s->id, s->go, s->c, ms.len, ms.bytes, as.in_use,
                   as.watermark);
        if (bad == NULL)
            bad = check_row(s, ms.bytes, as.in_use, as.watermark, before);
        before[0] = ms.bytes;
        before[1] = as.in_use;
        before[2] = as.watermark;
    }
    if (made)
        swiss_reset(&m);
    if (rc == 0 && bad != NULL)
        out_printf(write, ctx, "check: FAILED: %s\n", bad);
    else if (rc == 0)
        out_printf(write, ctx,
                   "check: ok: deletes and clear kept bytes, in_use and watermark; only\n"
                   "       swiss_reset lowered in_use; the watermark never fell\n");
    return rc;
}

/* --- the churn ------------------------------------------------------------- */

size_t experiment_churn_region(size_t n)
{
    return n * 80 + ((size_t)1 << 20);
}

/* The figures of one map at one moment of the churn. */
struct churn_point {
    size_t len, bytes, tables, tombstones;
};

/* One map, behind the calls the churn makes. */
struct churn_map {
    const char *name;
    const char *(*strerror)(int code);
    int (*init)(void *m, struct arena *a);
    int (*put)(void *m, uint64_t k);
    bool (*del)(void *m, uint64_t k);
    void (*point)(const void *m, struct churn_point *p);
    void (*reset)(void *m);
};

static int b_init(void *m, struct arena *a) { return hmap_init(m, &map_u64_type, a, 0, EXPERIMENT_SEED); }
static int b_put(void *m, uint64_t k) { return hmap_put_u64(m, k, k); }
static bool b_del(void *m, uint64_t k) { return hmap_delete_u64(m, k); }
static void b_reset(void *m) { hmap_reset(m); }
static void b_point(const void *m, struct churn_point *p)
{
    struct hmap_stats s;
    hmap_get_stats(m, &s);
    *p = (struct churn_point){s.len, s.bytes, s.B, 0};
}

static int s_init(void *m, struct arena *a) { return swiss_init(m, &u64_type, a, 0, EXPERIMENT_SEED); }
static int s_put(void *m, uint64_t k) { return swiss_put_u64(m, k, k); }
static bool s_del(void *m, uint64_t k) { return swiss_delete_u64(m, k); }
static void s_reset(void *m) { swiss_reset(m); }
static void s_point(const void *m, struct churn_point *p)
{
    struct swiss_stats s;
    swiss_get_stats(m, &s);
    *p = (struct churn_point){s.len, s.bytes, s.tables, s.tombstones};
}

static const struct churn_map churn_maps[] = {
    {"bucket", hmap_strerror, b_init, b_put, b_del, b_point, b_reset},
    {"swiss", swiss_strerror, s_init, s_put, s_del, s_point, s_reset},
};

/* Fill keys 0..n-1, then n rounds of delete k, insert k + n; the points
 * after the fill, half-way and at the end. */
static int churn_one(const struct churn_map *cm, void *m, struct arena *a, size_t n,
                     struct churn_point pts[3], const char **step)
{
    *step = "make";
    int rc = cm->init(m, a);
    if (rc != 0)
        return rc;
    *step = "fill";
    for (uint64_t k = 0; k < n && rc == 0; k++)
        rc = cm->put(m, k);
    cm->point(m, &pts[0]);
    *step = "churn";
    for (uint64_t k = 0; k < n && rc == 0; k++) {
        (void)cm->del(m, k);
        rc = cm->put(m, k + n);
        if (k + 1 == n / 2)
            cm->point(m, &pts[1]);
    }
    cm->point(m, &pts[2]);
    cm->reset(m);
    return rc;
}

int experiment_churn_print(void *region, size_t size, size_t n, out_write_fn write, void *ctx)
{
    static struct hmap bucket; /* static: keep the caller's stack small */
    static struct swiss swiss;
    void *maps[2] = {&bucket, &swiss};
    out_printf(write, ctx, "churn: %zu keys, no hint; %zu times delete the oldest, put a new one\n",
               n, n);
    out_printf(write, ctx, "%-6s %-5s %8s %9s %8s %10s %7s\n", "map", "after", "len", "bytes",
               "tables/B", "tombstones", "x fill");
    for (size_t i = 0; i < 2; i++) {
        const struct churn_map *cm = &churn_maps[i];
        struct arena a;
        int rc = arena_init(&a, region, size, TIDEMARK_PAGE_SIZE);
        if (rc != 0) {
            out_printf(write, ctx, "ERR churn: no arena over the region: %s\n",
                       arena_strerror(rc));
            return rc;
        }
        struct churn_point pts[3] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
        const char *step;
        rc = churn_one(cm, maps[i], &a, n, pts, &step);
        if (rc != 0) {
            out_printf(write, ctx, "ERR churn: the %s map's %s failed: %s\n", cm->name, step,
                       cm->strerror(rc));
            return rc;
        }
        static const char *const when[3] = {"fill", "half", "end"};
        for (size_t p = 0; p < 3; p++) {
            size_t x100 = pts[0].bytes ? pts[p].bytes * 100 / pts[0].bytes : 0;
            out_printf(write, ctx, "%-6s %-5s %8zu %9zu %8zu %10zu %4zu.%02zu\n", cm->name,
                       when[p], pts[p].len, pts[p].bytes, pts[p].tables, pts[p].tombstones,
                       x100 / 100, x100 % 100);
        }
    }
    out_printf(write, ctx,
               "tables/B: Swiss tables, or the bucket map's B; x fill: bytes / after fill\n");
    return 0;
}
