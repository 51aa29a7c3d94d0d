/* SPDX-License-Identifier: MIT */
/*
 * test_layout.c - the bucket bytes themselves (hmap_check's verdicts on
 * broken bytes: test_check.c).
 * The layout is part of the map's rules (hmap_internal.h, Go's bmap): a
 * bucket is 8 tophash bytes, the 8 keys, the 8 values, then the overflow
 * link; a live slot's tophash is the hash's top byte raised by MIN_TOPHASH
 * when below it; delete zeroes the key and value, marks the slot emptyOne
 * and turns the trailing run of emptyOne slots into emptyRest backwards
 * through the chain; evacuation marks old slots evacuatedX / evacuatedY /
 * evacuatedEmpty.  The arena hands out the lowest free run first (arena.h),
 * so a map's first array in a fresh arena sits at the arena's first page:
 * the test reads the bytes there.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "layout_bytes.h"

/* Keys, values and tophash bytes where the rules put them, including keys
 * whose hash's top byte is below 5 (raised by 5). */
Test(layout, slots_and_tophash)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
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
    test_arena_free(a);
}

/* emptyOne / emptyRest bytes after deletes in a chain of two buckets,
 * including the run that crosses back from the overflow bucket. */
Test(layout, empty_one_empty_rest)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
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
                                    "bucket: %u",
                 b0[7]);
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
    test_arena_free(a);
}

/* Evacuation marks: B = 2 -> 3 with ctl_hash.  Old bucket j holds keys
 * j, j+4, j+8, ... in slot order; once evacuated its slots read evacuatedX
 * (bit 2 of the key clear) or evacuatedY, and evacuatedEmpty past them. */
Test(layout, evacuation_marks)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
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
            uint8_t want = sl >= nkeys          ? EVACUATED_EMPTY
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
    test_arena_free(a);
}

/* Go's growWork: a write during growth evacuates the old bucket its key
 * touches, then the lowest unevacuated one.  After the insert that starts
 * the B = 2 -> 3 growth (old buckets 2 and 0 done), a write to a key of old
 * bucket 3 evacuates 3 and then 1: the growth is over. */
static void grow_then_touch_bucket3(bool by_delete)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
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
                          "bucket it touched (nevacuate %zu)",
              by_delete ? "delete" : "put",
              s.nevacuate);
    cr_assert_eq(s.bytes, expect_array_bytes(3, BS, PAGE_4K));
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

Test(layout, delete_evacuates_its_bucket) { grow_then_touch_bucket3(true); }
Test(layout, put_evacuates_its_bucket) { grow_then_touch_bucket3(false); }

/* Reseeding, seen in the bytes: the same 64 keys put in the same order into
 * the same array give other tophash bytes once the seed has changed (by a
 * clear, or by deletes down to 0).  Without a reseed the bytes would be
 * identical. */
static void reseed_bytes(bool by_clear)
{
    enum {
        N = 64,
        NB = 16,
    };
    struct arena *a = test_arena_new(4, PAGE_4K);
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
    test_arena_free(a);
}

Test(layout, clear_reseeds) { reseed_bytes(true); }
Test(layout, delete_to_zero_reseeds) { reseed_bytes(false); }

/*
 * The SWAR tophash match can flag a byte that does not match: the byte just
 * above a true match, when it is top ^ 1.  The 8-byte paths compare the key
 * of every flagged slot without confirming its tophash byte; build that case
 * in the one bucket of a B = 0 map (slot 0: key a, tophash T; slot 1: key b,
 * tophash T ^ 1) and look up, insert and delete a key c with tophash T.
 */
Test(layout, swar_false_candidate)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
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
    test_arena_free(a);
}
