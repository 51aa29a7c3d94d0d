/* SPDX-License-Identifier: MIT */
/*
 * hmap_grow.c - growth and evacuation (Go's hashGrow, growWork, evacuate).
 * When a map grows, at what pace, and why the end of a growth is the only
 * time a running map gives pages back: docs/design.md.
 *
 * hm_grow_start only allocates the new array and moves the old one aside;
 * the entries move later, at each write (grow work).  A doubling splits
 * each old bucket i between new buckets i (X) and i + 2^(B-1) (Y) by the
 * hash bit that B added.
 *
 * Out of memory: an evacuation takes every overflow bucket it will need in
 * one allocation before it moves anything, so it either happens whole or
 * not at all.
 */
#include "hmap_internal.h"

/* Whether the entry in slot s of old bucket b goes to the second half of
 * the new array (Y): the hash bit the doubling added (never in a same-size
 * growth), by k's hash.  One out-of-line copy for the plan and the move. */
static __attribute__((noinline)) bool goes_to_y(const struct hmap *m, uint8_t *b,
                                                unsigned s, const struct hm_keyops *k)
{
    if (m->same_size)
        return false;
    uint64_t h = m->fast64 /* the keyed hash inline: no second call per entry */
                     ? hm_hash_u64_keyed(hm_load64(bucket_key(m, b, s)), m->hash_key, m->hash_mul)
                     : k->hash(m, bucket_key(m, b, s));
    return (h & old_nbuckets(m)) != 0;
}

/*
 * Where old bucket i's live entries go: X = new bucket i, Y = i + old count,
 * by the hash bit the doubling added (all to X in a same-size growth).
 * ybits has bit n set when the n-th slot of the chain goes to Y (n < 64), so
 * the move need not hash those entries again.
 */
struct evac_plan {
    size_t nx, ny;
    uint64_t ybits;
};

static struct evac_plan plan_evacuation(const struct hmap *m, size_t i,
                                        const struct hm_keyops *k)
{
    struct evac_plan p = {0, 0, 0};
    unsigned n = 0;
    for (uint8_t *b = bucket_at(m, &m->old, i); b; b = bucket_overflow(m, b))
        for (unsigned s = 0; s < SLOTS; s++, n++) {
            if (is_empty(b[s]))
                continue;
            bool y = goes_to_y(m, b, s, k);
            if (y && n < 64)
                p.ybits |= 1ull << n;
            *(y ? &p.ny : &p.nx) += 1;
        }
    return p;
}

/* Go's advanceEvacuationMark: move nevacuate past evacuated buckets (at most
 * 1024 a call, so no write pays for the whole array); when all are done, give
 * the old table back. */
static void advance_evacuation_mark(struct hmap *m)
{
    size_t n = old_nbuckets(m);
    size_t stop = m->nevacuate + 1024;
    while (m->nevacuate < n && m->nevacuate < stop &&
           evacuated(bucket_at(m, &m->old, m->nevacuate)))
        m->nevacuate++;
    if (m->nevacuate == n)
        hm_grow_end(m);
}

void hm_grow_end(struct hmap *m)
{
    hm_table_free(m, &m->old);
    m->old.B = 0;
    m->nevacuate = 0;
    m->same_size = false;
}

/* Copy one entry between slots; 8-byte keys and values without memcpy. */
ALWAYS_INLINE void copy_entry(const struct hmap *m, uint8_t *db, size_t di,
                              uint8_t *sb, size_t si)
{
    if (m->fast64) {
        hm_store64(bucket_key(m, db, di), hm_load64(bucket_key(m, sb, si)));
        hm_store64(bucket_val(m, db, di), hm_load64(bucket_val(m, sb, si)));
    } else {
        memcpy(bucket_key(m, db, di), bucket_key(m, sb, si), m->key_size);
        memcpy(bucket_val(m, db, di), bucket_val(m, sb, si), m->val_size);
    }
}

/*
 * Move old bucket i into the new array, as planned (p), or hashing each entry
 * as it goes (p NULL: a bucket that needs no overflow bucket, see
 * hm_evacuate).  The caller reserved the overflow buckets the move needs, so
 * it cannot fail.  The new buckets X and Y are empty: only this bucket's
 * entries ever go there, and writes to them evacuate first.
 */
static void move_bucket(struct hmap *m, size_t i, const struct evac_plan *p,
                        const struct hm_keyops *k)
{
    struct slot dst[2] = {
        {bucket_at(m, &m->cur, i), 0},
        {m->same_size ? NULL : bucket_at(m, &m->cur, i + old_nbuckets(m)), 0},
    };
    unsigned n = 0;
    for (uint8_t *b = bucket_at(m, &m->old, i); b; b = bucket_overflow(m, b)) {
        for (unsigned s = 0; s < SLOTS; s++, n++) {
            uint8_t top = b[s];
            if (is_empty(top)) {
                b[s] = TOPHASH_EVACUATED_EMPTY;
                continue;
            }
            unsigned y = p != NULL && n < 64 ? (unsigned)(p->ybits >> n) & 1
                                             : goes_to_y(m, b, s, k);
            b[s] = (uint8_t)(TOPHASH_EVACUATED_X + y);
            struct slot *d = &dst[y];
            struct slot to = *d; /* in registers across the calls */
            if (to.i == SLOTS)
                to = (struct slot){hm_table_new_overflow(m, &m->cur, to.b), 0};
            to.b[to.i] = top;
            copy_entry(m, to.b, to.i, b, s);
            *d = (struct slot){to.b, to.i + 1};
        }
    }
    if (i == m->nevacuate)
        advance_evacuation_mark(m);
}

/* The one extra overflow bucket for an insert: when a new key of hash h is
 * to go in after the move and its destination will be full.  A packed chain
 * is full exactly when its entries are a nonzero multiple of 8. */
int hm_evacuate(struct hmap *m, size_t i, bool insert, uint64_t h,
                const struct hm_keyops *k)
{
    /* One old bucket with no chain moves at most 8 entries, so neither X
     * nor Y needs an overflow bucket; with its last slot empty, at most 7,
     * so either has room for the new key too.  Then there is nothing to
     * reserve and no plan: the move hashes each entry as it goes.  Only
     * under the built-in hash: a user's hash may look at the map (read-only
     * calls are allowed), and must not see a bucket half moved, so it runs
     * in the plan, before anything moves. */
    uint8_t *old = bucket_at(m, &m->old, i);
    struct evac_plan p, *planned = NULL;
    if (m->hash != NULL || bucket_overflow(m, old) != NULL ||
        (insert && !is_empty(old[SLOTS - 1]))) {
        p = plan_evacuation(m, i, k);
        size_t need = overflow_for(p.nx) + overflow_for(p.ny);
        if (insert) {
            size_t n = !m->same_size && (h & old_nbuckets(m)) ? p.ny : p.nx;
            need += n > 0 && n % SLOTS == 0;
        }
        int rc = hm_table_reserve(m, &m->cur, need);
        if (rc != HMAP_OK)
            return rc;
        planned = &p;
    }
    move_bucket(m, i, planned, k);
    return HMAP_OK;
}

/* Growth ends after enough writes: each moves the lowest buckets left, and
 * stops early at a bucket whose overflow cannot be had (a later write will
 * try it again). */
void hm_evacuate_next(struct hmap *m, const struct hm_keyops *k)
{
    for (unsigned n = m->old.B >= HMAP_GROW_WORK_FROM_B ? HMAP_GROW_WORK : 1;
         n > 0 && growing(m); n--) {
        if (evacuated(bucket_at(m, &m->old, m->nevacuate)))
            advance_evacuation_mark(m); /* it stopped at its 1024 limit */
        else if (hm_evacuate(m, m->nevacuate, false, 0, k) != HMAP_OK)
            return;
    }
}

int hm_grow_start(struct hmap *m)
{
    bool same = m->count < m->cur.load_max; /* only chains are the problem */
    struct hmap_table fresh;
    int rc = hm_table_make(m, &fresh, m->cur.B + (same ? 0 : 1));
    if (rc != HMAP_OK)
        return rc;
    m->old = m->cur;
    m->cur = fresh;
    m->nevacuate = 0;
    m->same_size = same;
    if (same)
        m->same_size_grows++;
    else
        m->grows++;
    m->ops_since_resize = 0;
    m->peak_since_resize = m->count;
    return HMAP_OK;
}

void hm_grow_undo(struct hmap *m, size_t ops, size_t peak)
{
    m->ops_since_resize = ops;
    m->peak_since_resize = peak;
    hm_table_free(m, &m->cur);
    m->cur = m->old;
    m->old = (struct hmap_table){0};
    if (m->same_size)
        m->same_size_grows--;
    else
        m->grows--;
    m->same_size = false;
}
