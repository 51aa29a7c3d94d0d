/* SPDX-License-Identifier: MIT */
/*
 * test_arena_model.c - a long randomized sequence of arena calls checked,
 * after every single call, against a model of the pages kept here.
 *
 * The model is deliberately naive: one byte a page (which live run owns it,
 * or free), a list of live runs, and the figures as plain counters updated by
 * the rules of arena.h.  After each call the test checks the arena's figures
 * against the model's, the exact address first fit must return (the lowest
 * page of the first free stretch long enough, found by a linear scan), that a
 * new run lies inside the region on free model pages (so no two live runs
 * overlap), arena_check() == 0, and the code of every refused call.  Each
 * live run holds a byte pattern of its own, verified when it is freed (and
 * every few thousand calls for all runs): a page handed out twice would be
 * overwritten by its second owner.  Built with ARENA_POISON, freed pages must
 * read ARENA_POISON_BYTE while their live neighbours keep their patterns.
 *
 * The sequence comes from a fixed seed, so a failure repeats exactly; it
 * alternates filling and draining phases so the arena runs full (and
 * recovers) many times, and mixes in refused calls, resets and injected
 * failures.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

#define MAX_PAGES 2048u
#define NO_RUN 0xFFFFu

struct run {
    size_t start, n; /* pages [start, start + n) */
    uint32_t id;     /* pattern owner */
};

/* Kinds of call, for the figures printed at the end. */
enum {
    K_ALLOC_OK,
    K_ALLOC_FULL,
    K_ALLOC_ZERO,
    K_ALLOC_INJECTED,
    K_FREE_WHOLE,
    K_FREE_PIECE,
    K_FREE_SPAN,
    K_REFUSED_NOT_ALLOCATED,
    K_REFUSED_NOT_IN_ARENA,
    K_REFUSED_BAD_COUNT,
    K_RESET,
    K_FAIL_AFTER,
    K_FAIL_OFF,
    K_KINDS
};
static const char *const kind_name[K_KINDS] = {
    "alloc ok",
    "alloc refused (no run)",
    "alloc refused (0 pages)",
    "alloc refused (injected)",
    "free whole run",
    "free piece of run",
    "free across runs",
    "free refused NOT_ALLOCATED",
    "free refused NOT_IN_ARENA",
    "free refused BAD_COUNT",
    "reset",
    "fail_after(k, sticky)",
    "fail_after(0, 0) ends sticky",
};

struct model {
    /* The arena under test and where its pages are. */
    struct arena a;
    uint8_t *base, *first;
    size_t size, ps, npages;

    /* One entry a page: index into runs[], or NO_RUN when free. */
    uint16_t owner[MAX_PAGES];
    struct run runs[MAX_PAGES];
    size_t nruns;
    uint32_t next_id;

    /* The figures, in pages and calls, by the rules of arena.h. */
    size_t used, peak, high;
    size_t allocs, frees, failed, resets;
    size_t countdown; /* injected failure on the countdown-th call; 0 off */
    int sticky;

    uint64_t rng;
    size_t kinds[K_KINDS];
    size_t step;
};

/* splitmix64: small, good enough, and the same on every machine. */
static uint64_t rnd(struct model *m)
{
    uint64_t z = (m->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t below(struct model *m, size_t n)
{
    return (size_t)(rnd(m) % n);
}

static uint8_t *page_at(const struct model *m, size_t i)
{
    return m->first + i * m->ps;
}

static void check_figures(struct model *m, const char *what)
{
    struct arena_stats want = {
        .page_size = m->ps,
        .capacity = m->npages * m->ps,
        .overhead = m->size - m->npages * m->ps,
        .in_use = m->used * m->ps,
        .peak_in_use = m->peak * m->ps,
        .watermark = m->high * m->ps,
        .allocs = m->allocs,
        .frees = m->frees,
        .failed_allocs = m->failed,
        .resets = m->resets,
    };
    struct arena_stats got = stats_of(&m->a);
    char ctx[96];
    snprintf(ctx, sizeof ctx, "step %zu (%s)", m->step, what);
    stats_assert_eq(&got, &want, ctx);
    int rc = arena_check(&m->a);
    cr_assert_eq(rc, 0, "%s: arena_check %d (%s)", ctx, rc, arena_strerror(rc));
}

/* Lowest page of the first free stretch of n pages, or npages if none. */
static size_t model_first_fit(const struct model *m, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < m->npages; i++) {
        len = m->owner[i] == NO_RUN ? len + 1 : 0;
        if (len == n)
            return i + 1 - n;
    }
    return m->npages;
}

static void verify_run_bytes(const struct model *m, size_t start, size_t n,
                             uint32_t id, const char *what)
{
    size_t bytes = n * m->ps;
    size_t bad = pattern_find_bad(page_at(m, start), bytes, id);
    cr_assert_eq(bad, bytes,
                 "step %zu (%s): run %u at page %zu overwritten at page %zu "
                 "byte %zu",
                 m->step, what, id, start, start + bad / m->ps, bad % m->ps);
}

static void verify_all_runs(const struct model *m)
{
    for (size_t r = 0; r < m->nruns; r++)
        verify_run_bytes(m, m->runs[r].start, m->runs[r].n, m->runs[r].id,
                         "all live runs");
}

static void set_owner(struct model *m, size_t start, size_t n, uint16_t who)
{
    for (size_t i = start; i < start + n; i++)
        m->owner[i] = who;
}

static void add_run(struct model *m, size_t start, size_t n, uint32_t id)
{
    m->runs[m->nruns] = (struct run){.start = start, .n = n, .id = id};
    set_owner(m, start, n, (uint16_t)m->nruns);
    m->nruns++;
}

static void remove_run(struct model *m, size_t r)
{
    set_owner(m, m->runs[r].start, m->runs[r].n, NO_RUN);
    m->nruns--;
    if (r != m->nruns) {
        m->runs[r] = m->runs[m->nruns];
        set_owner(m, m->runs[r].start, m->runs[r].n, (uint16_t)r);
    }
}

/* Take pages [s, e) out of the model run that holds page s. */
static void cut_run(struct model *m, size_t s, size_t e)
{
    size_t r = m->owner[s];
    struct run run = m->runs[r];
    size_t end = run.start + run.n;
    cr_assert(s >= run.start && e <= end);
    remove_run(m, r);
    if (s > run.start)
        add_run(m, run.start, s - run.start, run.id);
    if (e < end)
        add_run(m, e, end - e, run.id);
}

static void do_alloc(struct model *m, size_t n)
{
    int injected = 0;
    if (m->countdown != 0 && --m->countdown == 0) {
        injected = 1;
        if (m->sticky)
            m->countdown = 1;
    }
    size_t at = n == 0 ? m->npages : model_first_fit(m, n);
    uint8_t *p = arena_alloc_pages(&m->a, n);

    if (injected || at == m->npages) {
        cr_assert_null(p, "step %zu: alloc(%zu) must fail (%s) but gave page "
                          "%td",
                       m->step, n, injected ? "injected" : "no run",
                       p ? (p - m->first) / (ptrdiff_t)m->ps : -1);
        m->failed++;
        m->kinds[injected ? K_ALLOC_INJECTED
                 : n == 0 ? K_ALLOC_ZERO
                          : K_ALLOC_FULL]++;
        check_figures(m, "alloc refused");
        return;
    }
    cr_assert_eq(
        p, page_at(m, at),
        "step %zu: alloc(%zu) gave %p (page %td), first fit is page %zu",
        m->step, n, (void *)p, p ? (p - m->first) / (ptrdiff_t)m->ps : -1, at);
    /* Inside the region, page-aligned, on pages no live run holds. */
    cr_assert(p >= m->base && p + n * m->ps <= m->base + m->size);
    cr_assert_eq((uintptr_t)p % m->ps, 0);
    for (size_t i = at; i < at + n; i++)
        cr_assert_eq(m->owner[i], NO_RUN, "step %zu: page %zu handed out twice",
                     m->step, i);

    uint32_t id = m->next_id++;
    add_run(m, at, n, id);
    pattern_fill(p, n * m->ps, id);
    m->used += n;
    if (m->used > m->peak)
        m->peak = m->used;
    if (at + n > m->high)
        m->high = at + n;
    m->allocs++;
    m->kinds[K_ALLOC_OK]++;
    check_figures(m, "alloc");
}

/* Free the used pages [s, s + n), which may span several live runs. */
static void do_free(struct model *m, size_t s, size_t n, int kind)
{
    /* Every run's bytes must be intact right up to the free. */
    for (size_t i = s; i < s + n;) {
        const struct run *r = &m->runs[m->owner[i]];
        size_t e = r->start + r->n < s + n ? r->start + r->n : s + n;
        verify_run_bytes(m, i, e - i, r->id, "before free");
        i = e;
    }
    int rc = arena_free_pages(&m->a, page_at(m, s), n);
    cr_assert_eq(rc, 0, "step %zu: free(page %zu, %zu) = %d (%s)", m->step, s,
                 n, rc, arena_strerror(rc));
    for (size_t i = s; i < s + n;) {
        const struct run *r = &m->runs[m->owner[i]];
        size_t e = r->start + r->n < s + n ? r->start + r->n : s + n;
        cut_run(m, i, e);
        i = e;
    }
    m->used -= n;
    m->frees++;
    m->kinds[kind]++;
#if ARENA_POISON
    size_t bytes = n * m->ps;
    cr_assert_eq(bytes_find_not(page_at(m, s), bytes, ARENA_POISON_BYTE), bytes,
                 "step %zu: freed pages not poisoned", m->step);
    /* The live neighbours either side were not touched by the poisoning. */
    if (s > 0 && m->owner[s - 1] != NO_RUN)
        verify_run_bytes(m, s - 1, 1, m->runs[m->owner[s - 1]].id,
                         "left neighbour of a poisoned run");
    if (s + n < m->npages && m->owner[s + n] != NO_RUN)
        verify_run_bytes(m, s + n, 1, m->runs[m->owner[s + n]].id,
                         "right neighbour of a poisoned run");
#endif
    check_figures(m, "free");
}

/* A free the arena must refuse with code; it must change nothing. */
static void do_bad_free(struct model *m, const void *p, size_t n, int code,
                        int kind, const char *what)
{
    unsigned char before[sizeof m->a];
    memcpy(before, &m->a, sizeof before);
    int rc = arena_free_pages(&m->a, (void *)(uintptr_t)p, n);
    cr_assert_eq(rc, code, "step %zu: %s: free gave %d (%s), expected %d (%s)",
                 m->step, what, rc, arena_strerror(rc), code,
                 arena_strerror(code));
    cr_assert(memcmp(before, &m->a, sizeof before) == 0,
              "step %zu: %s: refused free changed the arena", m->step, what);
    m->kinds[kind]++;
    check_figures(m, what);
}

/* Alloc sizes: mostly small, sometimes large, now and then hopeless. */
static size_t alloc_size(struct model *m)
{
    size_t r = below(m, 100);
    if (r < 2)
        return 0;
    if (r < 55)
        return 1 + below(m, 2);
    if (r < 85)
        return 3 + below(m, 6);
    if (r < 97)
        return 9 + below(m, 24);
    return 1 + below(m, m->npages + m->npages / 4);
}

static void step_free_good(struct model *m)
{
    struct run r = m->runs[below(m, m->nruns)];
    size_t c = below(m, 100);
    if (c < 60) {
        do_free(m, r.start, r.n, K_FREE_WHOLE);
    } else if (c < 85) {
        size_t s = r.start + below(m, r.n);
        size_t k = 1 + below(m, r.start + r.n - s);
        do_free(m, s, k, K_FREE_PIECE);
    } else {
        /* From inside this run, as far as the used pages go (<= 48). */
        size_t s = r.start + below(m, r.n), e = s;
        while (e < m->npages && e - s < 48 && m->owner[e] != NO_RUN)
            e++;
        size_t k = 1 + below(m, e - s);
        int spans = m->owner[s + k - 1] != m->owner[s];
        do_free(m, s, k, spans ? K_FREE_SPAN : K_FREE_PIECE);
    }
}

static void step_free_bad(struct model *m)
{
    switch (below(m, 6)) {
    case 0: { /* a stretch holding at least one free page */
        size_t s = below(m, m->npages);
        size_t k = 1 + below(m, m->npages - s < 8 ? m->npages - s : 8);
        size_t i = s;
        while (i < s + k && m->owner[i] != NO_RUN)
            i++;
        if (i == s + k)
            return; /* all used: not a bad free */
        do_bad_free(m, page_at(m, s), k, ARENA_ERR_NOT_ALLOCATED,
                    K_REFUSED_NOT_ALLOCATED, "free with a free page");
        return;
    }
    case 1: { /* inside a live page, not at its start */
        if (m->nruns == 0)
            return;
        struct run r = m->runs[below(m, m->nruns)];
        uint8_t *p = page_at(m, r.start) + 1 + below(m, m->ps - 1);
        do_bad_free(m, p, 1, ARENA_ERR_NOT_IN_ARENA, K_REFUSED_NOT_IN_ARENA,
                    "unaligned free");
        return;
    }
    case 2: { /* page-aligned, but below page 0 or from the end up */
        int low = below(m, 2) == 0 && m->first - m->ps >= region_anchor();
        uint8_t *p = low ? m->first - m->ps
                         : page_at(m, m->npages + below(m, 8));
        do_bad_free(m, p, 1, ARENA_ERR_NOT_IN_ARENA, K_REFUSED_NOT_IN_ARENA,
                    "free outside the pages");
        return;
    }
    case 3:
        do_bad_free(m, NULL, 1 + below(m, 3), ARENA_ERR_NOT_IN_ARENA,
                    K_REFUSED_NOT_IN_ARENA, "free(NULL)");
        return;
    case 4: /* zero pages of a live run */
        if (m->nruns == 0)
            return;
        do_bad_free(m, page_at(m, m->runs[below(m, m->nruns)].start), 0,
                    ARENA_ERR_BAD_COUNT, K_REFUSED_BAD_COUNT, "free 0 pages");
        return;
    default: { /* all used up to the last page, and on past it */
        size_t s = m->npages;
        while (s > 0 && m->owner[s - 1] != NO_RUN && m->npages - s < 64)
            s--;
        if (s == m->npages || m->owner[s] == NO_RUN)
            return;
        size_t over = below(m, 3) == 0 ? SIZE_MAX - below(m, 4)
                                       : m->npages - s + 1 + below(m, 4);
        do_bad_free(m, page_at(m, s), over, ARENA_ERR_BAD_COUNT,
                    K_REFUSED_BAD_COUNT, "free past the last page");
        return;
    }
    }
}

static void do_reset(struct model *m)
{
    size_t old_high = m->high;
    arena_reset(&m->a);
    m->resets++;
    m->used = m->peak = m->high = 0;
    while (m->nruns > 0)
        remove_run(m, m->nruns - 1);
    m->kinds[K_RESET]++;
#if ARENA_POISON
    size_t bytes = old_high * m->ps;
    cr_assert_eq(
        bytes_find_not(m->first, bytes, ARENA_POISON_BYTE), bytes,
        "step %zu: pages below the old watermark not poisoned at reset",
        m->step);
#else
    (void)old_high;
#endif
    check_figures(m, "reset");
}

static void do_fail_after(struct model *m)
{
    size_t k = below(m, 5); /* 0 disarms */
    int sticky = below(m, 4) == 0;
    arena_fail_after(&m->a, k, sticky);
    m->countdown = k;
    m->sticky = k != 0 && sticky;
    m->kinds[K_FAIL_AFTER]++;
    check_figures(m, "fail_after");
}

struct model_cfg {
    const char *name;
    size_t page_size, offset, size, steps;
    uint64_t seed;
};

static struct model the_model;

static void run_model(const struct model_cfg *c)
{
    struct model *m = &the_model;
    memset(m, 0, sizeof *m);
    m->rng = c->seed;
    m->ps = c->page_size;
    m->size = c->size;
    m->base = arena_make(&m->a, c->offset, c->size, c->page_size, 0xEE);
    struct layout l = layout_expect((uintptr_t)m->base, c->size, c->page_size);
    m->first = (uint8_t *)l.pages;
    m->npages = l.npages;
    cr_assert_leq(m->npages, MAX_PAGES);
    cr_assert_eq(arena_npages(&m->a), m->npages);
    memset(m->owner, 0xFF, sizeof m->owner);
    m->next_id = 1;
    check_figures(m, "init");

    int filling = 1;
    size_t phase_left = 0, full_seen = 0, max_runs = 0;
    for (m->step = 1; m->step <= c->steps; m->step++) {
        if (phase_left-- == 0) {
            filling = !filling;
            phase_left = 500 + below(m, 4000);
        }
        /* A sticky injection does not stay on for long. */
        if (m->sticky && below(m, 8) == 0) {
            arena_fail_after(&m->a, 0, 0);
            m->countdown = 0;
            m->sticky = 0;
            m->kinds[K_FAIL_OFF]++;
            check_figures(m, "fail_after off");
        }
        size_t r = below(m, 1000);
        if (r < 2) {
            do_reset(m);
        } else if (r < 6) {
            do_fail_after(m);
        } else if (r < 40) {
            step_free_bad(m);
        } else if (r < (filling ? 700u : 380u) || m->nruns == 0) {
            do_alloc(m, alloc_size(m));
        } else {
            step_free_good(m);
        }
        if (m->used == m->npages)
            full_seen++;
        if (m->nruns > max_runs)
            max_runs = m->nruns;
        if (m->step % 4096 == 0)
            verify_all_runs(m);
    }
    verify_all_runs(m);
    region_assert_guards(c->name);

    /* Every kind of call happened, or the run proved less than it claims. */
    for (int k = 0; k < K_KINDS; k++)
        cr_assert_gt(m->kinds[k], 0, "%s: no call of kind '%s'", c->name,
                     kind_name[k]);
    cr_assert_gt(full_seen, 0, "%s: the arena never ran full", c->name);

    struct arena_stats s = stats_of(&m->a);
    size_t calls = 0;
    for (int k = 0; k < K_KINDS; k++)
        calls += m->kinds[k];
    fprintf(stderr,
            "arena model [%s]: seed %#llx, %zu pages of %zu bytes, %zu steps,"
            " %zu arena calls each checked (poison %s)\n",
            c->name, (unsigned long long)c->seed, m->npages, m->ps, c->steps,
            calls, ARENA_POISON ? "on" : "off");
    for (int k = 0; k < K_KINDS; k++)
        fprintf(stderr, "  %-28s %zu\n", kind_name[k], m->kinds[k]);
    fprintf(stderr,
            "  steps at full capacity %zu, most live runs %zu\n"
            "  final stats: page_size %zu capacity %zu overhead %zu in_use %zu"
            " peak_in_use %zu watermark %zu allocs %zu frees %zu"
            " failed_allocs %zu resets %zu\n",
            full_seen, max_runs, s.page_size, s.capacity, s.overhead, s.in_use,
            s.peak_in_use, s.watermark, s.allocs, s.frees, s.failed_allocs,
            s.resets);
}

/* Small pages, a few hundred of them, base off every grid. */
Test(arena_model, small_pages)
{
    static const struct model_cfg c = {
        .name = "64 B pages",
        .page_size = 64,
        .offset = 13,
        .size = 64 * 300 + 29,
        .steps = 120000,
        .seed = 0x7173DE0A12ull,
    };
    run_model(&c);
}

/* Many pages: an 18-word bitmap with a partial last word. */
Test(arena_model, many_pages)
{
    static const struct model_cfg c = {
        .name = "128 B pages",
        .page_size = 128,
        .offset = 0,
        .size = 128 * 1100,
        .steps = 60000,
        .seed = 0xB0C4A11Dull,
    };
    run_model(&c);
}

/* Large pages, few of them: the arena is full often. */
Test(arena_model, large_pages)
{
    static const struct model_cfg c = {
        .name = "4 KiB pages",
        .page_size = 4096,
        .offset = 4000,
        .size = 4096 * 70 + 100,
        .steps = 40000,
        .seed = 0x5EED4096ull,
    };
    run_model(&c);
}
