/* SPDX-License-Identifier: MIT */
/*
 * test_experiment_views.c - scenario 2 in pictures (experiment_views.h):
 * watching changes no figure of the table; the chart starts at the make
 * and ends after the reset with the watermark alone on top; the page map
 * after the delete is every page `A`, after the reset every page `.`.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "experiment_views.h"
#include "views_support.h"

static size_t count(const char *s, const char *end, char ch)
{
    size_t n = 0;
    for (; s < end; s++)
        n += *s == ch;
    return n;
}

Test(experiment_views, scenario_2_in_pictures)
{
    void *region = aligned_alloc(4096, EXPERIMENT_REGION_SIZE);
    static struct experiment_result plain, watched;
    cr_assert_eq(experiment_run(region, EXPERIMENT_REGION_SIZE, &plain), 0);
    struct experiment_watch w;
    experiment_views_watch(&w);
    cr_assert_eq(experiment_run_watched(region, EXPERIMENT_REGION_SIZE, &watched, &w), 0);
    cr_assert_eq(plain.nrows, watched.nrows);
    for (size_t i = 0; i < plain.nrows; i++)
        cr_assert(memcmp(&plain.rows[i], &watched.rows[i], sizeof plain.rows[i]) == 0,
                  "row %s differs when watched", plain.rows[i].step);

    vs_reset();
    experiment_views_print(vs_sink, NULL);
    int lines = vs_lines_checked();
    cr_assert_leq(lines, 40, "%s", vs_out);
    cr_assert(strncmp(vs_out, "scenario 2 over time: delete, then intMap = nil\n", 48) == 0,
              "%s", vs_out);
    const char *chart = strstr(vs_out, "chart entries=6 at=0..5,");
    cr_assert_not_null(chart, "make, fill, delete, nil: 4 steps and 2 page runs:\n%s", vs_out);
    const char *p1 = strstr(vs_out, "the experiment's arena after 2.3 (");
    const char *p2 = strstr(vs_out, "the experiment's arena after 2.4 (");
    cr_assert(p1 && p2 && chart < p1 && p1 < p2, "%s", vs_out);
    cr_assert_eq(count(p1, p2, 'A'), 77 + 1, "77 pages A (and the legend's):\n%s", p1);
    const char *end = vs_out + strlen(vs_out);
    cr_assert_eq(count(p2, end, 'A'), 1, "no page A after the reset (the legend's only)");
    cr_assert_not_null(strstr(p2, "watermark_pages=77 in_use_pages=0\n"));
    cr_assert_not_null(strstr(p2, "    64 .............\n"));
    /* The chart's last column: the watermark alone on top. */
    const char *top = strchr(chart, '\n') + 1;
    cr_assert_eq(strchr(top, '\n')[-1], 'w', "%s", chart);
    free(region);
}

Test(experiment_views, nothing_watched)
{
    struct experiment_watch w;
    experiment_views_watch(&w);
    vs_reset();
    experiment_views_print(vs_sink, NULL);
    cr_assert_str_eq(vs_out, "scenario 2 was not watched to its end: no pictures\n");
}
