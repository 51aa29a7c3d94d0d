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
    struct arena *a = test_arena_new(64, PAGE_4K);
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
    test_arena_free(a);
}

/* The seed's map: one array run of 77 pages; after deleting every key the
 * same run, every slot empty. */
Test(hmap_view, seed_map_is_one_array_run)
{
    struct arena *a = test_arena_new(200, PAGE_4K);
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
    test_arena_free(a);
}

/* Growing from nothing: at some point an old array is held beside the new
 * one, with evacuated slots; every state passes the checks above. */
Test(hmap_view, growth_shows_the_old_array_and_evacuated_slots)
{
    struct arena *a = test_arena_new(400, PAGE_4K);
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
    test_arena_free(a);
}

/* Every key in one bucket: the chain outgrows the array's spare buckets
 * and overflow chunks appear as their own runs. */
Test(hmap_view, long_chains_take_overflow_chunks)
{
    struct arena *a = test_arena_new(400, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(bucket0_hash);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 3), 0);
    for (uint64_t k = 0; k < 3000; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    struct runs *r = runs_of(&m, a);
    cr_assert_gt(r->by_kind[HMAP_RUN_OVERFLOW], 0);
    cr_assert_eq(r->kind[0], HMAP_RUN_ARRAY);
    assert_slot_identity(&m);
    test_arena_free(a);
}

/* --- the map's bytes against the arena's in_use, at every arena event ------- */

/* With the map alone on its arena, at every event the arena reports: a run
 * being handed out is in in_use and not yet in the map's bytes (the map
 * links it in when the arena returns it), so bytes + the run is in_use; a
 * run being given back has left the map's bytes already, so bytes never
 * exceeds in_use; and the map is mid-write (hmap_in_write) at each. */
struct agree {
    const struct hmap *m;
    const struct arena *a;
    size_t events, allocs, frees;
};

static void check_agree(void *ctx, int event, const void *pages, size_t npages)
{
    (void)pages;
    (void)npages;
    struct agree *g = ctx;
    size_t bytes = hstats(g->m).bytes, in_use = test_arena_in_use(g->a);
    g->events++;
    g->allocs += event == ARENA_EVENT_ALLOC;
    g->frees += event == ARENA_EVENT_FREE;
    cr_assert(hmap_in_write(g->m), "event %zu: the map is not mid-write", g->events);
    if (event == ARENA_EVENT_ALLOC)
        cr_assert_eq(bytes + npages * PAGE_4K, in_use,
                     "alloc event %zu (%zu pages): the map counts %zu bytes, the arena has "
                     "handed out %zu",
                     g->events, npages, bytes, in_use);
    else
        cr_assert_leq(bytes, in_use, "free event %zu (%zu pages): the map counts %zu bytes, "
                                     "the arena has handed out only %zu",
                      g->events, npages, bytes, in_use);
}

Test(view, bytes_agree_with_in_use_at_every_arena_event)
{
    struct arena *a = test_arena_new(2048, PAGE_4K);
    struct hmap m;
    static struct agree g;
    g = (struct agree){.m = &m, .a = a};
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 7), HMAP_OK);
    arena_set_observer(a, check_agree, &g);
    /* Growths (each ends by giving the old array back), overflow chunks
     * from colliding keys, compact, clear, reset and a make-like re-init. */
    for (uint64_t i = 0; i < 60000; i++)
        cr_assert_eq(hmap_put_u64(&m, i, i), HMAP_OK);
    for (uint64_t i = 0; i < 59000; i++)
        cr_assert(hmap_delete_u64(&m, i));
    cr_assert_eq(hmap_compact(&m), HMAP_OK);
    for (uint64_t i = 0; i < 3000; i++)
        cr_assert_eq(hmap_put_u64(&m, 100000 + i, i), HMAP_OK);
    hmap_clear(&m);
    for (uint64_t i = 0; i < 30000; i++)
        cr_assert_eq(hmap_put_u64(&m, i, i), HMAP_OK);
    hmap_reset(&m);
    /* A failure: the arena refuses the growth's array. */
    for (uint64_t i = 0; i < 52; i++)
        cr_assert_eq(hmap_put_u64(&m, i, i), HMAP_OK);
    arena_fail_after(a, 1, 0);
    cr_assert_eq(hmap_put_u64(&m, 52, 52), HMAP_ERR_NOMEM);
    cr_assert_eq(hmap_put_u64(&m, 52, 52), HMAP_OK);
    hmap_reset(&m);
    arena_set_observer(a, NULL, NULL);
    cr_assert_not(hmap_in_write(&m));
    cr_assert_not(hmap_in_write(NULL));
    cr_assert_gt(g.allocs, 20);
    cr_assert_gt(g.frees, 20);
    test_arena_free(a);
}

Test(view, last_request_names_what_the_map_asked_for)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 7), HMAP_OK);
    cr_assert_eq(hmap_last_request_pages(&m), 0, "nothing asked yet");
    cr_assert_eq(hmap_last_request_kind(&m), 0);
    cr_assert_eq(hmap_put_u64(&m, 1, 1), HMAP_OK);
    cr_assert_eq(hmap_last_request_pages(&m), 1, "B = 0: one bucket, one page");
    cr_assert_eq(hmap_last_request_kind(&m), HMAP_RUN_ARRAY);
    /* Fill until a growth's array cannot be had: the request that failed
     * is the one reported, and it is more than the arena's largest run. */
    int rc = HMAP_OK;
    uint64_t k = 2;
    while (rc == HMAP_OK) {
        rc = hmap_put_u64(&m, k, k);
        k++;
    }
    cr_assert_eq(rc, HMAP_ERR_NOMEM);
    struct arena_frag f;
    arena_get_frag(a, &f);
    size_t want = hmap_last_request_pages(&m);
    cr_assert_gt(want * PAGE_4K, f.largest_free, "asked %zu pages, %zu bytes free in a run",
                 want, f.largest_free);
    int kind = hmap_last_request_kind(&m);
    cr_assert(kind == HMAP_RUN_ARRAY || kind == HMAP_RUN_OVERFLOW);
    if (kind == HMAP_RUN_ARRAY)
        cr_assert_eq(want * PAGE_4K,
                     expect_array_bytes(hstats(&m).B + 1, expect_bucket_size(8, 8), PAGE_4K),
                     "a doubling's array");
    cr_assert_eq(hmap_last_request_pages(NULL), 0);
    hmap_reset(&m);
    test_arena_free(a);
}

Test(view, stats_report_the_init_hint_after_reset_and_compact)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 8192, 7), HMAP_OK);
    cr_assert_eq(hstats(&m).hint, 8192);
    cr_assert_eq(hmap_put_u64(&m, 1, 1), HMAP_OK);
    cr_assert_eq(hmap_compact(&m), HMAP_OK);
    cr_assert_eq(hstats(&m).hint, 8192);
    hmap_reset(&m);
    cr_assert_eq(hstats(&m).hint, 8192);
    hmap_clear(&m);
    cr_assert_eq(hstats(&m).hint, 8192);
    test_arena_free(a);
}
