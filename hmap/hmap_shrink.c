/* SPDX-License-Identifier: MIT */
/*
 * hmap_shrink.c - beyond Go: hmap_compact and the opt-in auto-shrink policy.
 *
 * Go never shrinks a map: B only grows.  Compact rebuilds the map into a new
 * table at the smallest B that holds its entries (never below the init
 * hint's), beside the old one, then gives the old tables back; a rebuild
 * that cannot get its pages gives back what it took and changes nothing.
 * The policy (hmap.h, hmap_set_auto_shrink) runs it after a delete, with
 * hysteresis, so that N deletes followed by N inserts never shrink.
 */
#include "hmap_internal.h"

/* Copy every live entry of chain b into table t, taking overflow buckets
 * from t.  Keys are distinct, so each goes to the first free slot. */
static int rebuild_chain(struct hmap *m, struct hmap_table *t, uint8_t *b)
{
    for (; b; b = bucket_overflow(m, b)) {
        for (unsigned s = 0; s < SLOTS; s++) {
            if (b[s] < TOPHASH_MIN)
                continue;
            uint8_t *k = bucket_key(m, b, s), *last = NULL;
            uint8_t *first = bucket_at(m, t, hm_key_hash(m, k) & t->mask);
            struct slot ins;
            (void)hm_chain_find(m, first, k, b[s], &ins, &last);
            int rc = hm_place(m, t, ins, last, b[s], k, bucket_val(m, b, s));
            if (rc != HMAP_OK)
                return rc;
        }
    }
    return HMAP_OK;
}

/* The smallest B that holds the entries, never below the init hint's. */
static unsigned smallest_B(const struct hmap *m)
{
    unsigned B = hm_b_for_hint(m->count);
    return B < m->hint_B ? m->hint_B : B;
}

/* hmap_compact's work, inside the write bracket: 0, or HMAP_ERR_NOMEM with
 * the map unchanged.  An empty map gives every page back instead. */
static int rebuild_smallest(struct hmap *m)
{
    if (m->count == 0) {
        hm_release_all(m);
        return HMAP_OK;
    }
    unsigned B = smallest_B(m);
    if (!growing(m) && B == m->cur.B && m->cur.chunks == NULL)
        return HMAP_OK; /* already as small as it gets */

    struct hmap_table t;
    int rc = hm_table_make(m, &t, B);
    if (rc != HMAP_OK)
        return rc;
    m->building = &t; /* counted in the map's bytes while it is built */
    for (size_t i = 0; rc == HMAP_OK && i < ((size_t)1 << m->cur.B); i++)
        rc = rebuild_chain(m, &t, bucket_at(m, &m->cur, i));
    for (size_t i = 0; rc == HMAP_OK && growing(m) && i < old_nbuckets(m); i++) {
        uint8_t *ob = bucket_at(m, &m->old, i);
        if (!evacuated(ob))
            rc = rebuild_chain(m, &t, ob);
    }
    if (rc != HMAP_OK) {
        hm_table_free(m, &t);
        m->building = NULL;
        return rc;
    }
    hm_grow_end(m);
    hm_table_free(m, &m->cur);
    m->cur = t;
    m->building = NULL;
    m->shrinks++;
    m->ops_since_resize = 0;
    m->peak_since_resize = m->count;
    return HMAP_OK;
}

int hmap_compact(struct hmap *m)
{
    if (m == NULL)
        return HMAP_ERR_ARG;
    if (!hm_begin_write(m))
        return HMAP_ERR_BUSY;
    int rc = rebuild_smallest(m);
    hm_end_write(m);
    return rc;
}

/* The shrink policy (hmap.h): four times too big, above the hint, and 2N
 * writes since the last resize.  A failed rebuild leaves the map as it was.
 * A delete runs it through m->shrink, which only hmap_set_auto_shrink sets. */
static void maybe_shrink(struct hmap *m)
{
    if (m->cur.B <= m->hint_B || m->ops_since_resize < 2 * m->peak_since_resize)
        return;
    if (smallest_B(m) + 2 <= m->cur.B)
        (void)rebuild_smallest(m);
}

void hmap_set_auto_shrink(struct hmap *m, bool on)
{
    if (m == NULL)
        return;
    if (on && m->shrink == NULL) {
        /* Writes on the fast paths did not count while it was off. */
        m->ops_since_resize = 0;
        m->peak_since_resize = m->count;
    }
    m->shrink = on ? maybe_shrink : NULL;
    hm_refresh_fast(m);
}
