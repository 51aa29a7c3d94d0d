/* SPDX-License-Identifier: MIT */
/*
 * hmap_check.c - every invariant of a map, checked the slow way.
 *
 * For tests and debugging: it walks every chain of both tables, rehashes
 * every live key and looks each one up again.  It reads only.
 */
#include "hmap_internal.h"

/* Live entries, emptyRest and evacuation marks of one chain.  *live and
 * *chained accumulate; returns 0 or a HMAP_BROKEN_* code. */
static int check_chain(const struct hmap *m, uint8_t *b, size_t index,
                       unsigned B, bool old, size_t *live, size_t *chained)
{
    bool rest = false;
    bool last_one = false; /* a last slot was EMPTY_ONE, no live slot since */
    bool evac = old && evacuated(b);
    for (uint8_t *first = b; b; b = bucket_overflow(m, b)) {
        if (b != first)
            (*chained)++;
        for (unsigned s = 0; s < SLOTS; s++) {
            uint8_t top = b[s];
            bool mark = top > TOPHASH_EMPTY_ONE && top < TOPHASH_MIN;
            if (mark != evac)
                return HMAP_BROKEN_EVACUATED; /* all marks or none */
            /* After an emptyRest every slot of the chain is emptyRest: the
             * lookups end a chain by its bucket's last slot alone. */
            if (rest && !mark && top != TOPHASH_EMPTY_REST)
                return HMAP_BROKEN_EMPTY_REST;
            if (mark || is_empty(top)) {
                rest = rest || top == TOPHASH_EMPTY_REST;
                continue;
            }
            const uint8_t *k = bucket_key(m, b, s);
            uint64_t h = hm_key_hash(m, k);
            if (tophash(h) != top)
                return HMAP_BROKEN_TOPHASH;
            if ((h & bucket_mask(B)) != index)
                return HMAP_BROKEN_PLACEMENT;
            (*live)++;
            last_one = false;
        }
        if (b[SLOTS - 1] == TOPHASH_EMPTY_ONE)
            last_one = true;
    }
    /* And a last slot with nothing live after it is emptyRest: what ends
     * the walks early (a lookup reads no further bucket). */
    return last_one ? HMAP_BROKEN_EMPTY_REST : HMAP_OK;
}

/* Walk one table; count its live entries and overflow buckets. */
static int check_table(const struct hmap *m, const struct hmap_table *t,
                       bool old, size_t *live)
{
    size_t chained = 0;
    for (size_t i = 0; i < ((size_t)1 << t->B); i++) {
        uint8_t *b = bucket_at(m, t, i);
        if (old && i < m->nevacuate && !evacuated(b))
            return HMAP_BROKEN_EVACUATED; /* below the mark, not moved */
        int rc = check_chain(m, b, i, t->B, old, live, &chained);
        if (rc != HMAP_OK)
            return rc;
    }
    return chained == t->noverflow ? HMAP_OK : HMAP_BROKEN_OVERFLOW;
}

/* Each live key is the one a lookup finds: no key is stored twice, none is
 * out of a lookup's reach. */
static int check_unique(const struct hmap *m, const struct hmap_table *t, bool old)
{
    for (size_t i = 0; i < ((size_t)1 << t->B); i++) {
        uint8_t *b = bucket_at(m, t, i);
        if (old && evacuated(b))
            continue;
        for (; b; b = bucket_overflow(m, b))
            for (unsigned s = 0; s < SLOTS; s++) {
                if (b[s] < TOPHASH_MIN)
                    continue;
                struct slot found = hm_find_slot(m, bucket_key(m, b, s), &hm_any_keys);
                if (found.b == NULL)
                    return HMAP_BROKEN_PLACEMENT; /* out of a lookup's reach */
                if (found.b != b || found.i != s)
                    return HMAP_BROKEN_DUPLICATE; /* another copy comes first */
            }
    }
    return HMAP_OK;
}

/* Pages the tables say they hold agree with their layout. */
static int check_pages(const struct hmap *m, const struct hmap_table *t)
{
    if (t->buckets == NULL)
        return t->array_pages == 0 && t->chunk_pages == 0 ? HMAP_OK
                                                          : HMAP_BROKEN_PAGES;
    if (t->array_pages != hm_array_pages(m, t->B) ||
        t->chunk_pages != hm_table_chunk_pages(t))
        return HMAP_BROKEN_PAGES;
    return HMAP_OK;
}

/* A table's overflow_max is no pure cache: from B = 16 on it is raised by
 * each overflow bucket Go's estimate leaves out (hm_table_new_overflow).
 * Take t's into want (the value for none left out) when it is one the
 * estimate can reach: only from B = 16 on, and at most every linked bucket
 * left out, so that the estimate is never above the exact count.  Below
 * B = 16 the estimate is the exact count, and the compare stays exact. */
static void overflow_max_skips(struct hmap_table *want, const struct hmap_table *t)
{
    if (t->buckets != NULL && t->B > HM_OVERFLOW_CAP_B &&
        t->overflow_max >= want->overflow_max &&
        t->overflow_max - want->overflow_max <= t->noverflow)
        want->overflow_max = t->overflow_max;
}

/* The fast paths trust a few cached bytes and words instead of the state
 * they summarise (struct hmap in hmap.h): recompute each on a copy of the
 * map and compare.  grow_at is refreshed when a write ends: mid-write
 * (hmap_check called from a hash or equal) it may lag. */
static int check_cache(const struct hmap *m)
{
    struct hmap want;
    memcpy(&want, m, sizeof want);
    hm_set_seed(&want, m->seed);
    /* The random state moves at every draw (no cache), but is never 0,
     * where xorshift would stay. */
    if (m->ovf_rand == 0)
        return HMAP_BROKEN_CACHE;
    want.ovf_rand = m->ovf_rand;
    hm_table_limits(&want.cur);
    hm_table_limits(&want.old);
    overflow_max_skips(&want.cur, &m->cur);
    overflow_max_skips(&want.old, &m->old);
    hm_refresh_fast(&want);
    if (m->writing)
        want.grow_at = m->grow_at;
    return memcmp(&want, m, sizeof want) == 0 ? HMAP_OK : HMAP_BROKEN_CACHE;
}

int hmap_check(const struct hmap *m)
{
    size_t live = 0;
    int rc;
    bool grow = m->old.buckets != NULL;
    /* The cache before the walk: the lookups the walk makes read it. */
    if ((rc = check_pages(m, &m->cur)) || (rc = check_pages(m, &m->old)) ||
        (rc = check_cache(m)))
        return rc;
    if (m->cur.buckets == NULL)
        return m->count == 0 && !grow ? HMAP_OK : HMAP_BROKEN_COUNT;
    if (!grow && (m->nevacuate != 0 || m->same_size))
        return HMAP_BROKEN_EVACUATED;
    if (grow && m->old.B + (m->same_size ? 0 : 1) != m->cur.B)
        return HMAP_BROKEN_EVACUATED;
    if ((rc = check_table(m, &m->cur, false, &live)))
        return rc;
    if (grow && (rc = check_table(m, &m->old, true, &live)))
        return rc;
    if (live != m->count)
        return HMAP_BROKEN_COUNT;
    if ((rc = check_unique(m, &m->cur, false)))
        return rc;
    if (grow && (rc = check_unique(m, &m->old, true)))
        return rc;
    return HMAP_OK;
}
