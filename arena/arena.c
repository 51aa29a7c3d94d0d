/* SPDX-License-Identifier: MIT */
/*
 * arena.c - page arena with a watermark: init, alloc, free, reset, the
 * figures, fault injection and the observer.  See arena.h for the contract;
 * the read-only views (check, page queries, fragmentation) are in
 * arena_view.c.
 *
 * Layout of the region after arena_init:
 *
 *   base  [pad to 8] [bitmap: one bit a page] [pad to page] [page 0][page 1]...
 *
 * The bitmap's bits past the last page are kept set, so a scan for a free page
 * can never return one that does not exist.  Everything is plain C11 with no
 * library call but memset, so the file builds unchanged for the host and for
 * the bare-metal target.
 */
#include <string.h>

#include "arena_internal.h"

#if ARENA_SOFT_CTZ
const uint8_t ar_debruijn_index[64] = {
    0, 1, 2, 53, 3, 7, 54, 27, 4, 38, 41, 8, 34, 55, 48, 28,
    62, 5, 39, 46, 44, 42, 22, 9, 24, 35, 59, 56, 49, 18, 29, 11,
    63, 52, 6, 26, 37, 40, 33, 47, 61, 45, 43, 21, 23, 58, 17, 10,
    51, 25, 36, 32, 60, 20, 57, 16, 50, 31, 19, 15, 30, 14, 13, 12};
#endif

/* Flip the bits of pages [i, i + n): a run found all free becomes handed
 * out, one found all handed out becomes free.  One out-of-line copy for the
 * run allocation and the run free. */
static __attribute__((noinline)) void flip_range(struct arena *a, size_t i, size_t n)
{
    for (size_t end = i + n, next; i < end; i = next)
        a->map[i / WORD_BITS] ^= span_mask(i, end, &next);
}

/* Mark every page free, and the bits past the last page used. */
static void clear_map(struct arena *a)
{
    size_t nw = words_for(a->npages);
    memset(a->map, 0, nw * sizeof a->map[0]);
    unsigned tail = (unsigned)(a->npages % WORD_BITS);
    if (tail != 0)
        a->map[nw - 1] = ~0ull << tail;
}

/* Does a bitmap for n pages plus the n pages fit in [map_at, end)? */
static int layout_fits(uintptr_t map_at, uintptr_t end, size_t n,
                       size_t page_size, uintptr_t *pages_at)
{
    uintptr_t map_bytes = (uintptr_t)words_for(n) * sizeof(uint64_t);
    if (map_bytes > end - map_at)
        return 0;
    uintptr_t p = map_at + map_bytes;
    if (p > end - (page_size - 1))
        return 0;
    p = align_up(p, page_size);
    if (p > end || (end - p) / page_size < n)
        return 0;
    *pages_at = p;
    return 1;
}

int arena_init(struct arena *a, void *base, size_t size, size_t page_size)
{
    if (a == NULL || base == NULL)
        return ARENA_ERR_ARG;
    if (page_size < ARENA_MIN_PAGE_SIZE || (page_size & (page_size - 1)) != 0)
        return ARENA_ERR_PAGE_SIZE;

    uintptr_t start = (uintptr_t)base;
    uintptr_t end = size > UINTPTR_MAX - start ? UINTPTR_MAX : start + size;
    uintptr_t map_at = align_up(start, sizeof(uint64_t));
    if (map_at < start || map_at >= end)
        return ARENA_ERR_TOO_SMALL;

    /*
     * Step up from a count that surely fits while one more page still fits
     * (fitting only gets harder as the count grows): the result is the
     * largest count that fits.  n pages take n * page_size bytes, a bitmap
     * of at most n / 8 + 8 bytes and at most page_size - 1 for aligning the
     * first page, so n fits when n * (page_size + 1/8) <= avail - page_size
     * - 7 = q, that is when n <= 8q / (8 * page_size + 1) = (q - q / d) /
     * page_size with d = 8 * page_size + 1.  That quotient computed in
     * integers is at most 1 above such an n, and the largest count at most
     * 2 above it; the walk starts 2 below it, so that its first step always
     * fits and sets pages_at, which then holds the last layout that fitted:
     * at most four steps however large the region.  (Once 8 * page_size
     * overflows, d is 1 and the walk starts at 0: the region holds fewer
     * than eight such pages.)
     */
    uintptr_t avail = end - map_at, q = avail - page_size - 7, d = 8 * (uintptr_t)page_size + 1;
    size_t n = avail > page_size + 7 ? (size_t)((q - q / d) / page_size) : 0;
    n = n > 2 ? n - 2 : 0;
    uintptr_t pages_at = 0;
    while (layout_fits(map_at, end, n + 1, page_size, &pages_at))
        n++;
    if (n == 0)
        return ARENA_ERR_TOO_SMALL;

    unsigned shift = 0;
    while (((size_t)1 << shift) < page_size)
        shift++;

    *a = (struct arena){
        .map = (uint64_t *)map_at,
        .pages = (uint8_t *)pages_at,
        .npages = n,
        .region_size = (size_t)(end - start),
        .page_size = page_size,
        .page_shift = shift,
        .fast_free_npages = 1,
    };
    clear_map(a);
    return ARENA_OK;
}

/* Count a successful allocation of pages [i, i + npages) and return it. */
ALWAYS_INLINE void *handed_out(struct arena *a, size_t i, size_t npages)
{
    a->used_pages += npages;
    if (a->used_pages > a->peak_pages)
        a->peak_pages = a->used_pages;
    if (i + npages > a->high_pages)
        a->high_pages = i + npages;
    a->allocs++;
    return a->pages + (i << a->page_shift);
}

/* Recompute alloc_hooked after the fault injection or the observer changed. */
static void update_hooked(struct arena *a)
{
    a->alloc_hooked = a->fail_countdown != 0 || a->observer != NULL;
}

/*
 * Every allocation but the plain one-page one: a run of npages != 1 (0 is
 * refused), and any allocation while fault injection or the observer is on.
 * First fit: walk the free runs from the lowest possibly free page.  Out of
 * line, so the one-page path makes no call.
 */
static __attribute__((noinline)) void *alloc_run(struct arena *a, size_t npages)
{
    if (a->fail_countdown != 0 && --a->fail_countdown == 0) {
        if (a->fail_sticky)
            a->fail_countdown = 1;
        else
            a->alloc_hooked = a->observer != NULL; /* injection now off */
        goto fail;
    }
    if (npages == 0 || npages > a->npages - a->used_pages)
        goto fail;
    for (size_t i = a->first_free;;) {
        i = next_free(a, i);
        if (npages > a->npages - i)
            break;
        size_t stop = next_used(a, i, i + npages);
        if (stop == i + npages) {
            flip_range(a, i, npages); /* all free: now handed out */
            if (i == a->first_free)
                a->first_free = i + npages;
            void *p = handed_out(a, i, npages);
            if (a->observer != NULL)
                a->observer(a->observer_ctx, ARENA_EVENT_ALLOC, p, npages);
            return p;
        }
        i = stop;
    }
fail:
    a->failed_allocs++;
    return NULL;
}

void *arena_alloc_pages(struct arena *a, size_t npages)
{
    /* One test for both: a run, or the hooks (they take alloc_run's path,
     * which finds the same first fit for one page). */
    if (npages != 1 || a->alloc_hooked)
        return alloc_run(a, npages);
    if (a->used_pages == a->npages) {
        a->failed_allocs++;
        return NULL;
    }

    /*
     * One page, the common case: the first free page at or after first_free
     * is the first fit.  The arena is not full and no page below first_free
     * is free, so the scan finds one before the bitmap ends (the bits past
     * the last page are set): no bound to test.  Every page below the one
     * taken is then handed out.
     */
    uint64_t *word = &a->map[a->first_free / WORD_BITS];
    uint64_t free_bits = ~*word & (~0ull << (a->first_free % WORD_BITS));
    while (free_bits == 0)
        free_bits = ~*++word;
    uint64_t bit = free_bits & -free_bits;
    *word |= bit;
    size_t i = (size_t)(word - a->map) * WORD_BITS + bit_index(bit);
    a->first_free = i + 1;
    return handed_out(a, i, 1);
}

/* Are all pages [i, i + n) handed out?  Caller checked i + n <= npages. */
ALWAYS_INLINE int range_all_used(const struct arena *a, size_t i, size_t n)
{
    for (size_t end = i + n, next; i < end; i = next) {
        uint64_t m = span_mask(i, end, &next);
        if ((a->map[i / WORD_BITS] & m) != m)
            return 0;
    }
    return 1;
}

/* The bookkeeping of a successful free of npages from page i. */
ALWAYS_INLINE int freed(struct arena *a, size_t i, size_t npages)
{
    if (i < a->first_free)
        a->first_free = i;
    a->used_pages -= npages;
    a->frees++;
    return ARENA_OK;
}

/* arena_free_pages of a run of npages != 1 from page i (in the arena). */
static __attribute__((noinline)) int free_run(struct arena *a, size_t i, size_t npages)
{
    if (npages == 0 || npages > a->npages - i)
        return ARENA_ERR_BAD_COUNT;
    if (!range_all_used(a, i, npages))
        return ARENA_ERR_NOT_ALLOCATED;
#if ARENA_POISON
    memset(a->pages + (i << a->page_shift), ARENA_POISON_BYTE, npages << a->page_shift);
#endif
    flip_range(a, i, npages); /* all handed out: now free */
    freed(a, i, npages);
    if (a->observer != NULL)
        a->observer(a->observer_ctx, ARENA_EVENT_FREE, a->pages + (i << a->page_shift), npages);
    return ARENA_OK;
}

int arena_free_pages(struct arena *a, void *pages, size_t npages)
{
    /* The pages start after the bitmap, so first > 0: p < first also
     * refuses NULL. */
    uintptr_t p = (uintptr_t)pages;
    uintptr_t first = (uintptr_t)a->pages;
    if (p < first)
        return ARENA_ERR_NOT_IN_ARENA;
    size_t i = (size_t)((p - first) >> a->page_shift);
    if (((uintptr_t)i << a->page_shift) != p - first || i >= a->npages)
        return ARENA_ERR_NOT_IN_ARENA; /* not page-aligned, or past the end */
    /*
     * One page, the common case, when fast_free_npages is 1.  While an
     * observer is on it is 0, so every real free takes free_run, which
     * tells the observer: the path without one pays no extra test.  A free
     * of 0 pages then comes here: its bit is 0, so it fails below and is
     * told apart from a double free there, off the common path.
     */
    if (npages != a->fast_free_npages)
        return free_run(a, i, npages);
    uint64_t *word = &a->map[i / WORD_BITS];
    uint64_t bit = (uint64_t)npages << (i % WORD_BITS);
    if ((*word & bit) == 0)
        return npages == 0 ? ARENA_ERR_BAD_COUNT : ARENA_ERR_NOT_ALLOCATED;
#if ARENA_POISON
    memset(pages, ARENA_POISON_BYTE, a->page_size);
#endif
    *word &= ~bit;
    return freed(a, i, 1);
}

void arena_reset(struct arena *a)
{
#if ARENA_POISON
    memset(a->pages, ARENA_POISON_BYTE, a->high_pages << a->page_shift);
#endif
    clear_map(a);
    a->first_free = 0;
    a->used_pages = 0;
    a->peak_pages = 0;
    a->high_pages = 0;
    a->resets++;
    if (a->observer != NULL)
        a->observer(a->observer_ctx, ARENA_EVENT_RESET, NULL, 0);
}

void arena_get_stats(const struct arena *a, struct arena_stats *out)
{
    size_t capacity = a->npages << a->page_shift;
    out->page_size = a->page_size;
    out->capacity = capacity;
    out->overhead = a->region_size - capacity;
    out->in_use = a->used_pages << a->page_shift;
    out->peak_in_use = a->peak_pages << a->page_shift;
    out->watermark = a->high_pages << a->page_shift;
    out->allocs = a->allocs;
    out->frees = a->frees;
    out->failed_allocs = a->failed_allocs;
    out->resets = a->resets;
}

size_t arena_page_size(const struct arena *a)
{
    return a->page_size;
}

size_t arena_pages_for(const struct arena *a, size_t bytes)
{
    return (bytes >> a->page_shift) + ((bytes & (a->page_size - 1)) != 0);
}

int arena_contains(const struct arena *a, const void *p)
{
    uintptr_t x = (uintptr_t)p, first = (uintptr_t)a->pages;
    return x >= first && ((x - first) >> a->page_shift) < a->npages;
}

void arena_fail_after(struct arena *a, size_t k, int sticky)
{
    a->fail_countdown = k;
    a->fail_sticky = k != 0 && sticky;
    update_hooked(a);
}

void arena_set_observer(struct arena *a, arena_observer_fn fn, void *ctx)
{
    a->observer = fn;
    a->observer_ctx = fn != NULL ? ctx : NULL;
    a->fast_free_npages = fn != NULL ? 0 : 1;
    update_hooked(a);
}
