/* SPDX-License-Identifier: MIT */
/*
 * experiment_swiss.h - the seed experiment on Go's Swiss map (Go 1.24 and
 * later, the only map of Go 1.26), and the churn at constant length where
 * the Swiss map differs most from the bucket map.
 *
 * The Swiss table: the seed's steps as Go 1.26 runs them, with a hint and
 * without, and clear(intMap) between the deletes and the nil:
 *
 *   swiss experiment (Go 1.24+): the same 8192 keys, 8-byte, on Go's Swiss map
 *   step Go                         C                  len   bytes  in_use watermark
 *   S1   <title>
 *   S1.1 make(map[int]int, n)       swiss_init(n)        0  331776  331776    331776
 *   ...
 *   check: ok: ...
 *
 * Every line fits 80 columns.  The figures: len and bytes of the map
 * (swiss_get_stats), in_use and watermark of the experiment's own arena.
 *
 * The churn: a window of n keys (no hint), filled, then n rounds of
 * "delete the oldest, insert a new one", on both maps; len, bytes, tables
 * (B for the bucket map) and tombstones after the fill, half-way and at
 * the end, and the end's bytes over the fill's:
 *
 *   churn: <n> keys, no hint; <n> times delete the oldest, put a new one
 *   map    after      len     bytes tables/B tombstones  x fill
 *   bucket fill    <n> ...
 *   ...
 */
#ifndef TIDEMARK_EXPERIMENT_SWISS_H
#define TIDEMARK_EXPERIMENT_SWISS_H

#include <stddef.h>

#include "experiment.h"
#include "out.h"

/* Run the Swiss table on a fresh arena over [region, region + size) (at
 * least EXPERIMENT_REGION_SIZE) and print it, with its check.  Returns 0,
 * or the code of the step that failed (also printed as an ERR line). */
int experiment_swiss_print(void *region, size_t size, out_write_fn write, void *ctx);

/* The rounds of the churn experiment the boot prints, and the most the
 * console's `churn N` takes. */
#define CHURN_BOOT_KEYS 50000u
#define CHURN_MAX_KEYS 1000000u

/* The arena a churn of n keys needs: each map in turn, with room for its
 * growth (the bucket map's two arrays, the Swiss map's split). */
size_t experiment_churn_region(size_t n);

/* Run the churn of n keys on both maps, each on a fresh arena over the
 * region, and print its table.  Returns 0, or the code that stopped it (an
 * ERR line says which map and step). */
int experiment_churn_print(void *region, size_t size, size_t n, out_write_fn write, void *ctx);

#endif /* TIDEMARK_EXPERIMENT_SWISS_H */
