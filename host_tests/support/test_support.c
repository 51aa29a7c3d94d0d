/* SPDX-License-Identifier: MIT */
/* test_support.c - see test_support.h. */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* --- arenas ------------------------------------------------------------- */

/* The arena and the start of its region, so test_arena_free can release both. */
struct owned_arena {
    struct arena a; /* first: a struct arena * is a struct owned_arena * */
    void *region;
};

/* The region is allocated page-aligned, so the bitmap sits at its start and
 * the pages begin at the first page boundary after it: with the bitmap area
 * rounded up to whole pages, exactly npages fit. */
struct arena *test_arena_new(size_t npages, size_t page_size)
{
    size_t map_bytes = (npages + 63) / 64 * sizeof(uint64_t);
    size_t map_area = (map_bytes + page_size - 1) / page_size * page_size;
    size_t size = map_area + npages * page_size;
    struct owned_arena *o = malloc(sizeof *o);
    cr_assert(o != NULL, "test heap exhausted");
    o->region = aligned_alloc(page_size, size);
    cr_assert(o->region != NULL, "test heap exhausted");
    cr_assert_eq(arena_init(&o->a, o->region, size, page_size), 0);
    struct arena_stats s;
    arena_get_stats(&o->a, &s);
    cr_assert_eq(s.capacity, npages * page_size,
                 "test arena: wanted %zu pages, got %zu bytes", npages,
                 s.capacity);
    return &o->a;
}

void test_arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    struct owned_arena *o = (struct owned_arena *)(void *)a;
    free(o->region);
    free(o);
}

size_t test_arena_in_use(const struct arena *a)
{
    struct arena_stats s;
    arena_get_stats(a, &s);
    return s.in_use;
}

size_t test_arena_watermark(const struct arena *a)
{
    struct arena_stats s;
    arena_get_stats(a, &s);
    return s.watermark;
}

size_t test_arena_fill(struct arena *a, void **held, size_t max)
{
    size_t n = 0;
    while (n < max) {
        void *p = arena_alloc_pages(a, 1);
        if (p == NULL)
            break;
        held[n++] = p;
    }
    cr_assert(n < max || arena_alloc_pages(a, 1) == NULL,
              "test_arena_fill: room for more than %zu pages", max);
    return n;
}

void test_arena_release(struct arena *a, void **held, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(arena_free_pages(a, held[i], 1), 0);
}

/* --- numbers ------------------------------------------------------------ */

uint64_t tmix(uint64_t x)
{
    /* xor-shift / odd-multiply rounds: each step is invertible. */
    x ^= x >> 31;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 29;
    x *= 0xcf3bd2a9c2e7b8f5ull;
    x ^= x >> 32;
    return x;
}

uint64_t load_u64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

void store_u64(void *p, uint64_t v)
{
    memcpy(p, &v, sizeof v);
}

void trng_seed(struct trng *r, uint64_t seed)
{
    r->s = seed ^ 0x5851f42d4c957f2dull;
}

uint64_t trng_next(struct trng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    return tmix(r->s);
}

uint64_t trng_below(struct trng *r, uint64_t n)
{
    return trng_next(r) % n;
}
