/* SPDX-License-Identifier: MIT */
/*
 * swiss_testlib.h - shared helpers of the independent swiss test suite.
 *
 * The suite is written against swiss/swiss.h, arena/arena.h and Go 1.26's
 * rules for its map (internal/runtime/maps) as swiss.h states them: it
 * observes the map through swiss_get_stats, swiss_check, lookups, iteration
 * and the arena's own figures.  Only test_check.c includes
 * swiss_internal.h, because breaking the invariants by hand is its subject.
 * What this file offers:
 *
 *   - arenas of an exact page count over a heap region (the tests may use
 *     malloc; the map and the arena may not);
 *   - a scribbling observer: every run the arena takes back is overwritten
 *     at once, so a library that reads memory it has given back reads junk;
 *   - Go's NewMap sizing, written from Go's make(map, hint) rule, not from
 *     swiss_table.c;
 *   - hashes that put keys where a test needs them, or crowd them;
 *   - a small deterministic random generator and a mixer.
 */
#ifndef TIDEMARK_SWISS_TESTLIB_H
#define TIDEMARK_SWISS_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "swiss.h"
#include "test_support.h" /* tmix, load_u64, store_u64, trng */

/* Figures go to stderr, one line each, with this prefix. */
#define SLOG(...) (fprintf(stderr, "[swiss-tests] " __VA_ARGS__), fflush(stderr))

#define PAGE_4K ((size_t)4096)

/* --- arenas ------------------------------------------------------------- */

/* test_arena_new and the other arena helpers: test_support.h. */

/* Turn the scribbling observer on: every freed run is filled with
 * SCRIBBLE_BYTE right after the free.  sa_scribbled counts the runs. */
#define SCRIBBLE_BYTE 0x5Au
void sa_scribble(struct arena *a);
size_t sa_scribbled(void);

/* --- Go's sizing (NewMap), from the rule's text ---------------------------- */

/* For hint > 8: the directory's length (the next power of two of
 * ceil(hint * 8/7 / 1024)) and each table's capacity (hint * 8/7 / dir,
 * at least 8, rounded up to a power of two). */
size_t expect_dir_len(size_t hint);
size_t expect_table_cap(size_t hint);
/* 8 control bytes + 8 slots of key then value. */
size_t expect_group_size(size_t key_size, size_t val_size);
/* The most entries plus tombstones a table of capacity slots holds: 7/8. */
size_t expect_max_load(size_t capacity);

/* --- hashing -------------------------------------------------------------- */

/*
 * Hashes for keys of any size (they read up to 8 bytes, the rest only
 * through tmix of the bytes); all ignore the seed, which the contract
 * allows.
 *
 * id_hash:   the key's first 8 bytes, little-endian, as the hash: a test
 *            picks H2 (bits 0..6), the probe start (bits 7..) and the
 *            directory entry (the top bits) itself.  Keys of 8+ bytes.
 * crowd_hash: H1 takes 4 values and the top 4 bits one value of 3:
 *            every key probes from one of 4 groups (long probe sequences,
 *            tombstones), full H2 variety; keys in one table split badly.
 *            Keep fewer than 897 keys with it (see swiss_put).
 * top_hash:  mixed, but the top 6 bits take 2 values: the first splits
 *            send most keys to one half.
 * mix_hash:  a good hash of every byte (for custom-hash maps).
 */
uint64_t id_hash(const void *key, size_t len, uint64_t seed);
uint64_t crowd_hash(const void *key, size_t len, uint64_t seed);
uint64_t top_hash(const void *key, size_t len, uint64_t seed);
uint64_t mix_hash(const void *key, size_t len, uint64_t seed);
/* A key for id_hash that starts its probe at group g of a 16-slot table
 * (bit 7 and up), with H2 tag & 0x7f (bits 0..6) and tag + 1 from bit 16,
 * which keeps keys of one group apart. */
uint64_t gkey(unsigned g, unsigned tag);
/* Byte equality, as a custom callback. */
bool bytes_equal(const void *a, const void *b, size_t len);

/* --- map helpers -------------------------------------------------------- */

struct swiss_stats sstats(const struct swiss *m);
/* An 8/8 type with the given hash (NULL: built-in, the u64 calls apply). */
struct swiss_type type_u64(uint64_t (*hash)(const void *, size_t, uint64_t));
/* 8-byte keys and values through the generic calls. */
int put64(struct swiss *m, uint64_t k, uint64_t v);
bool get64(struct swiss *m, uint64_t k, uint64_t *v);
bool del64(struct swiss *m, uint64_t k);
/* Every u64 key in [from, to) present with value k * mul + add. */
void assert_range(struct swiss *m, uint64_t from, uint64_t to, uint64_t mul, uint64_t add);
/* Iterate the whole map of 8-byte keys: visits[k]++ for k < range, others
 * counted in the return of *stray; returns the entries visited and the
 * iterator's error in *err. */
size_t iter_count(struct swiss *m, unsigned *visits, uint64_t range, size_t *stray, int *err);

#endif /* TIDEMARK_SWISS_TESTLIB_H */
