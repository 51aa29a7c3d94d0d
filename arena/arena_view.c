/* SPDX-License-Identifier: MIT */
/*
 * arena_view.c - the arena read, never written: its invariants
 * (arena_check), which pages are handed out (page count, index, address,
 * pages used in a range), its fragmentation beside the watermark
 * (arena_get_frag), and the error texts.  None of it is on an allocation
 * path, so the bitmap scans here are the out-of-line copies.
 */
#include "arena_internal.h"

/* Out-of-line copies for arena_check, which need not be fast. */
static __attribute__((noinline)) size_t next_free_call(const struct arena *a,
                                                       size_t i)
{
    return next_free(a, i);
}

static __attribute__((noinline)) size_t next_used_call(const struct arena *a,
                                                       size_t i, size_t limit)
{
    return next_used(a, i, limit);
}

static unsigned popcount64(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

int arena_check(const struct arena *a)
{
    size_t nw = words_for(a->npages);
    size_t used = 0;
    for (size_t w = 0; w < nw; w++) {
        uint64_t bits = a->map[w];
        if (w == nw - 1 && a->npages % WORD_BITS != 0)
            bits &= bit_mask(0, (unsigned)(a->npages % WORD_BITS));
        used += popcount64(bits);
    }
    if (used != a->used_pages)
        return ARENA_BROKEN_COUNT;
    if (a->high_pages < a->npages &&
        next_used_call(a, a->high_pages, a->npages) != a->npages)
        return ARENA_BROKEN_WATERMARK;
    if (a->first_free > 0 && next_free_call(a, 0) < a->first_free)
        return ARENA_BROKEN_FIRST_FREE;
    if (a->peak_pages < a->used_pages)
        return ARENA_BROKEN_PEAK;
    if ((a->alloc_hooked != 0) != (a->fail_countdown != 0 || a->observer != NULL) ||
        a->fast_free_npages != (a->observer != NULL ? 0u : 1u))
        return ARENA_BROKEN_HOOKS;
    return 0;
}

size_t arena_page_count(const struct arena *a)
{
    return a->npages;
}

size_t arena_page_index(const struct arena *a, const void *p)
{
    if (!arena_contains(a, p))
        return SIZE_MAX;
    return (size_t)(((uintptr_t)p - (uintptr_t)a->pages) >> a->page_shift);
}

void *arena_page_address(const struct arena *a, size_t index)
{
    if (index >= a->npages)
        return NULL;
    return a->pages + (index << a->page_shift);
}

size_t arena_pages_used(const struct arena *a, size_t first, size_t n)
{
    if (first >= a->npages)
        return 0;
    size_t end = n > a->npages - first ? a->npages : first + n;
    size_t used = 0;
    for (size_t i = first, next; i < end; i = next)
        used += popcount64(a->map[i / WORD_BITS] & span_mask(i, end, &next));
    return used;
}

void arena_get_frag(const struct arena *a, struct arena_frag *out)
{
    size_t free_pages = 0, largest = 0, runs = 0, below = 0;
    /* Walk the free runs: each starts at a free page and ends at the next
     * handed-out one (or the last page). */
    for (size_t i = next_free_call(a, 0); i < a->npages;) {
        size_t end = next_used_call(a, i, a->npages);
        size_t len = end - i;
        free_pages += len;
        runs++;
        if (len > largest)
            largest = len;
        if (i < a->high_pages)
            below += (end < a->high_pages ? end : a->high_pages) - i;
        i = end < a->npages ? next_free_call(a, end) : a->npages;
    }
    *out = (struct arena_frag){
        .free = free_pages << a->page_shift,
        .largest_free = largest << a->page_shift,
        .free_runs = runs,
        .free_below_watermark = below << a->page_shift,
    };
}

const char *arena_strerror(int code)
{
    switch (code) {
    case ARENA_OK: return "ok";
    case ARENA_ERR_ARG: return "NULL arena or region";
    case ARENA_ERR_PAGE_SIZE: return "page size not a power of two >= 64";
    case ARENA_ERR_TOO_SMALL: return "region too small for bitmap + one page";
    case ARENA_ERR_NOT_IN_ARENA: return "pointer not a page of this arena";
    case ARENA_ERR_BAD_COUNT: return "page count 0 or past the last page";
    case ARENA_ERR_NOT_ALLOCATED: return "page not handed out (double free?)";
    case ARENA_BROKEN_COUNT: return "broken: used page count";
    case ARENA_BROKEN_WATERMARK: return "broken: page above watermark";
    case ARENA_BROKEN_FIRST_FREE: return "broken: free page below first_free";
    case ARENA_BROKEN_PEAK: return "broken: peak below in_use";
    case ARENA_BROKEN_HOOKS: return "broken: hook flags out of step";
    default: return "unknown error";
    }
}
