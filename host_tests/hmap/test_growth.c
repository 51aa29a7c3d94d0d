/* SPDX-License-Identifier: MIT */
/*
 * test_growth.c - when the map grows, how it evacuates, and when the old
 * array's pages go back.
 *
 * Rules (hmap.h, as Go's map.go): an insert of a new key, when not already growing, doubles
 * the map if count+1 > 8 and count+1 > 6.5 * 2^B; it grows at the same size
 * when noverflow >= 2^min(B,15).  Growth is incremental: each insert or
 * delete during growth evacuates the old bucket it touches and the next
 * unevacuated one, so each write moves at most two old buckets and at least
 * the next one; from 2^HMAP_GROW_WORK_FROM_B old buckets on, the next
 * HMAP_GROW_WORK unevacuated ones.  Reads never evacuate.  The old array's
 * pages go back only when evacuation ends.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

/* Doubling: a map of B takes max(8, 6.5 * 2^B) entries, and the next new
 * key starts a doubling.  Overwrites never do.  Built-in hash: without
 * deletes a same-size growth is impossible (k overflow buckets in a chain
 * need 8k+1 keys, so 2^B of them would need more than 6.5 * 2^B entries). */
Test(growth, doubling_trigger_exact)
{
    struct hmap_type t = type_u64(NULL);
    for (unsigned B = 0; B <= 7; B++) {
        size_t limit = B == 0 ? 8 : (13u << B) / 2;
        size_t hint = B == 0 ? 0 : limit;
        cr_assert_eq(expect_B(hint), B);
        struct arena *a = test_arena_new(64, PAGE_4K);
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &t, a, hint, 1000 + B), 0);
        for (uint64_t k = 0; k < limit; k++) {
            cr_assert_eq(put64(&m, k, k + 1), 0);
            struct hmap_stats s = hstats(&m);
            cr_assert_eq(s.grows, 0, "B %u: grew at entry %lu", B,
                         (unsigned long)k + 1);
            cr_assert_eq(s.same_size_grows, 0);
            cr_assert_eq(s.B, B);
            cr_assert(!s.growing);
            cr_assert(!over_load(s.len, B));
        }
        /* At the limit, an overwrite is not an insert: no growth. */
        cr_assert_eq(put64(&m, 0, 12345), 0);
        cr_assert_eq(hstats(&m).grows, 0, "B %u: an overwrite grew", B);
        cr_assert_eq(hstats(&m).len, limit);

        cr_assert(over_load(limit + 1, B));
        cr_assert_eq(put64(&m, limit, 7), 0);
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.grows, 1, "B %u: no doubling at entry %zu", B,
                     limit + 1);
        cr_assert_eq(s.same_size_grows, 0);
        cr_assert_eq(s.B, B + 1);
        cr_assert_eq(s.buckets, (size_t)2 << B);
        cr_assert_eq(s.len, limit + 1);
        if (B >= 2) {
            /* At most 2 of 2^B >= 4 old buckets move per write. */
            cr_assert(s.growing, "B %u: growth not incremental", B);
            cr_assert_eq(s.old_buckets, (size_t)1 << B);
        }
        for (uint64_t k = 0; k <= limit; k++) {
            uint64_t v;
            cr_assert(get64(&m, k, &v), "B %u: key %lu lost", B,
                      (unsigned long)k);
            cr_assert_eq(v, k == 0 ? 12345 : (k == limit ? 7 : k + 1));
        }
        cr_assert_eq(hmap_check(&m), 0);
        hmap_reset(&m);
        test_arena_free(a);
    }
}

/* A map observed mid-growth: every entry readable, iteration exact, each
 * write moves the evacuation forward, reads do not; the old array's pages
 * stay until the last evacuation and then all go back at once.  ctl_hash
 * spreads keys k over buckets k mod 2^B, so no overflow bucket is needed and
 * the byte figures are exact. */
Test(growth, incremental_evacuation)
{
    enum { RANGE = 400 };
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 104, 5), 0);
    bool live[RANGE] = {false};
    for (uint64_t k = 0; k < 104; k++) {
        cr_assert_eq(put64(&m, k, k * 10), 0);
        live[k] = true;
    }
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 4);
    cr_assert_eq(s.overflow, 0);
    cr_assert_eq(s.bytes, PAGE_4K);

    /* The 105th entry starts the doubling. */
    cr_assert_eq(put64(&m, 104, 1040), 0);
    live[104] = true;
    s = hstats(&m);
    size_t both = PAGE_4K + expect_array_bytes(5, 144, PAGE_4K);
    TLOG("growth: mid-growth B=%u buckets=%zu old_buckets=%zu nevacuate=%zu "
         "bytes=%zu (old 1 page + new %zu pages)\n",
         s.B, s.buckets, s.old_buckets, s.nevacuate, s.bytes,
         expect_array_bytes(5, 144, PAGE_4K) / PAGE_4K);
    cr_assert(s.growing);
    cr_assert_eq(s.grows, 1);
    cr_assert_eq(s.B, 5);
    cr_assert_eq(s.buckets, 32);
    cr_assert_eq(s.old_buckets, 16);
    cr_assert_eq(s.bytes, both);
    cr_assert_eq(test_arena_in_use(a), both);
    cr_assert(s.nevacuate >= 1 && s.nevacuate < 16, "nevacuate %zu",
              s.nevacuate);

    size_t writes = 1; /* the insert that started the growth */
    uint64_t next_new = 105, next_del = 3;
    while (hstats(&m).growing) {
        size_t nev = hstats(&m).nevacuate;
        /* Every live entry readable, none of the deleted ones. */
        for (uint64_t k = 0; k < RANGE; k++) {
            uint64_t v;
            bool found = get64(&m, k, &v);
            cr_assert_eq(found, live[k], "mid-growth key %lu",
                         (unsigned long)k);
            if (found)
                cr_assert_eq(v, k * 10);
        }
        cr_assert_eq(hstats(&m).nevacuate, nev, "a read evacuated");
        unsigned visits[RANGE] = {0};
        size_t stray = 0;
        int err = 1;
        size_t n = iter_count_u64(&m, visits, RANGE, &stray, &err);
        cr_assert_eq(err, 0);
        cr_assert_eq(stray, 0);
        cr_assert_eq(n, hmap_len(&m));
        for (uint64_t k = 0; k < RANGE; k++)
            cr_assert_eq(visits[k], live[k] ? 1u : 0u, "key %lu visited %u",
                         (unsigned long)k, visits[k]);
        cr_assert_eq(hstats(&m).nevacuate, nev, "iteration evacuated");
        cr_assert_eq(hmap_check(&m), 0);
        cr_assert_eq(hstats(&m).bytes, both, "pages returned mid-growth");
        cr_assert_eq(test_arena_in_use(a), both);

        /* Alternate inserts of new keys and deletes of live ones. */
        if (writes % 2 == 1) {
            cr_assert_eq(put64(&m, next_new, next_new * 10), 0);
            live[next_new++] = true;
        } else {
            while (!live[next_del])
                next_del++;
            cr_assert(del64(&m, next_del));
            live[next_del] = false;
        }
        writes++;
        s = hstats(&m);
        cr_assert_eq(s.grows, 1, "a second growth started during growth");
        if (s.growing)
            cr_assert(s.nevacuate > nev, "write %zu: nevacuate %zu -> %zu",
                      writes, nev, s.nevacuate);
        cr_assert(writes <= 16, "growth not over after %zu writes", writes);
    }
    s = hstats(&m);
    TLOG("growth: evacuation over after %zu writes (16 old buckets): "
         "bytes %zu -> %zu, arena in_use %zu\n",
         writes, both, s.bytes, test_arena_in_use(a));
    /* Each write moves at most two old buckets. */
    cr_assert(writes >= 8, "16 old buckets evacuated in %zu writes", writes);
    cr_assert_eq(s.bytes, expect_array_bytes(5, 144, PAGE_4K));
    cr_assert_eq(test_arena_in_use(a), s.bytes);
    cr_assert_eq(s.old_buckets, 0);
    cr_assert_eq(s.B, 5);
    for (uint64_t k = 0; k < RANGE; k++) {
        uint64_t v;
        cr_assert_eq(get64(&m, k, &v), live[k]);
    }
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Same-size growth: with every key of bucket i at k = i + 16j (ctl_hash),
 * 9 keys give bucket i one overflow bucket; deleting 8 of them keeps it
 * linked.  After 16 such rounds noverflow = 16 = 2^B with 16 entries, far
 * below the load factor, and the next new key starts a same-size growth.
 * When it ends the chains are compact and every old page is back. */
Test(growth, same_size_trigger_and_compaction)
{
    struct arena *a = test_arena_new(32, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 104, 5), 0);
    cr_assert_eq(hstats(&m).B, 4);
    for (uint64_t i = 0; i < 16; i++) {
        for (uint64_t j = 0; j <= 8; j++) {
            cr_assert_eq(put64(&m, i + 16 * j, j), 0);
            struct hmap_stats s = hstats(&m);
            cr_assert_eq(s.same_size_grows, 0,
                         "same-size growth with noverflow %zu < 16",
                         s.overflow);
            cr_assert_eq(s.grows, 0);
            cr_assert(!s.growing);
        }
        cr_assert_eq(hstats(&m).overflow, i + 1);
        for (uint64_t j = 0; j < 8; j++)
            cr_assert(del64(&m, i + 16 * j));
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.overflow, i + 1, "a delete unlinked an overflow");
        cr_assert_eq(s.len, i + 1);
        cr_assert_eq(hmap_check(&m), 0);
    }
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.overflow, 16);
    TLOG("growth: before same-size growth: len=%zu B=%u overflow=%zu "
         "spare=%zu bytes=%zu\n",
         s.len, s.B, s.overflow, s.spare_overflow,
         s.bytes);

    cr_assert_eq(put64(&m, 144, 9), 0); /* bucket 0 */
    s = hstats(&m);
    cr_assert_eq(s.same_size_grows, 1, "no same-size growth at noverflow 16");
    cr_assert_eq(s.grows, 0);
    cr_assert_eq(s.B, 4);
    cr_assert_eq(s.buckets, 16);
    cr_assert(s.growing);
    cr_assert_eq(s.old_buckets, 16);

    size_t writes = 1;
    uint64_t next = 145;
    while (hstats(&m).growing) {
        for (uint64_t i = 0; i < 16; i++) {
            uint64_t v;
            cr_assert(get64(&m, i + 128, &v));
            cr_assert_eq(v, 8);
        }
        /* Iteration mid-way through a same-size growth: exactly once. */
        enum { R = 256 };
        unsigned visits[R] = {0};
        size_t stray = 0;
        int err = 1;
        size_t n = iter_count_u64(&m, visits, R, &stray, &err);
        cr_assert(err == 0 && stray == 0 && n == hmap_len(&m));
        for (uint64_t k = 0; k < R; k++) {
            bool live = (k >= 128 && k < 145) || (k >= 145 && k < next);
            cr_assert_eq(visits[k], live ? 1u : 0u, "key %lu visited %u",
                         (unsigned long)k, visits[k]);
        }
        cr_assert_eq(hmap_check(&m), 0);
        cr_assert_eq(put64(&m, next, 1), 0);
        next++;
        writes++;
        cr_assert(writes <= 16);
    }
    s = hstats(&m);
    TLOG("growth: same-size growth over after %zu writes: len=%zu B=%u "
         "overflow=%zu bytes=%zu arena in_use=%zu\n",
         writes, s.len, s.B, s.overflow, s.bytes, test_arena_in_use(a));
    cr_assert(writes >= 8);
    cr_assert_eq(s.same_size_grows, 1);
    cr_assert_eq(s.B, 4);
    cr_assert_eq(s.overflow, 0, "chains not compacted: %zu", s.overflow);
    cr_assert_eq(s.bytes, PAGE_4K, "old array or chunks kept: %zu", s.bytes);
    cr_assert_eq(test_arena_in_use(a), PAGE_4K);
    for (uint64_t i = 0; i < 16; i++)
        cr_assert(get64(&m, i + 128, NULL));
    cr_assert(get64(&m, 144, NULL));
    for (uint64_t k = 145; k < next; k++)
        cr_assert(get64(&m, k, NULL));
    cr_assert_eq(hmap_len(&m), 17 + (next - 145));
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* Built-in hash, no hint: insert 3000 keys and, whenever a growth is under
 * way, read every key so far.  Bytes only fall when a growth ends, and then
 * by the old array. */
Test(growth, readable_throughout_builtin_hash)
{
    enum { N = 3000 };
    struct arena *a = test_arena_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 77), 0);
    size_t prev_bytes = 0, growths_seen = 0;
    bool was_growing = false;
    for (uint64_t k = 0; k < N; k++) {
        cr_assert_eq(put64(&m, k * 7919, k), 0);
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.bytes, test_arena_in_use(a));
        if (s.bytes < prev_bytes) {
            /* Pages came back: only when a growth has just ended. */
            cr_assert(was_growing && !s.growing,
                      "bytes fell %zu -> %zu outside the end of a growth",
                      prev_bytes, s.bytes);
            growths_seen++;
        }
        if (s.growing) {
            for (uint64_t j = 0; j <= k; j++) {
                uint64_t v;
                cr_assert(get64(&m, j * 7919, &v), "key %lu lost mid-growth",
                          (unsigned long)j);
                cr_assert_eq(v, j);
            }
            cr_assert_eq(hmap_check(&m), 0);
        }
        was_growing = s.growing;
        prev_bytes = s.bytes;
    }
    struct hmap_stats s = hstats(&m);
    TLOG("growth: 3000 inserts from hint 0: B=%u grows=%zu (%zu ended with "
         "pages back) bytes=%zu\n",
         s.B, s.grows, growths_seen, s.bytes);
    cr_assert_eq(s.B, expect_B(N));
    cr_assert_eq(s.grows, expect_B(N));
    /* Doublings from B >= 2 onward end after the insert that starts them. */
    cr_assert(growths_seen >= s.grows - 2, "%zu of %zu", growths_seen,
              s.grows);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* A map m of 8-byte keys under hash, made for 2^old_B buckets in an arena
 * with room for it to double, filled with keys 0 .. limit - 1 (value
 * k ^ mask): its limit, so that the next new key starts a doubling. */
static struct arena *fill_to_limit(struct hmap *m, unsigned old_B,
                                   uint64_t (*hash)(const void *, size_t, uint64_t),
                                   uint64_t mask, size_t *limit)
{
    *limit = (13u << old_B) / 2;
    struct arena *a = test_arena_new(4 * expect_array_bytes(old_B + 1, 144, PAGE_4K) / PAGE_4K,
                                     PAGE_4K);
    struct hmap_type t = type_u64(hash);
    cr_assert_eq(hmap_init(m, &t, a, *limit, 3), 0);
    for (uint64_t k = 0; k < *limit; k++)
        cr_assert_eq(put64(m, k, k ^ mask), 0);
    cr_assert_eq(hstats(m).B, old_B);
    cr_assert(!hstats(m).growing);
    return a;
}

/*
 * Growth's pace (hmap.h): fill a map made for 2^old_B buckets to its limit,
 * let the next insert start the doubling, then alternate inserts of new keys
 * and deletes of live ones until the growth is over.  Returns the writes it
 * took, the one that started it included.  After every write: each key
 * readable, the map sound, and nevacuate moved by at least the pace, or the
 * growth over.  ctl_hash puts key k in bucket k mod 2^B, so no chain forms.
 */
static size_t writes_to_finish_growth(unsigned old_B, size_t pace)
{
    size_t limit, old_n = (size_t)1 << old_B;
    struct hmap m;
    struct arena *a = fill_to_limit(&m, old_B, ctl_hash, 0, &limit);

    uint64_t next_new = limit, next_del = 0;
    size_t writes = 0, nev = 0;
    do {
        if (writes % 2 == 0) {
            cr_assert_eq(put64(&m, next_new, next_new), 0);
            next_new++;
        } else {
            cr_assert(del64(&m, next_del++));
        }
        writes++;
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.grows, 1);
        if (!s.growing)
            break;
        cr_assert_eq(s.old_buckets, old_n);
        cr_assert(s.nevacuate >= nev + pace, "old B %u, write %zu: nevacuate "
                                             "%zu -> %zu, pace %zu",
                  old_B, writes, nev, s.nevacuate, pace);
        nev = s.nevacuate;
        for (uint64_t k = next_del; k < next_new; k++) {
            uint64_t v;
            cr_assert(get64(&m, k, &v), "old B %u: key %lu lost mid-growth",
                      old_B, (unsigned long)k);
            cr_assert_eq(v, k);
        }
        cr_assert_eq(hmap_check(&m), 0);
    } while (writes <= old_n);
    struct hmap_stats s = hstats(&m);
    cr_assert(!s.growing, "old B %u: growth not over after %zu writes", old_B, writes);
    cr_assert_eq(s.B, old_B + 1);
    cr_assert_eq(s.old_buckets, 0);
    cr_assert_eq(s.bytes, test_arena_in_use(a), "old array kept");
    cr_assert_eq(hmap_check(&m), 0);
    TLOG("growth: from %zu old buckets, over after %zu writes\n", old_n, writes);
    test_arena_free(a);
    return writes;
}

/* Below 2^HMAP_GROW_WORK_FROM_B old buckets, Go's pace: one in order a
 * write, plus the write's own, so at most two buckets move a write. */
Test(growth, small_map_grows_at_gos_pace)
{
    unsigned old_B = HMAP_GROW_WORK_FROM_B - 1;
    size_t writes = writes_to_finish_growth(old_B, 1);
    cr_assert(writes >= ((size_t)1 << old_B) / 2, "%zu writes", writes);
}

/* From 2^HMAP_GROW_WORK_FROM_B old buckets on, HMAP_GROW_WORK in order a
 * write: the growth is over within 2^B / HMAP_GROW_WORK writes, and each
 * write still moves at most 1 + HMAP_GROW_WORK buckets. */
Test(growth, big_map_grows_faster)
{
    unsigned old_B = HMAP_GROW_WORK_FROM_B;
    size_t writes = writes_to_finish_growth(old_B, HMAP_GROW_WORK);
    size_t old_n = (size_t)1 << old_B;
    cr_assert(writes <= old_n / HMAP_GROW_WORK, "%zu writes", writes);
    cr_assert(writes >= old_n / (1 + HMAP_GROW_WORK), "%zu writes", writes);
}

/* Keys k land in old bucket k mod 512 (bit 10 and up of the low
 * word clear, so a doubling from B = 10 sends every entry to X); top bits
 * mixed for the tophash. */
static uint64_t half_hash(const void *key, size_t len, uint64_t seed)
{
    (void)len;
    (void)seed;
    uint64_t k = load_u64(key);
    return (k % 512) | (tmix(k) & 0xffffffff00000000ull);
}

/* Keys 0 .. limit are in m with value ~k, but 1, 8, 15, .. below next_del. */
static void expect_every_7th_deleted(struct hmap *m, uint64_t limit, uint64_t next_del,
                                     const char *when)
{
    for (uint64_t k = 0; k <= limit; k++) {
        uint64_t v;
        bool gone = k >= 1 && k < next_del && (k - 1) % 7 == 0;
        cr_assert_eq(get64(m, k, &v), !gone, "%s: key %lu", when, (unsigned long)k);
        if (!gone)
            cr_assert_eq(v, ~k);
    }
}

/*
 * A big map's grow work (HMAP_GROW_WORK a write) meeting an arena that has
 * no page left: each of old buckets 0..511 holds 13 entries, so each
 * evacuation reserves one overflow bucket, and once the new array's spare
 * ones are gone the reservation needs a page.  With every allocation
 * failing, deletes still succeed, a write stops its grow work at the first
 * bucket it cannot reserve for (some writes move fewer than
 * HMAP_GROW_WORK, later ones none), and the map stays sound with every key
 * readable; with pages back, the growth ends and nothing is lost.
 */
Test(growth, big_grow_work_stops_at_nomem)
{
    const unsigned old_B = HMAP_GROW_WORK_FROM_B;
    size_t limit;
    struct hmap m;
    struct arena *a = fill_to_limit(&m, old_B, half_hash, ~(uint64_t)0, &limit);
    cr_assert_eq(put64(&m, limit, ~(uint64_t)limit), 0); /* starts the doubling */
    cr_assert(hstats(&m).growing);

    arena_fail_after(a, 1, 1); /* every allocation from now on fails */
    uint64_t next_del = 1;     /* key 0's bucket moved with the first write */
    size_t partial = 0, stuck = 0, nev = hstats(&m).nevacuate;
    while (stuck < 20) {
        uint64_t k = next_del;
        next_del += 7; /* deletes spread over old buckets, mostly not yet moved */
        cr_assert(del64(&m, k), "key %lu not deleted", (unsigned long)k);
        struct hmap_stats s = hstats(&m);
        cr_assert(s.growing);
        size_t moved = s.nevacuate - nev;
        if (moved > 0 && moved < HMAP_GROW_WORK)
            partial++;
        if (moved == 0)
            stuck++;
        nev = s.nevacuate;
        cr_assert_eq(hmap_check(&m), 0, "after deleting %lu", (unsigned long)k);
    }
    cr_assert(partial > 0, "no write stopped part way");
    expect_every_7th_deleted(&m, limit, next_del, "mid-growth");
    TLOG("growth: grow work stopped at nevacuate %zu (%zu writes part way)\n", nev,
         partial);

    arena_fail_after(a, 0, 0);
    for (size_t w = 0; hstats(&m).growing; w++) {
        cr_assert(w < (1u << old_B), "growth never ends");
        cr_assert_eq(put64(&m, limit, ~(uint64_t)limit), 0); /* an overwrite */
        cr_assert_eq(hmap_check(&m), 0);
    }
    expect_every_7th_deleted(&m, limit, next_del, "after growth");
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, old_B + 1);
    cr_assert_eq(s.bytes, test_arena_in_use(a), "old array kept");
    test_arena_free(a);
}

/* --- a write handed bytes of the map it changes ------------------------- */

/*
 * hmap_get's value and an iterator's key point into the map's pages, and a
 * caller may hand them to the next write: delete what an iterator found,
 * copy one entry's value to another key.  The write that ends a growth gives
 * the old array's pages back part way through; it must not read the key or
 * value from there afterwards.  The observer scribbles over freed pages, as
 * a poisoning arena or the pages' next owner would, whatever this build's
 * ARENA_POISON.  16-byte keys: the general paths, which take keys by
 * pointer.
 */
struct key16 {
    uint64_t lo, hi;
};

static const struct hmap_type key16_type = {.key_size = 16, .val_size = 8};

/* Key {i, ~i} with value 3i. */
static void put_key16(struct hmap *m, uint64_t i)
{
    struct key16 k = {i, ~i};
    uint64_t v = 3 * i;
    cr_assert_eq(hmap_put(m, &k, &v), 0);
}

static void scribble_freed(void *ctx, int event, const void *pages, size_t npages)
{
    if (event == ARENA_EVENT_FREE)
        memset((void *)(uintptr_t)pages, 0x5a, npages * *(const size_t *)ctx);
}

/* A map of 16-byte keys whose growth the next write ends (one old bucket
 * left to move: the next unevacuated one), scribbling from then on.
 * Returns its count of keys. */
static size_t one_bucket_from_grow_end(struct arena *a, struct hmap *m, size_t *page_size)
{
    cr_assert_eq(hmap_init(m, &key16_type, a, 0, 77), 0);
    for (uint64_t i = 0; i < 1000; i++) {
        put_key16(m, i);
        struct hmap_stats s = hstats(m);
        if (s.growing && s.old_buckets >= 4 && s.nevacuate == s.old_buckets - 1) {
            arena_set_observer(a, scribble_freed, page_size);
            return (size_t)i + 1;
        }
    }
    cr_assert_fail("no growth came within one bucket of its end");
    return 0;
}

/* The key of the j-th entry an iterator hands out: a pointer into m. */
static const void *nth_key(struct hmap *m, size_t j)
{
    struct hmap_iter it;
    const void *k = NULL;
    hmap_iter_init(&it, m);
    for (size_t i = 0; i <= j; i++)
        cr_assert(hmap_iter_next(&it, &k, NULL));
    return k;
}

enum map_bytes_write {
    DELETE_BY_ITS_KEY,
    OVERWRITE_BY_ITS_KEY,
    COPY_ITS_VALUE,
};

/* For every entry of a fresh map one bucket from its growth's end: the
 * write, through the entry's own bytes, ends the growth and does what it
 * was asked. */
static void write_with_map_bytes(enum map_bytes_write w)
{
    size_t n = 1;
    for (size_t j = 0; j < n; j++) {
        size_t ps = PAGE_4K;
        struct arena *a = test_arena_new(16, ps);
        struct hmap m;
        n = one_bucket_from_grow_end(a, &m, &ps);
        const void *kp = nth_key(&m, j);
        struct key16 k;
        memcpy(&k, kp, sizeof k);
        uint64_t want = 3 * k.lo, v = 7, *got;
        struct key16 other = {k.lo + 5000, 0};
        switch (w) {
        case DELETE_BY_ITS_KEY:
            cr_assert(hmap_delete(&m, kp), "entry %zu: not deleted", j);
            cr_assert_null(hmap_get(&m, &k), "entry %zu: still there", j);
            cr_assert_eq(hmap_len(&m), n - 1);
            break;
        case OVERWRITE_BY_ITS_KEY:
            cr_assert_eq(hmap_put(&m, kp, &v), 0);
            got = hmap_get(&m, &k);
            cr_assert(got != NULL && *got == v, "entry %zu: value not overwritten", j);
            cr_assert_eq(hmap_len(&m), n, "entry %zu: added, not overwritten", j);
            break;
        case COPY_ITS_VALUE:
            cr_assert_eq(hmap_put(&m, &other, hmap_get(&m, &k)), 0);
            got = hmap_get(&m, &other);
            cr_assert(got != NULL && *got == want, "entry %zu: value not copied", j);
            break;
        }
        cr_assert_not(hstats(&m).growing, "the write did not end the growth");
        cr_assert_eq(hmap_check(&m), 0, "entry %zu", j);
        test_arena_free(a);
    }
}

Test(growth, delete_by_a_key_from_the_map) { write_with_map_bytes(DELETE_BY_ITS_KEY); }
Test(growth, overwrite_by_a_key_from_the_map) { write_with_map_bytes(OVERWRITE_BY_ITS_KEY); }
Test(growth, insert_a_value_from_the_map) { write_with_map_bytes(COPY_ITS_VALUE); }

/* A put that starts a growth can end it too: from one bucket, the bucket it
 * touches is the whole old array.  Its value, read from that bucket, must
 * survive the old array's pages going back. */
Test(growth, insert_a_value_from_the_map_as_it_doubles_from_one_bucket)
{
    for (uint64_t j = 0; j < 8; j++) {
        size_t ps = PAGE_4K;
        struct arena *a = test_arena_new(8, ps);
        struct hmap m;
        cr_assert_eq(hmap_init(&m, &key16_type, a, 0, 5), 0);
        for (uint64_t i = 0; i < 8; i++)
            put_key16(&m, i);
        cr_assert_eq(hstats(&m).B, 0);
        arena_set_observer(a, scribble_freed, &ps);
        struct key16 k = {j, ~j}, other = {100 + j, 0};
        cr_assert_eq(hmap_put(&m, &other, hmap_get(&m, &k)), 0);
        struct hmap_stats s = hstats(&m);
        cr_assert(s.B == 1 && !s.growing, "the put did not double and finish (B %u)", s.B);
        uint64_t *got = hmap_get(&m, &other);
        cr_assert(got != NULL && *got == 3 * j, "key %lu: value not copied", (unsigned long)j);
        cr_assert_eq(hmap_check(&m), 0);
        test_arena_free(a);
    }
}
