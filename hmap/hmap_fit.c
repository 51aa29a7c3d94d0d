/* SPDX-License-Identifier: MIT */
/*
 * hmap_fit.c - hmap_entries_fit: how many entries a map reaches, grown
 * from empty, in a number of free bytes (the contract is in hmap.h).
 *
 * What a fill from empty takes of the arena, at the largest size it reaches,
 * 2^B buckets:
 *   - the arrays it grew through, hint_B..B, each 2^b buckets plus its
 *     preallocated overflow, in whole pages (hm_array_pages), all at once.
 *     The arena hands out the lowest free run that fits (arena.h), and the
 *     room the smaller arrays gave back is, beyond the first few pages, less
 *     than the next array, which lies beyond them: so the pages of all of
 *     them bound how high the last one reaches while it is made, its
 *     predecessor still held (the growth transient).
 *   - one more array of 2^B when Go's tooManyOverflowBuckets can start a
 *     same-size growth there: a fill without deletes links at most one
 *     overflow bucket for every 8 entries, so that happens only where the
 *     overflow limit (2^15 from B = 15 on) is below load_max/8, from B = 16.
 *     There Go's count is an estimate, most likely far below the limit, but
 *     its draws may count every bucket: the bound takes them all.
 *     It lies beyond the others too; a second one fits where the first one's
 *     old array was.
 *   - overflow buckets beyond the preallocated ones, in chunks (see
 *     chunk_pages_for): a fill links at most one for every 8 entries, both
 *     tables of a growth together; where a same-size growth can start, each
 *     table up to the overflow limit that starts it.  That last bound
 *     assumes what Go's tuning does: keys that hash evenly enough, so that
 *     one same-size growth packs the chains.
 */
#include "hmap_internal.h"

/* a + b, or SIZE_MAX when that overflows. */
static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* Chunk pages for n overflow buckets, a chunk taken for one bucket at a
 * time: the fewest pages holding a bucket and the header, which is smaller
 * than a bucket (so two buckets' room is enough, and the header costs at
 * most one bucket of each chunk). */
static size_t chunk_pages_for(const struct hmap *m, size_t n)
{
    size_t chunk = arena_pages_for(m->arena, 2 * m->bucket_size);
    size_t per_chunk = chunk * arena_page_size(m->arena) / m->bucket_size - 1;
    return (n + per_chunk - 1) / per_chunk * chunk;
}

/* Pages a fill from empty holds at its peak when it ends at 2^B buckets,
 * the arrays before (hint_B..B-1) taking `below` pages. */
static size_t peak_pages(const struct hmap *m, unsigned B, size_t below)
{
    size_t array = hm_array_pages(m, B);
    size_t pages = add_sat(below, array);
    /* A fill links an overflow bucket only to a full chain, so a chain of
     * n entries has at most overflow_for(n); the two tables of a growth
     * together hold each entry once. */
    size_t linked = overflow_for(load_max_for(B));
    size_t chunked;
    if (overflow_max_for(B) < linked) {
        /* Go's rule regrows a table at the same size once it has
         * overflow_max: one more array, and each table's overflow up to
         * that limit. */
        pages = add_sat(pages, array);
        size_t each = overflow_max_for(B);
        chunked = each > prealloc_for(B) ? 2 * (each - prealloc_for(B)) : 0;
    } else {
        /* The smaller table's preallocated buckets come first (B > 0). */
        size_t pre = B > 0 ? prealloc_for(B - 1) : 0;
        chunked = linked > pre ? linked - pre : 0;
    }
    return add_sat(pages, chunk_pages_for(m, chunked));
}

size_t hmap_entries_fit(const struct hmap *m, size_t bytes)
{
    if (m == NULL)
        return 0;
    size_t have = bytes / arena_page_size(m->arena);
    size_t fit = 0, below = 0;
    /* Each step at least doubles the pages: few rounds, whatever bytes is. */
    for (unsigned B = m->hint_B; B < HM_B_LIMIT; B++) {
        if (peak_pages(m, B, below) > have)
            break;
        fit = load_max_for(B);
        below = add_sat(below, hm_array_pages(m, B));
    }
    return fit;
}
