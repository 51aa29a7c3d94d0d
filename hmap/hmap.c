/* SPDX-License-Identifier: MIT */
/*
 * hmap.c - the map's life (init, clear, reset), the write bracket, and the
 * general insert, lookup and delete (Go's mapassign, mapaccess, mapdelete),
 * for every key and value size.  The design, the Go rules it follows and the
 * out-of-memory guarantee: docs/design.md.
 *
 * The general delete turns the run of empty slots that ends the chain into
 * EMPTY_REST, walking backwards through the chain, as Go's does; the 8-byte
 * delete does less (hmap_fast64.c says why).
 *
 * The write bracket (hm_begin_write / hm_end_write, Go's hashWriting) turns
 * a write re-entered from a user's hash or equal into HMAP_ERR_BUSY, and
 * refreshes the fast paths' cached state when the write ends.
 */
#include "hmap_swar.h"

void hm_set_seed(struct hmap *m, uint64_t seed)
{
    m->seed = seed;
    m->hash_key = hash_key_of(seed);
    m->hash_mul = hash_mul_of(m->hash_key);
    m->ovf_rand = m->hash_key | 1; /* xorshift: never 0 */
}

/* Go 1.21's reseed: a new hash seed whenever the map empties. */
static void reseed(struct hmap *m)
{
    hm_set_seed(m, hm_mix64(m->seed ^ HASH_K2, HASH_K1) + 1);
}

/* The general paths' search, for every key size (hmap_internal.h), with
 * the SWAR match, empty and chain end of hmap_swar.h; one out-of-line copy. */
__attribute__((noinline)) struct slot
hm_chain_find(const struct hmap *m, uint8_t *b, const void *key, uint8_t top,
              struct slot *ins, uint8_t **last)
{
    uint64_t ones = hm_swar_ones();
    uint64_t want = top * ones;
    hm_prefetch_bucket(b);
    if (ins != NULL)
        *ins = (struct slot){NULL, 0};
    for (;;) {
        uint64_t tops = hm_load64(b);
        for (uint64_t cand = hm_zero_bytes(tops ^ want, ones); cand != 0;
             cand &= cand - 1) {
            unsigned i = lowest_slot(cand, ones);
            /* The byte first: the match can flag a byte falsely. */
            if (b[i] == top && key_equal(m, bucket_key(m, b, i), key))
                return (struct slot){b, i};
        }
        if (ins != NULL && ins->b == NULL) {
            uint64_t empty = hm_zero_bytes(tops & ~ones, ones);
            if (empty != 0)
                *ins = (struct slot){b, lowest_slot(empty, ones)};
        }
        if (hm_chain_ends_here(tops))
            break;
        uint8_t *next = bucket_overflow(m, b);
        if (next == NULL)
            break;
        b = next;
    }
    if (last != NULL)
        *last = b;
    return (struct slot){NULL, 0};
}

int hm_place(struct hmap *m, struct hmap_table *t, struct slot ins,
             uint8_t *last, uint8_t top, const void *key, const void *val)
{
    if (ins.b == NULL) {
        int rc = hm_table_reserve(m, t, 1);
        if (rc != HMAP_OK)
            return rc;
        ins = (struct slot){hm_table_new_overflow(m, t, last), 0};
    }
    ins.b[ins.i] = top;
    memcpy(bucket_key(m, ins.b, ins.i), key, m->key_size);
    memcpy(bucket_val(m, ins.b, ins.i), val, m->val_size);
    return HMAP_OK;
}

/* The bucket a hash selects for reading: the old one while not evacuated. */
ALWAYS_INLINE uint8_t *read_bucket(const struct hmap *m, uint64_t h)
{
    if (growing(m)) {
        uint8_t *ob = bucket_at(m, &m->old, h & m->old.mask);
        if (!evacuated(ob))
            return ob;
    }
    return bucket_at(m, &m->cur, h & m->cur.mask);
}

/* The general paths' keys: any size, the user's hash and equal. */
const struct hm_keyops hm_any_keys = {hm_key_hash, hm_chain_find};

/* --- insert ----------------------------------------------------------------- */

/* Go's overLoadFactor || tooManyOverflowBuckets for the current array: a
 * new key, when no growth is under way, starts one. */
ALWAYS_INLINE bool at_grow_limit(const struct hmap *m)
{
    return m->count >= m->cur.load_max || m->cur.noverflow >= m->cur.overflow_max;
}

/*
 * The whole insert, every case: no array yet, growth under way, growth to
 * start, a full chain; k says how keys hash and how a chain is searched.
 * Inside the write bracket.
 */
static int put_general(struct hmap *m, const void *key, const void *val, uint64_t h,
                       const struct hm_keyops *k)
{
    bool grew = false;
    size_t ops = m->ops_since_resize, peak = m->peak_since_resize;
    uint8_t top = tophash(h);
    if (m->cur.buckets == NULL) {
        int rc = hm_table_make(m, &m->cur, m->cur.B);
        if (rc != HMAP_OK)
            return rc;
    }
again:
    if (growing(m)) {
        size_t oi = h & m->old.mask;
        uint8_t *ob = bucket_at(m, &m->old, oi);
        if (!evacuated(ob)) {
            /* The key may live in ob: then no new slot is needed. */
            struct slot s = k->find(m, ob, key, top, NULL, NULL);
            int rc = hm_evacuate(m, oi, s.b == NULL, h, k);
            if (rc != HMAP_OK) {
                if (grew)
                    hm_grow_undo(m, ops, peak);
                return rc;
            }
        }
    }

    uint8_t *b = bucket_at(m, &m->cur, h & m->cur.mask);
    struct slot ins;
    uint8_t *last = b;
    struct slot s = k->find(m, b, key, top, &ins, &last);
    if (s.b != NULL) {
        memcpy(bucket_val(m, s.b, s.i), val, m->val_size);
        hm_evacuate_next(m, k);
        return HMAP_OK;
    }

    /* A new key.  Grow first if the map is full or too chained (Go checks
     * this only when not already growing), then look again. */
    if (!growing(m) && at_grow_limit(m)) {
        int rc = hm_grow_start(m);
        if (rc != HMAP_OK)
            return rc;
        grew = true;
        goto again;
    }
    int rc = hm_place(m, &m->cur, ins, last, top, key, val);
    if (rc != HMAP_OK) {
        if (grew)
            hm_grow_undo(m, ops, peak);
        return rc;
    }
    m->count++;
    m->ops_since_resize++;
    if (m->count > m->peak_since_resize)
        m->peak_since_resize = m->count;
    hm_evacuate_next(m, k);
    return HMAP_OK;
}

/* Out of line (as is hm_delete), whoever calls: a call site
 * that inlined it would keep its own copy of the whole insert. */
__attribute__((noinline)) int hm_put(struct hmap *m, const void *key, const void *val,
                                     const struct hm_keyops *k)
{
    if (!hm_begin_write(m))
        return HMAP_ERR_BUSY;
    int rc = put_general(m, key, val, k->hash(m, key), k);
    hm_end_write(m);
    return rc;
}

void hm_refresh_fast(struct hmap *m)
{
    m->fast64 = m->key_size == 8 && m->val_size == 8 && m->hash == NULL && m->equal == NULL;
    m->fast_ready = m->fast64 && !m->writing && m->cur.buckets != NULL && !growing(m);
    m->fast_write = m->fast_ready && m->shrink == NULL;
    m->grow_at = m->cur.noverflow >= m->cur.overflow_max ? 0 : m->cur.load_max;
}

/*
 * A key or value the caller read out of this map (hmap_get, an iterator)
 * points into the map's own pages, and the write it is handed to may give
 * those pages back (the step that ends a growth frees the old array and its
 * overflow) before reading it for the last time.  So the general put and
 * delete work on copies of such.  Only a write that may free pages needs
 * them: one during a growth, or a put that may start a growth
 * (at_grow_limit), which from a small array can end it too.  And only a
 * pointer into the arena's pages can be one, which arena_contains tells.
 * The 8-byte entry points take keys by value and need neither test.  Other
 * writes pay the first test only: the rest, and the copies' stack, are in
 * functions of their own.
 */
ALWAYS_INLINE bool may_free_pages(const struct hmap *m)
{
    return growing(m) || at_grow_limit(m);
}

static bool in_map_pages(const struct hmap *m, const void *p)
{
    return arena_contains(m->arena, p) != 0;
}

static __attribute__((noinline)) int put_as_pages_may_go(struct hmap *m, const void *key,
                                                         const void *val)
{
    if (!in_map_pages(m, key) && !in_map_pages(m, val))
        return hm_put(m, key, val, &hm_any_keys);
    /* Words, for the alignment the hash and the slots' loads may assume. */
    uint64_t k[(HMAP_MAX_KEY + 7) / 8], v[(HMAP_MAX_VAL + 7) / 8];
    memcpy(k, key, m->key_size);
    memcpy(v, val, m->val_size);
    return hm_put(m, k, v, &hm_any_keys);
}

static __attribute__((noinline)) bool delete_as_pages_may_go(struct hmap *m, const void *key)
{
    if (!in_map_pages(m, key))
        return hm_delete(m, key, &hm_any_keys);
    uint64_t k[(HMAP_MAX_KEY + 7) / 8];
    memcpy(k, key, m->key_size);
    return hm_delete(m, k, &hm_any_keys);
}

int hmap_put(struct hmap *m, const void *key, const void *val)
{
    if (m == NULL || key == NULL || (val == NULL && m->val_size != 0))
        return HMAP_ERR_ARG;
    static const uint8_t no_value[1];
    if (val == NULL)
        val = no_value; /* a set: 0 bytes copied, but memcpy wants a pointer */
    if (may_free_pages(m))
        return put_as_pages_may_go(m, key, val);
    return hm_put(m, key, val, &hm_any_keys);
}

/* --- lookup ----------------------------------------------------------------- */

struct slot hm_find_slot(const struct hmap *m, const void *key, const struct hm_keyops *k)
{
    uint64_t h = k->hash(m, key);
    return k->find(m, read_bucket(m, h), key, tophash(h), NULL, NULL);
}

void *hm_get(struct hmap *m, const void *key, const struct hm_keyops *k)
{
    if (m->count == 0)
        return NULL;
    if (m->writing) {
        m->misuse++;
        return NULL;
    }
    struct slot s = hm_find_slot(m, key, k);
    return s.b ? bucket_val(m, s.b, s.i) : NULL;
}

void *hmap_get(struct hmap *m, const void *key)
{
    if (m == NULL || key == NULL)
        return NULL;
    return hm_get(m, key, &hm_any_keys);
}

/* --- delete ----------------------------------------------------------------- */

/*
 * Empty slot i of bucket b in the chain that starts at first, its key and
 * value already zeroed (Go's mapdelete): EMPTY_ONE, or, when nothing live
 * follows it, EMPTY_REST for it and for the run of EMPTY_ONE slots before
 * it, walking backwards through the chain so that lookups stop early.  Then
 * the count, and Go 1.21's reseed of an emptied map.  Returns true (the
 * delete's answer).  "Nothing live follows" is read from the bytes, not from
 * the next slot alone: the 8-byte delete leaves EMPTY_ONE slots before an
 * EMPTY_REST in a bucket (hmap_fast64.c says why).
 */
__attribute__((noinline)) bool hm_vacate(struct hmap *m, uint8_t *first,
                                         uint8_t *b, size_t i)
{
    uint8_t *next = bucket_overflow(m, b);
    bool rest = i < SLOTS - 1 ? empty_outside(b, ((uint64_t)1 << (8 * i + 8)) - 1, HM_ONES)
                              : next == NULL || empty_outside(next, 0, HM_ONES);
    if (!rest)
        b[i] = TOPHASH_EMPTY_ONE;
    else /* slots i.. of b: EMPTY_REST, with any EMPTY_ONE among them */
        hm_store64(b, hm_load64(b) & (((uint64_t)1 << (8 * i)) - 1));
    while (rest) {
        b[i] = TOPHASH_EMPTY_REST;
        if (i == 0) {
            if (b == first)
                break;
            /* Find the bucket before b: chains are short. */
            uint8_t *prev = first;
            while (bucket_overflow(m, prev) != b)
                prev = bucket_overflow(m, prev);
            b = prev;
            i = SLOTS - 1;
        } else {
            i--;
        }
        rest = b[i] == TOPHASH_EMPTY_ONE;
    }
    if (--m->count == 0)
        reseed(m); /* an attacker's colliding keys are not replayed forever */
    return true;
}

/* The whole delete, every case (growth under way, auto-shrink); k as for
 * put_general.  Inside the write bracket. */
static bool delete_general(struct hmap *m, const void *key, uint64_t h,
                           const struct hm_keyops *k)
{
    if (m->cur.buckets == NULL || m->count == 0)
        return false;
    if (growing(m)) {
        /* Grow work, if its pages can be had; else delete in place (an old
         * bucket not evacuated is where lookups read the key anyway). */
        size_t oi = h & m->old.mask;
        if (!evacuated(bucket_at(m, &m->old, oi)))
            (void)hm_evacuate(m, oi, false, 0, k);
    }
    uint8_t *first = read_bucket(m, h);
    struct slot s = k->find(m, first, key, tophash(h), NULL, NULL);
    if (s.b == NULL) {
        hm_evacuate_next(m, k);
        return false;
    }
    memset(bucket_key(m, s.b, s.i), 0, m->key_size);
    memset(bucket_val(m, s.b, s.i), 0, m->val_size);
    hm_vacate(m, first, s.b, s.i);
    m->ops_since_resize++;
    hm_evacuate_next(m, k);
    if (m->shrink != NULL)
        m->shrink(m); /* auto-shrink: through the pointer, see struct hmap */
    return true;
}

__attribute__((noinline)) bool hm_delete(struct hmap *m, const void *key,
                                         const struct hm_keyops *k)
{
    if (!hm_begin_write(m))
        return false;
    bool found = delete_general(m, key, k->hash(m, key), k);
    hm_end_write(m);
    return found;
}

bool hmap_delete(struct hmap *m, const void *key)
{
    if (m == NULL || key == NULL)
        return false;
    if (may_free_pages(m))
        return delete_as_pages_may_go(m, key);
    return hm_delete(m, key, &hm_any_keys);
}

/* --- init, clear, reset ------------------------------------------------------ */

int hmap_init(struct hmap *m, const struct hmap_type *t, struct arena *a,
              size_t hint, uint64_t seed)
{
    if (m == NULL || t == NULL || a == NULL)
        return HMAP_ERR_ARG;
    if (t->key_size == 0 || t->key_size > HMAP_MAX_KEY || t->val_size > HMAP_MAX_VAL)
        return HMAP_ERR_SIZE;
    struct hmap fresh = {
        .arena = a,
        .hash = t->hash,
        .equal = t->equal,
        .key_size = t->key_size,
        .val_size = t->val_size,
        /* The bucket layout (hmap_internal.h). */
        .bucket_size = SLOTS + SLOTS * t->key_size + SLOTS * t->val_size + sizeof(void *),
    };
    hm_set_seed(&fresh, seed);
    unsigned B = hm_b_for_hint(hint);
    /* The array must be addressable: 2^B * 17/16 buckets in a size_t. */
    if (B >= HM_B_LIMIT ||
        (((size_t)1 << B) + ((size_t)1 << B) / 16) > SIZE_MAX / fresh.bucket_size)
        return HMAP_ERR_SIZE;
    fresh.hint_B = B;
    fresh.hint = hint;
    fresh.cur.B = B;
    int rc = B > 0 ? hm_table_make(&fresh, &fresh.cur, B) : HMAP_OK;
    /* Copied out either way: after an HMAP_ERR_NOMEM *m is not a map, but
     * it says what the init asked the arena for (hmap_last_request_pages). */
    hm_refresh_fast(&fresh);
    *m = fresh;
    return rc;
}

void hmap_clear(struct hmap *m)
{
    if (m == NULL || !hm_begin_write(m))
        return;
    hm_grow_end(m); /* a growth under way is abandoned */
    if (m->cur.buckets != NULL)
        hm_table_clear(m, &m->cur);
    m->count = 0;
    reseed(m);
    hm_end_write(m);
}

void hm_release_all(struct hmap *m)
{
    hm_grow_end(m);
    hm_table_free(m, &m->cur);
    m->cur.B = m->hint_B;
    m->count = 0;
    m->ops_since_resize = 0;
    m->peak_since_resize = 0;
    reseed(m);
}

void hmap_reset(struct hmap *m)
{
    if (m == NULL || !hm_begin_write(m))
        return;
    hm_release_all(m);
    hm_end_write(m);
}
