/* SPDX-License-Identifier: MIT */
/*
 * test_view.c - the map seen from outside (hmap.h, hmap_view.c): the runs it
 * holds and their kinds, against the arena's own figures; the slot counts,
 * against len and the bucket counts; the per-page slot counts of the array.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

#define MAXRUNS 4096

/* Every run reported, in order. */
struct runs {
    size_t n;
    const void *at[MAXRUNS];
    size_t pages[MAXRUNS];
    int kind[MAXRUNS];
    size_t by_kind[4];
};

static void collect(void *ctx, const void *pages, size_t npages, int kind)
{
    struct runs *r = ctx;
    cr_assert_lt(r->n, MAXRUNS);
    cr_assert(kind >= HMAP_RUN_ARRAY && kind <= HMAP_RUN_OVERFLOW, "kind %d", kind);
    r->at[r->n] = pages;
    r->pages[r->n] = npages;
    r->kind[r->n] = kind;
    r->by_kind[kind] += npages;
    r->n++;
}

static struct runs *runs_of(const struct hmap *m, struct arena *a)
{
    static struct runs r;
    memset(&r, 0, sizeof r);
    size_t n = hmap_for_each_run(m, collect, &r);
    cr_assert_eq(n, r.n, "the count returned is the calls made");
    /* Each run is pages the arena handed out, and no two overlap. */
    size_t total = 0;
    for (size_t i = 0; i < r.n; i++) {
        size_t first = arena_page_index(a, r.at[i]);
        cr_assert_neq(first, SIZE_MAX, "run %zu is not in the arena", i);
        cr_assert_eq(arena_page_address(a, first), r.at[i], "run %zu not page-aligned", i);
        cr_assert_eq(arena_pages_used(a, first, r.pages[i]), r.pages[i],
                     "run %zu holds a free page", i);
        for (size_t j = 0; j < i; j++) {
            size_t fj = arena_page_index(a, r.at[j]);
            cr_assert(first + r.pages[i] <= fj || fj + r.pages[j] <= first,
                      "runs %zu and %zu overlap", j, i);
        }
        total += r.pages[i];
    }
    cr_assert_eq(total * arena_page_size(a), hstats(m).bytes, "runs add up to bytes");
    return &r;
}

static void assert_slot_identity(const struct hmap *m)
{
    struct hmap_slot_counts c;
    hmap_slot_totals(m, &c);
    struct hmap_stats s = hstats(m);
    cr_assert_eq(c.live, s.len);
    cr_assert_eq(c.live + c.empty + c.evacuated,
                 8 * (s.buckets + s.old_buckets + s.overflow), "slots = 8 * buckets in chains");
    if (!s.growing)
        cr_assert_eq(c.evacuated, 0);
}

Test(hmap_view, empty_map_holds_nothing)
{
    struct arena *a = ta_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 1), 0);
    cr_assert_eq(runs_of(&m, a)->n, 0);
    struct hmap_slot_counts c;
    hmap_slot_totals(&m, &c);
    cr_assert_eq(c.live + c.empty + c.evacuated, 0);
    cr_assert_eq(hmap_array_pages(&m), 0);
    cr_assert_null(hmap_array_start(&m));
    cr_assert_eq(hmap_array_page_slots(&m, 0, &c), 0);
    cr_assert_eq(hmap_for_each_run(NULL, collect, NULL), 0);
    cr_assert_eq(hmap_for_each_run(&m, NULL, NULL), 0);
    ta_free(a);
}

/* The seed's map: one array run of 77 pages; after deleting every key the
 * same run, every slot empty. */
Test(hmap_view, seed_map_is_one_array_run)
{
    struct arena *a = ta_new(200, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 8192, 7), 0);
    for (uint64_t k = 0; k < 8192; k++)
        cr_assert_eq(hmap_put_u64(&m, k, k), 0);
    struct runs *r = runs_of(&m, a);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->kind[0], HMAP_RUN_ARRAY);
    cr_assert_eq(r->pages[0], 77);
    cr_assert_eq(hmap_array_pages(&m), 77);
    cr_assert_eq(hmap_entry_size(&m), 16);
    cr_assert_eq(hmap_entry_size(NULL), 0);
    cr_assert_eq(hmap_array_start(&m), r->at[0]);
    assert_slot_identity(&m);

    /* Per page: every bucket of the run counted once, the live slots add up
     * to len (no chunk: every entry is in the array run). */
    size_t buckets = 0, live = 0, slots = 0;
    struct hmap_slot_counts c;
    for (size_t p = 0; p < 77; p++) {
        size_t nb = hmap_array_page_slots(&m, p, &c);
        cr_assert(nb >= 4096 / 144 && nb <= 4096 / 144 + 1, "page %zu: %zu buckets", p, nb);
        cr_assert_eq(c.live + c.empty + c.evacuated, 8 * nb);
        buckets += nb;
        live += c.live;
        slots += 8 * nb;
    }
    cr_assert_eq(buckets, 77 * 4096 / 144, "the run's buckets, each counted once");
    cr_assert_eq(live, 8192);
    cr_assert_eq(hmap_array_page_slots(&m, 77, &c), 0);
    cr_assert_eq(c.live + c.empty, 0);

    for (uint64_t k = 0; k < 8192; k++)
        cr_assert(hmap_delete_u64(&m, k));
    r = runs_of(&m, a);
    cr_assert_eq(r->n, 1);
    cr_assert_eq(r->pages[0], 77);
    assert_slot_identity(&m);
    for (size_t p = 0; p < 77; p++) {
        hmap_array_page_slots(&m, p, &c);
        cr_assert_eq(c.live, 0);
    }
    hmap_reset(&m);
    cr_assert_eq(runs_of(&m, a)->n, 0);
    ta_free(a);
}

/* Growing from nothing: at some point an old array is held beside the new
 * one, with evacuated slots; every state passes the checks above. */
Test(hmap_view, growth_shows_the_old_array_and_evacuated_slots)
{
    struct arena *a = ta_new(400, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 3), 0);
    bool saw_old = false, saw_evacuated = false;
    for (uint64_t k = 0; k < 20000; k++) {
        cr_assert_eq(hmap_put_u64(&m, k, k), 0);
        if (k % 97 != 0 && !hstats(&m).growing)
            continue;
        struct runs *r = runs_of(&m, a);
        assert_slot_identity(&m);
        if (hstats(&m).growing) {
            cr_assert_gt(r->by_kind[HMAP_RUN_OLD_ARRAY], 0);
            saw_old = true;
            struct hmap_slot_counts c;
            hmap_slot_totals(&m, &c);
            saw_evacuated |= c.evacuated > 0;
        } else {
            cr_assert_eq(r->by_kind[HMAP_RUN_OLD_ARRAY], 0);
        }
    }
    cr_assert(saw_old);
    cr_assert(saw_evacuated);
    ta_free(a);
}

/* Every key in one bucket: the chain outgrows the array's spare buckets
 * and overflow chunks appear as their own runs. */
Test(hmap_view, long_chains_take_overflow_chunks)
{
    struct arena *a = ta_new(400, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 3), 0);
    for (uint64_t k = 0; k < 3000; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    struct runs *r = runs_of(&m, a);
    cr_assert_gt(r->by_kind[HMAP_RUN_OVERFLOW], 0);
    cr_assert_eq(r->kind[0], HMAP_RUN_ARRAY);
    assert_slot_identity(&m);
    ta_free(a);
}
