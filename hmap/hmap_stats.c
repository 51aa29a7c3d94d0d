/* SPDX-License-Identifier: MIT */
/*
 * hmap_stats.c - the map's figures (hmap_get_stats, hmap_len, Go's overflow
 * estimate), the sizing bound, and the error texts.  Reads only.
 */
#include "hmap_internal.h"

size_t hmap_len(const struct hmap *m)
{
    return m == NULL ? 0 : m->count;
}

size_t hmap_entries_upper_bound(const struct hmap *m, size_t bytes)
{
    if (m == NULL)
        return 0;
    /* A bucket is at least 3 * SLOTS bytes: the product cannot overflow. */
    return bytes / m->bucket_size * SLOTS;
}

void hmap_get_stats(const struct hmap *m, struct hmap_stats *out)
{
    size_t page = arena_page_size(m->arena);
    /* Pages the map holds, a table compact is building included. */
    size_t pages = hm_table_pages(&m->cur) + hm_table_pages(&m->old);
    if (m->building != NULL)
        pages += hm_table_pages(m->building);
    *out = (struct hmap_stats){
        .len = m->count,
        .B = m->cur.B,
        .buckets = m->cur.buckets ? (size_t)1 << m->cur.B : 0,
        .overflow = m->cur.noverflow + m->old.noverflow,
        .bytes = pages * page,
        .growing = growing(m),
        .bucket_size = m->bucket_size,
        .old_buckets = growing(m) ? old_nbuckets(m) : 0,
        .nevacuate = m->nevacuate,
        .spare_overflow = m->cur.nfree_ovf,
        .grows = m->grows,
        .same_size_grows = m->same_size_grows,
        .shrinks = m->shrinks,
        .misuse = m->misuse,
        .hint = m->hint,
    };
}

/* overflow_max is 2^min(B,15) raised by each overflow bucket Go's estimate
 * left out (hm_table_new_overflow): the estimate is the rest. */
size_t hmap_overflow_estimate(const struct hmap *m)
{
    if (m == NULL || m->cur.buckets == NULL)
        return 0;
    return m->cur.noverflow - (m->cur.overflow_max - overflow_max_for(m->cur.B));
}

/* m->last_request holds an overflow chunk's pages negated: a real array
 * request is at most SIZE_MAX / page + 1 pages, or SIZE_MAX (too large to
 * count), so the upper half but SIZE_MAX can only be a chunk's. */
static bool last_was_chunk(const struct hmap *m)
{
    return m->last_request > SIZE_MAX / 2 && m->last_request != SIZE_MAX;
}

size_t hmap_last_request_pages(const struct hmap *m)
{
    if (m == NULL)
        return 0;
    return last_was_chunk(m) ? 0 - m->last_request : m->last_request;
}

int hmap_last_request_kind(const struct hmap *m)
{
    if (m == NULL || m->last_request == 0)
        return 0;
    return last_was_chunk(m) ? HMAP_RUN_OVERFLOW : HMAP_RUN_ARRAY;
}

bool hmap_in_write(const struct hmap *m)
{
    return m != NULL && m->writing;
}

const char *hmap_strerror(int code)
{
    switch (code) {
    case HMAP_OK: return "ok";
    case HMAP_ERR_ARG: return "NULL argument";
    case HMAP_ERR_SIZE: return "key or value size out of range, or hint too large";
    case HMAP_ERR_NOMEM: return "out of memory: the arena has no pages";
    case HMAP_ERR_BUSY: return "map written from inside a write";
    case HMAP_ERR_CHANGED: return "map written during iteration";
    case HMAP_ERR_NOT_FOUND: return "no such key";
    case HMAP_BROKEN_COUNT: return "broken: count";
    case HMAP_BROKEN_TOPHASH: return "broken: tophash";
    case HMAP_BROKEN_PLACEMENT: return "broken: key in wrong bucket";
    case HMAP_BROKEN_EMPTY_REST:
        return "broken: emptyRest (a slot after one is not, or a bucket's last slot "
               "with nothing live after it is not)";
    case HMAP_BROKEN_DUPLICATE: return "broken: duplicate key";
    case HMAP_BROKEN_EVACUATED: return "broken: evacuation marks";
    case HMAP_BROKEN_OVERFLOW: return "broken: overflow count";
    case HMAP_BROKEN_PAGES: return "broken: pages held";
    case HMAP_BROKEN_CACHE: return "broken: cached fast-path state";
    default: return "unknown";
    }
}
