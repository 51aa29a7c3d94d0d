/* SPDX-License-Identifier: MIT */
/*
 * hmap_fast64.c - the 8-byte paths (Go's map_fast64.go): hmap_put_u64,
 * hmap_get_u64 and hmap_delete_u64, for maps whose keys and values are 8
 * bytes and that use the built-in hash and equality.
 *
 * Each entry point tests one cached byte of the map and then runs as leaf
 * code, but for the cases it hands to a function out of line (a chain longer
 * than one bucket for put, the emptyRest walks for delete): hmap_get_u64
 * tests fast_ready (an 8-byte map, no write in progress,
 * an array, no growth); put and delete test fast_write (the same, and no
 * auto-shrink), and put compares the count with grow_at (Go's
 * overLoadFactor and tooManyOverflowBuckets in one compare).  hm_refresh_fast
 * (hmap.c) keeps the three in step; hmap_check verifies them.  Everything the
 * fast path does not handle goes to the general insert, lookup and delete
 * (hm_put, hm_get, hm_delete), out of line, with this file's hash and chain
 * walk for 8-byte keys (u64_keys): a firmware that uses only these entry
 * points links neither the byte hash nor the general chain walk.  The
 * built-in hash of 8 bytes is hash_u64's, so every path finds the same slot.
 *
 * The fast paths call nothing that could re-enter (no user hash or equal),
 * so they need no hashWriting bracket; they only bump the write count that
 * iterators watch.  The chain walks use the tricks of hmap_probe.h and
 * hmap_swar.h.  hmap_get_u64 itself is defined inline in hmap_probe.h, so
 * that callers may inline it; its external definition is made here.
 */
#include "hmap_swar.h"

/*
 * The one external definition of hmap_get_u64 (C99: hmap_probe.h's inline
 * definition makes none; this declaration makes this file's).  The steps it
 * uses need none: they are always inlined, so nothing ever calls them.
 */
extern bool hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val);

/*
 * Where key is among the slots of bucket b (tophash word tops) whose tophash
 * is the one in every byte of want: the key's offset (see
 * hm_lowest_key_offset), or 0.  A candidate needs no confirming (see find_u64).
 */
ALWAYS_INLINE size_t key_offset_in(const uint8_t *b, uint64_t tops, uint64_t key,
                                   uint64_t want, uint64_t ones)
{
    for (uint64_t cand = hm_zero_bytes(tops ^ want, ones); cand != 0; cand &= cand - 1) {
        size_t off = hm_lowest_key_offset(cand, ones);
        if (off == 0)                /* never (it is 8..64): the callers' test of */
            __builtin_unreachable(); /* off != 0 then costs nothing    */
        if (hm_load64(b + off) == key)
            return off;
    }
    return 0;
}

/*
 * The key in the 8-byte chain that starts at *bp: the offset of its key in
 * its bucket (8 * (slot + 1), see hm_lowest_key_offset), with *bp set to that
 * bucket; 0 when absent.
 *
 * Unlike chain_find it does not confirm a candidate's tophash byte, although
 * the SWAR match can flag a byte falsely: a falsely flagged byte is always
 * top ^ 1 (a 0x01 just above a true match), which is no empty state (top is
 * at least TOPHASH_MIN) and no evacuation mark (chains searched here have
 * none), so it is a live slot whose hash differs from key's: it holds another
 * key, because a key is stored in one slot only, with its own tophash.
 */
ALWAYS_INLINE size_t find_u64(uint8_t **bp, uint64_t key, uint64_t want, uint64_t ones)
{
    uint8_t *b = *bp;
    do {
        uint64_t tops = hm_load64(b);
        size_t off = key_offset_in(b, tops, key, want, ones);
        if (off != 0) {
            *bp = b;
            return off;
        }
        if (hm_chain_ends_here(tops))
            break;
        b = hm_next_u64(b);
    } while (b != NULL);
    return 0;
}

/*
 * An insert's walk of the 8-byte chain that starts at b (Go's
 * mapassign_fast64 loop): where key is, else the chain's first empty slot
 * and its last bucket.  Candidates need no confirming, as in find_u64.
 */
struct walk {
    uint8_t *b;     /* the bucket holding key, else the chain's last      */
    size_t off;     /* key's offset in b (see hm_lowest_key_offset), 0: absent */
    uint8_t *ins;   /* the first empty slot's bucket, NULL when none      */
    size_t ins_off; /* and that slot's key offset there                   */
};

ALWAYS_INLINE struct walk walk_u64(uint8_t *b, uint64_t key, uint64_t want, uint64_t ones)
{
    struct walk w = {b, 0, NULL, 0};
    for (;;) {
        uint64_t tops = hm_load64(b);
        size_t off = key_offset_in(b, tops, key, want, ones);
        if (off != 0) {
            w.b = b;
            w.off = off;
            return w;
        }
        if (w.ins == NULL) {
            uint64_t empty = hm_zero_bytes(tops & ~ones, ones);
            if (empty != 0) {
                w.ins = b;
                w.ins_off = hm_lowest_key_offset(empty, ones);
            }
        }
        if (hm_chain_ends_here(tops))
            break;
        uint8_t *next = hm_next_u64(b);
        if (next == NULL)
            break;
        b = next;
    }
    w.b = b;
    return w;
}

/* --- the general paths, for 8-byte keys ---------------------------------------- */

/*
 * hm_key_hash for these maps, without its tests.  The keys the general
 * paths hand it and u64_chain_find are aligned: the 8-byte entry points'
 * own uint64_t, or a bucket's key.
 */
static uint64_t u64_key_hash(const struct hmap *m, const void *key)
{
    return hm_hash_u64_keyed(hm_load64(key), m->hash_key, m->hash_mul);
}

/* hm_chain_find for these maps: the insert's walk, without memcmp. */
static struct slot u64_chain_find(const struct hmap *m, uint8_t *b, const void *key,
                                  uint8_t top, struct slot *ins, uint8_t **last)
{
    (void)m;
    uint64_t ones = hm_swar_ones();
    struct walk w = walk_u64(b, hm_load64(key), top * ones, ones);
    if (ins != NULL)
        *ins = (struct slot){w.ins, w.ins != NULL ? w.ins_off / 8 - 1 : 0};
    if (w.off != 0)
        return (struct slot){w.b, w.off / 8 - 1};
    if (last != NULL)
        *last = w.b;
    return (struct slot){NULL, 0};
}

static const struct hm_keyops u64_keys = {u64_key_hash, u64_chain_find};

/* --- insert ------------------------------------------------------------------ */

/* Every 8-byte put the fast path does not take (a NULL map included) is
 * the general insert's, with the 8-byte keys: the built-in hash of 8 bytes
 * is hash_u64's, so the entry lands where the fast paths look.  Out of
 * line, so the fast path calls nothing. */
static __attribute__((noinline)) int put_u64_slow(struct hmap *m, uint64_t key,
                                                  uint64_t val)
{
    if (m == NULL)
        return HMAP_ERR_ARG;
    if (!m->fast64)
        return HMAP_ERR_SIZE;
    return hm_put(m, &key, &val, &u64_keys);
}

/* Slot s's key in an 8-byte map: bucket_key with the key size known. */
ALWAYS_INLINE uint8_t *u64_key_at(struct slot s)
{
    return s.b + SLOTS + s.i * 8;
}

/*
 * The 8-byte insert (Go's mapassign_fast64) of a chain longer than its first
 * bucket b, by the chain walk the general paths use for these keys: the key
 * is there (new value), or it goes in the chain's first empty slot when
 * that does not start a growth (count below grow_at), or, when the chain is
 * full, in the first slot of a spare overflow bucket linked at its end (the
 * general insert's case, without the bracket: nothing here can re-enter or
 * fail; with no spare bucket left, the general path allocates).  Out of
 * line: most chains end in their first bucket.
 */
static __attribute__((noinline)) int put_u64_walk(struct hmap *m, uint8_t *b, uint64_t key,
                                                  uint64_t val, uint8_t top)
{
    struct slot ins;
    uint8_t *last;
    struct slot s = u64_chain_find(m, b, &key, top, &ins, &last);
    if (s.b == NULL) {
        size_t count = m->count; /* read before the byte store, which may alias */
        if (count >= m->grow_at || (ins.b == NULL && m->cur.nfree_ovf == 0))
            return put_u64_slow(m, key, val); /* a growth starts, or pages are needed */
        if (ins.b == NULL) {
            ins = (struct slot){hm_table_new_overflow(m, &m->cur, last), 0};
            if (m->cur.noverflow >= m->cur.overflow_max)
                m->grow_at = 0; /* the next new key grows at the same size */
        }
        s = ins;
        s.b[s.i] = top;
        hm_store64(u64_key_at(s), key);
        m->count = count + 1;
    }
    hm_store64(u64_key_at(s) + SLOTS * 8, val); /* the value, 8 slots on */
    m->writes++;
    return HMAP_OK;
}

/*
 * The 8-byte insert.  Most chains end in their first bucket (its last slot
 * is EMPTY_REST): then the walk is that one bucket, and the first empty slot
 * need not be carried from bucket to bucket.  That case runs here, as leaf
 * code, with the same outcomes as put_u64_walk's; longer chains take
 * put_u64_walk.  With auto-shrink off, the shrink policy's counts are not
 * kept (hmap_set_auto_shrink restarts them).
 */
int hmap_put_u64(struct hmap *m, uint64_t key, uint64_t val)
{
    if (m == NULL || !m->fast_write)
        return put_u64_slow(m, key, val);
    uint64_t ones = hm_swar_ones();
    struct hm_probe p = hm_probe_u64(m, key, ones);
    uint64_t tops = hm_load64(p.b);
    if (!hm_chain_ends_here(tops))
        return put_u64_walk(m, p.b, key, val, (uint8_t)p.want);
    size_t off = key_offset_in(p.b, tops, key, p.want, ones);
    uint8_t *k = p.b + off; /* the key's slot: a new value */
    if (off != 0)
        goto store_val;
    size_t count = m->count; /* read before the byte store, which may alias */
    if (count >= m->grow_at)
        return put_u64_slow(m, key, val); /* a growth starts */
    /* The first empty slot: there is one, the last slot is EMPTY_REST. */
    off = hm_lowest_key_offset(hm_zero_bytes(tops & ~ones, ones), ones);
    p.b[off / 8 - 1] = (uint8_t)p.want; /* the slot's tophash */
    k = p.b + off;
    hm_store64(k, key);
    m->count = count + 1;
store_val:
    hm_store64(k + SLOTS * 8, val);
    m->writes++;
    return HMAP_OK;
}

/* --- lookup ------------------------------------------------------------------ */

/* hmap_get_u64 (hmap_probe.h) whenever the fast path may not run (a growth
 * under way, no array, not an 8-byte map, a read from inside a write, or no
 * map): the general lookup, as for put. */
__attribute__((noinline)) bool hm_get_u64_slow(struct hmap *m, uint64_t key, uint64_t *val)
{
    if (m == NULL || !m->fast64)
        return false;
    const void *v = hm_get(m, &key, &u64_keys);
    if (v != NULL && val != NULL)
        *val = hm_load64(v);
    return v != NULL;
}

/* --- delete ------------------------------------------------------------------ */

/* Every 8-byte delete the fast path does not take: the general delete, as
 * for put. */
static __attribute__((noinline)) bool delete_u64_slow(struct hmap *m, uint64_t key)
{
    return m != NULL && m->fast64 && hm_delete(m, &key, &u64_keys);
}

/*
 * The 8-byte delete (Go's mapdelete_fast64).  The slot becomes EMPTY_REST
 * when the slot after it in its bucket is EMPTY_REST, else EMPTY_ONE, with
 * no branch on which: a branch on it would go either way at random.  Unlike
 * Go, the slots before it stay as they are when it becomes EMPTY_REST: Go
 * walks back turning EMPTY_ONE slots into EMPTY_REST so that its
 * slot-by-slot loops stop early, but tidemark's walks test a bucket's 8
 * slots at once and read only its last slot to end a chain, and that slot
 * is kept exact (hmap_check): a delete that empties an overflow bucket
 * with nothing live after it walks back into the bucket before, as Go's
 * does, through hm_vacate, as do a delete in the last slot and the last
 * delete of the map (its reseed).
 */
bool hmap_delete_u64(struct hmap *m, uint64_t key)
{
    if (m == NULL || !m->fast_write)
        return delete_u64_slow(m, key);
    uint64_t ones = hm_swar_ones();
    struct hm_probe p = hm_probe_u64(m, key, ones);
    uint8_t *b = p.b;
    size_t off = find_u64(&b, key, p.want, ones);
    m->writes++; /* a delete is a write, found or not (iterators end) */
    if (off == 0)
        return false;
    hm_store64(b + off, 0);
    hm_store64(b + off + SLOTS * 8, 0);
    uint8_t *after = b + off / 8; /* the tophash of the slot after it */
    size_t count = m->count;      /* read before the byte store, which may alias */
    /* hm_vacate's: a bucket's last slot, the map's last entry, or a delete
     * that empties an overflow bucket with nothing live after it. */
    if (off == SLOTS * 8 || count == 1 ||
        (b != p.b && empty_outside(b, (uint64_t)0xff << (off - 8), ones)))
        return hm_vacate(m, p.b, b, off / 8 - 1);
    m->count = count - 1;
    after[-1] = *after == TOPHASH_EMPTY_REST ? TOPHASH_EMPTY_REST : TOPHASH_EMPTY_ONE;
    return true;
}
