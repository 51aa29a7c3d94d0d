/* SPDX-License-Identifier: MIT */
/*
 * arena.h - a fixed region of memory handed out in whole pages, with a
 * watermark.
 *
 * The arena is given one region at init.  It keeps its bookkeeping (one bit a
 * page: 1 = handed out) at the start of that region, aligns the rest up to the
 * page size, and hands out contiguous runs of pages, lowest address first.  It
 * never calls malloc and never touches memory outside the region, so the same
 * source runs on a host (over a static buffer) and on bare metal (over a region
 * the linker script reserves).
 *
 * What it makes visible is the difference between three figures:
 *
 *   in_use     bytes of pages handed out right now;
 *   peak       the most in_use has ever been since init or the last reset;
 *   watermark  the end (from the first usable page) of the highest page ever
 *              handed out since init or the last reset.
 *
 * Freeing pages lowers in_use but never the watermark: a page once touched
 * stays counted until arena_reset.  That is the bare-metal picture of a
 * process footprint (Go's MemStats.Sys) that does not go down.
 *
 * Not thread-safe: one arena belongs to one thread of control.
 *
 * This is the API a caller reads first.  arena_debug.h (which this header
 * includes) holds what tools and tests use: arena_check, the page queries,
 * the observer and fault injection.  docs/design.md describes the design.
 */
#ifndef TIDEMARK_ARENA_H
#define TIDEMARK_ARENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The arena; its layout is at the end of this header, private. */
struct arena;

/* Error codes.  Every int-returning function returns 0 or one of these
 * (arena_check's ARENA_BROKEN_* codes: arena_debug.h). */
enum {
    ARENA_OK = 0,
    ARENA_ERR_ARG = -1,          /* a NULL arena or base                        */
    ARENA_ERR_PAGE_SIZE = -2,    /* page size not a power of two, or below 64  */
    ARENA_ERR_TOO_SMALL = -3,    /* region cannot hold bookkeeping + one page  */
    ARENA_ERR_NOT_IN_ARENA = -4, /* pointer outside the pages or not aligned   */
    ARENA_ERR_BAD_COUNT = -5,    /* npages == 0, or the run passes the end     */
    ARENA_ERR_NOT_ALLOCATED = -6 /* some page of the run is not handed out    */
};

/* Smallest page size arena_init accepts. */
#define ARENA_MIN_PAGE_SIZE 64u

/*
 * Build with -DARENA_POISON=1 to fill every freed page (and, at reset, every
 * page below the watermark: all handed out since the last reset) with
 * ARENA_POISON_BYTE, so a use after free reads garbage that is
 * easy to recognise instead of stale but plausible data.
 */
#ifndef ARENA_POISON
#define ARENA_POISON 0
#endif
#define ARENA_POISON_BYTE 0xA5u


/* Figures, all in bytes except the four counts at the end. */
struct arena_stats {
    size_t page_size;     /* bytes per page                                 */
    size_t capacity;      /* usable bytes: pages * page_size, bookkeeping excluded */
    size_t overhead;      /* bytes of the region not usable as pages
                             (alignment + bitmap + tail too small for a page) */
    size_t in_use;        /* bytes of pages handed out now                  */
    size_t peak_in_use;   /* most in_use since init or the last reset       */
    size_t watermark;     /* end of the highest page handed out since init
                             or the last reset, from the first usable page  */
    size_t allocs;        /* successful allocations (calls, not pages)      */
    size_t frees;         /* successful frees (calls, not pages)            */
    size_t failed_allocs; /* allocations refused (no room, npages == 0, or
                             an injected failure)                           */
    size_t resets;        /* arena_reset calls                              */
};

/*
 * Take [base, base + size) as the arena's region and make every page free.
 *
 * base need not be aligned: the bitmap goes at the first 8-byte boundary and
 * the pages start at the first page boundary after it.  The number of pages is
 * the largest that fits beside its own bitmap.
 *
 * Returns 0; ARENA_ERR_ARG if a or base is NULL; ARENA_ERR_PAGE_SIZE if
 * page_size is not a power of two or is below ARENA_MIN_PAGE_SIZE;
 * ARENA_ERR_TOO_SMALL if the region cannot hold the bitmap plus one page.
 * On failure *a is left unchanged and the region is not written.
 */
int arena_init(struct arena *a, void *base, size_t size, size_t page_size);

/*
 * Hand out npages contiguous pages: the lowest-addressed free run that is long
 * enough (first fit).  The pages' contents are whatever was there (not zeroed).
 *
 * Returns the first page's address, page-aligned.  Returns NULL when npages is
 * 0, when no free run is long enough, or when an injected failure fires; then
 * failed_allocs goes up by one and nothing else changes.
 */
void *arena_alloc_pages(struct arena *a, size_t npages);

/*
 * Give back npages pages starting at pages.  The unit is the page, not the
 * allocation: any run of pages that are all handed out may be freed, so an
 * allocation may be given back in pieces.  Freed pages are found by later
 * allocations; the watermark does not move.
 *
 * Returns 0; ARENA_ERR_NOT_IN_ARENA if pages is NULL, outside the arena's
 * pages or not page-aligned; ARENA_ERR_BAD_COUNT if npages is 0 or the run
 * passes the last page; ARENA_ERR_NOT_ALLOCATED if any page of the run is
 * free already (a double or partly double free).  On failure nothing changes.
 */
int arena_free_pages(struct arena *a, void *pages, size_t npages);

/*
 * Make every page free at once: in_use, peak_in_use and watermark go to 0 and
 * resets goes up by one; allocs, frees and failed_allocs keep counting.  Any
 * pointer into the arena is dangling afterwards.
 */
void arena_reset(struct arena *a);

/* Fill *out with the arena's figures.  Changes nothing. */
void arena_get_stats(const struct arena *a, struct arena_stats *out);

/* --- Sizes ------------------------------------------------------------- */

/* Bytes per page (as given to arena_init). */
size_t arena_page_size(const struct arena *a);

/* Pages needed to hold bytes bytes (rounded up). */
size_t arena_pages_for(const struct arena *a, size_t bytes);

/* Nonzero when p points into one of the arena's pages (free or not). */
int arena_contains(const struct arena *a, const void *p);

/* --- Fragmentation ------------------------------------------------------- */

/*
 * Fragmentation, in bytes except free_runs:
 *   free                  free pages in the whole arena;
 *   largest_free          the longest run of contiguous free pages (the
 *                         largest single allocation that could succeed now);
 *   free_runs             maximal runs of free pages (the part above the
 *                         watermark, never touched, is one of them when the
 *                         watermark is below the last page);
 *   free_below_watermark  free pages below the watermark: touched since the
 *                         last reset, reusable, but still counted by it.
 * free - free_below_watermark is the never-touched part above the watermark.
 */
struct arena_frag {
    size_t free;
    size_t largest_free;
    size_t free_runs;
    size_t free_below_watermark;
};

/* Fill *out with the fragmentation figures.  Changes nothing; costs a pass
 * over the bitmap. */
void arena_get_frag(const struct arena *a, struct arena_frag *out);

/* Text for an ARENA_* code ("page size ..."), or "unknown error". */
const char *arena_strerror(int code);

/* --- private layout ----------------------------------------------------------
 * Complete here only so that a caller can own an arena statically (no
 * allocation, no size query).  Every field is private: read the figures
 * through arena_get_stats.  A zeroed struct arena is not an arena: call
 * arena_init.
 *
 *
 * Invariants (checked by arena_check):
 *   - map[] has one bit per page, bit i set <=> page i is handed out;
 *   - used_pages == number of set bits;
 *   - no bit at or above high_pages is set, and high_pages is the end of the
 *     highest page handed out since init or reset (the watermark, in pages);
 *   - every page below first_free is handed out (a hint for first fit);
 *   - alloc_hooked is nonzero exactly while fault injection or the observer
 *     is on, and fast_free_npages is 0 while the observer is on, else 1: the
 *     one test each fast path makes stands for both settings.
 */
struct arena {
    uint64_t *map;       /* allocation bitmap, inside the region          */
    uint8_t *pages;      /* first usable page, page-aligned               */
    size_t npages;       /* usable pages                                  */
    size_t region_size;  /* bytes given to arena_init                     */
    size_t page_size;    /* bytes, a power of two >= 64                   */
    unsigned page_shift; /* log2(page_size)                               */

    size_t first_free; /* no free page below this index                 */
    size_t used_pages; /* pages handed out now                          */
    size_t peak_pages; /* max used_pages since init/reset               */
    size_t high_pages; /* watermark, in pages                           */

    size_t allocs;        /* successful arena_alloc_pages calls            */
    size_t frees;         /* successful arena_free_pages calls             */
    size_t failed_allocs; /* arena_alloc_pages calls that returned NULL    */
    size_t resets;        /* arena_reset calls                             */

    /* Fault injection for tests (see arena_fail_after); 0 = off. */
    size_t fail_countdown;
    int fail_sticky;

    /* The observer (arena_set_observer); NULL = off. */
    void (*observer)(void *ctx, int event, const void *pages, size_t npages);
    void *observer_ctx;
    /* Nonzero while fault injection or the observer is on: the one test an
     * allocation makes before its common path. */
    uint8_t alloc_hooked;
    /* The npages the one-page free path takes: 1, or 0 while the observer
     * is on (then every free takes the run path, which tells it). */
    size_t fast_free_npages;
};

#ifdef __cplusplus
}
#endif

#include "arena_debug.h" /* arena_check, page queries, observer, fault injection */

#endif /* TIDEMARK_ARENA_H */
