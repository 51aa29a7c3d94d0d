/* SPDX-License-Identifier: MIT */
/*
 * hmap_debug.h - looking inside a map, for tools and tests: hmap_check and
 * its HMAP_BROKEN_* codes, the sizing figures (how many entries bytes of
 * arena hold), the map's last request to the arena and whether a write is
 * under way, Go's overflow estimate, and the map's runs and slots for
 * drawing it over its arena.
 * hmap.h (the API) includes it, so code that includes only hmap.h keeps
 * seeing all of it; a tool may include <tidemark/hmap_debug.h> alone.
 * Everything here reads the map and changes nothing.
 */
#ifndef TIDEMARK_HMAP_DEBUG_H
#define TIDEMARK_HMAP_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What hmap_check reports when an invariant is broken. */
enum {
    HMAP_BROKEN_COUNT = -20,      /* live slots differ from len              */
    HMAP_BROKEN_TOPHASH = -21,    /* a live slot's tophash differs from its
                                     key's hash                               */
    HMAP_BROKEN_PLACEMENT = -22,  /* a key sits in a bucket its hash does not
                                     select                                   */
    HMAP_BROKEN_EMPTY_REST = -23, /* a slot after an emptyRest is not one, or
                                     a bucket's last slot with nothing live
                                     after it is not emptyRest                */
    HMAP_BROKEN_DUPLICATE = -24,  /* a key is stored twice                    */
    HMAP_BROKEN_EVACUATED = -25,  /* evacuation marks disagree with nevacuate,
                                     or an evacuated mark outside growth      */
    HMAP_BROKEN_OVERFLOW = -26,   /* overflow count or chain is inconsistent  */
    HMAP_BROKEN_PAGES = -27,      /* pages held disagree with the tables      */
    HMAP_BROKEN_CACHE = -28       /* a cached figure the fast paths read (the
                                     fast flags, grow_at, a table's mask or
                                     limits, the hash key) disagrees with the
                                     state it summarises, or a table's
                                     overflow limit or the random state
                                     is one Go's estimate cannot reach        */
};

/*
 * Check every invariant: count, tophash of each live slot, each key in the
 * bucket its hash selects (old or new table), nothing but emptyRest after
 * an emptyRest, emptyRest in every bucket's last slot that nothing live
 * follows, no key twice, evacuation marks, overflow counts, pages held,
 * and the cached state the fast paths read.
 * Returns 0 or the HMAP_BROKEN_* code of the first that broke.  Changes
 * nothing; costs a pass over every slot and a hash per key, so it is for
 * tests and debugging.
 */
int hmap_check(const struct hmap *m);

/* --- Sizing ------------------------------------------------------------------ */

/*
 * The most entries m could ever hold in `bytes` bytes of arena: every byte a
 * bucket and every bucket full (8 entries).  A bound, not a promise: no
 * insert sequence that needs more can succeed, but page rounding, overflow
 * chains and the transient of a growth (old and new arrays at once) stop a
 * real fill well below it.  0 when m is NULL.  Changes nothing.
 */
size_t hmap_entries_upper_bound(const struct hmap *m, size_t bytes);

/*
 * How many entries a map like m (its key and value sizes and its hint)
 * reaches when it is filled from empty with new keys, in `bytes` bytes of
 * free arena (one region handed out lowest address first, as arena.h does,
 * with nothing else on it): the largest load a table reaches, Go's 6.5
 * entries a bucket at the largest 2^B whose whole growth fits, counting
 * whole pages, each bucket array with its preallocated overflow, the growth
 * transient (the new array taken while the old table is held, and placed
 * beyond the arrays before it), a same-size growth where Go's overflow rule
 * can start one, and the overflow chunks of the last growth's two tables.
 * Assumes the keys hash evenly (the built-in hash over distinct keys);
 * inserting this many then fits, and one more may need a growth that does
 * not.  0 when m is NULL or not even its first array fits.  Changes nothing.
 */
size_t hmap_entries_fit(const struct hmap *m, size_t bytes);

/*
 * Go's noverflow for m's current table: the overflow count its same-size
 * rule compares with 2^min(B, 15) (docs/design.md).  Every overflow bucket
 * linked into the current table's chains while its B is below 16; from
 * B = 16 on, about one in 2^(B-15) of them, drawn from the map's own random
 * source, so never more than the exact count.  hmap_get_stats' overflow is
 * the exact count (both tables while growing).  0 when m is NULL or has no
 * array.  Changes nothing.
 */
size_t hmap_overflow_estimate(const struct hmap *m);

/* --- Inside a write ----------------------------------------------------------- */

/*
 * The pages of the map's last request to the arena (a bucket array or an
 * overflow chunk), whether the arena granted it or not: after an
 * HMAP_ERR_NOMEM, what the map needed and did not get (SIZE_MAX: a table
 * too large to count in pages).  0 before the map's first request, or
 * when m is NULL.  hmap_last_request_kind says what the run was for:
 * HMAP_RUN_ARRAY or HMAP_RUN_OVERFLOW, 0 with no request yet.  Reset,
 * clear and compact keep them (a failed compact's request is its own).
 */
size_t hmap_last_request_pages(const struct hmap *m);
int hmap_last_request_kind(const struct hmap *m);

/*
 * True while a write to m (put, delete, clear, reset, compact) is in
 * progress: what an arena observer or a hash callback sees from inside one.
 * Every arena allocation made then is the map's own, and, as hmap_get_stats
 * says, not yet in its bytes.  False for NULL.  Changes nothing.
 */
bool hmap_in_write(const struct hmap *m);

/* --- Looking inside: the map's pages and slots (hmap_view.c) ----------------
 * For tools that draw the map over its arena.  They read only. */

/* What an arena run of the map holds. */
enum hmap_run_kind {
    HMAP_RUN_ARRAY = 1,     /* the current bucket array, with its
                               preallocated overflow buckets             */
    HMAP_RUN_OLD_ARRAY = 2, /* the old bucket array, while a growth is
                               under way                                 */
    HMAP_RUN_OVERFLOW = 3   /* an overflow chunk (of either array)        */
};

/* Called once per run: its first page, its length in pages, its kind. */
typedef void (*hmap_run_fn)(void *ctx, const void *pages, size_t npages, int kind);

/*
 * Call fn(ctx, ...) once for every arena run the map holds: the current
 * array, then the old array (while growing), then the overflow chunks of
 * the current and of the old array.  The runs' pages add up to the map's
 * bytes (hmap_get_stats).  Returns the number of runs (0 for an empty map
 * with no array, or when m or fn is NULL).  fn must not write to the map.
 */
size_t hmap_for_each_run(const struct hmap *m, hmap_run_fn fn, void *ctx);

/* Slots by state. */
struct hmap_slot_counts {
    size_t live;      /* holding an entry                                 */
    size_t empty;     /* empty (Go's emptyOne or emptyRest)               */
    size_t evacuated; /* moved to the new array (old array, while growing) */
};

/*
 * Count the slots of every bucket the map uses: the regular buckets of the
 * current and the old array and the overflow buckets linked into their
 * chains (spare overflow buckets not linked anywhere are not counted).
 * live equals hmap_len; live + empty + evacuated is 8 times the buckets
 * counted.  All zero for NULL or a map with no array.
 */
void hmap_slot_totals(const struct hmap *m, struct hmap_slot_counts *out);

/* Bytes of payload one entry stores: key_size + val_size (0 for NULL). */
size_t hmap_entry_size(const struct hmap *m);

/* Pages of the current bucket array's run (0 when there is none), and its
 * first page (NULL when there is none). */
size_t hmap_array_pages(const struct hmap *m);
const void *hmap_array_start(const struct hmap *m);

/*
 * Count the slots of the buckets that start in page `page` (0 = the
 * array's first) of the current array's run: regular buckets and the
 * preallocated overflow buckets stored there, linked into a chain or
 * spare (a spare bucket's slots are empty).  Returns the number of buckets
 * counted; 0, with *out all zero, when page is past the run.
 */
size_t hmap_array_page_slots(const struct hmap *m, size_t page, struct hmap_slot_counts *out);

#ifdef __cplusplus
}
#endif

#endif /* TIDEMARK_HMAP_DEBUG_H */
