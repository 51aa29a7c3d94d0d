/* SPDX-License-Identifier: MIT */
/*
 * test_beyond.c - what the map does beyond Go: hmap_reset, hmap_compact and
 * the opt-in auto-shrink policy.
 *
 * Rules (hmap.h):
 *   - hmap_reset gives every page back; the map is as if just initialised
 *     with the same type, hint and arena, allocating its array at the next
 *     put.
 *   - hmap_compact rebuilds at the smallest B that holds len (the sizing
 *     rule applied to len), never below the init hint's B, finishing any
 *     growth; returns 0 and changes nothing when already that small;
 *     HMAP_ERR_NOMEM with the map unchanged when the new table does not fit
 *     beside the old; an empty map is reset instead.
 *   - auto-shrink (off by default): after a delete, when the entries would
 *     fit a table at least four times smaller, B is above the hint's, and
 *     there were at least 2N inserts and deletes since the table last
 *     changed size (N: the most entries it held since), the map compacts.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

static void assert_range(struct hmap *m, uint64_t from, uint64_t to,
                         uint64_t mul)
{
    for (uint64_t k = from; k < to; k++) {
        uint64_t v;
        cr_assert(get64(m, k, &v), "key %lu lost", (unsigned long)k);
        cr_assert_eq(v, k * mul);
    }
}

static bool stats_equal(const struct hmap_stats *x, const struct hmap_stats *y)
{
    return x->len == y->len && x->B == y->B && x->buckets == y->buckets &&
           x->overflow == y->overflow && x->bytes == y->bytes &&
           x->growing == y->growing && x->bucket_size == y->bucket_size &&
           x->old_buckets == y->old_buckets && x->nevacuate == y->nevacuate &&
           x->spare_overflow == y->spare_overflow && x->grows == y->grows &&
           x->same_size_grows == y->same_size_grows &&
           x->shrinks == y->shrinks;
}

/* --- reset ---------------------------------------------------------------- */

Test(reset, then_reuse)
{
    struct arena *a = ta_new(64, PAGE_4K);
    void *other = arena_alloc_pages(a, 2);
    cr_assert(other != NULL);
    size_t base = ta_in_use(a);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 100, 8), 0); /* B = 4 */
    for (int round = 0; round < 5; round++) {
        size_t n = 500 + 300 * (size_t)round;
        for (uint64_t k = 0; k < n; k++)
            cr_assert_eq(put64(&m, k, k * 3), 0);
        assert_range(&m, 0, n, 3);
        cr_assert_eq(hmap_check(&m), 0);
        if (round == 2) /* reset in the middle of a growth too */
            while (!hstats(&m).growing) {
                cr_assert_eq(put64(&m, n, n * 3), 0);
                n++;
            }
        hmap_reset(&m);
        struct hmap_stats s = hstats(&m);
        cr_assert_eq(s.len, 0);
        cr_assert_eq(s.bytes, 0);
        cr_assert_eq(s.buckets, 0);
        cr_assert_eq(s.overflow, 0);
        cr_assert(!s.growing);
        cr_assert_eq(s.B, 4, "after reset B %u, the hint's is 4", s.B);
        cr_assert_eq(ta_in_use(a), base);
        cr_assert_eq(hmap_check(&m), 0);
        cr_assert(!get64(&m, 1, NULL));
        cr_assert_eq(arena_check(a), 0);

        /* The next put allocates the hint's array again. */
        cr_assert_eq(put64(&m, 1, 3), 0);
        s = hstats(&m);
        cr_assert_eq(s.buckets, 16);
        cr_assert_eq(s.bytes, expect_array_bytes(4, 144, PAGE_4K));
        cr_assert_eq(ta_in_use(a), base + s.bytes);
    }
    hmap_reset(&m);
    hmap_reset(&m); /* twice is harmless */
    cr_assert_eq(ta_in_use(a), base);
    ta_free(a);
}

/* --- compact -------------------------------------------------------------- */

/* ctl_hash keeps every bucket below 8 entries, so the byte figures are
 * exact: from B = 8 with 1000 entries down to 100 entries, compact gives
 * B = 4 and one page. */
Test(compact, shrinks_to_smallest_B)
{
    struct arena *a = ta_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    for (uint64_t k = 0; k < 1000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    cr_assert(!hstats(&m).growing);
    for (uint64_t k = 100; k < 1000; k++)
        cr_assert(del64(&m, k));
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 8);
    cr_assert_eq(s.bytes, expect_array_bytes(8, 144, PAGE_4K));
    size_t wm = ta_watermark(a);

    cr_assert_eq(hmap_compact(&m), 0);
    s = hstats(&m);
    TLOG("compact: 100 entries left of 1000: B 8 -> %u, bytes %zu -> %zu, "
         "shrinks %zu\n", s.B, expect_array_bytes(8, 144, PAGE_4K), s.bytes,
         s.shrinks);
    cr_assert_eq(s.B, expect_B(100));
    cr_assert_eq(s.B, 4);
    cr_assert_eq(s.buckets, 16);
    cr_assert_eq(s.len, 100);
    cr_assert_eq(s.bytes, PAGE_4K);
    cr_assert_eq(s.overflow, 0);
    cr_assert_eq(s.shrinks, 1);
    cr_assert(!s.growing);
    cr_assert_eq(ta_in_use(a), PAGE_4K);
    cr_assert_eq(ta_watermark(a), wm, "the watermark never falls");
    assert_range(&m, 0, 100, 5);
    for (uint64_t k = 100; k < 1000; k++)
        cr_assert(!get64(&m, k, NULL));
    cr_assert_eq(hmap_check(&m), 0);

    /* Already that small: nothing changes. */
    struct hmap_stats before = hstats(&m);
    cr_assert_eq(hmap_compact(&m), 0);
    s = hstats(&m);
    cr_assert(stats_equal(&before, &s), "a second compact changed the map");

    /* Still a working map, growing again from B = 4. */
    for (uint64_t k = 100; k < 2000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    assert_range(&m, 0, 2000, 5);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Built-in hash: compact lowers the bytes, keeps every entry, B exact. */
Test(compact, builtin_hash_bytes_go_down)
{
    struct arena *a = ta_new(256, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    for (uint64_t k = 0; k < 10000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    for (uint64_t k = 0; k < 10000; k++)
        if (k % 50 != 0)
            cr_assert(del64(&m, k));
    struct hmap_stats s0 = hstats(&m);
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    TLOG("compact: 200 entries left of 10000: B %u -> %u, bytes %zu -> %zu\n",
         s0.B, s.B, s0.bytes, s.bytes);
    cr_assert_eq(s.B, expect_B(200));
    cr_assert(s.bytes < s0.bytes);
    cr_assert(s.bytes >= expect_array_bytes(s.B, 144, PAGE_4K));
    cr_assert_eq(s.bytes, ta_in_use(a));
    cr_assert_eq(s.len, 200);
    for (uint64_t k = 0; k < 10000; k++) {
        uint64_t v;
        bool f = get64(&m, k, &v);
        cr_assert_eq(f, k % 50 == 0);
        if (f)
            cr_assert_eq(v, k * 5);
    }
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Never below the hint's B. */
Test(compact, floor_is_hint_B)
{
    /* Room for B = 9 and B = 10 side by side after B = 8 (first fit, so
     * contiguous runs): 10 + 20 + 39 pages and more. */
    struct arena *a = ta_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 1000, 8), 0); /* B = 8 */
    cr_assert_eq(hstats(&m).B, 8);
    for (uint64_t k = 0; k < 1000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    for (uint64_t k = 10; k < 1000; k++)
        cr_assert(del64(&m, k));
    struct hmap_stats before = hstats(&m);
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.B, 8, "compact went below the hint: B %u", s.B);
    cr_assert(stats_equal(&before, &s), "compact at the floor changed it");

    /* Grown past the hint, it comes back to the hint's B, not lower. */
    for (uint64_t k = 10; k < 5000; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    cr_assert_eq(hstats(&m).B, 10);
    for (uint64_t k = 10; k < 5000; k++)
        cr_assert(del64(&m, k));
    cr_assert_eq(hmap_compact(&m), 0);
    s = hstats(&m);
    cr_assert_eq(s.B, 8);
    cr_assert_eq(s.bytes, expect_array_bytes(8, 144, PAGE_4K));
    assert_range(&m, 0, 10, 5);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Mid-growth, with fewer entries than the new B needs: compact finishes
 * the growth and lands on the smallest B. */
Test(compact, finishes_growth)
{
    struct arena *a = ta_new(256, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    uint64_t n = 0;
    while (hstats(&m).B < 10 || !hstats(&m).growing) {
        cr_assert_eq(put64(&m, n, n * 5), 0);
        n++;
    }
    cr_assert_eq(n, 3329);
    /* 200 deletes move at most 400 of the 512 old buckets. */
    for (uint64_t k = 0; k < 200; k++)
        cr_assert(del64(&m, k));
    cr_assert(hstats(&m).growing);
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert(!s.growing);
    cr_assert_eq(s.old_buckets, 0);
    cr_assert_eq(s.B, expect_B(n - 200));
    cr_assert_eq(s.B, 9);
    cr_assert_eq(s.len, n - 200);
    cr_assert_eq(s.bytes, ta_in_use(a));
    assert_range(&m, 200, n, 5);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* An empty map is reset by compact. */
Test(compact, empty_map_is_reset)
{
    struct arena *a = ta_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    cr_assert_eq(hmap_compact(&m), 0); /* nothing allocated yet */
    cr_assert_eq(ta_in_use(a), 0);
    for (uint64_t k = 0; k < 500; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    for (uint64_t k = 0; k < 500; k++)
        cr_assert(del64(&m, k));
    cr_assert_eq(hmap_compact(&m), 0);
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.buckets, 0);
    cr_assert_eq(ta_in_use(a), 0);
    cr_assert_eq(put64(&m, 3, 4), 0);
    cr_assert(get64(&m, 3, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* Compact that cannot get pages: HMAP_ERR_NOMEM, and the map is exactly as
 * it was (same figures, same entries), whichever allocation fails. */
Test(compact, nomem_leaves_map_unchanged)
{
    enum { N = 3000, KEEP = 150 };
    struct arena *a = ta_new(128, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    for (uint64_t k = 0; k < N; k++)
        cr_assert_eq(put64(&m, k, k * 5), 0);
    for (uint64_t k = KEEP; k < N; k++)
        cr_assert(del64(&m, k));
    struct hmap_stats before = hstats(&m);
    size_t in_use = ta_in_use(a);

    /* 1. The arena is full. */
    void *held[128];
    size_t nheld = ta_fill(a, held, 128);
    cr_assert_eq(hmap_compact(&m), HMAP_ERR_NOMEM);
    struct hmap_stats s = hstats(&m);
    cr_assert(stats_equal(&before, &s), "failed compact changed the stats");
    cr_assert_eq(ta_in_use(a), in_use + nheld * PAGE_4K);
    assert_range(&m, 0, KEEP, 5);
    cr_assert_eq(hmap_check(&m), 0);
    ta_release(a, held, nheld);

    /* 2. The k-th allocation fails, for every k the compact makes. */
    int k;
    for (k = 1; k < 20; k++) {
        arena_fail_after(a, (size_t)k, 0);
        int rc = hmap_compact(&m);
        arena_fail_after(a, 0, 0);
        if (rc == 0)
            break;
        cr_assert_eq(rc, HMAP_ERR_NOMEM, "k %d: %d", k, rc);
        s = hstats(&m);
        cr_assert(stats_equal(&before, &s), "k %d: stats changed", k);
        cr_assert_eq(ta_in_use(a), in_use, "k %d: pages leaked", k);
        assert_range(&m, 0, KEEP, 5);
        cr_assert_eq(hmap_check(&m), 0);
    }
    TLOG("compact: failed cleanly at each of its first %d allocations\n",
         k - 1);
    cr_assert(k > 1, "compact allocated nothing");
    s = hstats(&m);
    cr_assert_eq(s.B, expect_B(KEEP));
    assert_range(&m, 0, KEEP, 5);
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}

/* --- auto-shrink ------------------------------------------------------------ */

/*
 * The scenario, with ctl_hash (no overflow buckets, so no same-size growth,
 * and exact figures), hint 100 (B = 4), 3000 keys (B = 9):
 *   A. delete all 3000, then insert 3000: "N deletes followed by N inserts
 *      never shrink";
 *   B. delete all 3000 again: now the 2N operations are there, so once the
 *      entries fit a table four times smaller the map must shrink;
 *   C. keep 5 entries and churn one more key in and out: the map shrinks
 *      again, to the hint's B = 4 and never below.
 * After every operation the test checks the rule from the outside: it counts
 * inserts of new keys and deletes since B last changed (my_ops) and the most
 * entries since (my_peak).  The map's own count may start a little later
 * (at the end of a growth rather than its start), so "must shrink" allows a
 * margin of the writes made during that growth.
 */
struct shrink_watch {
    struct hmap *m;
    unsigned hint_B, B;
    size_t my_ops, my_peak, growth_ops, shrinks, checks;
    bool on;
};

static void watch_after(struct shrink_watch *w, bool was_delete)
{
    struct hmap_stats s = hstats(w->m);
    cr_assert_eq(s.same_size_grows, 0);
    cr_assert(s.B >= w->hint_B, "B %u below the hint's %u", s.B, w->hint_B);
    w->my_ops++;
    if (s.growing)
        w->growth_ops++;
    if (s.shrinks != w->shrinks) {
        cr_assert(w->on, "shrank with auto-shrink off");
        cr_assert(was_delete, "shrank on an insert");
        cr_assert_eq(s.shrinks, w->shrinks + 1);
        cr_assert(s.B < w->B, "a shrink that did not lower B");
        cr_assert(expect_B(s.len) + 2 <= w->B,
                  "shrank from B %u with %zu entries: they do not fit a "
                  "table four times smaller", w->B, s.len);
        cr_assert_eq(s.B, expect_B(s.len) > w->hint_B ? expect_B(s.len)
                                                      : w->hint_B);
        cr_assert(w->my_ops + 4 >= 2 * w->my_peak,
                  "shrank after %zu operations, N = %zu: hysteresis", w->my_ops,
                  w->my_peak);
        w->shrinks = s.shrinks;
        w->B = s.B;
        w->my_ops = 0;
        w->my_peak = s.len;
        w->growth_ops = 0;
        cr_assert_eq(hmap_check(w->m), 0);
        return;
    }
    if (s.B != w->B) { /* a growth started */
        cr_assert(s.B > w->B);
        w->B = s.B;
        w->my_ops = 0;
        w->growth_ops = 0;
        w->my_peak = s.len;
    }
    if (s.len > w->my_peak)
        w->my_peak = s.len;
    /* Clearly due (with margins): the map must have shrunk. */
    if (w->on && was_delete && !s.growing && s.B > w->hint_B &&
        expect_B(s.len + 1) + 2 <= s.B &&
        (expect_B(s.len + 1) > w->hint_B ? expect_B(s.len + 1) : w->hint_B) +
                2 <= s.B &&
        w->my_ops >= 2 * w->my_peak + w->growth_ops + 8) {
        cr_assert_fail("no shrink: B %u, len %zu, %zu operations since B "
                       "changed, N = %zu", s.B, s.len, w->my_ops, w->my_peak);
    }
}

static void w_put(struct shrink_watch *w, uint64_t k)
{
    cr_assert_eq(put64(w->m, k, k * 5), 0);
    watch_after(w, false);
}

static void w_del(struct shrink_watch *w, uint64_t k)
{
    cr_assert(del64(w->m, k), "key %lu", (unsigned long)k);
    watch_after(w, true);
}

static void shrink_scenario(bool on)
{
    enum { N = 3000 };
    struct arena *a = ta_new(256, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 100, 8), 0);
    if (on)
        hmap_set_auto_shrink(&m, true);
    struct shrink_watch w = {.m = &m, .hint_B = 4, .B = 4, .on = on};

    for (uint64_t k = 0; k < N; k++)
        w_put(&w, k);
    cr_assert_eq(hstats(&m).B, 9);
    size_t bytes_full = hstats(&m).bytes;

    /* A: N deletes, then N inserts: never a shrink. */
    for (uint64_t k = 0; k < N; k++)
        w_del(&w, k);
    cr_assert_eq(hstats(&m).shrinks, 0, "shrank within N deletes");
    for (uint64_t k = 0; k < N; k++)
        w_put(&w, k);
    cr_assert_eq(hstats(&m).shrinks, 0, "N deletes then N inserts shrank");
    cr_assert_eq(hstats(&m).B, 9);
    cr_assert_eq(hstats(&m).bytes, bytes_full);

    /* B: N deletes again. */
    for (uint64_t k = 0; k < N; k++)
        w_del(&w, k);
    size_t after_b = hstats(&m).shrinks;
    unsigned B_after_b = hstats(&m).B;

    /* C: 5 residents and a long churn. */
    for (uint64_t k = 0; k < 5; k++)
        w_put(&w, k);
    for (uint64_t i = 0; i < 10000; i++) {
        w_put(&w, 100 + i);
        w_del(&w, 100 + i);
    }
    struct hmap_stats s = hstats(&m);
    TLOG("auto-shrink %s: after A shrinks=0 B=9; after B shrinks=%zu B=%u; "
         "after C shrinks=%zu B=%u bytes=%zu (full %zu)\n",
         on ? "on" : "off", after_b, B_after_b, s.shrinks, s.B, s.bytes,
         bytes_full);
    assert_range(&m, 0, 5, 5);
    cr_assert_eq(hmap_len(&m), 5);
    cr_assert_eq(hmap_check(&m), 0);
    if (on) {
        cr_assert(after_b >= 1, "a delete-heavy run did not shrink");
        cr_assert(B_after_b < 9);
        cr_assert(s.shrinks > after_b, "the churn did not shrink further");
        cr_assert_eq(s.B, 4, "B %u: not down to the hint's 4", s.B);
        cr_assert_eq(s.bytes, expect_array_bytes(4, 144, PAGE_4K));
        cr_assert_eq(ta_in_use(a), s.bytes);
    } else {
        cr_assert_eq(s.shrinks, 0);
        cr_assert_eq(s.B, 9);
        cr_assert_eq(s.bytes, bytes_full);
    }
    ta_free(a);
}

Test(auto_shrink, off_by_default_never_shrinks) { shrink_scenario(false); }
Test(auto_shrink, on_hysteresis_and_floor) { shrink_scenario(true); }

/* A shrink that cannot get pages is skipped; the delete still succeeds, and
 * the shrink happens once pages are back. */
Test(auto_shrink, skipped_without_pages)
{
    struct arena *a = ta_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    hmap_set_auto_shrink(&m, true);
    for (uint64_t k = 0; k < 2000; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    void *held[64];
    size_t nheld = ta_fill(a, held, 64);
    arena_fail_after(a, 1, 1);
    for (uint64_t k = 0; k < 1990; k++)
        cr_assert(del64(&m, k));
    /* Churn at 10 entries: many deletes that would shrink. */
    for (uint64_t i = 0; i < 5000; i++) {
        cr_assert_eq(put64(&m, 5000 + i, i), 0);
        cr_assert(del64(&m, 5000 + i));
    }
    struct hmap_stats s = hstats(&m);
    cr_assert_eq(s.shrinks, 0);
    cr_assert_eq(s.len, 10);
    cr_assert_eq(hmap_check(&m), 0);
    arena_fail_after(a, 0, 0);
    ta_release(a, held, nheld);
    for (uint64_t i = 0; i < 100; i++) {
        cr_assert_eq(put64(&m, 9000 + i, i), 0);
        cr_assert(del64(&m, 9000 + i));
    }
    s = hstats(&m);
    cr_assert(s.shrinks >= 1, "no shrink once pages were back");
    cr_assert_eq(s.B, expect_B(10));
    for (uint64_t k = 1990; k < 2000; k++)
        cr_assert(get64(&m, k, NULL));
    cr_assert_eq(hmap_check(&m), 0);
    ta_free(a);
}
