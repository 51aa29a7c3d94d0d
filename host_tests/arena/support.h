/* SPDX-License-Identifier: MIT */
/*
 * support.h - helpers shared by the arena suites.
 *
 * Everything here is written against arena.h alone: regions with guard bytes
 * around them (to prove the arena never writes outside its region), the page
 * layout arena.h documents (to know what arena_init must produce), snapshots
 * (to prove a refused call changed nothing) and byte patterns (to prove two
 * runs never share a byte).
 *
 * Criterion runs every test in its own process, so the static buffers behind
 * these helpers start fresh in each test.
 */
#ifndef ARENA_TEST_SUPPORT_H
#define ARENA_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* Byte every guard holds; a region's own bytes get a caller-chosen fill. */
#define GUARD_BYTE 0x5Cu
/* Guard bytes before the anchor and after the region's end. */
#define GUARD_LEN 512u
/*
 * Regions are placed at anchor + offset.  The anchor is aligned to
 * ANCHOR_ALIGN, a multiple of every page size the suites use, so offset alone
 * decides how a region's base sits against the page grid.
 */
#define ANCHOR_ALIGN 65536u
/* Largest offset + size a region may have. */
#define REGION_SPAN ((size_t)2 << 20)

/* The anchor: ANCHOR_ALIGN-aligned, GUARD_LEN bytes into a static buffer. */
uint8_t *region_anchor(void);

/*
 * Make [anchor + offset, anchor + offset + size) the current region: fill it
 * with fill, and the bytes from anchor - GUARD_LEN up to it and GUARD_LEN
 * bytes after it with GUARD_BYTE.  Returns the region's base.
 */
uint8_t *region_make(size_t offset, size_t size, uint8_t fill);

/* Fail the test (naming ctx) if any guard byte of the current region moved. */
void region_assert_guards(const char *ctx);

/*
 * The layout arena.h documents for arena_init(a, base, size, page_size): the
 * bitmap (one bit a page, held in uint64_t words, as struct arena's map is)
 * starts at the first 8-byte boundary at or after base, the pages start at the
 * first page boundary at or after the bitmap's end, and the page count is the
 * largest for which bitmap and pages fit in [base, base + size).
 */
struct layout {
    size_t npages;   /* 0: not even one page fits                        */
    uintptr_t pages; /* address of page 0 (meaningful when npages > 0)    */
};
struct layout layout_expect(uintptr_t base, size_t size, size_t page_size);

/* Smallest size for which layout_expect(base, size, page_size) has a page. */
size_t layout_min_size(uintptr_t base, size_t page_size);

/* arena_get_stats as a value. */
struct arena_stats stats_of(const struct arena *a);

/* Fail (naming ctx and the field) unless every field of got equals want's. */
void stats_assert_eq(const struct arena_stats *got,
                     const struct arena_stats *want, const char *ctx);

/*
 * Snapshot of all an arena call could change: the bytes of *a (struct arena
 * is the arena's whole state besides its region), its stats, and the current
 * region with its guards.  One snapshot at a time.
 */
void snap_take(const struct arena *a);
/* The same without the stats, for a struct arena that holds no arena (its
 * bytes are garbage: arena_get_stats on it would be undefined). */
void snap_take_bytes(const struct arena *a);
/* Fail unless *a's bytes, its stats and the region all match the snapshot. */
void snap_assert_unchanged(const struct arena *a, const char *ctx);
/* Fail unless the region (and its guards) match the snapshot. */
void snap_assert_region_unchanged(const char *ctx);

/*
 * Byte patterns.  The byte at address p for owner id depends on id and on p's
 * distance from the anchor, so a piece of a run keeps a checkable pattern,
 * and two different ids (mod 2^32) differ in every aligned 4-byte group.
 */
void pattern_fill(void *p, size_t n, uint32_t id);
/* Offset of the first byte of [p, p + n) not in id's pattern, or n. */
size_t pattern_find_bad(const void *p, size_t n, uint32_t id);

/* Offset of the first byte of [p, p + n) other than b, or n. */
size_t bytes_find_not(const void *p, size_t n, uint8_t b);

/*
 * A fresh arena over region_make(offset, size, fill); fails the test if
 * arena_init does not return 0.  Returns the region's base.
 */
uint8_t *arena_make(struct arena *a, size_t offset, size_t size,
                    size_t page_size, uint8_t fill);

/* Pages of a: capacity / page_size. */
size_t arena_npages(const struct arena *a);

#endif /* ARENA_TEST_SUPPORT_H */
