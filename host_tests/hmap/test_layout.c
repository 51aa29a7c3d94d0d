/* SPDX-License-Identifier: MIT */
/*
 * test_layout.c - the bucket bytes themselves, and hmap_check's verdicts.
 *
 * The layout is part of the map's rules (hmap_internal.h, Go's bmap): a bucket is 8 tophash bytes, the 8
 * keys, the 8 values, then the overflow link; a live slot's tophash is the
 * hash's top byte raised by MIN_TOPHASH when below it; delete zeroes
 * the key and value, marks the slot emptyOne and turns the trailing run of
 * emptyOne slots into emptyRest backwards through the chain; evacuation
 * marks old slots evacuatedX / evacuatedY / evacuatedEmpty.  The arena hands
 * out the lowest free run first (arena.h), so a map's first array in a fresh
 * arena sits at the arena's first page: the test reads the bytes there.
 *
 * The second half corrupts those bytes on purpose and expects hmap_check to
 * say which invariant broke: the model tests rely on hmap_check, so it must
 * be able to fail.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

#define BS 144u /* bucket size for 8-byte keys and values */

/* Go's tophash states (runtime/map.go), written out here rather than taken
 * from the library: the test states the encoding it expects. */
enum {
    EMPTY_REST = 0,      /* this and every later slot of the chain empty */
    EMPTY_ONE = 1,       /* this slot empty                              */
    EVACUATED_X = 2,     /* moved to the first half of the new array     */
    EVACUATED_Y = 3,     /* moved to the second half                     */
    EVACUATED_EMPTY = 4, /* was empty; bucket evacuated                  */
    MIN_TOPHASH = 5      /* smallest tophash of a live slot              */
};

/* The lowest page of a fresh arena: where the map's first array will go. */
static uint8_t *first_page(struct arena *a)
{
    uint8_t *p = arena_alloc_pages(a, 1);
    cr_assert(p != NULL);
    cr_assert_eq(arena_free_pages(a, p, 1), 0);
    return p;
}

static uint8_t *bucket_at(uint8_t *array, size_t i) { return array + i * BS; }
static uint8_t *key_at(uint8_t *b, unsigned s) { return b + 8 + 8 * s; }
static uint8_t *val_at(uint8_t *b, unsigned s) { return b + 8 + 64 + 8 * s; }
static uint8_t *ovf_of(uint8_t *b)
{
    uint8_t *p;
    memcpy(&p, b + BS - 8, sizeof p);
    return p;
}

static uint8_t tophash_of(uint64_t h)
{
    uint8_t top = (uint8_t)(h >> 56);
    return top < MIN_TOPHASH ? (uint8_t)(top + MIN_TOPHASH) : top;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return false;
    return true;
}

/* Keys, values and tophash bytes where the rules put them, including keys
 * whose hash's top byte is below 5 (raised by 5). */
Test(layout, slots_and_tophash)
{
    struct arena *a = ta_new(4, PAGE_4K);
    uint8_t *arr = first_page(a);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 9, 1), 0); /* B = 1 */
    /* Even keys go to bucket 0 (ctl_hash: low bits = the key).  Pick 4 with
     * a low top byte and 3 ordinary ones. */
    uint64_t keys[7];
    size_t nlow = 0, nhigh = 0;
    for (uint64_t k = 0; nlow + nhigh < 7; k += 2) {
        uint64_t k2 = k;
        uint8_t top = (uint8_t)(ctl_hash(&k2, 8, 0) >> 56);
        if (top < MIN_TOPHASH && nlow < 4)
            keys[nlow++ + nhigh] = k;
        else if (top >= MIN_TOPHASH && nhigh < 3)
            keys[nlow + nhigh++] = k;
    }
    for (unsigned s = 0; s < 7; s++)
        cr_assert_eq(put64(&m, keys[s], 1000 + s), 0);
    uint8_t *b0 = bucket_at(arr, 0);
    for (unsigned s = 0; s < 7; s++) {
        cr_assert_eq(load_u64(key_at(b0, s)), keys[s], "slot %u key", s);
        cr_assert_eq(load_u64(val_at(b0, s)), 1000 + s, "slot %u value", s);
        uint8_t want = tophash_of(ctl_hash(&keys[s], 8, 0));
        cr_assert_eq(b0[s], want, "slot %u tophash %u, want %u", s, b0[s],
                     want);
        cr_assert(b0[s] >= MIN_TOPHASH);
    }
    cr_assert_eq(b0[7], EMPTY_REST);
    cr_assert(ovf_of(b0) == NULL);
    /* hmap_get's pointer is the slot's value. */
    cr_assert(hmap_get(&m, &keys[3]) == val_at(b0, 3));
    ta_free(a);
}

/* emptyOne / emptyRest bytes after deletes in a chain of two buckets,
 * including the run that crosses back from the overflow bucket. */
Test(layout, empty_one_empty_rest)
{
    struct arena *a = ta_new(4, PAGE_4K);
    uint8_t *arr = first_page(a);
    struct hmap m;
    struct hmap_type t = type_u64(bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 9, 1), 0); /* B = 1, all in bucket 0 */
    for (uint64_t k = 0; k < 10; k++)
        cr_assert_eq(put64(&m, k, k + 100), 0);
    uint8_t *b0 = bucket_at(arr, 0), *ov = ovf_of(b0);
    cr_assert(ov != NULL, "no overflow link after 10 keys in one bucket");
    cr_assert_eq(load_u64(key_at(ov, 0)), 8);
    cr_assert_eq(load_u64(key_at(ov, 1)), 9);
    cr_assert_eq(ov[2], EMPTY_REST);

    /* Slot 5 of the array bucket: live slots follow, so emptyOne; its key
     * and value are zeroed. */
    cr_assert(del64(&m, 5));
    cr_assert_eq(b0[5], EMPTY_ONE);
    cr_assert(all_zero(key_at(b0, 5), 8) && all_zero(val_at(b0, 5), 8),
              "deleted key/value not zeroed");
    /* Slot 7, the array bucket's last: the overflow bucket is live. */
    cr_assert(del64(&m, 7));
    cr_assert_eq(b0[7], EMPTY_ONE);
    /* The chain's last live slot: emptyRest, only itself (slot 0 live). */
    cr_assert(del64(&m, 9));
    cr_assert_eq(ov[1], EMPTY_REST);
    cr_assert_eq(ov[0] >= MIN_TOPHASH, true);
    /* Now the overflow's slot 0: the run of empties goes back across the
     * bucket boundary: ov[0], b0[7] become emptyRest; b0[6] is live. */
    cr_assert(del64(&m, 8));
    cr_assert_eq(ov[0], EMPTY_REST);
    cr_assert_eq(b0[7], EMPTY_REST, "run did not cross into the array "
                 "bucket: %u", b0[7]);
    cr_assert(b0[6] >= MIN_TOPHASH);
    cr_assert_eq(b0[5], EMPTY_ONE);
    /* Delete 6: slots 6 and 5 join the run. */
    cr_assert(del64(&m, 6));
    cr_assert_eq(b0[6], EMPTY_REST);
    cr_assert_eq(b0[5], EMPTY_REST);
    cr_assert(b0[4] >= MIN_TOPHASH);
    /* No overflow bucket was unlinked. */
    cr_assert(ovf_of(b0) == ov);
    cr_assert_eq(hstats(&m).overflow, 1);
    cr_assert_eq(hmap_check(&m), 0);
    /* A new key takes the first empty slot: b0[5]. */
    cr_assert_eq(put64(&m, 50, 150), 0);
    cr_assert_eq(load_u64(key_at(b0, 5)), 50);
    cr_assert(b0[5] >= MIN_TOPHASH);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Evacuation marks: B = 2 -> 3 with ctl_hash.  Old bucket j holds keys
 * j, j+4, j+8, ... in slot order; once evacuated its slots read evacuatedX
 * (bit 2 of the key clear) or evacuatedY, and evacuatedEmpty past them. */
Test(layout, evacuation_marks)
{
    struct arena *a = ta_new(8, PAGE_4K);
    uint8_t *old = first_page(a);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 26, 1), 0); /* B = 2 */
    for (uint64_t k = 0; k < 27; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert(s.growing);
    cr_assert_eq(s.old_buckets, 4);
    size_t evacuated = 0;
    for (size_t j = 0; j < 4; j++) {
        uint8_t *b = bucket_at(old, j);
        bool marked = b[0] >= EVACUATED_X && b[0] <= EVACUATED_EMPTY;
        size_t nkeys = 0;
        for (uint64_t k = j; k < 26; k += 4) /* key 26 went to the new table */
            nkeys++;
        for (unsigned sl = 0; sl < 8; sl++) {
            if (!marked) {
                cr_assert(sl >= nkeys || b[sl] >= MIN_TOPHASH,
                          "old bucket %zu slot %u: %u", j, sl, b[sl]);
                continue;
            }
            uint8_t want = sl >= nkeys ? EVACUATED_EMPTY
                           : ((j + 4 * sl) & 4) ? EVACUATED_Y
                                                : EVACUATED_X;
            cr_assert_eq(b[sl], want, "old bucket %zu slot %u: %u, want %u",
                         j, sl, b[sl], want);
        }
        evacuated += marked;
    }
    /* The insert evacuated its own old bucket (26 & 3 = 2) and bucket 0. */
    cr_assert_eq(evacuated, 2);
    cr_assert(old[2 * BS] == EVACUATED_X ||
              old[2 * BS] == EVACUATED_Y);
    cr_assert(old[0] == EVACUATED_X || old[0] == EVACUATED_Y);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* A key stored once but where no lookup reads it: mid-growth, moved from an
 * old bucket not yet evacuated (lookups read that one) into its new bucket.
 * Every slot still looks right on its own (tophash, bucket, count); only a
 * lookup of each key tells, and it must say placement, not duplicate. */
Test(check, unreachable_key_mid_growth)
{
    struct arena *a = ta_new(8, PAGE_4K);
    uint8_t *old = first_page(a);
    uint8_t *cur = old + PAGE_4K; /* the new array: the next page, first fit */
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 26, 1), 0); /* B = 2 */
    for (uint64_t k = 0; k < 27; k++)
        cr_assert_eq(put64(&m, k, k + 100), 0);
    /* As in layout::evacuation_marks: old buckets 0 and 2 moved, 1 and 3 not;
     * old bucket 2's keys 2, 10, 18, 26 are in new bucket 2. */
    cr_assert(hstats(&m).growing);
    cr_assert_eq(load_u64(key_at(bucket_at(cur, 2), 0)), 2);
    uint8_t *ob = bucket_at(old, 1), *nb = bucket_at(cur, 1);
    cr_assert_eq(load_u64(key_at(ob, 6)), 25); /* keys 1, 5, ..., 25 */
    cr_assert_eq(ob[7], EMPTY_REST);
    cr_assert_eq(nb[0], EMPTY_REST);
    cr_assert_eq(hmap_check(&m), 0);
    nb[0] = ob[6]; /* 25 & 7 = 1: new bucket 1 is where it would go */
    memcpy(key_at(nb, 0), key_at(ob, 6), 8);
    memcpy(val_at(nb, 0), val_at(ob, 6), 8);
    ob[6] = EMPTY_REST;
    memset(key_at(ob, 6), 0, 8);
    memset(val_at(ob, 6), 0, 8);
    uint64_t k = 25;
    cr_assert_null(hmap_get(&m, &k));
    cr_assert_eq(hmap_check(&m), HMAP_BROKEN_PLACEMENT);
    ta_free(a);
}

/* Go's growWork: a write during growth evacuates the old bucket its key
 * touches, then the lowest unevacuated one.  After the insert that starts
 * the B = 2 -> 3 growth (old buckets 2 and 0 done), a write to a key of old
 * bucket 3 evacuates 3 and then 1: the growth is over. */
static void grow_then_touch_bucket3(bool by_delete)
{
    struct arena *a = ta_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 26, 1), 0);
    for (uint64_t k = 0; k < 27; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    cr_assert(hstats(&m).growing);
    if (by_delete)
        cr_assert(del64(&m, 3)); /* old bucket 3 */
    else
        cr_assert_eq(put64(&m, 27, 27), 0); /* 27 & 3 = 3 */
    struct hmap_stats s = hstats(&m);
    cr_assert(!s.growing, "a %s during growth did not evacuate the old "
              "bucket it touched (nevacuate %zu)", by_delete ? "delete" : "put",
              s.nevacuate);
    cr_assert_eq(s.bytes, expect_array_bytes(3, BS, PAGE_4K));
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

Test(layout, delete_evacuates_its_bucket) { grow_then_touch_bucket3(true); }
Test(layout, put_evacuates_its_bucket) { grow_then_touch_bucket3(false); }

/* Reseeding, seen in the bytes: the same 64 keys put in the same order into
 * the same array give other tophash bytes once the seed has changed (by a
 * clear, or by deletes down to 0).  Without a reseed the bytes would be
 * identical. */
static void reseed_bytes(bool by_clear)
{
    enum { N = 64, NB = 16 };
    struct arena *a = ta_new(4, PAGE_4K);
    uint8_t *arr = first_page(a);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, N, 7), 0); /* B = 4 */
    uint8_t before[NB * 8], after[NB * 8];
    for (uint64_t k = 0; k < N; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    for (size_t j = 0; j < NB; j++)
        memcpy(before + 8 * j, bucket_at(arr, j), 8);
    if (by_clear) {
        hmap_clear(&m);
    } else {
        for (uint64_t k = 0; k < N; k++)
            cr_assert(del64(&m, k));
    }
    for (uint64_t k = 0; k < N; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    for (size_t j = 0; j < NB; j++)
        memcpy(after + 8 * j, bucket_at(arr, j), 8);
    cr_assert(memcmp(before, after, sizeof before) != 0,
              "same tophash bytes after %s: the seed did not change",
              by_clear ? "clear" : "deleting every entry");
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

Test(layout, clear_reseeds) { reseed_bytes(true); }
Test(layout, delete_to_zero_reseeds) { reseed_bytes(false); }

/* --- hmap_check must fail on a broken map -------------------------------- */

/* B = 1, ctl_hash: keys 0, 2, 4 in bucket 0 slots 0..2, key 1 in bucket 1
 * slot 0. */
static struct hmap g_m;
static uint8_t *setup_small(struct arena **ap)
{
    struct arena *a = ta_new(4, PAGE_4K);
    uint8_t *arr = first_page(a);
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&g_m, &t, a, 9, 1), 0);
    cr_assert_eq(put64(&g_m, 0, 10), 0);
    cr_assert_eq(put64(&g_m, 2, 12), 0);
    cr_assert_eq(put64(&g_m, 4, 14), 0);
    cr_assert_eq(put64(&g_m, 1, 11), 0);
    cr_assert_eq(load_u64(key_at(arr, 2)), 4);
    cr_assert_eq(load_u64(key_at(arr + BS, 0)), 1);
    cr_assert_eq(hmap_check(&g_m), 0);
    *ap = a;
    return arr;
}

Test(check, wrong_tophash)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    arr[1] = arr[1] == 200 ? 201 : 200;
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_TOPHASH);
    ta_free(a);
}

Test(check, count_mismatch)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    arr[1] = EMPTY_ONE; /* a live slot silently emptied */
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_COUNT);
    ta_free(a);
}

Test(check, duplicate_key)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    /* Slot 2 becomes a second copy of key 0, tophash included. */
    memcpy(key_at(arr, 2), key_at(arr, 0), 8);
    arr[2] = arr[0];
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_DUPLICATE);
    ta_free(a);
}

Test(check, wrong_bucket)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    /* Move key 1 from bucket 1 into bucket 0's slot 3. */
    uint8_t *b1 = arr + BS;
    memcpy(key_at(arr, 3), key_at(b1, 0), 8);
    memcpy(val_at(arr, 3), val_at(b1, 0), 8);
    arr[3] = b1[0];
    b1[0] = EMPTY_REST;
    memset(key_at(b1, 0), 0, 8);
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_PLACEMENT);
    ta_free(a);
}

Test(check, live_after_empty_rest)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    cr_assert(del64(&g_m, 2)); /* slot 1: emptyOne, slot 2 still live */
    cr_assert_eq(arr[1], EMPTY_ONE);
    cr_assert_eq(hmap_check(&g_m), 0);
    arr[1] = EMPTY_REST;
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_EMPTY_REST);
    ta_free(a);
}

/* The lookups end a chain at a bucket whose last slot is emptyRest, so an
 * emptyOne after an emptyRest is as broken as a live slot there. */
Test(check, empty_one_after_empty_rest)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    cr_assert_eq(arr[5], EMPTY_REST);
    arr[5] = EMPTY_ONE;
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_EMPTY_REST);
    ta_free(a);
}

/* A bucket's last slot with nothing live after it must be emptyRest, or the
 * lookups read on into buckets that hold nothing; emptyOne slots before an
 * emptyRest in the same bucket are allowed (the walks test a bucket's 8
 * slots at once and read only its last one to end a chain). */
Test(check, last_slot_empty_one_with_nothing_after)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    for (unsigned s = 3; s < 7; s++) { /* after keys 0, 2, 4 */
        cr_assert_eq(arr[s], EMPTY_REST);
        arr[s] = EMPTY_ONE;
    }
    cr_assert_eq(hmap_check(&g_m), 0);
    arr[7] = EMPTY_ONE;
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_EMPTY_REST);
    ta_free(a);
}

/*
 * The SWAR tophash match can flag a byte that does not match: the byte just
 * above a true match, when it is top ^ 1.  The 8-byte paths compare the key
 * of every flagged slot without confirming its tophash byte; build that case
 * in the one bucket of a B = 0 map (slot 0: key a, tophash T; slot 1: key b,
 * tophash T ^ 1) and look up, insert and delete a key c with tophash T.
 */
Test(layout, swar_false_candidate)
{
    struct arena *a = ta_new(4, PAGE_4K);
    uint8_t *b0 = first_page(a);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 77), 0);
    cr_assert_eq(hmap_put_u64(&m, 1, 101), 0);
    uint8_t top = b0[0];
    uint64_t kb = 2, kc;
    /* Try keys in slot 1 until one has tophash T ^ 1 (the map never empties,
     * so its seed, and so every key's tophash, stays). */
    for (;; kb++) {
        cr_assert(kb < 100000);
        cr_assert_eq(hmap_put_u64(&m, kb, kb + 100), 0);
        if (b0[1] == (top ^ 1))
            break;
        cr_assert(hmap_delete_u64(&m, kb));
    }
    for (kc = kb + 1;; kc++) {
        cr_assert(kc < 200000);
        cr_assert_eq(hmap_put_u64(&m, kc, kc + 100), 0);
        bool same = b0[2] == top;
        cr_assert(hmap_delete_u64(&m, kc));
        if (same)
            break;
    }
    cr_assert_eq(b0[2], EMPTY_REST);
    uint64_t v = 0;
    cr_assert(!hmap_get_u64(&m, kc, &v), "c found through the false candidate");
    cr_assert(!hmap_delete_u64(&m, kc));
    cr_assert(hmap_get_u64(&m, 1, &v) && v == 101);
    cr_assert(hmap_get_u64(&m, kb, &v) && v == kb + 100);
    cr_assert_eq(hmap_put_u64(&m, kc, 7), 0);
    cr_assert_eq(b0[2], top);
    cr_assert_eq(load_u64(key_at(b0, 2)), kc);
    cr_assert(hmap_get_u64(&m, kc, &v) && v == 7);
    cr_assert_eq(hmap_put_u64(&m, kb, 8), 0); /* an overwrite, not a new slot */
    cr_assert_eq(hmap_len(&m), 3);
    cr_assert(hmap_get_u64(&m, kb, &v) && v == 8);
    cr_assert(hmap_delete_u64(&m, kc));
    cr_assert(!hmap_get_u64(&m, kc, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

Test(check, evacuated_mark_outside_growth)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    /* Slot 3: empty, after the live slots 0..2 and before emptyRest ones,
     * so only the evacuation invariant breaks. */
    cr_assert_eq(arr[3], EMPTY_REST);
    arr[3] = EVACUATED_EMPTY;
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_EVACUATED);
    ta_free(a);
}
