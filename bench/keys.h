/* SPDX-License-Identifier: MIT */
/*
 * keys.h - the benchmark's keys: splitmix64 streams from fixed seeds and the
 * shuffle, shared by the host benchmark (bench/bench.c, through keyset.h) and
 * the target benchmark (board/app/bench.c), so both measure the same keys.
 *
 * Plain C11 over memory the caller owns (no malloc): it builds for the host
 * and for the firmware.  bench/gomap/main.go builds the very same arrays
 * (same generator, same seeds, same order of draws, same shuffle), and the
 * host programs print a fingerprint of them (keyset.h) so the report can
 * refuse to compare runs whose inputs differ.  Change one side only together
 * with the other.
 */
#ifndef TIDEMARK_BENCH_KEYS_H
#define TIDEMARK_BENCH_KEYS_H

#include <stddef.h>
#include <stdint.h>

/* Fixed seeds: every run of every benchmark sees the same keys and the
 * same map hash. */
#define KEYS_SEED 0x7469646d61726b31ull      /* the key stream           */
#define SHUFFLE_SEED 0x73687566666c6532ull   /* the lookup/delete order  */
#define BENCH_MAP_SEED 0x62656e6368736565ull /* the benchmarks' map seed */

/* splitmix64 (Steele, Lea, Flood 2014): advance *state by the golden gamma
 * and return the mixed state.  The mix is a bijection and the states of
 * 2^64 consecutive steps are distinct, so so are the outputs: keys drawn
 * from one stream never repeat. */
uint64_t splitmix64(uint64_t *state);

/* The next n draws of the stream at *state, into out[0..n); *state moves
 * past them.  Start a stream with state = KEYS_SEED. */
void keys_draw(uint64_t *state, uint64_t *out, size_t n);

/* Shuffle a[0..n) in place, Fisher-Yates with a splitmix64 stream from
 * SHUFFLE_SEED: for i = n-1 down to 1, j = draw % (i + 1), swap a[i] and
 * a[j].  n = 0 or 1 leaves a as it is. */
void keys_shuffle(uint64_t *a, size_t n);

#endif /* TIDEMARK_BENCH_KEYS_H */
