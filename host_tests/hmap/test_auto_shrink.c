/* SPDX-License-Identifier: MIT */
/*
 * test_auto_shrink.c - the opt-in auto-shrink policy, beyond Go.
 * Rules (hmap.h): off by default; after a delete, when the entries would
 * fit a table at least four times smaller, B is above the hint's, and there
 * were at least 2N inserts and deletes since the table last changed size
 * (N: the most entries it held since), the map compacts; a shrink that
 * cannot get pages is skipped.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

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
                  "table four times smaller",
                  w->B, s.len);
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
                2 <=
            s.B &&
        w->my_ops >= 2 * w->my_peak + w->growth_ops + 8) {
        cr_assert_fail("no shrink: B %u, len %zu, %zu operations since B "
                       "changed, N = %zu",
                       s.B, s.len, w->my_ops, w->my_peak);
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
    struct arena *a = test_arena_new(256, PAGE_4K);
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
        cr_assert_eq(test_arena_in_use(a), s.bytes);
    } else {
        cr_assert_eq(s.shrinks, 0);
        cr_assert_eq(s.B, 9);
        cr_assert_eq(s.bytes, bytes_full);
    }
    test_arena_free(a);
}

Test(auto_shrink, off_by_default_never_shrinks) { shrink_scenario(false); }
Test(auto_shrink, on_hysteresis_and_floor) { shrink_scenario(true); }

/* A shrink that cannot get pages is skipped; the delete still succeeds, and
 * the shrink happens once pages are back. */
Test(auto_shrink, skipped_without_pages)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 8), 0);
    hmap_set_auto_shrink(&m, true);
    for (uint64_t k = 0; k < 2000; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    void *held[64];
    size_t nheld = test_arena_fill(a, held, 64);
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
    test_arena_release(a, held, nheld);
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
    test_arena_free(a);
}
