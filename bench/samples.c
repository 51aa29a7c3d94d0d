/* SPDX-License-Identifier: MIT */
/*
 * samples.c - the thread's CPU-time clock and median/min/max (see samples.h).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime under -std=c11 */

#include "samples.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) {
        perror("clock_gettime");
        exit(2);
    }
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void samples_add(struct samples *s, uint64_t elapsed_ns, size_t ops)
{
    if (s->n < SAMPLES_MAX && ops > 0)
        s->v[s->n++] = (double)elapsed_ns / (double)ops;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void samples_summary(struct samples *s, double *median, double *min, double *max)
{
    if (s->n == 0) {
        *median = *min = *max = 0;
        return;
    }
    qsort(s->v, s->n, sizeof s->v[0], cmp_double);
    *min = s->v[0];
    *max = s->v[s->n - 1];
    size_t h = s->n / 2;
    *median = s->n % 2 ? s->v[h] : (s->v[h - 1] + s->v[h]) / 2;
}
