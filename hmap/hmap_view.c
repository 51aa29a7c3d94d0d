/* SPDX-License-Identifier: MIT */
/*
 * hmap_view.c - the map seen from outside its layout: which arena runs it
 * holds and of what kind (hmap_for_each_run), and what its slots hold
 * (hmap_slot_totals, hmap_array_page_slots), for tools that draw it.  Reads
 * only; the bucket layout stays inside hmap/.
 */
#include "hmap_internal.h"

/* Report t's chunks as overflow runs; returns how many. */
static size_t each_chunk(const struct hmap_table *t, hmap_run_fn fn, void *ctx)
{
    size_t n = 0;
    for (const uint8_t *c = t->chunks; c != NULL; n++) {
        struct chunk_header h = chunk_header_of(c);
        fn(ctx, c, h.npages, HMAP_RUN_OVERFLOW);
        c = h.next;
    }
    return n;
}

size_t hmap_for_each_run(const struct hmap *m, hmap_run_fn fn, void *ctx)
{
    if (m == NULL || fn == NULL)
        return 0;
    size_t n = 0;
    if (m->cur.buckets != NULL) {
        fn(ctx, m->cur.buckets, m->cur.array_pages, HMAP_RUN_ARRAY);
        n++;
    }
    if (m->old.buckets != NULL) {
        fn(ctx, m->old.buckets, m->old.array_pages, HMAP_RUN_OLD_ARRAY);
        n++;
    }
    n += each_chunk(&m->cur, fn, ctx);
    n += each_chunk(&m->old, fn, ctx);
    return n;
}

/* Add the 8 slots of bucket b to *out. */
static void count_bucket(const uint8_t *b, struct hmap_slot_counts *out)
{
    for (unsigned i = 0; i < SLOTS; i++) {
        uint8_t top = b[i];
        if (is_empty(top))
            out->empty++;
        else if (top < TOPHASH_MIN)
            out->evacuated++;
        else
            out->live++;
    }
}

/* Add the slots of every chain of table t. */
static void count_table(const struct hmap *m, const struct hmap_table *t,
                        struct hmap_slot_counts *out)
{
    if (t->buckets == NULL)
        return;
    size_t nb = (size_t)1 << t->B;
    for (size_t i = 0; i < nb; i++)
        for (const uint8_t *b = bucket_at(m, t, i); b != NULL; b = bucket_overflow(m, b))
            count_bucket(b, out);
}

void hmap_slot_totals(const struct hmap *m, struct hmap_slot_counts *out)
{
    *out = (struct hmap_slot_counts){0};
    if (m == NULL)
        return;
    count_table(m, &m->cur, out);
    count_table(m, &m->old, out);
}

size_t hmap_entry_size(const struct hmap *m)
{
    return m != NULL ? m->key_size + m->val_size : 0;
}

size_t hmap_array_pages(const struct hmap *m)
{
    return m != NULL && m->cur.buckets != NULL ? m->cur.array_pages : 0;
}

const void *hmap_array_start(const struct hmap *m)
{
    return m != NULL ? m->cur.buckets : NULL;
}

size_t hmap_array_page_slots(const struct hmap *m, size_t page, struct hmap_slot_counts *out)
{
    *out = (struct hmap_slot_counts){0};
    if (page >= hmap_array_pages(m))
        return 0;
    /* Buckets whose first byte lies in [page * ps, (page + 1) * ps): from
     * the first at or after the page's start to the first at or after the
     * next page's, capped at the buckets the run holds. */
    size_t ps = arena_page_size(m->arena), bs = m->bucket_size;
    size_t cap = hm_table_array_capacity(m, &m->cur);
    size_t first = (page * ps + bs - 1) / bs;
    size_t end = ((page + 1) * ps + bs - 1) / bs;
    if (end > cap)
        end = cap;
    for (size_t i = first; i < end; i++)
        count_bucket(m->cur.buckets + i * bs, out);
    return end > first ? end - first : 0;
}
