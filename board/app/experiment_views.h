/* SPDX-License-Identifier: MIT */
/*
 * experiment_views.h - the seed experiment's scenario 2 (make, fill, delete
 * every key, intMap = nil) in pictures, for the boot: its chart over the
 * arena events and steps, and the page map after the delete (every page
 * still the map's) and after the reset (every page free, under the
 * watermark).
 *
 * Use: experiment_views_watch fills an experiment_watch; pass it to
 * experiment_run_watched; then experiment_views_print prints what it saw.
 * The state is static (one experiment at a time); nothing comes from the
 * experiment's arena, so the table is the same as without it.
 */
#ifndef TIDEMARK_EXPERIMENT_VIEWS_H
#define TIDEMARK_EXPERIMENT_VIEWS_H

#include "experiment.h"
#include "out.h"

/* The scenario pictured. */
#define EXPERIMENT_VIEWS_SCENARIO 2

/* Start watching afresh: *w watches EXPERIMENT_VIEWS_SCENARIO. */
void experiment_views_watch(struct experiment_watch *w);

/*
 * Print a caption and the chart of the watched scenario, then the page map
 * after its delete step and after its reset step (a caption before each).
 * About 35 lines of at most 80 columns; one line saying so when nothing
 * was watched.
 */
void experiment_views_print(out_write_fn write, void *ctx);

#endif /* TIDEMARK_EXPERIMENT_VIEWS_H */
