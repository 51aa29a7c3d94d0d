/* SPDX-License-Identifier: MIT */
/*
 * fuzz_arena.c - libFuzzer target: a byte stream decoded as arena operations,
 * checked against a model of the pages.
 *
 * Input: byte 0 picks the page size (64 << (b % 4)), byte 1 the region's
 * misalignment; then each operation is an opcode byte and an argument byte:
 * allocate 0..16 pages, free a live run (whole or a tail of it), attempt a
 * free that must be refused, or reset.  After every operation the arena's
 * figures must equal the model's, first fit must have picked the model's
 * page, arena_check must pass, and every live run must still hold the
 * pattern written into it (no two runs overlap).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define REGION 16384
#define MAX_PAGES (REGION / 64)
#define MAX_RUNS 64

struct run {
    size_t first, n;
    uint8_t tag;
};

struct model {
    uint8_t page[MAX_PAGES]; /* 0 free, else the tag of the run holding it */
    struct run runs[MAX_RUNS];
    size_t nruns, used, peak, high;
    size_t allocs, frees, failed, resets;
};

static _Alignas(64) uint8_t region[REGION + 64];
static struct model mo;
static uint8_t *pages; /* address of page 0 */
static size_t ps, npages;

#define REQUIRE(c)   \
    do {             \
        if (!(c))    \
            abort(); \
    } while (0)

static uint8_t *addr(size_t page)
{
    return pages + page * ps;
}

/* Lowest index of n free pages in the model, or -1. */
static long model_fit(size_t n)
{
    size_t len = 0;
    for (size_t i = 0; n > 0 && i < npages; i++) {
        len = mo.page[i] ? 0 : len + 1;
        if (len == n)
            return (long)(i + 1 - n);
    }
    return -1;
}

static void check(const struct arena *a)
{
    struct arena_stats s;
    arena_get_stats(a, &s);
    REQUIRE(s.in_use == mo.used * ps && s.peak_in_use == mo.peak * ps);
    REQUIRE(s.watermark == mo.high * ps);
    REQUIRE(s.allocs == mo.allocs && s.frees == mo.frees);
    REQUIRE(s.failed_allocs == mo.failed && s.resets == mo.resets);
    REQUIRE(arena_check(a) == ARENA_OK);
    for (size_t r = 0; r < mo.nruns; r++)
        for (size_t i = 0; i < mo.runs[r].n * ps; i++)
            REQUIRE(addr(mo.runs[r].first)[i] == mo.runs[r].tag);
}

static void do_alloc(struct arena *a, size_t n)
{
    long i = model_fit(n);
    uint8_t *p = arena_alloc_pages(a, n);
    if (i < 0 || mo.nruns == MAX_RUNS) {
        if (p != NULL) { /* model full: give it straight back */
            REQUIRE(i >= 0 && p == addr((size_t)i));
            REQUIRE(arena_free_pages(a, p, n) == ARENA_OK);
            mo.allocs++, mo.frees++;
            if (mo.used + n > mo.peak)
                mo.peak = mo.used + n;
            if ((size_t)i + n > mo.high)
                mo.high = (size_t)i + n;
        } else {
            REQUIRE(i < 0);
            mo.failed++;
        }
        return;
    }
    REQUIRE(p == addr((size_t)i));
    uint8_t tag = (uint8_t)(1 + (mo.allocs % 255));
    memset(mo.page + i, tag, n);
    memset(p, tag, n * ps);
    mo.runs[mo.nruns++] = (struct run){(size_t)i, n, tag};
    mo.used += n;
    mo.allocs++;
    if (mo.used > mo.peak)
        mo.peak = mo.used;
    if ((size_t)i + n > mo.high)
        mo.high = (size_t)i + n;
}

static void do_free(struct arena *a, uint8_t arg)
{
    if (mo.nruns == 0)
        return;
    size_t r = arg % mo.nruns;
    struct run *ru = &mo.runs[r];
    size_t keep = (size_t)(arg >> 4) % ru->n; /* free pages [keep, n) */
    REQUIRE(arena_free_pages(a, addr(ru->first + keep), ru->n - keep) == ARENA_OK);
    memset(mo.page + ru->first + keep, 0, ru->n - keep);
    mo.used -= ru->n - keep;
    mo.frees++;
    if (keep == 0)
        *ru = mo.runs[--mo.nruns];
    else
        ru->n = keep;
}

/* A free that must be refused with the given code and change nothing. */
static void do_bad_free(struct arena *a, uint8_t arg)
{
    uint8_t *p = NULL;
    size_t n = 1;
    int want = ARENA_ERR_NOT_IN_ARENA;
    size_t j = arg % npages;
    switch ((arg >> 5) % 6) {
    case 0: /* a free page */
        if (mo.page[j] != 0)
            return;
        p = addr(j), want = ARENA_ERR_NOT_ALLOCATED;
        break;
    case 1: /* not page-aligned */
        p = addr(j) + 1 + arg % (ps - 1);
        break;
    case 2: /* no pages */
        p = addr(j), n = 0, want = ARENA_ERR_BAD_COUNT;
        break;
    case 3: /* past the last page */
        p = addr(j), n = npages - j + 1, want = ARENA_ERR_BAD_COUNT;
        break;
    case 4: /* before the first page, or NULL */
        p = arg & 1 ? NULL : pages - ps;
        break;
    case 5: /* a live run and the free page after it */
        if (mo.nruns == 0)
            return;
        j = mo.runs[arg % mo.nruns].first;
        n = mo.runs[arg % mo.nruns].n + 1;
        if (j + n > npages || mo.page[j + n - 1] != 0)
            return;
        p = addr(j), want = ARENA_ERR_NOT_ALLOCATED;
        break;
    }
    struct arena_stats before, after;
    arena_get_stats(a, &before);
    REQUIRE(arena_free_pages(a, p, n) == want);
    arena_get_stats(a, &after);
    REQUIRE(memcmp(&before, &after, sizeof before) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    struct arena a;
    ps = (size_t)64 << (data[0] % 4);
    REQUIRE(arena_init(&a, region + data[1] % 64, REGION, ps) == ARENA_OK);
    struct arena_stats s;
    arena_get_stats(&a, &s);
    npages = s.capacity / ps;
    REQUIRE(npages > 0 && npages <= MAX_PAGES);
    /* Learn page 0's address: the first allocation of an empty arena. */
    pages = arena_alloc_pages(&a, 1);
    REQUIRE(pages != NULL && ((uintptr_t)pages & (ps - 1)) == 0);
    REQUIRE(arena_free_pages(&a, pages, 1) == ARENA_OK);
    arena_reset(&a);
    memset(&mo, 0, sizeof mo);
    mo.allocs = mo.frees = mo.resets = 1;
    check(&a);

    for (size_t at = 2; at + 1 < size; at += 2) {
        uint8_t op = data[at], arg = data[at + 1];
        switch (op % 8) {
        case 0:
        case 1:
        case 2:
            do_alloc(&a, arg % 17);
            break;
        case 3:
        case 4:
            do_free(&a, arg);
            break;
        case 5:
        case 6:
            do_bad_free(&a, arg);
            break;
        case 7:
            if (arg < 8) {
                arena_reset(&a);
                memset(&mo.page, 0, sizeof mo.page);
                mo.nruns = mo.used = mo.peak = mo.high = 0;
                mo.resets++;
            }
            break;
        }
        check(&a);
    }
    return 0;
}
