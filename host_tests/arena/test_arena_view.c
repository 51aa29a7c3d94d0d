/* SPDX-License-Identifier: MIT */
/*
 * test_arena_view.c - looking at the pages: page count, index and address,
 * pages used in a range, the fragmentation figures (arena_get_frag) against
 * a model of the pages, and the observer (every successful alloc, free and
 * reset reported once, after the figures count it; nothing for a refusal;
 * off when NULL; fault injection still works beside it).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define PS 256u

Test(arena_view, index_and_address)
{
    struct arena a;
    arena_make(&a, 40, PS * 20, PS, 0);
    size_t n = arena_page_count(&a);
    cr_assert_eq(n, arena_npages(&a));
    uint8_t *p0 = arena_page_address(&a, 0);
    cr_assert_not_null(p0);
    cr_assert_eq(arena_page_index(&a, p0), 0);
    cr_assert_eq(arena_page_index(&a, p0 + PS * (n - 1) + PS - 1), n - 1);
    cr_assert_eq((uint8_t *)arena_page_address(&a, n - 1), p0 + PS * (n - 1));
    cr_assert_null(arena_page_address(&a, n));
    cr_assert_eq(arena_page_index(&a, p0 - 1), SIZE_MAX);
    cr_assert_eq(arena_page_index(&a, p0 + PS * n), SIZE_MAX);
    cr_assert_eq(arena_page_index(&a, NULL), SIZE_MAX);
}

/* The figures arena_get_frag must give for the model used[0..n). */
static struct arena_frag frag_model(const bool *used, size_t n, size_t high)
{
    struct arena_frag f = {0};
    size_t run = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !used[i]) {
            run++;
            f.free += PS;
            if (i < high)
                f.free_below_watermark += PS;
            continue;
        }
        if (run > 0) {
            f.free_runs++;
            if (run * PS > f.largest_free)
                f.largest_free = run * PS;
        }
        run = 0;
    }
    return f;
}

Test(arena_view, frag_and_pages_used_against_a_model)
{
    struct arena a;
    arena_make(&a, 8, PS * 300, PS, 0);
    size_t n = arena_page_count(&a);
    bool *used = calloc(n, sizeof *used);
    uint8_t **runs = calloc(n, sizeof *runs);
    size_t *lens = calloc(n, sizeof *lens);
    size_t nruns = 0, high = 0;
    uint64_t x = 12345;
    for (int step = 0; step < 20000; step++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned r = (unsigned)(x >> 33);
        if (r % 3 != 0 || nruns == 0) {
            size_t k = 1 + (r >> 4) % 9;
            uint8_t *p = arena_alloc_pages(&a, k);
            if (p) {
                size_t i = arena_page_index(&a, p);
                for (size_t j = 0; j < k; j++)
                    used[i + j] = true;
                if (i + k > high)
                    high = i + k;
                runs[nruns] = p;
                lens[nruns++] = k;
            }
        } else {
            size_t w = (r >> 4) % nruns;
            size_t i = arena_page_index(&a, runs[w]);
            cr_assert_eq(arena_free_pages(&a, runs[w], lens[w]), 0);
            for (size_t j = 0; j < lens[w]; j++)
                used[i + j] = false;
            runs[w] = runs[--nruns];
            lens[w] = lens[nruns];
        }
        if (step % 97 == 0) {
            struct arena_frag got, want = frag_model(used, n, high);
            arena_get_frag(&a, &got);
            cr_assert_eq(got.free, want.free, "step %d", step);
            cr_assert_eq(got.largest_free, want.largest_free, "step %d", step);
            cr_assert_eq(got.free_runs, want.free_runs, "step %d", step);
            cr_assert_eq(got.free_below_watermark, want.free_below_watermark, "step %d", step);
            size_t first = (r >> 8) % (n + 5), len = (r >> 16) % 200;
            size_t cnt = 0;
            for (size_t i = first; i < first + len && i < n; i++)
                cnt += used[i];
            cr_assert_eq(arena_pages_used(&a, first, len), cnt, "step %d [%zu,+%zu)", step,
                         first, len);
        }
    }
    cr_assert_eq(arena_pages_used(&a, 0, SIZE_MAX), a.used_pages);
    arena_reset(&a);
    struct arena_frag f;
    arena_get_frag(&a, &f);
    cr_assert_eq(f.free, n * PS);
    cr_assert_eq(f.largest_free, n * PS);
    cr_assert_eq(f.free_runs, 1);
    cr_assert_eq(f.free_below_watermark, 0);
    free(used);
    free(runs);
    free(lens);
}

Test(arena_view, frag_of_a_full_arena)
{
    struct arena a;
    arena_make(&a, 0, PS * 10, PS, 0);
    cr_assert_not_null(arena_alloc_pages(&a, arena_page_count(&a)));
    struct arena_frag f;
    arena_get_frag(&a, &f);
    cr_assert_eq(f.free + f.largest_free + f.free_runs + f.free_below_watermark, 0);
}

/* What the observer saw. */
struct seen {
    int n;
    int event[16];
    const void *pages[16];
    size_t npages[16];
    size_t in_use[16];
    struct arena *a;
};

static void observe(void *ctx, int event, const void *pages, size_t npages)
{
    struct seen *s = ctx;
    cr_assert_lt(s->n, 16);
    struct arena_stats st;
    arena_get_stats(s->a, &st);
    s->event[s->n] = event;
    s->pages[s->n] = pages;
    s->npages[s->n] = npages;
    s->in_use[s->n] = st.in_use;
    s->n++;
}

Test(arena_view, observer_sees_every_successful_change)
{
    struct arena a;
    arena_make(&a, 0, PS * 20, PS, 0);
    struct seen s = {.a = &a};
    arena_set_observer(&a, observe, &s);
    uint8_t *one = arena_alloc_pages(&a, 1);
    uint8_t *three = arena_alloc_pages(&a, 3);
    cr_assert_null(arena_alloc_pages(&a, 0));
    cr_assert_null(arena_alloc_pages(&a, 1000));
    cr_assert_eq(arena_free_pages(&a, one, 1), 0);
    cr_assert_eq(arena_free_pages(&a, one, 1), ARENA_ERR_NOT_ALLOCATED, "double free");
    cr_assert_eq(arena_free_pages(&a, three, 0), ARENA_ERR_BAD_COUNT, "0 pages");
    cr_assert_eq(arena_free_pages(&a, three + 3 * PS, 1), ARENA_ERR_NOT_ALLOCATED);
    cr_assert_eq(arena_free_pages(&a, three + PS, 2), 0);
    arena_reset(&a);
    cr_assert_eq(s.n, 5);
    cr_assert_eq(s.event[0], ARENA_EVENT_ALLOC);
    cr_assert_eq(s.pages[0], one);
    cr_assert_eq(s.npages[0], 1);
    cr_assert_eq(s.in_use[0], PS, "the figures count the change before the call");
    cr_assert_eq(s.event[1], ARENA_EVENT_ALLOC);
    cr_assert_eq(s.pages[1], three);
    cr_assert_eq(s.npages[1], 3);
    cr_assert_eq(s.in_use[1], 4 * PS);
    cr_assert_eq(s.event[2], ARENA_EVENT_FREE);
    cr_assert_eq(s.pages[2], one);
    cr_assert_eq(s.npages[2], 1);
    cr_assert_eq(s.in_use[2], 3 * PS);
    cr_assert_eq(s.event[3], ARENA_EVENT_FREE);
    cr_assert_eq(s.pages[3], three + PS);
    cr_assert_eq(s.npages[3], 2);
    cr_assert_eq(s.in_use[3], PS);
    cr_assert_eq(s.event[4], ARENA_EVENT_RESET);
    cr_assert_null(s.pages[4]);
    cr_assert_eq(s.npages[4], 0);
    cr_assert_eq(s.in_use[4], 0);

    arena_set_observer(&a, NULL, &s);
    uint8_t *two = arena_alloc_pages(&a, 2);
    cr_assert_not_null(two);
    cr_assert_eq(arena_free_pages(&a, two, 0), ARENA_ERR_BAD_COUNT, "0 pages, no observer");
    cr_assert_eq(arena_free_pages(&a, two, 1), 0);
    cr_assert_eq(arena_free_pages(&a, two, 1), ARENA_ERR_NOT_ALLOCATED);
    arena_reset(&a);
    cr_assert_eq(s.n, 5, "off after arena_set_observer(NULL)");
    cr_assert_eq(arena_check(&a), 0);
}

Test(arena_view, observer_and_fault_injection_together)
{
    struct arena a;
    arena_make(&a, 0, PS * 20, PS, 0);
    struct seen s = {.a = &a};
    arena_set_observer(&a, observe, &s);
    arena_fail_after(&a, 2, 0);
    cr_assert_not_null(arena_alloc_pages(&a, 1));
    cr_assert_null(arena_alloc_pages(&a, 1)); /* injected */
    cr_assert_not_null(arena_alloc_pages(&a, 1));
    cr_assert_eq(s.n, 2, "an injected failure is not reported");
    arena_fail_after(&a, 1, 0);
    arena_set_observer(&a, NULL, NULL);
    cr_assert_null(arena_alloc_pages(&a, 1), "injection still on without the observer");
    cr_assert_not_null(arena_alloc_pages(&a, 1));
    struct arena_stats st;
    arena_get_stats(&a, &st);
    cr_assert_eq(st.failed_allocs, 2);
    cr_assert_eq(s.n, 2);
}
