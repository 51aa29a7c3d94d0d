/* SPDX-License-Identifier: MIT */
/*
 * hmap.h - Go's bucket hash map (Go 1.14-1.23, runtime/map.go) in C, every
 * byte it uses taken from a page arena (arena.h).  This is the API: make a
 * map, put, get, delete, clear, reset, compact, iterate, read its figures.
 * docs/design.md describes how it works, which Go rules it follows and
 * where it differs; hmap_debug.h (which this header includes) holds what
 * tools and tests use to look inside: hmap_check, the sizing figures, the
 * map's runs and slots.
 *
 * Every function's contract is here: what it returns on failure and what it
 * leaves unchanged.  Deletes free slots, never pages: only hmap_reset (Go's
 * `m = nil` plus a GC) and hmap_compact give pages back.  Keys and values
 * are copied in, up to HMAP_MAX_KEY / HMAP_MAX_VAL bytes each.  Not
 * thread-safe; a write re-entered from a hash or equal callback, or an
 * iteration over a map written since it began, is refused or ended with an
 * error instead of corrupting the map (Go's hashWriting).
 */
#ifndef TIDEMARK_HMAP_H
#define TIDEMARK_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The map and an iteration over it; their layout is at the end of this
 * header, private. */
struct hmap;
struct hmap_iter;

/* Error codes.  Every int-returning function returns 0 or one of these
 * (hmap_check's HMAP_BROKEN_* codes: hmap_debug.h). */
enum {
    HMAP_OK = 0,
    HMAP_ERR_ARG = -1,      /* NULL map, type, arena, key or value          */
    HMAP_ERR_SIZE = -2,     /* key_size 0 or > HMAP_MAX_KEY, or val_size >
                               HMAP_MAX_VAL, or a hint too large to size     */
    HMAP_ERR_NOMEM = -3,    /* the arena had no pages for the operation      */
    HMAP_ERR_BUSY = -4,     /* a write re-entered a write (from a hash or
                               equal callback): refused, nothing changed     */
    HMAP_ERR_CHANGED = -5,  /* iterator: the map was written since it began  */
    HMAP_ERR_NOT_FOUND = -6 /* hmap_remove: the key is not in the map      */
};

/* Go's constants. */
#define HMAP_BUCKET_SLOTS 8 /* bucketCnt                               */
#define HMAP_LOAD_NUM 13    /* loadFactor = 13/2 = 6.5 entries/bucket  */
#define HMAP_LOAD_DEN 2
#define HMAP_MAX_KEY 128 /* larger keys are an init error (Go would */
#define HMAP_MAX_VAL 128 /* store them indirectly)                  */

/*
 * Growth's pace, beyond Go (docs/design.md says why).  During a growth
 * every insert, and every delete
 * from a map that is not empty, moves the old bucket its key hashes to, if
 * not yet moved, and then, in order, the lowest old buckets not yet moved:
 * one, as Go's growWork, while the old array has fewer than
 * 2^HMAP_GROW_WORK_FROM_B buckets, else HMAP_GROW_WORK.  So such a write
 * moves at most 1 + HMAP_GROW_WORK old buckets (and their overflow
 * buckets), and a growth from 2^b >= 2^HMAP_GROW_WORK_FROM_B buckets is
 * over within 2^b / HMAP_GROW_WORK of them, unless an evacuation runs out
 * of pages (a write stops its grow work at the first bucket it cannot
 * move).  A big map's growth thus ends sooner and fewer writes pay for a
 * visit to an old bucket at a random place; a small map grows at Go's
 * pace, as the console's views show it.
 */
#define HMAP_GROW_WORK_FROM_B 10
#define HMAP_GROW_WORK 8

/*
 * How keys are hashed and compared.  key_size and val_size are fixed per map.
 * hash == NULL: the built-in seeded 64-bit hash over key_size bytes.
 * equal == NULL: byte comparison over key_size bytes.
 * A custom pair must agree: equal keys hash equally under every seed.
 */
struct hmap_type {
    size_t key_size, val_size;
    uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
    bool (*equal)(const void *a, const void *b, size_t len);
};

/* What hmap_get_stats reports.  bytes is the figure the Go experiment is
 * about: arena bytes the map holds, in whole pages. */
struct hmap_stats {
    size_t len;      /* live entries                                   */
    unsigned B;      /* log2 of the bucket count (of the array the next
                        put allocates, when there is none yet)         */
    size_t buckets;  /* regular buckets allocated (0 before the first
                        allocation and after hmap_reset)               */
    size_t overflow; /* overflow buckets in chains, old table included */
    size_t bytes;    /* arena bytes held: whole pages, both tables     */
    bool growing;    /* an evacuation is under way                     */

    size_t bucket_size;     /* bytes per bucket                               */
    size_t old_buckets;     /* regular buckets of the old table while growing */
    size_t nevacuate;       /* old buckets evacuated so far                   */
    size_t spare_overflow;  /* preallocated or chunked overflow buckets not yet
                             used (current table)                           */
    size_t grows;           /* doublings started                              */
    size_t same_size_grows; /* same-size growths started                    */
    size_t shrinks;         /* hmap_compact / auto-shrink rebuilds done       */
    size_t misuse;          /* re-entrant writes refused                      */
    size_t hint;            /* the hint hmap_init was given (kept by clear,
                             reset and compact, as Go's map keeps its B)   */
};

/*
 * Make *m an empty map of type *t over arena a, sized for hint entries: B is
 * the smallest with hint <= 8 or hint <= 6.5 * 2^B.  With B >= 1 the bucket
 * array (plus 2^(B-4) preallocated overflow buckets when B >= 4, plus whatever
 * fits in the slack of the last page) is allocated now, as Go's make does;
 * with B = 0 the one bucket is allocated at the first insert.
 *
 * Returns 0; HMAP_ERR_ARG if m, t or a is NULL; HMAP_ERR_SIZE for a key_size
 * of 0 or over 128, a val_size over 128 (0 is allowed: a set), or a hint whose
 * table would not fit in a size_t; HMAP_ERR_NOMEM if the arena cannot hold the
 * array.  On failure *m is not a map and the arena holds the same pages (an
 * allocation it refused still counts in its failed_allocs); after
 * HMAP_ERR_NOMEM, hmap_last_request_pages(m) and hmap_last_request_kind(m)
 * (and nothing else) may still be called on it, and say what it asked for.  *t is copied,
 * so it need not outlive the call.
 */
int hmap_init(struct hmap *m, const struct hmap_type *t, struct arena *a,
              size_t hint, uint64_t seed);

/*
 * Insert key with val, or overwrite the value of an existing key.
 *
 * Returns 0; HMAP_ERR_ARG if m, key or val is NULL (val may be NULL when
 * val_size is 0); HMAP_ERR_NOMEM if a page it needed (a new array, an
 * overflow chunk) could not be had: then every entry is as it was and the map
 * holds no more pages than before; HMAP_ERR_BUSY if called from inside a
 * write on the same map (nothing changes).  key and val may point into this
 * map (an iterator's key, hmap_get's value): the put copies them before it
 * can move them or give their pages back.
 */
int hmap_put(struct hmap *m, const void *key, const void *val);

/*
 * The stored value for key, or NULL when key is absent (or m is mid-write:
 * a re-entrant read, counted as misuse).  The pointer stays valid until the
 * next write to the map (put, delete, clear, reset, compact), which may move
 * or empty the slot; writing through it changes the stored value.
 */
void *hmap_get(struct hmap *m, const void *key);

/*
 * Delete key.  Returns true when the key was there.  Frees nothing of its
 * own: the slot is marked empty and stays allocated.  Like every write to a
 * map with entries it does a step of any growth under way (present key or
 * not), and the step that ends a growth gives the old array back; a delete
 * from an empty map does nothing (as Go's), so a map emptied mid-growth
 * keeps both arrays until the next put, clear, reset or compact.  With
 * auto-shrink on, a delete may compact the map.  key may point into this
 * map (an iterator's key): it is copied first.  Never fails for lack of pages:
 * if the growth step it would do cannot get a page, it deletes in place.
 * Returns false, changing nothing, when called from inside a write.
 */
bool hmap_delete(struct hmap *m, const void *key);

/*
 * hmap_delete with an error code, which tells apart what its false folds
 * together: 0 when key was there and is deleted; HMAP_ERR_NOT_FOUND when it
 * was not (the call is still a write: any growth step is done);
 * HMAP_ERR_BUSY, changing nothing, when called from inside a write (counted
 * as misuse, as hmap_delete's refusal is); HMAP_ERR_ARG for a NULL m or
 * key.
 */
int hmap_remove(struct hmap *m, const void *key);

/* Live entries. */
size_t hmap_len(const struct hmap *m);

/*
 * Empty the map as Go 1.21's clear(m): every slot empty, any growth abandoned
 * (the old array's pages go back), the current bucket array and its
 * preallocated overflow kept; overflow chunks beyond those go back to the
 * arena.  B is unchanged.  Reseeds the hash.  Does nothing if called from
 * inside a write.
 */
void hmap_clear(struct hmap *m);

/*
 * Give every page back to the arena and leave the map empty and ready for
 * reuse, as if just initialised with the same type, hint and arena, except
 * that the bucket array is allocated again only at the next put, and that
 * the auto-shrink setting and hmap_stats' counters (grows, same_size_grows,
 * shrinks, misuse) carry over.  Reseeds.  Does nothing if called from
 * inside a write.
 */
void hmap_reset(struct hmap *m);

/*
 * Rebuild the map at the smallest B that holds its entries (never below the
 * B of the init hint), finishing any growth, and give the rest back.  Builds
 * the new table beside the old one, so it needs room for both.
 *
 * Returns 0 (also when already that small: then nothing changes);
 * HMAP_ERR_NOMEM if the new table does not fit: the map is unchanged;
 * HMAP_ERR_BUSY from inside a write.  An empty map is reset instead.
 */
int hmap_compact(struct hmap *m);

/*
 * Opt in (on = true) to shrinking by itself: after a delete, when the entries
 * would fit in a table at least four times smaller, the B is above the init
 * hint's, and there were at least 2N inserts and deletes since the table last
 * changed size or the policy was turned on (N: the most entries it held
 * since), the map compacts.  So N deletes followed by N inserts never
 * shrink.  Off by default, as Go.  A shrink that cannot get pages is
 * skipped; the delete still succeeds.  While it is on, the 8-byte puts and
 * deletes take the general path (they keep the policy's counts).
 */
void hmap_set_auto_shrink(struct hmap *m, bool on);

/* Fill *out with the map's figures.  Changes nothing.  bytes counts a run
 * from when the arena's allocation returns it to the map (an arena observer,
 * called inside that allocation, does not see it in bytes yet) until just
 * before the map gives it back (an observer of the free no longer sees it),
 * so bytes never exceeds the pages the arena has handed out to the map. */
void hmap_get_stats(const struct hmap *m, struct hmap_stats *out);

/*
 * Begin an iteration over m.  Each live entry is visited exactly once, in an
 * order chosen by the map's seed (as in Go, do not rely on it), also while a
 * growth is under way.  Writing to m during the iteration ends it: the next
 * hmap_iter_next returns false and hmap_iter_error gives HMAP_ERR_CHANGED.
 */
void hmap_iter_init(struct hmap_iter *it, struct hmap *m);

/*
 * Step to the next entry: true with *key and *val pointing at it (valid until
 * the next write), or false when the iteration is over or was ended by a
 * write.  key or val may be NULL when not wanted.
 */
bool hmap_iter_next(struct hmap_iter *it, const void **key, void **val);

/* 0, or HMAP_ERR_CHANGED if the iteration was ended by a write. */
int hmap_iter_error(const struct hmap_iter *it);

/*
 * Fast paths for 8-byte keys and values (Go's mapassign_fast64 and friends).
 * Same contracts as hmap_put / hmap_get / hmap_delete.  Only for a map whose
 * key_size and val_size are both 8 and which uses the built-in hash and
 * equality; on any other map they return HMAP_ERR_SIZE / false.
 * hmap_get_u64 copies the value to *val (when val is not NULL).  It is
 * defined inline (hmap_probe.h), so that a caller's compiler may fold the
 * lookup into the caller; the library exports it too, for callers that do
 * not inline it or take its address.
 *
 * HMAP_INLINE is C99's `inline`, and nothing under GNU89 inline rules (gcc
 * -std=gnu89 or -fgnu89-inline, where an inline definition in a header would
 * put a copy in every file): there a file gets only this declaration, and
 * its calls go to the library's copy.
 */
#if defined(__GNUC_GNU_INLINE__) && !defined(__cplusplus)
#define HMAP_INLINE
#else
#define HMAP_INLINE inline
#endif
int hmap_put_u64(struct hmap *m, uint64_t key, uint64_t val);
HMAP_INLINE bool hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val);
bool hmap_delete_u64(struct hmap *m, uint64_t key);
/* hmap_remove for the 8-byte maps: as hmap_delete_u64, with hmap_remove's
 * codes, and HMAP_ERR_SIZE on a map the 8-byte calls do not serve. */
int hmap_remove_u64(struct hmap *m, uint64_t key);

/* The built-in hash: seeded, 64-bit, over len bytes. */
uint64_t hmap_hash_bytes(const void *key, size_t len, uint64_t seed);

/* Text for an HMAP_* code ("out of memory", ...); "unknown" otherwise. */
const char *hmap_strerror(int code);

/* --- private layout ----------------------------------------------------------
 * Complete here only so that a caller can own a map or an iterator
 * statically (no allocation, no size query).  Every field is private: read a
 * map through the functions above.  A zeroed struct hmap is not a map: call
 * hmap_init.
 */

/* One bucket array and the overflow memory allocated for it.  While a map
 * grows it has two: the new (cur) and the old. */
struct hmap_table {
    uint8_t *buckets;   /* 2^B buckets, then preallocated overflow ones   */
    size_t array_pages; /* pages of that one arena run                    */
    uint8_t *chunks;    /* overflow chunks from the arena, linked through
                           their first word                              */
    size_t chunk_pages; /* pages in all of those chunks                   */
    uint8_t *free_ovf;  /* unused overflow buckets, linked through their
                           overflow field                                */
    size_t nfree_ovf;   /* how many are on that list                      */
    size_t noverflow;   /* overflow buckets linked into chains: exact     */
    unsigned B;         /* log2 of the bucket count                       */
    /* Cached from B when buckets is set (else 0), for the hot paths: */
    size_t mask;         /* 2^B - 1: a hash's bucket index                 */
    size_t load_max;     /* most entries without overloading (Go's
                            overLoadFactor): a new key at count >= this
                            grows the map                                  */
    size_t overflow_max; /* noverflow at which Go's tooManyOverflowBuckets
                            says grow at the same size: 2^min(B,15), plus
                            every overflow bucket Go's estimate has left
                            uncounted (B >= 16, docs/design.md)            */
};

struct hmap {
    struct arena *arena;
    uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
    bool (*equal)(const void *a, const void *b, size_t len);
    size_t key_size, val_size;
    bool fast64; /* 8-byte keys and values, built-in hash and equal */
    /* The fast paths' cached state, recomputed at the end of every write
     * and checked by hmap_check.  The flags are 0 or 1 in a uint8_t rather
     * than a bool, which lets GCC return a flag that tested true without
     * first turning it into a canonical `true`. */
    uint8_t fast_ready; /* fast64, no write in progress, an array and no
                           growth: the one byte hmap_get_u64 tests        */
    uint8_t fast_write; /* fast_ready and no shrink policy: the one byte
                           the 8-byte put and delete test                 */
    size_t grow_at;     /* a new key inserted at this count starts a
                           growth: cur.load_max, or 0 when the overflow
                           count already asks for a same-size one         */
    uint64_t hash_key;  /* the hash seed, premixed for the built-in hash  */
    uint64_t hash_mul;  /* and its multiplier                             */
    size_t bucket_size; /* 8 + 8*key_size + 8*val_size + pointer size     */
    uint64_t seed;      /* current hash seed (reseeded when len hits 0)   */
    size_t count;       /* live entries                                   */

    struct hmap_table cur; /* the table inserts go to                      */
    struct hmap_table old; /* the table being evacuated; buckets NULL when
                              not growing                                  */
    size_t nevacuate;      /* old buckets below this are all evacuated       */
    bool same_size;        /* the growth under way keeps B                   */

    unsigned hint_B; /* B the init hint asked for: a floor for shrinks */
    /* The shrink policy a delete runs while auto-shrink is on, else NULL
     * (hmap_set_auto_shrink).  A pointer, not a flag, so that only turning
     * auto-shrink on reaches the rebuild: a firmware that never does, linked
     * with --gc-sections, carries none of it.                              */
    void (*shrink)(struct hmap *m);
    bool writing;             /* a write is in progress (Go's hashWriting)      */
    size_t ops_since_resize;  /* inserts of new keys + deletes since the
                                 table last changed size or auto-shrink was
                                 turned on (the 8-byte fast paths, which run
                                 only while it is off, do not count)        */
    size_t peak_since_resize; /* largest len since then                     */

    size_t hint; /* the init hint, as given                        */
    /* The last run asked of the arena: its pages for a bucket array, the
     * pages negated (0 - pages) for an overflow chunk: one word, so that a
     * request costs one store on the paths a minimal firmware links
     * (hmap_stats.c tells the two apart).                                 */
    size_t last_request;
    /* The table hmap_compact is building, while it does (else NULL): its
     * pages are the map's already.                                        */
    const struct hmap_table *building;
    size_t writes;                          /* bumped by every write; iterators compare it    */
    size_t grows, same_size_grows, shrinks; /* counts, for stats            */
    size_t misuse;                          /* writes refused or reads failed as re-entrant   */
    /* The random source of Go's overflow estimate (docs/design.md):
     * xorshift state, set from the seed, never 0.                         */
    uint64_t ovf_rand;
};

/* An iteration in progress; start it with hmap_iter_init. */
struct hmap_iter {
    struct hmap *m;
    size_t writes;   /* m->writes when the iteration began             */
    size_t start;    /* first bucket visited (seeded, like Go's)       */
    size_t visited;  /* buckets of the current array finished          */
    uint8_t *b;      /* bucket in the chain now being read             */
    unsigned slot;   /* next slot of b to look at (0..8)               */
    unsigned offset; /* slot rotation, like Go's                       */
    bool from_old;   /* b belongs to the old table                     */
    bool done;
    int err; /* HMAP_ERR_CHANGED once the map was written      */
};

#ifdef __cplusplus
}
#endif

#include "hmap_debug.h" /* hmap_check, sizing figures, runs and slots */
#include "hmap_probe.h" /* hmap_get_u64's inline definition */

#endif /* TIDEMARK_HMAP_H */
