/* SPDX-License-Identifier: MIT */
/*
 * test_check.c - swiss_check against maps broken by hand: each invariant
 * swiss.h lists, broken alone, gives its own SWISS_BROKEN_* code, and the
 * map checks clean again once the break is undone (so the code came from
 * the break, not from the setup).
 *
 * This file, and no other of the suite, includes swiss/swiss_internal.h:
 * breaking the layout by hand needs the layout (groups, control bytes,
 * the table struct, the directory).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_internal.h"
#include "swiss_testlib.h"

/* A 16-slot table: five keys from group 0, four from group 1. */
static void make_two_groups(struct swiss *m, struct arena *a)
{
    struct swiss_type t = type_u64(id_hash);
    cr_assert_eq(swiss_init(m, &t, a, 9, 1), 0);
    for (unsigned i = 0; i < 5; i++)
        cr_assert_eq(put64(m, gkey(0, i), i), 0);
    for (unsigned i = 5; i < 9; i++)
        cr_assert_eq(put64(m, gkey(1, i), i), 0);
    cr_assert_eq(m->dir_len, 1);
    cr_assert_eq(m->dir[0]->capacity, 16);
    cr_assert_eq(swiss_check(m), 0);
}

/* A small map of n entries (8/8, built-in hash). */
static void make_small(struct swiss *m, struct arena *a, unsigned n)
{
    struct swiss_type t = type_u64(NULL);
    cr_assert_eq(swiss_init(m, &t, a, 0, 1), 0);
    for (unsigned i = 0; i < n; i++)
        cr_assert_eq(swiss_put_u64(m, i, i), 0);
    cr_assert_neq(m->small, NULL);
    cr_assert_eq(swiss_check(m), 0);
}

/* A map of several tables (no deletes: no tombstones). */
static void make_tables(struct swiss *m, struct arena *a)
{
    struct swiss_type t = type_u64(NULL);
    cr_assert_eq(swiss_init(m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 3000; k++)
        cr_assert_eq(swiss_put_u64(m, k, k), 0);
    cr_assert_geq(m->global_depth, 2);
    cr_assert_eq(swiss_check(m), 0);
}

/* The first slot of table t whose control byte is live (or empty). */
static bool find_slot(const struct swiss *m, struct swiss_table *t, bool live, size_t *gi,
                      unsigned *si)
{
    for (size_t g = 0; g <= t->group_mask; g++)
        for (unsigned i = 0; i < SLOTS; i++) {
            uint8_t c = group_at(m, t, g)[i];
            if (live ? (c & CTRL_EMPTY) == 0 : c == CTRL_EMPTY) {
                *gi = g;
                *si = i;
                return true;
            }
        }
    return false;
}

/* A slot of group g of t with the given state. */
static unsigned slot_in(const struct swiss *m, struct swiss_table *t, size_t g, bool live)
{
    uint8_t *grp = group_at(m, t, g);
    for (unsigned i = 0; i < SLOTS; i++)
        if (live ? (grp[i] & CTRL_EMPTY) == 0 : grp[i] == CTRL_EMPTY)
            return i;
    cr_assert_fail("no %s slot in group %zu", live ? "live" : "empty", g);
    return 0;
}

#define BROKEN(m, code)                                                                  \
    cr_assert_eq(swiss_check(m), (code), "swiss_check %d (%s), want %s", swiss_check(m), \
                 swiss_strerror(swiss_check(m)), #code)

Test(check, healthy_maps)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    struct swiss_type t = type_u64(NULL);
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    cr_assert_eq(swiss_check(&m), 0, "nothing allocated");
    swiss_reset(&m);
    make_small(&m, a, 8);
    swiss_reset(&m);
    make_tables(&m, a);
    for (uint64_t k = 0; k < 3000; k += 3)
        cr_assert(swiss_delete_u64(&m, k));
    cr_assert_eq(swiss_check(&m), 0, "with tombstones");
    test_arena_free(a);
}

Test(check, ctrl_byte_invalid_or_wrong_h2)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    struct swiss_table *t = m.dir[0];
    size_t g;
    unsigned i;
    cr_assert(find_slot(&m, t, true, &g, &i));
    uint8_t *c = &group_at(&m, t, g)[i], keep = *c;
    static const uint8_t bad[] = {0x81, 0xFF, 0xC0, 0xFD};
    for (size_t b = 0; b < sizeof bad; b++) {
        *c = bad[b];
        BROKEN(&m, SWISS_BROKEN_CTRL);
    }
    *c = keep ^ 1; /* another H2 */
    BROKEN(&m, SWISS_BROKEN_CTRL);
    *c = keep;
    cr_assert_eq(swiss_check(&m), 0);
    swiss_reset(&m);
    make_small(&m, a, 5);
    cr_assert(find_slot(&m, &(struct swiss_table){.groups = m.small}, true, &g, &i));
    keep = m.small[i];
    m.small[i] = keep ^ 0x40;
    BROKEN(&m, SWISS_BROKEN_CTRL);
    m.small[i] = 0x90;
    BROKEN(&m, SWISS_BROKEN_CTRL);
    m.small[i] = keep;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(check, counts)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    m.used++;
    BROKEN(&m, SWISS_BROKEN_COUNT);
    m.used -= 2;
    BROKEN(&m, SWISS_BROKEN_COUNT);
    m.used++;
    struct swiss_table *t = m.dir[m.dir_len - 1];
    t->tombstones++; /* a tombstone the table does not hold */
    BROKEN(&m, SWISS_BROKEN_COUNT);
    t->tombstones--;
    cr_assert_eq(swiss_check(&m), 0);
    swiss_reset(&m);
    make_small(&m, a, 6);
    m.used = 7;
    BROKEN(&m, SWISS_BROKEN_COUNT);
    m.used = 6;
    cr_assert_eq(swiss_check(&m), 0);
    /* Nothing allocated but a length. */
    swiss_reset(&m);
    m.used = 1;
    BROKEN(&m, SWISS_BROKEN_COUNT);
    m.used = 0;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(check, growth_left)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    struct swiss_table *t = m.dir[0];
    size_t growth_left = t->growth_left;
    t->growth_left++;
    BROKEN(&m, SWISS_BROKEN_GROWTH_LEFT);
    t->growth_left -= 2;
    BROKEN(&m, SWISS_BROKEN_GROWTH_LEFT);
    t->growth_left = SIZE_MAX;
    BROKEN(&m, SWISS_BROKEN_GROWTH_LEFT);
    t->growth_left = growth_left;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(check, tombstone_in_small_map)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    make_small(&m, a, 8); /* full: no empty slot beside the tombstone */
    m.small[3] = CTRL_DELETED;
    m.used--;
    BROKEN(&m, SWISS_BROKEN_TOMBSTONE);
    swiss_reset(&m);
    make_small(&m, a, 4);
    size_t g;
    unsigned i;
    cr_assert(find_slot(&m, &(struct swiss_table){.groups = m.small}, true, &g, &i));
    m.small[i] = CTRL_DELETED;
    m.used--;
    BROKEN(&m, SWISS_BROKEN_TOMBSTONE);
    test_arena_free(a);
}

/* A tombstone in a group that still has an empty slot, counts kept
 * consistent (a tombstone is not live, and still not growth). */
Test(check, tombstone_beside_empty_slot)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    make_two_groups(&m, a);
    struct swiss_table *t = m.dir[0];
    unsigned i = slot_in(&m, t, 1, true);
    uint8_t *g1 = group_at(&m, t, 1), keep = g1[i];
    g1[i] = CTRL_DELETED;
    t->tombstones++;
    m.used--;
    BROKEN(&m, SWISS_BROKEN_TOMBSTONE);
    g1[i] = keep;
    t->tombstones--;
    m.used++;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(check, duplicate_key)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    make_two_groups(&m, a);
    struct swiss_table *t = m.dir[0];
    uint8_t *g1 = group_at(&m, t, 1);
    unsigned from = slot_in(&m, t, 1, true), to = slot_in(&m, t, 1, false);
    memcpy(slot_key(&m, g1, to), slot_key(&m, g1, from), m.slot_size);
    g1[to] = g1[from];
    t->growth_left--;
    m.used++;
    BROKEN(&m, SWISS_BROKEN_DUPLICATE);
    g1[to] = CTRL_EMPTY;
    t->growth_left++;
    m.used--;
    cr_assert_eq(swiss_check(&m), 0);
    swiss_reset(&m);
    /* In the small map. */
    make_small(&m, a, 5);
    size_t g;
    unsigned s_from, s_to;
    cr_assert(find_slot(&m, &(struct swiss_table){.groups = m.small}, true, &g, &s_from));
    cr_assert(find_slot(&m, &(struct swiss_table){.groups = m.small}, false, &g, &s_to));
    memcpy(slot_key(&m, m.small, s_to), slot_key(&m, m.small, s_from), m.slot_size);
    m.small[s_to] = m.small[s_from];
    m.used++;
    BROKEN(&m, SWISS_BROKEN_DUPLICATE);
    test_arena_free(a);
}

/* A key from group 0 moved to group 1, while group 0 has an empty slot:
 * its probe stops before it. */
Test(check, key_past_an_empty_slot)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    make_two_groups(&m, a);
    struct swiss_table *t = m.dir[0];
    uint8_t *g0 = group_at(&m, t, 0), *g1 = group_at(&m, t, 1);
    unsigned from = slot_in(&m, t, 0, true), to = slot_in(&m, t, 1, false);
    memcpy(slot_key(&m, g1, to), slot_key(&m, g0, from), m.slot_size);
    g1[to] = g0[from];
    g0[from] = CTRL_EMPTY;
    BROKEN(&m, SWISS_BROKEN_PLACEMENT);
    g0[from] = g1[to];
    g1[to] = CTRL_EMPTY;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* A key moved to a table its hash does not select, counts adjusted. */
Test(check, key_in_wrong_table)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    struct swiss_table *x = m.dir[0], *y = m.dir[m.dir_len - 1];
    cr_assert_neq(x, y);
    size_t gx, gy;
    unsigned ix, iy;
    cr_assert(find_slot(&m, x, true, &gx, &ix));
    cr_assert(find_slot(&m, y, false, &gy, &iy));
    uint8_t *sx = group_at(&m, x, gx), *sy = group_at(&m, y, gy);
    memcpy(slot_key(&m, sy, iy), slot_key(&m, sx, ix), m.slot_size);
    sy[iy] = sx[ix];
    y->growth_left--;
    /* The key stays in x too: y's copy fails its placement before the
     * map's total count is compared. */
    BROKEN(&m, SWISS_BROKEN_PLACEMENT);
    sy[iy] = CTRL_EMPTY;
    y->growth_left++;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(check, directory)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    /* An entry pointing at the previous table. */
    size_t i = 1;
    while (i < m.dir_len && m.dir[i] == m.dir[i - 1])
        i++;
    cr_assert_lt(i, m.dir_len);
    struct swiss_table *keep = m.dir[i];
    m.dir[i] = m.dir[i - 1];
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    m.dir[i] = NULL;
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    m.dir[i] = keep;
    cr_assert_eq(swiss_check(&m), 0);
    /* Local depth above the global one, and one too small. */
    struct swiss_table *t = m.dir[0];
    unsigned d = t->local_depth;
    t->local_depth = m.global_depth + 1;
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    cr_assert_geq(d, 1);
    t->local_depth = d - 1;
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    t->local_depth = d;
    cr_assert_eq(swiss_check(&m), 0);
    /* A table's first entry wrong. */
    keep = m.dir[i];
    keep->index++;
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    keep->index--;
    /* The directory's length against its depth. */
    m.dir_len /= 2;
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    m.dir_len *= 2;
    m.global_depth++;
    BROKEN(&m, SWISS_BROKEN_DIRECTORY);
    m.global_depth--;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(check, capacity)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    struct swiss_table *t = m.dir[0];
    static const size_t bad[] = {24, 2048, 4, 0, 1000};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        size_t keep = t->capacity;
        t->capacity = bad[b];
        BROKEN(&m, SWISS_BROKEN_CAPACITY);
        t->capacity = keep;
    }
    t->group_mask--;
    BROKEN(&m, SWISS_BROKEN_CAPACITY);
    t->group_mask++;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* Give a run back to the arena but keep what it held (ARENA_POISON builds
 * overwrite freed pages): only the pages' ownership is broken. */
static void free_keeping_bytes(struct arena *a, void *run, size_t npages)
{
    static uint8_t saved[16 * 4096];
    size_t bytes = npages * arena_page_size(a);
    cr_assert_leq(bytes, sizeof saved);
    memcpy(saved, run, bytes);
    cr_assert_eq(arena_free_pages(a, run, npages), 0);
    memcpy(run, saved, bytes);
}

Test(check, pages)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss m;
    make_tables(&m, a);
    /* Both a small map and tables. */
    m.small = (uint8_t *)m.dir[0]->groups;
    BROKEN(&m, SWISS_BROKEN_PAGES);
    m.small = NULL;
    /* A table's run length. */
    struct swiss_table *t = m.dir[0];
    t->pages++;
    BROKEN(&m, SWISS_BROKEN_PAGES);
    t->pages--;
    m.dir_pages++;
    BROKEN(&m, SWISS_BROKEN_PAGES);
    m.dir_pages--;
    cr_assert_eq(swiss_check(&m), 0);
    /* A page of a table's run given back behind the map's back (its
     * bytes put back, since the arena may poison what it frees). */
    size_t page = arena_page_size(a);
    free_keeping_bytes(a, (uint8_t *)t + (t->pages - 1) * page, 1); /* the run starts at t */
    BROKEN(&m, SWISS_BROKEN_PAGES);
    test_arena_free(a);
    /* The directory's run given back. */
    a = test_arena_new(256, PAGE_4K);
    make_tables(&m, a);
    free_keeping_bytes(a, m.dir, m.dir_pages);
    BROKEN(&m, SWISS_BROKEN_PAGES);
    test_arena_free(a);
    /* The small map's page given back. */
    a = test_arena_new(16, PAGE_4K);
    make_small(&m, a, 3);
    free_keeping_bytes(a, m.small, 1);
    BROKEN(&m, SWISS_BROKEN_PAGES);
    test_arena_free(a);
}
