/* SPDX-License-Identifier: MIT */
/*
 * test_remove.c - hmap_remove and hmap_remove_u64.
 * Rules (hmap.h): delete with an error code: 0 for a key that was there
 * (now gone), HMAP_ERR_NOT_FOUND for one that was not, HMAP_ERR_ARG for
 * NULL, HMAP_ERR_SIZE for the 8-byte call on a map it does not serve; from
 * inside a write HMAP_ERR_BUSY (test_misuse.c).  Like delete, it frees
 * nothing.
 */
#include <criterion/criterion.h>

#include "hmap_testlib.h"

static void remove_each(bool u64)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 100, 7), 0);
    for (uint64_t k = 0; k < 100; k++)
        cr_assert_eq(hmap_put_u64(&m, k, k + 1), 0);
    size_t bytes = hstats(&m).bytes;
    for (uint64_t k = 0; k < 200; k++) {
        int rc = u64 ? hmap_remove_u64(&m, k) : hmap_remove(&m, &k);
        cr_assert_eq(rc, k < 100 ? HMAP_OK : HMAP_ERR_NOT_FOUND, "key %lu: %d",
                     (unsigned long)k, rc);
        cr_assert(!get64(&m, k, NULL));
    }
    /* Removed twice: the second time it is not there. */
    uint64_t k = 5;
    cr_assert_eq(u64 ? hmap_remove_u64(&m, k) : hmap_remove(&m, &k), HMAP_ERR_NOT_FOUND);
    cr_assert_eq(hmap_len(&m), 0);
    cr_assert_eq(hstats(&m).bytes, bytes, "remove gave pages back");
    cr_assert_eq(hstats(&m).misuse, 0);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

Test(remove, each_key_once) { remove_each(false); }
Test(remove, u64_each_key_once) { remove_each(true); }

Test(remove, arguments)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m, m16;
    struct hmap_type t = type_u64(NULL);
    struct hmap_type t16 = {.key_size = 16, .val_size = 8};
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    cr_assert_eq(hmap_init(&m16, &t16, a, 0, 1), 0);
    uint64_t k = 1;
    cr_assert_eq(hmap_remove(NULL, &k), HMAP_ERR_ARG);
    cr_assert_eq(hmap_remove(&m, NULL), HMAP_ERR_ARG);
    cr_assert_eq(hmap_remove_u64(NULL, 1), HMAP_ERR_ARG);
    cr_assert_eq(hmap_remove_u64(&m16, 1), HMAP_ERR_SIZE);
    cr_assert_eq(hmap_remove(&m, &k), HMAP_ERR_NOT_FOUND); /* an empty map */
    cr_assert_str_eq(hmap_strerror(HMAP_ERR_NOT_FOUND), "no such key");
    test_arena_free(a);
}
