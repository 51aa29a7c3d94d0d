/* SPDX-License-Identifier: MIT */
/*
 * support.c - helpers shared by the arena suites; see support.h.
 */
#include "support.h"

#include <criterion/criterion.h>
#include <string.h>

/*
 * One static buffer holds every region: GUARD_LEN + ANCHOR_ALIGN of slack
 * before the anchor (so it can be aligned at run time, which does not depend
 * on how the loader aligns .bss), REGION_SPAN for the region and GUARD_LEN
 * after it.
 */
static uint8_t buffer[GUARD_LEN + ANCHOR_ALIGN + REGION_SPAN + GUARD_LEN];

/* The current region, set by region_make. */
static uint8_t *cur_base;
static size_t cur_size;

/* The snapshot, taken by snap_take. */
static uint8_t snap_region[GUARD_LEN + REGION_SPAN + GUARD_LEN];
static size_t snap_len;
static unsigned char snap_arena[sizeof(struct arena)];
static struct arena_stats snap_stats;

static uintptr_t align_up(uintptr_t x, uintptr_t align)
{
    return (x + align - 1) / align * align;
}

uint8_t *region_anchor(void)
{
    uintptr_t lowest = (uintptr_t)(buffer + GUARD_LEN);
    return buffer + GUARD_LEN + (align_up(lowest, ANCHOR_ALIGN) - lowest);
}

/* First guard byte: the leading guard runs from here to the region's base. */
static uint8_t *guard_start(void)
{
    return region_anchor() - GUARD_LEN;
}

/* One past the trailing guard. */
static uint8_t *guard_end(void)
{
    return cur_base + cur_size + GUARD_LEN;
}

uint8_t *region_make(size_t offset, size_t size, uint8_t fill)
{
    cr_assert_leq(offset + size, REGION_SPAN, "region_make: %zu + %zu too big",
                  offset, size);
    cur_base = region_anchor() + offset;
    cur_size = size;
    memset(guard_start(), GUARD_BYTE, (size_t)(cur_base - guard_start()));
    memset(cur_base, fill, size);
    memset(cur_base + size, GUARD_BYTE, GUARD_LEN);
    return cur_base;
}

void region_assert_guards(const char *ctx)
{
    size_t lead = (size_t)(cur_base - guard_start());
    size_t bad = bytes_find_not(guard_start(), lead, GUARD_BYTE);
    cr_assert_eq(bad, lead, "%s: byte written %zu bytes before the region",
                 ctx, lead - bad);
    bad = bytes_find_not(cur_base + cur_size, GUARD_LEN, GUARD_BYTE);
    cr_assert_eq(bad, (size_t)GUARD_LEN,
                 "%s: byte written %zu bytes after the region's end", ctx, bad);
}

/* End of the documented layout with n pages: one past page n - 1. */
static uintptr_t layout_end(uintptr_t base, size_t n, size_t page_size,
                            uintptr_t *pages)
{
    uintptr_t map_at = align_up(base, 8);
    uintptr_t map_bytes = (n + 63) / 64 * 8;
    *pages = align_up(map_at + map_bytes, page_size);
    return *pages + (uintptr_t)n * page_size;
}

struct layout layout_expect(uintptr_t base, size_t size, size_t page_size)
{
    /*
     * layout_end grows with n, so the largest n that fits is found by
     * bisection over [0, size / page_size] (no more pages than bytes allow).
     */
    uintptr_t end = base + size, pages;
    size_t lo = 0, hi = size / page_size;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (layout_end(base, mid, page_size, &pages) <= end)
            lo = mid;
        else
            hi = mid - 1;
    }
    struct layout l = {.npages = lo, .pages = 0};
    if (lo > 0)
        layout_end(base, lo, page_size, &l.pages);
    return l;
}

size_t layout_min_size(uintptr_t base, size_t page_size)
{
    uintptr_t pages;
    return (size_t)(layout_end(base, 1, page_size, &pages) - base);
}

struct arena_stats stats_of(const struct arena *a)
{
    struct arena_stats s;
    memset(&s, 0x77, sizeof s); /* a field get_stats forgets shows up */
    arena_get_stats(a, &s);
    return s;
}

void stats_assert_eq(const struct arena_stats *got,
                     const struct arena_stats *want, const char *ctx)
{
#define FIELD(f)                                                          \
    cr_assert_eq(got->f, want->f, "%s: " #f " is %zu, expected %zu", ctx, \
                 got->f, want->f)
    FIELD(page_size);
    FIELD(capacity);
    FIELD(overhead);
    FIELD(in_use);
    FIELD(peak_in_use);
    FIELD(watermark);
    FIELD(allocs);
    FIELD(frees);
    FIELD(failed_allocs);
    FIELD(resets);
#undef FIELD
}

void snap_take_bytes(const struct arena *a)
{
    snap_len = (size_t)(guard_end() - guard_start());
    memcpy(snap_region, guard_start(), snap_len);
    memcpy(snap_arena, a, sizeof snap_arena);
}

void snap_take(const struct arena *a)
{
    snap_take_bytes(a);
    snap_stats = stats_of(a);
}

void snap_assert_region_unchanged(const char *ctx)
{
    const uint8_t *now = guard_start();
    for (size_t i = 0; i < snap_len; i++)
        if (now[i] != snap_region[i])
            cr_assert_fail("%s: region byte at base%+td changed 0x%02x -> "
                           "0x%02x",
                           ctx, (now + i) - cur_base, snap_region[i], now[i]);
}

void snap_assert_unchanged(const struct arena *a, const char *ctx)
{
    struct arena_stats s = stats_of(a);
    stats_assert_eq(&s, &snap_stats, ctx);
    cr_assert(memcmp(snap_arena, a, sizeof snap_arena) == 0,
              "%s: struct arena changed", ctx);
    snap_assert_region_unchanged(ctx);
}

static uint8_t pattern_byte(uintptr_t pos, uint32_t id)
{
    uint32_t h = id * 0x9E3779B1u; /* odd multiplier: a bijection of id */
    return (uint8_t)((h >> (8 * (pos & 3))) + (pos >> 2) * 0x3Bu);
}

void pattern_fill(void *p, size_t n, uint32_t id)
{
    uint8_t *b = p;
    uintptr_t pos = (uintptr_t)b - (uintptr_t)region_anchor();
    for (size_t i = 0; i < n; i++)
        b[i] = pattern_byte(pos + i, id);
}

size_t pattern_find_bad(const void *p, size_t n, uint32_t id)
{
    const uint8_t *b = p;
    uintptr_t pos = (uintptr_t)b - (uintptr_t)region_anchor();
    for (size_t i = 0; i < n; i++)
        if (b[i] != pattern_byte(pos + i, id))
            return i;
    return n;
}

size_t bytes_find_not(const void *p, size_t n, uint8_t b)
{
    const uint8_t *q = p;
    for (size_t i = 0; i < n; i++)
        if (q[i] != b)
            return i;
    return n;
}

uint8_t *arena_make(struct arena *a, size_t offset, size_t size,
                    size_t page_size, uint8_t fill)
{
    uint8_t *base = region_make(offset, size, fill);
    int rc = arena_init(a, base, size, page_size);
    cr_assert_eq(rc, 0, "arena_init(offset %zu, size %zu, page %zu) = %d (%s)",
                 offset, size, page_size, rc, arena_strerror(rc));
    return base;
}

size_t arena_npages(const struct arena *a)
{
    struct arena_stats s = stats_of(a);
    return s.capacity / s.page_size;
}
