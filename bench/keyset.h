/* SPDX-License-Identifier: MIT */
/*
 * keyset.h - the host benchmark's inputs: one N's key arrays, allocated and
 * drawn from keys.h's streams, and their fingerprint.  Host only (malloc).
 */
#ifndef TIDEMARK_BENCH_KEYSET_H
#define TIDEMARK_BENCH_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

/*
 * One N's inputs, all drawn from one splitmix64 stream starting at KEYS_SEED:
 * present = draws 0..N-1, absent = draws N..2N-1, fresh = draws 2N..3N-1.
 * The 3N keys are distinct (see splitmix64), so absent keys are never in the
 * map and fresh keys are new to it.  shuffled is present in keys_shuffle's
 * order.  Precomputed so that the timed loops read their keys sequentially
 * and measure the map, not a gather.
 */
struct keyset {
    size_t n;
    uint64_t *present;  /* inserted by workloads 1, 2, 6                  */
    uint64_t *absent;   /* looked up by workload 4                        */
    uint64_t *fresh;    /* inserted by the churn, one per deleted key     */
    uint64_t *shuffled; /* present, shuffled: workloads 3 and 5           */
};

/* Fill *ks for n keys (n >= 1).  Returns 0, or -1 when out of memory (then
 * *ks holds nothing to free). */
int keys_make(struct keyset *ks, size_t n);

/* Free what keys_make allocated. */
void keys_free(struct keyset *ks);

/* A 64-bit digest of all four arrays, in order: equal digests mean both
 * programs measured the same inputs. */
uint64_t keys_fingerprint(const struct keyset *ks);

/* The value stored with key k by every workload; lookups check it. */
static inline uint64_t value_of(uint64_t k)
{
    return ~k;
}

#endif /* TIDEMARK_BENCH_KEYSET_H */
