/* SPDX-License-Identifier: MIT */
/*
 * arena_debug.h - looking inside an arena, for tools and tests: the
 * invariant check, the page queries, the observer of every allocation, free
 * and reset, and fault injection.  arena.h (the API) includes it, so code
 * that includes only arena.h keeps seeing all of it; a tool may include
 * <tidemark/arena_debug.h> alone.
 */
#ifndef TIDEMARK_ARENA_DEBUG_H
#define TIDEMARK_ARENA_DEBUG_H

#include <stddef.h>

#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What arena_check reports when an invariant is broken. */
enum {
    ARENA_BROKEN_COUNT = -20,      /* used_pages differs from the bitmap         */
    ARENA_BROKEN_WATERMARK = -21,  /* a page handed out at or above high_pages  */
    ARENA_BROKEN_FIRST_FREE = -22, /* a free page below first_free             */
    ARENA_BROKEN_PEAK = -23,       /* peak_pages below used_pages                */
    ARENA_BROKEN_HOOKS = -24       /* alloc_hooked or fast_free_npages out of
                                      step with fault injection and observer    */
};

/*
 * Check every invariant listed at struct arena.  Returns 0 when all hold,
 * else the ARENA_BROKEN_* code of the first that broke.  Changes nothing;
 * costs a pass over the bitmap, so it is for tests and debugging.
 */
int arena_check(const struct arena *a);

/*
 * Fault injection, for tests of what callers do when pages run out.
 * After arena_fail_after(a, k, sticky) with k >= 1, the k-th call to
 * arena_alloc_pages from now fails as if the arena were full; with sticky
 * nonzero every later call fails too, until arena_fail_after(a, 0, 0) turns
 * it off.  k == 0 turns injection off.  When off it costs one compare.
 */
void arena_fail_after(struct arena *a, size_t k, int sticky);

/* --- Looking at the pages ------------------------------------------------ */

/* Pages the arena hands out (usable pages, free or not). */
size_t arena_page_count(const struct arena *a);

/*
 * Index (0 = first usable page) of the page that holds p, or SIZE_MAX when p
 * is not inside one of the arena's pages.  arena_page_address is the
 * reverse: the address of page index, or NULL when index >= the page count.
 * Both change nothing.
 */
size_t arena_page_index(const struct arena *a, const void *p);
void *arena_page_address(const struct arena *a, size_t index);

/*
 * How many of the pages [first, first + n) are handed out now.  The range is
 * clipped to the arena's pages (pages past the last count as free), so any
 * first and n may be asked.  Changes nothing; costs a pass over the bitmap
 * words of the range.
 */
size_t arena_pages_used(const struct arena *a, size_t first, size_t n);

/* --- The observer --------------------------------------------------------- */

/* What the observer is told about. */
enum arena_event {
    ARENA_EVENT_ALLOC = 1, /* pages: the run handed out, npages its length */
    ARENA_EVENT_FREE = 2,  /* pages: the run given back, npages its length */
    ARENA_EVENT_RESET = 3  /* pages: NULL, npages: 0                       */
};

/* Called with the observer's ctx, an ARENA_EVENT_*, and the run. */
typedef void (*arena_observer_fn)(void *ctx, int event, const void *pages, size_t npages);

/*
 * Call fn(ctx, ...) after every successful arena_alloc_pages,
 * arena_free_pages and arena_reset, once the arena's figures already count
 * the change (so arena_get_stats inside fn sees them).  Refused or failed
 * calls are not reported.  fn == NULL turns it off (the default after
 * arena_init); a later call replaces the earlier observer.  fn must not
 * allocate, free or reset on the same arena.  When off it costs the
 * one-page paths nothing: the allocation tests one flag for fault injection
 * and the observer together, the free compares npages with a field instead
 * of 1.
 */
void arena_set_observer(struct arena *a, arena_observer_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* TIDEMARK_ARENA_DEBUG_H */
