/* SPDX-License-Identifier: MIT */
/*
 * samples.h - the clock and the summary of repeated timings.
 */
#ifndef TIDEMARK_BENCH_SAMPLES_H
#define TIDEMARK_BENCH_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* Most repetitions one workload keeps (the warm-up is not kept). */
#define SAMPLES_MAX 101

/* Nanoseconds of CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID):
 * the time it ran, user and kernel, not the time it waited for a core, so
 * that other jobs on a shared machine do not count in its figures.  Aborts
 * the program if the clock cannot be read. */
uint64_t now_ns(void);

/* The ns/op of one workload over its repetitions. */
struct samples {
    size_t n;
    double v[SAMPLES_MAX];
};

/* Keep one repetition: elapsed ns over ops operations.  Beyond SAMPLES_MAX
 * the sample is dropped (the caller bounds the repetitions). */
void samples_add(struct samples *s, uint64_t elapsed_ns, size_t ops);

/* Median (the mean of the middle two when n is even), min and max.  All 0
 * when there are no samples.  Sorts s->v in place. */
void samples_summary(struct samples *s, double *median, double *min, double *max);

#endif /* TIDEMARK_BENCH_SAMPLES_H */
