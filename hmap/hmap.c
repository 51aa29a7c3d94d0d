/* SPDX-License-Identifier: MIT */
/*
 * hmap.c - insert, lookup, delete, growth and the whole-map operations.
 *
 * The rules are the Go runtime's (map.go, map_fast64.go, Go 1.14-1.23):
 *
 * Growth.  An insert of a new key that would take the map over 6.5 entries a
 * bucket doubles it; one into a map with about as many overflow buckets as
 * regular ones grows it at the same size, which packs the chains again.
 * hash_grow only allocates the new array and moves the old one aside; the
 * entries move later, two old buckets per insert or delete (grow work): the
 * bucket the write touches, so that writes only ever see the new array, and
 * the lowest not yet moved, so that growth ends.  A doubling splits each old
 * bucket i between new buckets i (X) and i + 2^(B-1) (Y) by the hash bit that
 * B added.  Lookups read an old bucket while it is not evacuated.  When the
 * last old bucket is evacuated the old array and its overflow go back to the
 * arena: the only time a running map gives pages back.
 *
 * Delete marks the slot EMPTY_ONE, then turns the run of empty slots that
 * ends the chain into EMPTY_REST, walking backwards through the chain, so
 * that lookups can stop early.  Nothing is freed.
 *
 * Out of memory.  A write first works out every overflow bucket it will need
 * (the evacuation of the bucket it touches, and a new slot when the chain is
 * full) and takes them with one arena allocation before changing anything;
 * a new array for growth is handed back when what follows cannot be had.  So
 * a write that fails for lack of pages leaves the map as it was.
 *
 * Beyond Go: reset, compact and the opt-in auto-shrink (see hmap.h).
 */
#include "hmap_bucket.h"

/* --- small helpers -------------------------------------------------------- */

HOT bool growing(const struct hmap *m)
{
    return m->old.buckets != NULL;
}

/* Number of buckets in the old array (Go's noldbuckets). */
HOT size_t old_nbuckets(const struct hmap *m)
{
    return (size_t)1 << m->old.B;
}

static void reseed(struct hmap *m)
{
    m->seed = mix64(m->seed ^ HASH_K2, HASH_K1) + 1;
    m->hash_key = hash_key_of(m->seed);
    m->hash_mul = hash_mul_of(m->hash_key);
}

/* A position in a chain: bucket and slot. */
struct slot {
    uint8_t *b;
    unsigned i;
};

/* SWAR over the 8 tophash bytes of a bucket: a byte-mask (0x80 in each
 * selected byte) of the bytes equal to top.  Bytes above a true match may be
 * flagged falsely by the borrow: chain_find confirms a candidate by its byte,
 * find_u64 says why the 8-byte compare need not. */
#define ONES 0x0101010101010101ull

HOT uint64_t zero_bytes_with(uint64_t x, uint64_t ones)
{
    return (x - ones) & ~x & (ones << 7);
}

/*
 * ONES, through an empty asm the compiler cannot see into: the loops then
 * derive 0x80..80 (a shift) and subtract ONES itself, where GCC would load
 * -ONES and 0x80..80 from the constant pool, two instructions apiece on
 * rv64.  Measured: 3 instructions off every 8-byte lookup.
 */
HOT uint64_t swar_ones(void)
{
    uint64_t ones = ONES;
    __asm__("" : "+r"(ones));
    return ones;
}

/*
 * The chain ends in this bucket when its last slot is EMPTY_REST: a slot
 * after an EMPTY_REST is EMPTY_REST too (hmap_check verifies it), so the
 * last slot is EMPTY_REST exactly when some slot is.  One shift instead of
 * a SWAR zero-byte test.  (Little-endian: slot 7 is the word's top byte.)
 */
HOT bool chain_ends_here(uint64_t tops)
{
    return (tops >> 56) == HMAP_EMPTY_REST;
}

/*
 * For the lowest flagged slot i of a nonzero byte-mask: 8 * (i + 1), the
 * offset of its key from the bucket in the 8-byte layout.  rv64imac has no
 * count-trailing-zeros instruction; instead, keep a 0x01 in each byte up to
 * and including byte i, and let a multiply by ONES sum them into the top
 * byte: i + 1.  The byte below holds at most 7, so its top three bits are
 * clear and one shift by 53 gives the sum times 8.  Uses only the ONES the
 * caller holds: no constant to load.
 */
HOT unsigned lowest_key_offset(uint64_t mask, uint64_t ones)
{
    uint64_t upto = ((mask & -mask) - 1) & ones; /* 0x01 in bytes 0..i */
    return (unsigned)((upto * ones) >> 53);
}

/* The index of the lowest flagged slot of a nonzero byte-mask. */
HOT unsigned lowest_slot(uint64_t mask, uint64_t ones)
{
    return lowest_key_offset(mask, ones) / 8 - 1;
}

/*
 * A bucket spans three cache lines (144 bytes for 8-byte keys and values;
 * four when it straddles): the tophash word, the key it leads to and that
 * key's value are on different ones.  Fetch the next two with the first, not
 * one miss after another.  No instruction on rv64imac, which has no prefetch.
 */
HOT void prefetch_bucket(const uint8_t *b)
{
    __builtin_prefetch(b + 64);
    __builtin_prefetch(b + 128);
}

/*
 * Find key in the chain that starts at b.  Returns the slot holding it, or
 * {NULL} when absent; then *ins (if not NULL) is the first empty slot of the
 * chain ({NULL} if none) and *last the chain's last bucket.  The general
 * paths' search, for every key size (the 8-byte fast paths have their own,
 * find_u64): one out-of-line copy.
 */
static __attribute__((noinline)) struct slot
chain_find(const struct hmap *m, uint8_t *b, const void *key, uint8_t top,
           struct slot *ins, uint8_t **last)
{
    uint64_t ones = swar_ones();
    uint64_t want = top * ones;
    prefetch_bucket(b);
    if (ins != NULL)
        *ins = (struct slot){NULL, 0};
    for (;;) {
        uint64_t tops = load64(b);
        for (uint64_t cand = zero_bytes_with(tops ^ want, ones); cand != 0;
             cand &= cand - 1) {
            unsigned i = lowest_slot(cand, ones);
            /* The byte first: the match can flag a byte falsely. */
            if (b[i] == top && key_equal(m, bucket_key(m, b, i), key))
                return (struct slot){b, i};
        }
        if (ins != NULL && ins->b == NULL) {
            /* Empty slots: bytes 0 or 1, i.e. zero once the low bit is off. */
            uint64_t empty = zero_bytes_with(tops & ~ones, ones);
            if (empty != 0)
                *ins = (struct slot){b, lowest_slot(empty, ones)};
        }
        if (chain_ends_here(tops))
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

/* --- the 8-byte fast paths' shared parts ------------------------------------ */

HOT uint8_t *next_u64(const uint8_t *b)
{
    uint8_t *next;
    memcpy(&next, __builtin_assume_aligned(b + U64_BUCKET_SIZE - sizeof next, 8),
           sizeof next);
    return next;
}

/* Where an 8-byte fast path starts: the key's bucket in the current array
 * (no growth under way) and its tophash in every byte of want. */
struct probe {
    uint8_t *b;
    uint64_t want;
};

HOT struct probe probe_u64(const struct hmap *m, uint64_t key, uint64_t ones)
{
    uint64_t h = hash_u64_keyed(key, m->hash_key, m->hash_mul);
    uint8_t *b = m->cur.buckets + (h & m->cur.mask) * U64_BUCKET_SIZE;
    prefetch_bucket(b);
    return (struct probe){b, tophash64(h) * ones};
}

/*
 * The key in the 8-byte chain that starts at *bp: the offset of its key in
 * its bucket (8 * (slot + 1), see lowest_key_offset), with *bp set to that
 * bucket; 0 when absent.
 *
 * Unlike chain_find it does not confirm a candidate's tophash byte, although
 * the SWAR match can flag a byte falsely: a falsely flagged byte is always
 * top ^ 1 (a 0x01 just above a true match), which is no empty state (top is
 * at least MIN_TOPHASH) and no evacuation mark (chains searched here have
 * none), so it is a live slot whose hash differs from key's: it holds another
 * key, because a key is stored in one slot only, with its own tophash.
 */
HOT size_t find_u64(uint8_t **bp, uint64_t key, uint64_t want, uint64_t ones)
{
    uint8_t *b = *bp;
    do {
        uint64_t tops = load64(b);
        for (uint64_t cand = zero_bytes_with(tops ^ want, ones); cand != 0;
             cand &= cand - 1) {
            size_t off = lowest_key_offset(cand, ones);
            if (load64(b + off) == key) {
                *bp = b;
                return off;
            }
        }
        if (chain_ends_here(tops))
            break;
        b = next_u64(b);
    } while (b != NULL);
    return 0;
}

/* The bucket a hash selects for reading: the old one while not evacuated. */
HOT uint8_t *read_bucket(const struct hmap *m, uint64_t h)
{
    if (growing(m)) {
        uint8_t *ob = bucket_at(m, &m->old, h & m->old.mask);
        if (!evacuated(ob))
            return ob;
    }
    return bucket_at(m, &m->cur, h & m->cur.mask);
}

/* --- evacuation ------------------------------------------------------------ */

/* The hash of a key stored in a bucket (8-byte aligned when fast64). */
HOT uint64_t entry_hash(const struct hmap *m, const uint8_t *k)
{
    return m->fast64 ? hash_u64_keyed(load64(k), m->hash_key, m->hash_mul) : key_hash(m, k);
}

/*
 * Where old bucket i's live entries go: X = new bucket i, Y = i + old count,
 * by the hash bit the doubling added (all to X in a same-size growth).
 * ybits has bit n set when the n-th slot of the chain goes to Y (n < 64), so
 * evacuate need not hash those entries again.
 */
struct evac_plan {
    size_t nx, ny;
    uint64_t ybits;
};

static struct evac_plan plan_evacuation(const struct hmap *m, size_t i)
{
    struct evac_plan p = {0, 0, 0};
    unsigned n = 0;
    for (uint8_t *b = bucket_at(m, &m->old, i); b; b = bucket_overflow(m, b))
        for (unsigned s = 0; s < SLOTS; s++, n++) {
            if (is_empty(b[s]))
                continue;
            bool y = !m->same_size &&
                     (entry_hash(m, bucket_key(m, b, s)) & old_nbuckets(m)) != 0;
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
    if (m->nevacuate == n) {
        table_free(m, &m->old);
        m->old.B = 0;
        m->nevacuate = 0;
        m->same_size = false;
    }
}

/* Copy one entry between slots; 8-byte keys and values without memcpy. */
HOT void copy_entry(const struct hmap *m, uint8_t *db, unsigned di,
                              uint8_t *sb, unsigned si)
{
    if (m->fast64) {
        store64(bucket_key(m, db, di), load64(bucket_key(m, sb, si)));
        store64(bucket_val(m, db, di), load64(bucket_val(m, sb, si)));
    } else {
        memcpy(bucket_key(m, db, di), bucket_key(m, sb, si), m->key_size);
        memcpy(bucket_val(m, db, di), bucket_val(m, sb, si), m->val_size);
    }
}

/*
 * Move old bucket i into the new array, as planned.  The caller reserved the
 * overflow buckets the move needs, so it cannot fail.  The new buckets X and
 * Y are empty: only this bucket's entries ever go there, and writes to them
 * evacuate first.
 */
static void evacuate(struct hmap *m, size_t i, const struct evac_plan *p)
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
                b[s] = HMAP_EVACUATED_EMPTY;
                continue;
            }
            unsigned y = n < 64 ? (unsigned)(p->ybits >> n) & 1
                                : !m->same_size &&
                                      (entry_hash(m, bucket_key(m, b, s)) &
                                       old_nbuckets(m)) != 0;
            b[s] = (uint8_t)(HMAP_EVACUATED_X + y);
            struct slot *d = &dst[y];
            if (d->i == SLOTS) {
                d->b = table_new_overflow(m, &m->cur, d->b);
                d->i = 0;
            }
            d->b[d->i] = top;
            copy_entry(m, d->b, d->i, b, s);
            d->i++;
        }
    }
    if (i == m->nevacuate)
        advance_evacuation_mark(m);
}

/*
 * Evacuate old bucket i (not evacuated yet), reserving the overflow buckets
 * it needs in one allocation, plus one more when a new key with hash h is to
 * go in afterwards (h_new) and its destination will be full: a packed chain
 * is full exactly when its entries are a nonzero multiple of 8.
 * 0 or NOMEM (then nothing changed).
 */
static int evacuate_reserved(struct hmap *m, size_t i, bool insert, uint64_t h)
{
    struct evac_plan p = plan_evacuation(m, i);
    size_t need = overflow_for(p.nx) + overflow_for(p.ny);
    if (insert) {
        size_t n = !m->same_size && (h & old_nbuckets(m)) ? p.ny : p.nx;
        need += n > 0 && n % SLOTS == 0;
    }
    int rc = table_reserve(m, &m->cur, need);
    if (rc == HMAP_OK)
        evacuate(m, i, &p);
    return rc;
}

/* The optional half of Go's growWork: move the lowest unevacuated bucket,
 * if its overflow can be had; growth then ends after enough writes. */
static void evacuate_next(struct hmap *m)
{
    if (!growing(m))
        return;
    if (evacuated(bucket_at(m, &m->old, m->nevacuate)))
        advance_evacuation_mark(m); /* it stopped at its 1024 limit */
    else
        (void)evacuate_reserved(m, m->nevacuate, false, 0);
}

/* Start growing: a doubling, or same size when only overflow is the problem.
 * Allocates the new array only; 0 or NOMEM (nothing changed). */
static int hash_grow(struct hmap *m)
{
    bool same = m->count < m->cur.fill_limit; /* only chains are the problem */
    struct hmap_table fresh;
    int rc = table_make(m, &fresh, m->cur.B + (same ? 0 : 1));
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

/* Take back a hash_grow that nothing has used yet; ops and peak are the
 * shrink policy's counters as they were before it. */
static void undo_grow(struct hmap *m, size_t ops, size_t peak)
{
    m->ops_since_resize = ops;
    m->peak_since_resize = peak;
    table_free(m, &m->cur);
    m->cur = m->old;
    m->old = (struct hmap_table){0};
    if (m->same_size)
        m->same_size_grows--;
    else
        m->grows--;
    m->same_size = false;
}

/* --- insert ----------------------------------------------------------------- */

/*
 * The whole insert, every case: no array yet, growth under way, growth to
 * start, a full chain.  Out of line; the 8-byte entry points come here
 * through hmap_put when their fast path does not apply.
 */
static __attribute__((noinline)) int
put_general(struct hmap *m, const void *key, const void *val, uint64_t h)
{
    bool grew = false;
    size_t ops = m->ops_since_resize, peak = m->peak_since_resize;
    uint8_t top = tophash(h);
    if (m->cur.buckets == NULL) {
        int rc = table_make(m, &m->cur, m->cur.B);
        if (rc != HMAP_OK)
            return rc;
    }
again:
    if (growing(m)) {
        size_t oi = h & bucket_mask(m->old.B);
        uint8_t *ob = bucket_at(m, &m->old, oi);
        if (!evacuated(ob)) {
            /* The key may live in ob: then no new slot is needed. */
            struct slot s = chain_find(m, ob, key, top, NULL, NULL);
            int rc = evacuate_reserved(m, oi, s.b == NULL, h);
            if (rc != HMAP_OK) {
                if (grew)
                    undo_grow(m, ops, peak);
                return rc;
            }
        }
    }

    uint8_t *b = bucket_at(m, &m->cur, h & m->cur.mask);
    struct slot ins;
    uint8_t *last = b;
    struct slot s = chain_find(m, b, key, top, &ins, &last);
    if (s.b != NULL) {
        memcpy(bucket_val(m, s.b, s.i), val, m->val_size);
        evacuate_next(m);
        return HMAP_OK;
    }

    /* A new key.  Grow first if the map is full or too chained (Go checks
     * this only when not already growing), then look again. */
    if (!growing(m) && (m->count >= m->cur.fill_limit ||
                        m->cur.noverflow >= m->cur.overflow_limit)) {
        int rc = hash_grow(m);
        if (rc != HMAP_OK)
            return rc;
        grew = true;
        goto again;
    }
    if (ins.b == NULL) {
        int rc = table_reserve(m, &m->cur, 1);
        if (rc != HMAP_OK) {
            if (grew)
                undo_grow(m, ops, peak);
            return rc;
        }
        ins = (struct slot){table_new_overflow(m, &m->cur, last), 0};
    }
    ins.b[ins.i] = top;
    memcpy(bucket_key(m, ins.b, ins.i), key, m->key_size);
    memcpy(bucket_val(m, ins.b, ins.i), val, m->val_size);
    m->count++;
    m->ops_since_resize++;
    if (m->count > m->peak_since_resize)
        m->peak_since_resize = m->count;
    evacuate_next(m);
    return HMAP_OK;
}

/*
 * fast_ready and fast_write from what they summarise (hmap.h).  Their
 * conditions change only inside bracketed writes (and hmap_init,
 * hmap_set_auto_shrink), which call this last; the fast paths themselves
 * never start or end a growth, allocate or drop the array.
 */
static void refresh_fast(struct hmap *m)
{
    m->fast_ready = m->fast64 && !m->writing && m->cur.buckets != NULL && !growing(m);
    m->fast_write = m->fast_ready && !m->auto_shrink;
    m->insert_limit = m->cur.noverflow >= m->cur.overflow_limit ? 0 : m->cur.fill_limit;
}

/* Enter a write: refuse (and count) one that re-enters another. */
HOT bool begin_write(struct hmap *m)
{
    if (m->writing) {
        m->misuse++;
        return false;
    }
    m->writing = true;
    m->fast_ready = false;
    m->fast_write = false;
    m->writes++;
    return true;
}

HOT void end_write(struct hmap *m)
{
    m->writing = false;
    refresh_fast(m);
}

int hmap_put(struct hmap *m, const void *key, const void *val)
{
    if (m == NULL || key == NULL || (val == NULL && m->val_size != 0))
        return HMAP_ERR_ARG;
    static const uint8_t no_value[1];
    if (val == NULL)
        val = no_value; /* a set: 0 bytes copied, but memcpy wants a pointer */
    if (!begin_write(m))
        return HMAP_ERR_BUSY;
    uint64_t h = key_hash(m, key);
    int rc = put_general(m, key, val, h);
    end_write(m);
    return rc;
}

/* Every 8-byte put the fast path does not take (a NULL map included) is
 * hmap_put's: the built-in hash of 8 bytes is hash_u64's, so the entry lands
 * where the fast paths look.  Out of line, so the fast path calls nothing. */
static __attribute__((noinline)) int put_u64_slow(struct hmap *m, uint64_t key,
                                                  uint64_t val)
{
    if (m != NULL && !m->fast64)
        return HMAP_ERR_SIZE;
    return hmap_put(m, &key, &val);
}

/*
 * The 8-byte insert whose chain is full: link a spare overflow bucket and
 * put the entry in its first slot (put_general's case, without the bracket:
 * nothing here can re-enter or fail).  With no spare bucket left, the general
 * path allocates.  Out of line, so that the fast path stays a leaf.
 */
static __attribute__((noinline)) int put_u64_chain(struct hmap *m, uint8_t *last,
                                                   uint64_t key, uint64_t val,
                                                   uint8_t top)
{
    if (m->cur.nfree_ovf == 0)
        return put_u64_slow(m, key, val);
    uint8_t *b = table_new_overflow(m, &m->cur, last);
    b[0] = top;
    store64(bucket_key(m, b, 0), key);
    store64(bucket_val(m, b, 0), val);
    m->count++;
    m->writes++;
    if (m->cur.noverflow >= m->cur.overflow_limit)
        m->insert_limit = 0; /* the next new key grows at the same size */
    return HMAP_OK;
}

/*
 * The 8-byte insert (Go's mapassign_fast64), on the fast path when the map's
 * fast_write is set: an array, no growth under way, no auto-shrink.  The key
 * is there (new value), or it goes in the chain's first empty slot when that
 * does not start a growth (count below insert_limit).  Everything else is
 * the general path's.  The fast path calls nothing that could re-enter
 * (built-in hash and equality), so it needs no hashWriting bracket; it only
 * bumps the write count iterators watch.  With auto-shrink off, the shrink
 * policy's counts are not kept (hmap_set_auto_shrink restarts them).
 */
int hmap_put_u64(struct hmap *m, uint64_t key, uint64_t val)
{
    if (m == NULL || !m->fast_write)
        return put_u64_slow(m, key, val);
    uint64_t ones = swar_ones();
    struct probe p = probe_u64(m, key, ones);
    uint8_t *b = p.b, *ins = NULL; /* ins: the first empty slot's bucket */
    size_t ins_off = 0;            /* and its key's offset there          */
    for (;;) {
        uint64_t tops = load64(b);
        for (uint64_t cand = zero_bytes_with(tops ^ p.want, ones); cand != 0;
             cand &= cand - 1) {
            uint8_t *k = b + lowest_key_offset(cand, ones);
            if (load64(k) == key) {
                store64(k + SLOTS * 8, val);
                m->writes++;
                return HMAP_OK;
            }
        }
        if (ins == NULL) {
            /* Empty slots: bytes 0 or 1, i.e. zero once the low bit is off. */
            uint64_t empty = zero_bytes_with(tops & ~ones, ones);
            if (empty != 0) {
                ins = b;
                ins_off = lowest_key_offset(empty, ones);
            }
        }
        if (chain_ends_here(tops))
            break;
        uint8_t *next = next_u64(b);
        if (next == NULL)
            break;
        b = next;
    }
    if (m->count >= m->insert_limit)
        return put_u64_slow(m, key, val); /* a growth starts */
    if (ins == NULL)
        return put_u64_chain(m, b, key, val, (uint8_t)p.want);
    ins[ins_off / 8 - 1] = (uint8_t)p.want; /* the slot's tophash */
    store64(ins + ins_off, key);
    store64(ins + ins_off + SLOTS * 8, val);
    m->count++;
    m->writes++;
    return HMAP_OK;
}

/* --- lookup ----------------------------------------------------------------- */

static struct slot find_slot(const struct hmap *m, const void *key)
{
    uint64_t h = key_hash(m, key);
    return chain_find(m, read_bucket(m, h), key, tophash(h), NULL, NULL);
}

uint8_t *hmap_find_key(const struct hmap *m, const void *key)
{
    struct slot s = find_slot(m, key);
    return s.b ? bucket_key(m, s.b, s.i) : NULL;
}

void *hmap_get(struct hmap *m, const void *key)
{
    if (m == NULL || key == NULL || m->count == 0)
        return NULL;
    if (m->writing) {
        m->misuse++;
        return NULL;
    }
    struct slot s = find_slot(m, key);
    return s.b ? bucket_val(m, s.b, s.i) : NULL;
}

/* hmap_get_u64 whenever the fast path may not run (a growth under way, no
 * array, not an 8-byte map, a read from inside a write, or no map): hmap_get,
 * as for put. */
static __attribute__((noinline)) bool get_u64_slow(struct hmap *m, uint64_t key,
                                                   uint64_t *val)
{
    if (m == NULL || !m->fast64)
        return false;
    const void *v = hmap_get(m, &key);
    if (v != NULL && val != NULL)
        memcpy(val, v, sizeof *val);
    return v != NULL;
}

/*
 * The 8-byte lookup, Go's mapaccess2_fast64, written out on its own: the
 * hottest path of all.  Candidates come from the SWAR match; the candidate
 * mask gives the key's offset directly (8 * (slot + 1)), and a key that
 * matches is the one (find_u64 says why no tophash byte need be confirmed).
 * An empty array is searched like any other: no count test.
 */
bool hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val)
{
    if (m == NULL || !m->fast_ready)
        return get_u64_slow(m, key, val);
    uint64_t ones = swar_ones();
    struct probe p = probe_u64(m, key, ones);
    uint8_t *b = p.b;
    /* find_u64's loop, answering at the match: through find_u64 a hit costs
     * 3 instructions more (its offset is tested again; measured 49.8 vs 46.8
     * at N = 100,000 on the target). */
    do {
        uint64_t tops = load64(b);
        for (uint64_t cand = zero_bytes_with(tops ^ p.want, ones); cand != 0;
             cand &= cand - 1) {
            uint8_t *k = b + lowest_key_offset(cand, ones);
            if (load64(k) == key) {
                if (val != NULL)
                    *val = load64(k + SLOTS * 8);
                return true;
            }
        }
        if (chain_ends_here(tops))
            return false;
        b = next_u64(b);
    } while (b != NULL);
    return false;
}

/* --- delete ----------------------------------------------------------------- */

static void maybe_shrink(struct hmap *m);

/*
 * Empty slot i of bucket b in the chain that starts at first, its key and
 * value already zeroed (Go's mapdelete): EMPTY_ONE, or, when nothing live
 * follows it, EMPTY_REST for it and for the run of EMPTY_ONE slots before
 * it, walking backwards through the chain so that lookups stop early.  Then
 * the count, and Go 1.21's reseed of an emptied map.  Returns true (the
 * delete's answer).
 */
static __attribute__((noinline)) bool vacate(struct hmap *m, uint8_t *first,
                                             uint8_t *b, size_t i)
{
    uint8_t *next = bucket_overflow(m, b);
    bool rest = i < SLOTS - 1 ? b[i + 1] == HMAP_EMPTY_REST
                              : next == NULL || next[0] == HMAP_EMPTY_REST;
    if (!rest)
        b[i] = HMAP_EMPTY_ONE;
    while (rest) {
        b[i] = HMAP_EMPTY_REST;
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
        rest = b[i] == HMAP_EMPTY_ONE;
    }
    if (--m->count == 0)
        reseed(m); /* an attacker's colliding keys are not replayed forever */
    return true;
}

/* The whole delete, every case (growth under way, auto-shrink); out of line
 * and shared by the generic and 8-byte entry points. */
static __attribute__((noinline)) bool
delete_general(struct hmap *m, const void *key, uint64_t h)
{
    if (m->cur.buckets == NULL || m->count == 0)
        return false;
    if (growing(m)) {
        /* Grow work, if its pages can be had; else delete in place (an old
         * bucket not evacuated is where lookups read the key anyway). */
        size_t oi = h & bucket_mask(m->old.B);
        if (!evacuated(bucket_at(m, &m->old, oi)))
            (void)evacuate_reserved(m, oi, false, 0);
    }
    uint8_t *first = read_bucket(m, h);
    struct slot s = chain_find(m, first, key, tophash(h), NULL, NULL);
    if (s.b == NULL) {
        evacuate_next(m);
        return false;
    }
    memset(bucket_key(m, s.b, s.i), 0, m->key_size);
    memset(bucket_val(m, s.b, s.i), 0, m->val_size);
    vacate(m, first, s.b, s.i);
    m->ops_since_resize++;
    evacuate_next(m);
    maybe_shrink(m);
    return true;
}

bool hmap_delete(struct hmap *m, const void *key)
{
    if (m == NULL || key == NULL)
        return false;
    if (!begin_write(m))
        return false;
    bool found = delete_general(m, key, key_hash(m, key));
    end_write(m);
    return found;
}

/* Every 8-byte delete the fast path does not take: hmap_delete, as for put. */
static __attribute__((noinline)) bool delete_u64_slow(struct hmap *m, uint64_t key)
{
    return m != NULL && m->fast64 && hmap_delete(m, &key);
}

/*
 * The 8-byte delete (Go's mapdelete_fast64), on the fast path when the map's
 * fast_write is set.  Like hmap_put_u64 it calls nothing that could re-enter,
 * so it needs no hashWriting bracket.  The common case, a slot with a
 * non-emptyRest slot after it in its bucket and entries left, is marked
 * EMPTY_ONE here; the rest (an emptyRest run to extend, the reseed of an
 * emptied map) is vacate's.
 */
bool hmap_delete_u64(struct hmap *m, uint64_t key)
{
    if (m == NULL || !m->fast_write)
        return delete_u64_slow(m, key);
    uint64_t ones = swar_ones();
    struct probe p = probe_u64(m, key, ones);
    uint8_t *b = p.b;
    size_t off = find_u64(&b, key, p.want, ones);
    m->writes++; /* a delete is a write, found or not (iterators end) */
    if (off == 0)
        return false;
    store64(b + off, 0);
    store64(b + off + SLOTS * 8, 0);
    uint8_t *after = b + off / 8; /* the tophash of the slot after it */
    size_t count = m->count;      /* read before the byte store, which may alias */
    if (off == SLOTS * 8 || *after == HMAP_EMPTY_REST || count == 1)
        return vacate(m, p.b, b, off / 8 - 1);
    m->count = count - 1;
    after[-1] = HMAP_EMPTY_ONE;
    return true;
}

/* --- init, clear, reset ------------------------------------------------------ */

int hmap_init(struct hmap *m, const struct hmap_type *t, struct arena *a,
              size_t hint, uint64_t seed)
{
    if (m == NULL || t == NULL || a == NULL)
        return HMAP_ERR_ARG;
    struct hmap fresh = {
        .arena = a,
        .hash = t->hash,
        .equal = t->equal,
        .seed = seed,
        .hash_key = hash_key_of(seed),
        .hash_mul = hash_mul_of(hash_key_of(seed)),
        .fast64 = t->key_size == 8 && t->val_size == 8 && t->hash == NULL &&
                  t->equal == NULL,
    };
    int rc = hmap_layout(&fresh, t->key_size, t->val_size);
    if (rc != HMAP_OK)
        return rc;
    unsigned B = hmap_b_for_hint(hint);
    /* The array must be addressable: 2^B * 17/16 buckets in a size_t. */
    if (B >= sizeof(size_t) * 8 - 6 ||
        (((size_t)1 << B) + ((size_t)1 << B) / 16) > SIZE_MAX / fresh.bucket_size)
        return HMAP_ERR_SIZE;
    fresh.hint_B = B;
    fresh.cur.B = B;
    if (B > 0) {
        rc = table_make(&fresh, &fresh.cur, B);
        if (rc != HMAP_OK)
            return rc;
    }
    refresh_fast(&fresh);
    *m = fresh;
    return HMAP_OK;
}

size_t hmap_len(const struct hmap *m)
{
    return m == NULL ? 0 : m->count;
}

size_t hmap_entries_upper_bound(const struct hmap *m, size_t bytes)
{
    if (m == NULL)
        return 0;
    size_t buckets = bytes / m->bucket_size;
    return buckets > SIZE_MAX / SLOTS ? SIZE_MAX : buckets * SLOTS;
}

void hmap_clear(struct hmap *m)
{
    if (m == NULL || !begin_write(m))
        return;
    if (growing(m)) {
        table_free(m, &m->old);
        m->old.B = 0;
        m->nevacuate = 0;
        m->same_size = false;
    }
    if (m->cur.buckets != NULL)
        table_clear(m, &m->cur);
    m->count = 0;
    reseed(m);
    end_write(m);
}

/* Everything back to the arena; the next put allocates at the hint's B. */
static void reset_locked(struct hmap *m)
{
    table_free(m, &m->old);
    table_free(m, &m->cur);
    m->old.B = 0;
    m->cur.B = m->hint_B;
    m->nevacuate = 0;
    m->same_size = false;
    m->count = 0;
    m->ops_since_resize = 0;
    m->peak_since_resize = 0;
    reseed(m);
}

void hmap_reset(struct hmap *m)
{
    if (m == NULL || !begin_write(m))
        return;
    reset_locked(m);
    end_write(m);
}

/* --- compact and auto-shrink ----------------------------------------------- */

/* The first empty slot of chain b, or {NULL} with *last its last bucket. */
static struct slot free_slot(const struct hmap *m, uint8_t *b, uint8_t **last)
{
    for (;; b = bucket_overflow(m, b)) {
        for (unsigned s = 0; s < SLOTS; s++)
            if (is_empty(b[s]))
                return (struct slot){b, s};
        if (bucket_overflow(m, b) == NULL)
            break;
    }
    *last = b;
    return (struct slot){NULL, 0};
}

/* Copy every live entry of chain b into table t, taking overflow buckets
 * from t.  Keys are distinct, so each goes to the first free slot. */
static int rebuild_chain(struct hmap *m, struct hmap_table *t, uint8_t *b)
{
    for (; b; b = bucket_overflow(m, b)) {
        for (unsigned s = 0; s < SLOTS; s++) {
            if (b[s] < HMAP_MIN_TOPHASH)
                continue;
            const uint8_t *k = bucket_key(m, b, s);
            uint8_t *last = NULL;
            struct slot ins = free_slot(
                m, bucket_at(m, t, key_hash(m, k) & bucket_mask(t->B)), &last);
            if (ins.b == NULL) {
                int rc = table_reserve(m, t, 1);
                if (rc != HMAP_OK)
                    return rc;
                ins = (struct slot){table_new_overflow(m, t, last), 0};
            }
            ins.b[ins.i] = b[s];
            memcpy(bucket_key(m, ins.b, ins.i), k, m->key_size);
            memcpy(bucket_val(m, ins.b, ins.i), bucket_val(m, b, s), m->val_size);
        }
    }
    return HMAP_OK;
}

static int compact_locked(struct hmap *m)
{
    if (m->count == 0) {
        reset_locked(m);
        return HMAP_OK;
    }
    unsigned B = hmap_b_for_hint(m->count);
    if (B < m->hint_B)
        B = m->hint_B;
    if (!growing(m) && B == m->cur.B && m->cur.chunks == NULL)
        return HMAP_OK; /* already as small as it gets */

    struct hmap_table t;
    int rc = table_make(m, &t, B);
    if (rc != HMAP_OK)
        return rc;
    for (size_t i = 0; rc == HMAP_OK && i < ((size_t)1 << m->cur.B); i++)
        rc = rebuild_chain(m, &t, bucket_at(m, &m->cur, i));
    for (size_t i = 0; rc == HMAP_OK && growing(m) && i < old_nbuckets(m); i++) {
        uint8_t *ob = bucket_at(m, &m->old, i);
        if (!evacuated(ob))
            rc = rebuild_chain(m, &t, ob);
    }
    if (rc != HMAP_OK) {
        table_free(m, &t);
        return rc;
    }
    table_free(m, &m->old);
    table_free(m, &m->cur);
    m->old = (struct hmap_table){0};
    m->cur = t;
    m->nevacuate = 0;
    m->same_size = false;
    m->shrinks++;
    m->ops_since_resize = 0;
    m->peak_since_resize = m->count;
    return HMAP_OK;
}

int hmap_compact(struct hmap *m)
{
    if (m == NULL)
        return HMAP_ERR_ARG;
    if (!begin_write(m))
        return HMAP_ERR_BUSY;
    int rc = compact_locked(m);
    end_write(m);
    return rc;
}

void hmap_set_auto_shrink(struct hmap *m, bool on)
{
    if (m == NULL)
        return;
    if (on && !m->auto_shrink) {
        /* Writes on the fast paths did not count while it was off. */
        m->ops_since_resize = 0;
        m->peak_since_resize = m->count;
    }
    m->auto_shrink = on;
    refresh_fast(m);
}

/* The shrink policy (hmap.h): four times too big, above the hint, and 2N
 * writes since the last resize.  A failed rebuild leaves the map as it was. */
static void maybe_shrink(struct hmap *m)
{
    if (!m->auto_shrink || m->cur.B <= m->hint_B ||
        m->ops_since_resize < 2 * m->peak_since_resize)
        return;
    unsigned B = hmap_b_for_hint(m->count);
    if (B < m->hint_B)
        B = m->hint_B;
    if (B + 2 <= m->cur.B)
        (void)compact_locked(m);
}

/* --- figures ----------------------------------------------------------------- */

void hmap_get_stats(const struct hmap *m, struct hmap_stats *out)
{
    size_t page = arena_page_size(m->arena);
    *out = (struct hmap_stats){
        .len = m->count,
        .B = m->cur.B,
        .buckets = m->cur.buckets ? (size_t)1 << m->cur.B : 0,
        .overflow = m->cur.noverflow + m->old.noverflow,
        .bytes = (table_pages(&m->cur) + table_pages(&m->old)) * page,
        .growing = growing(m),
        .bucket_size = m->bucket_size,
        .old_buckets = growing(m) ? old_nbuckets(m) : 0,
        .nevacuate = m->nevacuate,
        .spare_overflow = m->cur.nfree_ovf,
        .grows = m->grows,
        .same_size_grows = m->same_size_grows,
        .shrinks = m->shrinks,
        .misuse = m->misuse,
    };
}

const char *hmap_strerror(int code)
{
    switch (code) {
    case HMAP_OK: return "ok";
    case HMAP_ERR_ARG: return "NULL argument";
    case HMAP_ERR_SIZE: return "key or value size out of range";
    case HMAP_ERR_NOMEM: return "out of memory: the arena has no pages";
    case HMAP_ERR_BUSY: return "map written from inside a write";
    case HMAP_ERR_CHANGED: return "map written during iteration";
    case HMAP_BROKEN_COUNT: return "broken: count";
    case HMAP_BROKEN_TOPHASH: return "broken: tophash";
    case HMAP_BROKEN_PLACEMENT: return "broken: key in wrong bucket";
    case HMAP_BROKEN_EMPTY_REST: return "broken: slot after emptyRest not emptyRest";
    case HMAP_BROKEN_DUPLICATE: return "broken: duplicate key";
    case HMAP_BROKEN_EVACUATED: return "broken: evacuation marks";
    case HMAP_BROKEN_OVERFLOW: return "broken: overflow count";
    case HMAP_BROKEN_PAGES: return "broken: pages held";
    default: return "unknown";
    }
}
