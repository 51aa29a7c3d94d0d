/* SPDX-License-Identifier: MIT */
/*
 * test_experiment.c - the seed experiment's table on the host: the figures
 * of the seed (Go's 8192-entry map), the claims experiment_check guards, and the error paths.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "experiment.h"
#include "hmap.h"
#include "transcript.h"

#define SEED_BYTES 315392u /* 77 pages of 4 KiB: 2176 buckets of 144 bytes */

static struct experiment_result res;
static uint8_t *region;

static void run_full(void)
{
    region = aligned_alloc(4096, EXPERIMENT_REGION_SIZE);
    cr_assert_not_null(region);
    cr_assert_eq(experiment_run(region, EXPERIMENT_REGION_SIZE, &res), 0);
}

static const struct experiment_row *row(const char *step)
{
    for (size_t i = 0; i < res.nrows; i++)
        if (strcmp(res.rows[i].step, step) == 0)
            return &res.rows[i];
    cr_assert_fail("no row %s", step);
    return NULL;
}

Test(experiment, has_the_six_scenarios)
{
    run_full();
    cr_assert_eq(res.nrows, 25);
    cr_assert_eq(res.err, 0);
    cr_assert_null(res.failed_step);
    for (int s = 1; s <= 6; s++) {
        bool seen = false;
        for (size_t i = 0; i < res.nrows; i++)
            seen |= res.rows[i].scenario == s;
        cr_assert(seen, "scenario %d has no row", s);
        cr_assert_neq(experiment_scenario_title(s)[0], '\0');
    }
    cr_assert_str_eq(experiment_scenario_title(0), "");
    cr_assert_str_eq(experiment_scenario_title(7), "");
}

Test(experiment, seed_figures)
{
    run_full();
    /* make(map[int]int, 8192) allocates the whole table at once, like Go. */
    cr_assert_eq(row("1.1")->bytes, SEED_BYTES);
    cr_assert_eq(row("1.1")->len, 0);
    const struct experiment_row *fill = row("1.2"), *del = row("1.3"), *gc = row("1.4"),
                                *end = row("1.5");
    cr_assert_eq(fill->len, 8192);
    cr_assert_eq(fill->bytes, SEED_BYTES);
    cr_assert_eq(fill->in_use, SEED_BYTES);
    cr_assert_eq(fill->watermark, SEED_BYTES);
    /* Deleting every key changes none of the memory figures. */
    cr_assert_eq(del->len, 0);
    cr_assert_eq(del->bytes, SEED_BYTES);
    cr_assert_eq(del->in_use, SEED_BYTES);
    cr_assert_eq(del->watermark, SEED_BYTES);
    /* runtime.GC() on a live map: nothing. */
    cr_assert_eq(gc->in_use, SEED_BYTES);
    /* Only the reset brings in_use down; the watermark stays. */
    cr_assert_eq(end->bytes, 0);
    cr_assert_eq(end->in_use, 0);
    cr_assert_eq(end->watermark, SEED_BYTES);

    cr_assert_eq(row("2.4")->in_use, 0);
    cr_assert_eq(row("3.1")->bytes, SEED_BYTES);
    cr_assert_eq(row("3.3")->in_use, SEED_BYTES, "no nil: the map keeps its memory");
    cr_assert_eq(row("4.3")->in_use, 0);
    cr_assert_eq(row("5.3")->in_use, SEED_BYTES);
    cr_assert_eq(row("5.4")->in_use, 0);

    /* Sixth: the second map reuses the pages, the watermark does not move. */
    cr_assert_eq(row("6.1")->watermark, SEED_BYTES);
    cr_assert_eq(row("6.2")->in_use, 0);
    cr_assert_eq(row("6.3")->in_use, SEED_BYTES);
    cr_assert_eq(row("6.4")->len, 8192);
    cr_assert_eq(row("6.4")->watermark, SEED_BYTES);
    cr_assert_eq(row("6.5")->in_use, 0);
}

Test(experiment, in_use_falls_only_at_resets_and_watermark_never)
{
    run_full();
    for (size_t i = 1; i < res.nrows; i++) {
        const struct experiment_row *a = &res.rows[i - 1], *b = &res.rows[i];
        cr_assert_geq(b->watermark, a->watermark, "row %s", b->step);
        if (b->in_use < a->in_use)
            cr_assert_eq(b->op, EXP_RESET, "in_use fell at %s, not a reset", b->step);
        if (b->op == EXP_RESET)
            cr_assert_lt(b->in_use, a->in_use, "a reset of a full map gives pages back (%s)",
                         b->step);
    }
    cr_assert_null(experiment_check(&res));
}

Test(experiment, check_catches_a_broken_claim)
{
    run_full();
    struct experiment_result bad;

    bad = res;
    bad.rows[2].bytes -= 4096; /* 1.3: a delete that freed a page */
    cr_assert_not_null(experiment_check(&bad));

    bad = res;
    bad.rows[3].in_use -= 4096; /* 1.4: in_use falling at runtime.GC() */
    cr_assert_not_null(experiment_check(&bad));

    bad = res;
    bad.rows[4].watermark = 0; /* 1.5: the watermark falling */
    cr_assert_not_null(experiment_check(&bad));

    bad = res;
    bad.rows[23].watermark += 4096; /* 6.4: the second map moving it */
    bad.rows[24].watermark += 4096;
    cr_assert_not_null(experiment_check(&bad));

    bad = res;
    bad.rows[2].len = 1; /* a delete leaving a key */
    cr_assert_not_null(experiment_check(&bad));

    bad = res;
    bad.nrows--;
    cr_assert_not_null(experiment_check(&bad));
}

static char printed[1 << 16];
static size_t printed_len;

static void sink(void *ctx, const char *s, size_t n)
{
    cr_assert_eq(ctx, &printed);
    cr_assert_lt(printed_len + n, sizeof printed);
    memcpy(printed + printed_len, s, n);
    printed_len += n;
    printed[printed_len] = '\0';
}

Test(experiment, printed_table_has_every_row_and_figure)
{
    run_full();
    experiment_print(&res, sink, &printed);
    cr_assert(strstr(printed, "seed experiment:"));
    cr_assert(strstr(printed, "step Go"));
    cr_assert(strstr(printed, "len   bytes  in_use watermark"));
    cr_assert(strstr(printed, "\ncheck: ok"));
    for (size_t i = 0; i < res.nrows; i++) {
        struct exp_figures f;
        cr_assert(transcript_row(printed, 0, res.rows[i].step, &f), "row %s", res.rows[i].step);
        cr_assert_eq(f.len, res.rows[i].len);
        cr_assert_eq(f.bytes, res.rows[i].bytes);
        cr_assert_eq(f.in_use, res.rows[i].in_use);
        cr_assert_eq(f.watermark, res.rows[i].watermark);
        cr_assert(strstr(printed, res.rows[i].go), "Go counterpart of %s", res.rows[i].step);
        cr_assert(strstr(printed, res.rows[i].c), "C counterpart of %s", res.rows[i].step);
    }
    for (int s = 1; s <= 6; s++)
        cr_assert(strstr(printed, experiment_scenario_title(s)));
}

/* The host prints the table the firmware prints, byte for byte: the same
 * golden copy as the QEMU suite's (golden/). */
Test(experiment, printed_table_matches_the_golden_copy)
{
    run_full();
    experiment_print(&res, sink, &printed);
    char *want = transcript_read_file(TIDEMARK_GOLDEN_TABLE);
    cr_assert_not_null(want, "cannot read %s", TIDEMARK_GOLDEN_TABLE);
    cr_assert_str_eq(printed, want, "the table differs from %s", TIDEMARK_GOLDEN_TABLE);
    free(want);
}

Test(experiment, reads_the_same_every_run)
{
    run_full();
    struct experiment_result again;
    cr_assert_eq(experiment_run(region, EXPERIMENT_REGION_SIZE, &again), 0);
    cr_assert_eq(again.nrows, res.nrows);
    for (size_t i = 0; i < res.nrows; i++) {
        cr_assert_eq(again.rows[i].bytes, res.rows[i].bytes);
        cr_assert_eq(again.rows[i].in_use, res.rows[i].in_use);
        cr_assert_eq(again.rows[i].watermark, res.rows[i].watermark);
    }
}

Test(experiment, too_small_a_region_stops_cleanly)
{
    /* Room for 40 pages: hmap_init of the 77-page table fails at 1.1. */
    size_t size = 41 * 4096;
    region = aligned_alloc(4096, size);
    cr_assert_eq(experiment_run(region, size, &res), HMAP_ERR_NOMEM);
    cr_assert_eq(res.nrows, 0);
    cr_assert_str_eq(res.failed_step, "1.1");
    cr_assert_not_null(res.err_text);
    cr_assert_not_null(experiment_check(&res));
    experiment_print(&res, sink, &printed);
    cr_assert(strstr(printed, "ERR experiment: step 1.1 failed:"), "%s", printed);
    cr_assert(strstr(printed, "check: FAILED"), "%s", printed);
}

Test(experiment, unusable_region_is_an_arena_error)
{
    uint8_t tiny[16];
    cr_assert_eq(experiment_run(tiny, sizeof tiny, &res), ARENA_ERR_TOO_SMALL);
    cr_assert_eq(res.nrows, 0);
    cr_assert_str_eq(res.err_text, arena_strerror(ARENA_ERR_TOO_SMALL));
}
