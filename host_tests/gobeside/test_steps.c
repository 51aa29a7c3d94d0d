/* SPDX-License-Identifier: MIT */
/*
 * test_steps.c - tidemark's Swiss map beside Go 1.26's, step by step: for
 * map[int]int and map[uint64]uint64 at hints 0 (filled to 8192), 8, 9, 64,
 * 1024, 8192 and 100,000, after make, fill, delete of every key, clear and
 * m = nil (swiss_reset), on both widths:
 *
 *   - alloc_bytes is exactly what Go's runtime requests for the same map:
 *     the directory's pointers, a table struct and a groups array per table
 *     (or the small map's one group);
 *   - those requests, each as Go 1.26's heap sizes it (gb_go_heap_bytes:
 *     the malloc header, the size classes, 8 KiB pages past 32 KiB), plus
 *     the Map header while the map lives, equal Go's HeapAlloc growth within
 *     64 bytes: the figures recorded below always, and gomem's, measured
 *     now, when a Go >= 1.24 is found (else go-find's line says what to
 *     install, and the recorded figures stand alone).  The Map header (48
 *     bytes on amd64, 32 on 386) is Go's own allocation by make; in C it is
 *     the caller's struct swiss, wherever the caller keeps it, so
 *     alloc_bytes leaves it out and the comparison adds it back;
 *   - bytes is the pages those allocations take, each its own run of 4 KiB
 *     pages (the directory, each table's groups array with tidemark's table
 *     struct in the slack of its last page, the small group), and the arena
 *     hands out exactly bytes.
 * The 64-bit side is this host build; the 32-bit side is probe32 (steps.c
 * with swiss/ and arena/ built by gcc -m32), run under qemu-i386, against
 * Go's GOARCH=386 build, also run under qemu-i386.  The table is printed and
 * must be docs/swiss.md's block swiss-beside-go.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gobeside.h"
#include "steps.h"

#define WIDTHS 2 /* 64-bit (amd64), 32-bit (386) */
#define PAGE 4096u
#define TOLERANCE 64u /* gomem's own few bytes, at most */

struct width {
    const char *name, *goarch, *gomem;
    size_t ptr;         /* pointer and Go int bytes                        */
    size_t map_bytes;   /* Go's Map struct (internal/runtime/maps)         */
    size_t table_bytes; /* Go's table struct                               */
};

static const struct width widths[WIDTHS] = {
    {"64-bit", "amd64", "swiss-amd64", 8, 48, 32},
    {"32-bit", "386", "swiss-386", 4, 32, 24},
};

/*
 * Go 1.26.8's HeapAlloc growth for each width, type, hint and step
 * (make, fill, delete, clear, nil), measured on 2026-12-05 with
 *   bash host_tests/gobeside/gomem.sh build DIR
 *   bash host_tests/gobeside/gomem.sh run DIR swiss-amd64 steps
 *   bash host_tests/gobeside/gomem.sh run DIR swiss-386 steps
 * (amd64 natively, 386 under qemu-i386 7.2).  NOTES.md's hint-8192 figures
 * are among them: +295,600 amd64, +152,032 386, +295,392 386 uint64.
 */
static const size_t recorded[WIDTHS][GB_TYPES][GB_HINTS][GB_STEPS] = {
    /* amd64 */ {
        /* map[int]int */ {
            {48, 295600, 295600, 295600, 0},         /* hint 0 */
            {48, 192, 192, 192, 0},                  /* hint 8 */
            {376, 376, 376, 376, 0},                 /* hint 9 */
            {2392, 2392, 2392, 2392, 0},             /* hint 64 */
            {36992, 36992, 36992, 36992, 0},         /* hint 1024 */
            {295600, 295600, 295600, 295600, 0},     /* hint 8192 */
            {2364592, 2364592, 2364592, 2364592, 0}, /* hint 100000 */
        },
        /* map[uint64]uint64 */ {
            {48, 295600, 295600, 295600, 0},
            {48, 192, 192, 192, 0},
            {376, 376, 376, 376, 0},
            {2392, 2392, 2392, 2392, 0},
            {36992, 36992, 36992, 36992, 0},
            {295600, 295600, 295600, 295600, 0},
            {2364592, 2364592, 2364592, 2364592, 0},
        },
    },
    /* 386 */ {
        /* map[int]int */ {
            {32, 152032, 152032, 152032, 0},
            {32, 112, 112, 112, 0},
            {208, 208, 208, 208, 0},
            {1216, 1216, 1216, 1216, 0},
            {19032, 19032, 19032, 19032, 0},
            {152032, 152032, 152032, 152032, 0},
            {1216096, 1216096, 1216096, 1216096, 0},
        },
        /* map[uint64]uint64 */ {
            {32, 295392, 295392, 295392, 0},
            {32, 176, 176, 176, 0},
            {352, 352, 352, 352, 0},
            {2368, 2368, 2368, 2368, 0},
            {36952, 36952, 36952, 36952, 0},
            {295392, 295392, 295392, 295392, 0},
            {2362976, 2362976, 2362976, 2362976, 0},
        },
    },
};

/* tidemark's figures, per width. */
static struct gb_figures tm[WIDTHS][GB_TYPES][GB_HINTS][GB_STEPS];
/* Go's, measured now; have_go[w] when they were. */
static size_t measured[WIDTHS][GB_TYPES][GB_HINTS][GB_STEPS];
static bool have_go[WIDTHS];
static char go_version[WIDTHS][64];

static size_t index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return n;
}

static size_t hint_index(size_t hint)
{
    for (size_t h = 0; h < GB_HINTS; h++)
        if (gb_hints[h] == hint)
            return h;
    return GB_HINTS;
}

/* The 32-bit side: probe32's lines into tm[1]. */
static void probe_32bit(void)
{
    cr_assert(GB_PROBE32[0] != '\0',
              "no 32-bit probe: gcc -m32 -static could not link when this build was "
              "configured (bash scripts/setup go installs gcc-multilib; then configure again)");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s%s'%s'", GB_QEMU_I386, GB_QEMU_I386[0] ? " " : "", GB_PROBE32);
    char *out;
    int rc = gb_run(cmd, &out);
    cr_assert_eq(rc, 0, "%s failed (exit %d)%s", cmd, rc,
                 GB_QEMU_I386[0] ? "" : "; no qemu-i386 was found to run it (bash scripts/setup go)");
    bool seen[GB_TYPES][GB_HINTS][GB_STEPS] = {0};
    size_t lines = 0, ptr = 0;
    unsigned map_bytes = 0, table_bytes = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char type[16], step[16];
        size_t hint, len, alloc, bytes, in_use, dir_len, tables, groups, group_size;
        int small;
        if (sscanf(line, "ptr %zu %u %u", &ptr, &map_bytes, &table_bytes) == 3)
            continue;
        cr_assert_eq(sscanf(line, "steps %15s %zu %15s %zu %zu %zu %zu %d %zu %zu %zu %zu", type,
                            &hint, step, &len, &alloc, &bytes, &in_use, &small, &dir_len,
                            &tables, &groups, &group_size),
                     12, "probe32 printed '%s'", line);
        size_t t = index_of(gb_type_names, GB_TYPES, type), h = hint_index(hint),
               s = index_of(gb_step_names, GB_STEPS, step);
        cr_assert(t < GB_TYPES && h < GB_HINTS && s < GB_STEPS && !seen[t][h][s],
                  "probe32 printed '%s'", line);
        seen[t][h][s] = true;
        lines++;
        struct gb_figures *f = &tm[1][t][h][s];
        f->s.len = len;
        f->s.alloc_bytes = alloc;
        f->s.bytes = bytes;
        f->in_use = in_use;
        f->s.small = small != 0;
        f->s.dir_len = dir_len;
        f->s.tables = tables;
        f->s.groups = groups;
        f->s.group_size = group_size;
    }
    free(out);
    cr_assert_eq(lines, (size_t)GB_TYPES * GB_HINTS * GB_STEPS, "probe32 printed %zu steps", lines);
    cr_assert_eq(ptr, 4, "probe32 is not a 32-bit build (pointers of %zu bytes)", ptr);
    /* The library's own idea of Go's structs, for the width it was built for. */
    cr_assert_eq(map_bytes, widths[1].map_bytes);
    cr_assert_eq(table_bytes, widths[1].table_bytes);
}

/* Go's side, measured now, into measured[w]; have_go[w] when it ran. */
static void measure_go(size_t w)
{
    char *out;
    int rc = gb_gomem(widths[w].gomem, "steps", &out);
    if (rc == GB_NO_GO || rc == GB_NO_QEMU) {
        GLOG("%s: Go not run (the line above says why): tidemark is held against the "
             "recorded Go 1.26.8 figures only\n",
             widths[w].goarch);
        free(out);
        return;
    }
    cr_assert_eq(rc, 0, "gomem %s steps failed (exit %d)", widths[w].gomem, rc);
    gb_go_version(out, go_version[w], sizeof go_version[w]);
    bool seen[GB_TYPES][GB_HINTS][GB_STEPS] = {0};
    size_t lines = 0, retries = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char type[16], step[16];
        size_t hint, bytes;
        if (strncmp(line, "go ", 3) == 0 || sscanf(line, "retries %zu", &retries) == 1)
            continue;
        cr_assert_eq(sscanf(line, "steps %15s %zu %15s %zu", type, &hint, step, &bytes), 4,
                     "gomem printed '%s'", line);
        size_t t = index_of(gb_type_names, GB_TYPES, type), h = hint_index(hint),
               s = index_of(gb_step_names, GB_STEPS, step);
        cr_assert(t < GB_TYPES && h < GB_HINTS && s < GB_STEPS && !seen[t][h][s],
                  "gomem printed '%s'", line);
        seen[t][h][s] = true;
        measured[w][t][h][s] = bytes;
        lines++;
    }
    free(out);
    cr_assert_eq(lines, (size_t)GB_TYPES * GB_HINTS * GB_STEPS, "gomem printed %zu steps", lines);
    have_go[w] = true;
    GLOG("%s: measured with %s (%zu hints measured again: a runtime allocation of its own, "
         "or a split during a hinted fill; gomem/main.go says why)\n",
         widths[w].goarch,
         go_version[w], retries);
}

static bool pow2(size_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static size_t pages(size_t bytes)
{
    return (bytes + PAGE - 1) / PAGE * PAGE;
}

/*
 * What Go's heap holds for tidemark's map f (alive: before m = nil, when
 * Go's Map header is there too), and the checks on tidemark's own figures.
 */
static size_t go_model(size_t w, size_t t, size_t h, size_t s)
{
    const struct width *wd = &widths[w];
    const struct gb_figures *f = &tm[w][t][h][s];
    const char *where = gb_type_names[t];
    size_t hint = gb_hints[h];
    size_t key = t == 1 ? 8 : wd->ptr;
    cr_assert_eq(f->s.group_size, 8 + 8 * (key + key), "%s %s hint %zu %s: group of %zu bytes",
                 wd->name, where, hint, gb_step_names[s], f->s.group_size);
    size_t heap = s == GB_STEPS - 1 ? 0 : gb_go_heap_bytes(wd->map_bytes, true, wd->ptr);
    size_t requests = 0, runs = 0;
    if (f->s.small) {
        requests = f->s.group_size;
        heap += gb_go_heap_bytes(f->s.group_size, false, wd->ptr);
        runs = pages(f->s.group_size);
    } else if (f->s.dir_len != 0) {
        cr_assert(f->s.tables != 0 && f->s.groups % f->s.tables == 0 &&
                      pow2(f->s.groups / f->s.tables) && f->s.groups / f->s.tables <= 128,
                  "%s %s hint %zu %s: %zu groups in %zu tables: not all of one capacity",
                  wd->name, where, hint, gb_step_names[s], f->s.groups, f->s.tables);
        size_t per = f->s.groups / f->s.tables * f->s.group_size;
        /* tidemark's table struct rides in the slack of its groups' last
         * page: at least 128 bytes are left there at every capacity. */
        cr_assert(pages(per) - per >= 128, "%zu bytes of groups leave no room", per);
        requests = f->s.dir_len * wd->ptr + f->s.tables * (wd->table_bytes + per);
        heap += gb_go_heap_bytes(f->s.dir_len * wd->ptr, true, wd->ptr) +
                f->s.tables * (gb_go_heap_bytes(wd->table_bytes, true, wd->ptr) +
                               gb_go_heap_bytes(per, false, wd->ptr));
        runs = pages(f->s.dir_len * wd->ptr) + f->s.tables * pages(per);
    }
    cr_assert_eq(f->s.alloc_bytes, requests,
                 "%s %s hint %zu %s: alloc_bytes %zu, Go requests %zu", wd->name, where, hint,
                 gb_step_names[s], f->s.alloc_bytes, requests);
    cr_assert_eq(f->s.bytes, runs, "%s %s hint %zu %s: bytes %zu, the runs take %zu",
                 wd->name, where, hint, gb_step_names[s], f->s.bytes, runs);
    cr_assert_eq(f->in_use, f->s.bytes, "%s %s hint %zu %s: the arena hands out %zu, bytes %zu",
                 wd->name, where, hint, gb_step_names[s], f->in_use, f->s.bytes);
    return heap;
}

static size_t diff(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

Test(gobeside, size_classes)
{
    /* Facts the model rests on, from Go 1.26's sources and measured. */
    cr_assert_eq(gb_go_heap_bytes(17408, false, 8), 18432); /* 128 groups of 136 */
    cr_assert_eq(gb_go_heap_bytes(9216, false, 4), 9472);   /* 128 groups of 72 */
    cr_assert_eq(gb_go_heap_bytes(136, false, 8), 144);     /* the small map's group */
    cr_assert_eq(gb_go_heap_bytes(72, false, 4), 80);
    cr_assert_eq(gb_go_heap_bytes(48, true, 8), 48);        /* Map, amd64 */
    cr_assert_eq(gb_go_heap_bytes(24, true, 4), 24);        /* table, 386 */
    cr_assert_eq(gb_go_heap_bytes(4, true, 4), 8);          /* a 1-entry directory, 386 */
    cr_assert_eq(gb_go_heap_bytes(512, true, 8), 512);      /* no header up to 512 ... */
    cr_assert_eq(gb_go_heap_bytes(1024, true, 8), 1152);    /* ... above: 1,032 -> 1,152 */
    cr_assert_eq(gb_go_heap_bytes(128, true, 4), 128);      /* 386: up to 128 ... */
    cr_assert_eq(gb_go_heap_bytes(512, true, 4), 576);      /* ... above: 520 -> 576 */
    cr_assert_eq(gb_go_heap_bytes(1024, false, 8), 1024);   /* no pointers, no header */
    cr_assert_eq(gb_go_heap_bytes(32768, true, 8), 32768);  /* the header would not fit */
    cr_assert_eq(gb_go_heap_bytes(32769, false, 8), 40960); /* large: 8 KiB pages */
}

Test(gobeside, steps_beside_go, .timeout = 280)
{
    cr_assert_eq(sizeof(void *), 8, "the host build is the 64-bit side");
    const char *err = gb_run_steps(tm[0]);
    cr_assert(err == NULL, "64-bit steps: %s", err);
    probe_32bit();
    for (size_t w = 0; w < WIDTHS; w++)
        measure_go(w);

    size_t worst_recorded = 0, worst_measured[WIDTHS] = {0}, measured_off[WIDTHS] = {0};
    struct gb_text doc = {0};
    for (size_t t = 0; t < GB_TYPES; t++) {
        const char *ty = gb_type_names[t];
        gb_printf(&doc, "%smap[%s]%s: groups of %zu bytes (64-bit) and %zu (32-bit).\n\n",
                  t ? "\n" : "", ty, ty, tm[0][t][0][1].s.group_size,
                  tm[1][t][0][1].s.group_size);
        gb_printf(&doc, "| hint | step | Go amd64 | requests | classes + Map | tidemark bytes "
                        "| Go 386 | requests | classes + Map | tidemark bytes |\n"
                        "|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (size_t h = 0; h < GB_HINTS; h++)
            for (size_t s = 0; s < GB_STEPS; s++) {
                gb_printf(&doc, "| %zu | %s |", gb_hints[h], gb_step_names[s]);
                for (size_t w = 0; w < WIDTHS; w++) {
                    size_t model = go_model(w, t, h, s), rec = recorded[w][t][h][s];
                    const struct gb_figures *f = &tm[w][t][h][s];
                    cr_expect(diff(model, rec) <= TOLERANCE,
                              "%s map[%s] hint %zu %s: tidemark's allocations in Go's heap "
                              "%zu, Go 1.26.8 recorded %zu",
                              widths[w].name, ty, gb_hints[h], gb_step_names[s], model, rec);
                    if (diff(model, rec) > worst_recorded)
                        worst_recorded = diff(model, rec);
                    if (have_go[w]) {
                        size_t now = measured[w][t][h][s];
                        cr_expect(diff(model, now) <= TOLERANCE,
                                  "%s map[%s] hint %zu %s: tidemark's allocations in Go's heap "
                                  "%zu, %s measured %zu",
                                  widths[w].name, ty, gb_hints[h], gb_step_names[s], model,
                                  go_version[w], now);
                        if (diff(model, now) > worst_measured[w])
                            worst_measured[w] = diff(model, now);
                        measured_off[w] += now != rec;
                    }
                    char a[32], b[32], c[32], d[32];
                    gb_printf(&doc, " %s | %s | %s | %s |", gb_num(rec, a),
                              gb_num(f->s.alloc_bytes, b), gb_num(model, c),
                              gb_num(f->s.bytes, d));
                }
                gb_printf(&doc, "\n");
            }
    }
    fprintf(stderr, "%s", doc.p);
    GLOG("tidemark's allocations in Go's heap against Go 1.26.8's recorded HeapAlloc: "
         "largest difference %zu bytes (at most %u)\n",
         worst_recorded, TOLERANCE);
    for (size_t w = 0; w < WIDTHS; w++)
        if (have_go[w])
            GLOG("%s, measured now with %s: largest difference %zu bytes; %zu of %d figures "
                 "differ from the recorded\n",
                 widths[w].goarch, go_version[w], worst_measured[w],
                 measured_off[w], GB_TYPES * GB_HINTS * GB_STEPS);
    gb_check_docs("swiss-beside-go", doc.p);
    gb_text_free(&doc);
}
