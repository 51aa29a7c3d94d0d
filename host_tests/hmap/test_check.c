/* SPDX-License-Identifier: MIT */
/*
 * test_check.c - hmap_check's verdicts.  The bytes of a small map
 * (layout_bytes.h says where they sit) are corrupted on purpose, and
 * hmap_check must name the invariant that broke: the model tests rely on
 * hmap_check, so it must be able to fail.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "layout_bytes.h"

/* A key stored once but where no lookup reads it: mid-growth, moved from an
 * old bucket not yet evacuated (lookups read that one) into its new bucket.
 * Every slot still looks right on its own (tophash, bucket, count); only a
 * lookup of each key tells, and it must say placement, not duplicate. */
Test(check, unreachable_key_mid_growth)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
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
    test_arena_free(a);
}

/* --- hmap_check must fail on a broken map -------------------------------- */

/* B = 1, ctl_hash: keys 0, 2, 4 in bucket 0 slots 0..2, key 1 in bucket 1
 * slot 0. */
static struct hmap g_m;
static uint8_t *setup_small(struct arena **ap)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
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
    test_arena_free(a);
}

Test(check, count_mismatch)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    arr[1] = EMPTY_ONE; /* a live slot silently emptied */
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_COUNT);
    test_arena_free(a);
}

Test(check, duplicate_key)
{
    struct arena *a;
    uint8_t *arr = setup_small(&a);
    /* Slot 2 becomes a second copy of key 0, tophash included. */
    memcpy(key_at(arr, 2), key_at(arr, 0), 8);
    arr[2] = arr[0];
    cr_assert_eq(hmap_check(&g_m), HMAP_BROKEN_DUPLICATE);
    test_arena_free(a);
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
    test_arena_free(a);
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
    test_arena_free(a);
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
    test_arena_free(a);
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
    test_arena_free(a);
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
    test_arena_free(a);
}
