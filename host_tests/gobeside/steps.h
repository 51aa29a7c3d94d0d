/* SPDX-License-Identifier: MIT */
/*
 * steps.h - tidemark's Swiss map through the steps gomem measures on Go:
 * for map[int]int and map[uint64]uint64 at each hint, the figures after
 * make, after the fill, after deleting every key, after clear and after the
 * reset (Go's m = nil).  Plain C over swiss.h and arena.h, so that the same
 * source runs in the Criterion test (this host's width) and in probe32 (the
 * other width, built with gcc -m32).
 */
#ifndef GOBESIDE_STEPS_H
#define GOBESIDE_STEPS_H

#include <stddef.h>

#include "swiss.h"

#define GB_TYPES 2 /* map[int]int, map[uint64]uint64                        */
#define GB_HINTS 7
#define GB_STEPS 5 /* make, fill, delete, clear, nil                         */

extern const char *const gb_type_names[GB_TYPES]; /* "int", "uint64"      */
extern const size_t gb_hints[GB_HINTS];           /* 0, 8, ... 100000     */
extern const char *const gb_step_names[GB_STEPS]; /* "make", ... "nil"    */

/* What one step leaves. */
struct gb_figures {
    struct swiss_stats s;
    size_t in_use; /* the arena's bytes handed out (the map is its only user) */
};

/*
 * Run every type, hint and step on a fresh 4 KiB-page arena; a key of
 * map[int]int is as wide as a pointer, as Go's int on amd64 and 386.
 * Returns NULL, or what went wrong (a failed put, a delete that found
 * nothing, swiss_check's code after a step).
 */
const char *gb_run_steps(struct gb_figures out[GB_TYPES][GB_HINTS][GB_STEPS]);

#endif /* GOBESIDE_STEPS_H */
