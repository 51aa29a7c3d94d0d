/* SPDX-License-Identifier: MIT */
/*
 * test_fast64.c - swiss_get_u64's two copies: the inline definition a
 * caller's compiler folds in (swiss_probe.h, through swiss.h) and the one
 * the library exports (swiss.h: "the library exports it too, for callers
 * that do not inline it or take its address").  Both must give every
 * answer alike: the contract of swiss_get (swiss.h), for maps with 8-byte
 * keys and values and the built-in hash and equality, false on any other.
 */
#include <criterion/criterion.h>

#include "swiss_testlib.h"
#include "fast64_inline.h"

/* The library's copy, called through its address. */
typedef bool (*get_u64_fn)(struct swiss *, uint64_t, uint64_t *);

/* key, present or not, looked up by both copies, with and without val:
 * the same answer, the same value, and the one expected. */
static void agree(get_u64_fn exported, struct swiss *m, uint64_t key, bool want, uint64_t v)
{
    uint64_t v1 = 7, v2 = 7;
    bool in = inline_get_u64(m, key, &v1);
    cr_assert_eq(exported(m, key, &v2), in, "inline and exported lookups differ: key %lu",
                 (unsigned long)key);
    cr_assert_eq(v1, v2, "inline and exported lookups differ: key %lu's value",
                 (unsigned long)key);
    cr_assert_eq(in, want, "key %lu", (unsigned long)key);
    if (want)
        cr_assert_eq(v1, v, "key %lu's value", (unsigned long)key);
    cr_assert_eq(inline_get_u64(m, key, NULL), want);
    cr_assert_eq(exported(m, key, NULL), want, "inline and exported lookups differ: key %lu",
                 (unsigned long)key);
}

/*
 * swiss_get_u64 is defined inline in the header and exported by the
 * library: a call through its address (the library's copy) answers as the
 * inlined lookup (fast64_inline.c, compiled at -O2 so that it is inlined
 * in every build) on the small map and on tables through their doublings,
 * splits and directory doublings (the fast path), on tables with
 * tombstones (where a probe ends only at an empty slot), on a map the
 * 8-byte calls do not serve and for a NULL map.  swiss_fast64_broken_export
 * runs this test with the exported symbol answering wrongly, and must fail.
 */
Test(fast64, exported_lookup_agrees_with_inline)
{
    get_u64_fn volatile exported = swiss_get_u64;
    struct arena *a = test_arena_new(256, PAGE_4K);
    cr_assert_not_null(a);
    struct swiss m;
    struct swiss_type t = type_u64(NULL);
    cr_assert_eq(swiss_init(&m, &t, a, 0, 99), SWISS_OK);
    bool saw_small = false, saw_split = false;
    const uint64_t n = 3000;
    for (uint64_t k = 0; k < n; k++) {
        cr_assert_eq(swiss_put_u64(&m, k * 31, ~k), SWISS_OK);
        saw_small |= sstats(&m).small;
        saw_split |= sstats(&m).splits != 0;
        agree(exported, &m, k * 31, true, ~k);
        agree(exported, &m, (k + 1) * 31, false, 0);
    }
    cr_assert(saw_small && saw_split);

    /* Delete two keys in three: groups left without an empty slot get
     * tombstones, which the probe must walk past. */
    for (uint64_t k = 0; k < n; k++)
        if (k % 3 != 0)
            cr_assert(swiss_delete_u64(&m, k * 31));
    cr_assert_gt(sstats(&m).tombstones, 0);
    for (uint64_t k = 0; k <= n; k++)
        agree(exported, &m, k * 31, k % 3 == 0 && k < n, ~k);

    /* A map of other sizes: both refuse. */
    struct swiss g;
    struct swiss_type t16 = {.key_size = 8, .val_size = 16};
    cr_assert_eq(swiss_init(&g, &t16, a, 0, 99), SWISS_OK);
    agree(exported, &g, 1, false, 0);
    swiss_reset(&g);

    agree(exported, NULL, 1, false, 0);
    swiss_reset(&m);
    agree(exported, &m, 31, false, 0);
    test_arena_free(a);
}
