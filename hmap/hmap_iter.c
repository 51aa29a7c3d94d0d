/* SPDX-License-Identifier: MIT */
/*
 * hmap_iter.c - iteration, as Go's mapiternext, over a map that may be
 * growing.
 *
 * The walk goes over the buckets of the current array, from a seeded start,
 * wrapping around, and over each bucket's slots from a seeded offset.  While
 * the map grows, new bucket j may still live in old bucket j & oldmask (not
 * evacuated yet): then the old chain is read instead, keeping only the entries
 * that will go to j.  A doubling sends each old entry to one of two new
 * buckets, so each is produced exactly once.
 *
 * Because any write ends the iteration (HMAP_ERR_CHANGED), the tables cannot
 * change under the iterator, which is what keeps this simple.
 */
#include "hmap_internal.h"

void hmap_iter_init(struct hmap_iter *it, struct hmap *m)
{
    uint64_t r = hm_mix64(m->seed ^ m->writes ^ HASH_K3, HASH_K0);
    *it = (struct hmap_iter){
        .m = m,
        .writes = m->writes,
        .start = (size_t)r & m->cur.mask,
        .offset = (unsigned)(r >> 61),
        .done = m->count == 0 || m->cur.buckets == NULL,
    };
}

/* Point it at the chain holding new bucket j. */
static void enter_bucket(struct hmap_iter *it, size_t j)
{
    const struct hmap *m = it->m;
    it->from_old = false;
    it->b = bucket_at(m, &m->cur, j);
    if (m->old.buckets != NULL) {
        uint8_t *ob = bucket_at(m, &m->old, j & m->old.mask);
        if (!evacuated(ob)) {
            it->b = ob;
            it->from_old = true;
        }
    }
    it->slot = 0;
}

bool hmap_iter_next(struct hmap_iter *it, const void **key, void **val)
{
    const struct hmap *m = it->m;
    if (it->done)
        return false;
    if (it->writes != m->writes) {
        it->err = HMAP_ERR_CHANGED;
        it->done = true;
        return false;
    }
    size_t nb = (size_t)1 << m->cur.B;
    for (;;) {
        if (it->b == NULL) {
            if (it->visited == nb) {
                it->done = true;
                return false;
            }
            enter_bucket(it, (it->start + it->visited) & m->cur.mask);
        }
        while (it->slot < SLOTS) {
            unsigned i = (it->slot++ + it->offset) & (SLOTS - 1);
            if (it->b[i] < TOPHASH_MIN)
                continue;
            uint8_t *k = bucket_key(m, it->b, i);
            if (it->from_old && !m->same_size) {
                size_t j = (it->start + it->visited) & m->cur.mask;
                if ((hm_key_hash(m, k) & m->cur.mask) != j)
                    continue; /* produced when j's twin is visited */
            }
            if (key != NULL)
                *key = k;
            if (val != NULL)
                *val = bucket_val(m, it->b, i);
            return true;
        }
        it->b = bucket_overflow(m, it->b);
        it->slot = 0;
        if (it->b == NULL)
            it->visited++;
    }
}

int hmap_iter_error(const struct hmap_iter *it)
{
    return it->err;
}
