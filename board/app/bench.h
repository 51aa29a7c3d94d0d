/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the target benchmark behind the console's `bench` command:
 * instructions per map operation and per page allocation, counted by an
 * instruction counter the caller supplies (minstret on the board).
 *
 * Workloads (numbered as the host benchmark's, bench/bench.c), for N =
 * 10,000 and 100,000, on a map of 8-byte keys and values made with a hint of
 * N, first on the bucket map (hmap) and then on the Swiss map (swiss):
 *   insert_hint  (2) hmap_put_u64 / swiss_put_u64 of N keys, value = ~key;
 *   lookup_hit   (3) hmap_get_u64 / swiss_get_u64 of all N keys, in a
 *                shuffled order;
 *   lookup_miss  (4) the same of N keys that are not in the map;
 *   delete       (5) hmap_delete_u64 / swiss_delete_u64 of all N keys, in the
 *                shuffled order;
 * and, once:
 *   page_pair    arena_alloc_pages(a, 1) then arena_free_pages(a, p, 1), in
 *                a half-full, fragmented arena: every page handed out, then
 *                every other one (the 2nd, 4th, ...) given back.
 * Each map's loops call its functions directly (hmap_get_u64 is inline, the
 * swiss calls are out of line: a caller's call is part of what they cost).
 *
 * Keys (bench/keys.h, the host benchmark's own): the present keys are draws
 * 0..N-1 of splitmix64 from KEYS_SEED, the absent ones draws N..2N-1
 * (splitmix64's outputs over a stream never repeat, so absent keys are never
 * present); the order of lookups and deletes is keys_shuffle's of the
 * present keys; the map's hash seed is BENCH_MAP_SEED.  The keys are made
 * before the measured loops: only the map's work is counted.
 *
 * Counting: the counter is read just before and after each measured loop.
 * The same loop with the call replaced by an empty asm statement taking the
 * same arguments (so the key loads, the loop test and the result
 * accumulation remain) is counted too, and its count subtracted: what is
 * left is the call, argument set-up included, and everything it does.  Both
 * counts include two reads of the counter, which cancel.  Under
 * `qemu-system-riscv64 -icount shift=0` minstret counts one per instruction
 * and the figures are the same on every run.
 *
 * Memory: everything happens in scratch arenas laid over the first
 * BENCH_REGION_BYTES of a region the caller gives the bench for itself, so
 * the figures do not depend on anything else, and no other arena is touched
 * (the console gives it a region apart from its own arena).
 */
#ifndef TIDEMARK_BENCH_H
#define TIDEMARK_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "out.h"

/* Bytes of the region the bench works in (it uses exactly these, whatever
 * the region's size, so that the figures do not depend on it).  N = 100,000
 * needs 1.6 MB of keys and about 2.6 MB of either map. */
#define BENCH_REGION_BYTES (8u * 1024u * 1024u)

/* alloc/free pairs measured for page_pair. */
#define BENCH_PAGE_PAIRS 1000u

/* Results of bench_run. */
enum {
    BENCH_OK = 0,
    BENCH_ERR_NOMEM = -1, /* the region is smaller than BENCH_REGION_BYTES    */
    BENCH_ERR_WRONG = -2  /* a workload gave a wrong answer (a bug)          */
};

struct bench_io {
    uint64_t (*instret)(void *ctx); /* the counter: required               */
    out_write_fn write;             /* output: required                    */
    void *ctx;                      /* passed to both                      */
};

/*
 * Run every workload and print one line per measurement, in this order and
 * format (x.y: instructions per operation, rounded to one decimal):
 *   bench n=10000 op=insert_hint instret_per_op=x.y
 *   bench n=10000 op=lookup_hit instret_per_op=x.y
 *   bench n=10000 op=lookup_miss instret_per_op=x.y
 *   bench n=10000 op=delete instret_per_op=x.y
 *   (the same four for n=100000)
 *   bench op=page_pair instret_per_op=x.y
 *   bench map=swiss n=10000 op=insert_hint instret_per_op=x.y
 *   bench map=swiss n=10000 op=lookup_hit instret_per_op=x.y
 *   bench map=swiss n=10000 op=lookup_miss instret_per_op=x.y
 *   bench map=swiss n=10000 groups_per_lookup hit=h.hh miss=m.mm
 *   bench map=swiss n=10000 op=delete instret_per_op=x.y
 *   (the same five for n=100000)
 * The bucket map's lines and the page pair's come first, as they were
 * before the Swiss map had lines of its own.  The groups line is not a
 * count of instructions: it is why the two lookups cost what they do, the
 * groups a lookup read on average (swiss_probe_groups, swiss_debug.h) over
 * the present keys (hit) and the absent ones (miss), to two decimals, each
 * group past the first being one more control word loaded and matched.
 *
 * Returns BENCH_OK after all nineteen lines.  BENCH_ERR_NOMEM when region
 * is NULL or smaller than BENCH_REGION_BYTES: then it printed one line
 *   ERR bench: needs a region of <BENCH_REGION_BYTES> bytes, this one has <size>
 * and touched nothing.  BENCH_ERR_WRONG when a workload returned a wrong
 * answer (a map that loses keys): the lines before it, then one
 * `ERR bench: ...` line saying which (with `map=swiss ` before the n= for
 * the Swiss map).  The region's bytes are overwritten.
 */
int bench_run(void *region, size_t size, const struct bench_io *io);

#endif /* TIDEMARK_BENCH_H */
