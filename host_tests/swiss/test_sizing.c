/* SPDX-License-Identifier: MIT */
/*
 * test_sizing.c - swiss_init's hint, as Go's make(map[K]V, hint) sizes it
 * (NewMap in internal/runtime/maps/map.go), and the figures swiss_get_stats
 * reports for what it allocated.
 *
 * Rules: a hint of 8 or less allocates nothing; above, the directory has
 * the next power of two of ceil(hint*8/7 / 1024) entries, each a table of
 * hint*8/7 / entries slots rounded up to a power of two.  alloc_bytes is
 * Go's requested bytes (directory pointers, a table struct and a groups
 * array per table); bytes is whole pages, and equals the arena's in_use
 * when the map is the arena's only user.  A hint whose directory or groups
 * do not fit in a size_t is SWISS_ERR_SIZE; one the arena cannot hold is
 * SWISS_ERR_NOMEM, holding nothing.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

static unsigned log2_exact(size_t n)
{
    unsigned d = 0;
    while (((size_t)1 << d) < n)
        d++;
    cr_assert_eq((size_t)1 << d, n, "%zu is not a power of two", n);
    return d;
}

/* The figures of a map fresh from swiss_init(hint > 8). */
static void assert_sized(const struct swiss *m, const struct arena *a, size_t hint,
                         size_t key_size, size_t val_size)
{
    size_t dir = expect_dir_len(hint), cap = expect_table_cap(hint);
    size_t gs = expect_group_size(key_size, val_size);
    struct swiss_stats s = sstats(m);
    cr_assert_eq(s.len, 0);
    cr_assert(!s.small);
    cr_assert_eq(s.dir_len, dir, "hint %zu: dir_len %zu, want %zu", hint, s.dir_len, dir);
    cr_assert_eq(s.global_depth, log2_exact(dir));
    cr_assert_eq(s.tables, dir, "hint %zu: %zu tables, want %zu", hint, s.tables, dir);
    cr_assert_eq(s.capacity, dir * cap, "hint %zu: capacity %zu, want %zu x %zu", hint,
                 s.capacity, dir, cap);
    cr_assert_eq(s.groups, dir * cap / 8);
    cr_assert_eq(s.group_size, gs);
    cr_assert_eq(s.tombstones, 0);
    cr_assert_eq(s.growth_left, dir * expect_max_load(cap));
    cr_assert_eq(s.alloc_bytes, dir * sizeof(void *) + dir * (SWISS_GO_TABLE_BYTES + cap / 8 * gs),
                 "hint %zu: alloc_bytes %zu", hint, s.alloc_bytes);
    cr_assert_eq(s.bytes, test_arena_in_use(a), "hint %zu: bytes %zu, arena in_use %zu", hint, s.bytes,
                 test_arena_in_use(a));
    cr_assert_eq(s.bytes % arena_page_size(a), 0);
    /* Each groups array alone takes its own whole pages. */
    size_t page = arena_page_size(a);
    cr_assert_geq(s.bytes, dir * ((cap / 8 * gs + page - 1) / page * page));
    cr_assert_eq(s.grows + s.splits + s.dir_grows + s.prunes + s.misuse, 0);
    cr_assert_eq(swiss_check(m), 0);
}

Test(sizing, small_hints_allocate_nothing)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (size_t hint = 0; hint <= 8; hint++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, hint, hint), 0);
        struct swiss_stats s = sstats(&m);
        cr_assert_eq(test_arena_in_use(a), 0, "hint %zu allocated", hint);
        cr_assert_eq(s.bytes + s.alloc_bytes + s.tables + s.dir_len + s.groups + s.capacity, 0);
        cr_assert(!s.small);
        cr_assert_eq(swiss_check(&m), 0);
        /* The first put takes one group: the small map. */
        cr_assert_eq(swiss_put_u64(&m, 7, 70), 0);
        s = sstats(&m);
        cr_assert(s.small);
        cr_assert_eq(s.groups, 1);
        cr_assert_eq(s.capacity, 8);
        cr_assert_eq(s.tables, 0);
        cr_assert_eq(s.dir_len, 0);
        cr_assert_eq(s.alloc_bytes, 136);
        cr_assert_eq(s.bytes, PAGE_4K);
        cr_assert_eq(test_arena_in_use(a), PAGE_4K);
        swiss_reset(&m);
        cr_assert_eq(test_arena_in_use(a), 0);
    }
    test_arena_free(a);
}

/* The hints the issue names, with Go's figures for them. */
Test(sizing, named_hints)
{
    static const struct {
        size_t hint, tables, cap;
    } cases[] = {
        {9, 1, 16},
        {64, 1, 128},
        {1024, 2, 1024},
        {8192, 16, 1024},
        {100000, 128, 1024},
    };
    struct arena *a = test_arena_new(1024, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, cases[i].hint, 1), 0);
        struct swiss_stats s = sstats(&m);
        cr_assert_eq(s.tables, cases[i].tables, "hint %zu", cases[i].hint);
        cr_assert_eq(s.capacity, cases[i].tables * cases[i].cap, "hint %zu", cases[i].hint);
        assert_sized(&m, a, cases[i].hint, 8, 8);
        SLOG("hint %zu: %zu tables, %zu slots, dir %zu, alloc_bytes %zu, bytes %zu\n",
             cases[i].hint, s.tables, s.capacity, s.dir_len, s.alloc_bytes, s.bytes);
        swiss_reset(&m);
        cr_assert_eq(test_arena_in_use(a), 0);
    }
    test_arena_free(a);
}

/* Go's figures for map[int]int at hint 8192 on this width (NOTES: 16
 * groups arrays of 17,408 B, 16 table structs, 16 directory pointers). */
Test(sizing, hint_8192_go_bytes)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 8192, 1), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.alloc_bytes, 16 * sizeof(void *) + 16 * SWISS_GO_TABLE_BYTES + 16 * 17408);
    if (sizeof(void *) == 8)
        cr_assert_eq(s.alloc_bytes, 279168);
    /* A groups array of 17,408 bytes is 5 pages of 4 KiB. */
    cr_assert_geq(s.bytes, 16 * 5 * PAGE_4K);
    cr_assert_eq(s.bytes, test_arena_in_use(a));
    test_arena_free(a);
}

/* Every hint from 9 to 3000 and a sample beyond, several key and value
 * sizes, against the formula. */
Test(sizing, formula_sweep)
{
    static const size_t sizes[][2] = {{8, 8}, {1, 0}, {3, 5}, {16, 128}, {128, 1}};
    struct arena *a = test_arena_new(4096, PAGE_4K);
    struct trng r;
    trng_seed(&r, 9);
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        struct swiss_type t = {.key_size = sizes[z][0], .val_size = sizes[z][1]};
        size_t gs = expect_group_size(t.key_size, t.val_size);
        for (size_t step = 0; step < 3400; step++) {
            size_t hint = step < 3000 ? 9 + step : 3000 + trng_below(&r, 150000);
            /* Keep within the arena: each 1024-slot table is 128 groups. */
            if (expect_dir_len(hint) * expect_table_cap(hint) / 8 * gs > 3500 * PAGE_4K)
                continue;
            if (z != 0 && step % 7 != 0)
                continue; /* the other sizes: a sample */
            struct swiss m;
            cr_assert_eq(swiss_init(&m, &t, a, hint, step), 0, "hint %zu", hint);
            assert_sized(&m, a, hint, t.key_size, t.val_size);
            swiss_reset(&m);
            cr_assert_eq(test_arena_in_use(a), 0);
        }
    }
    test_arena_free(a);
}

/* Filling a hinted map to its hint never grows it while it is one table
 * (hint <= 896: capacity >= hint * 8/7 holds hint at 7/8), nor at 1024 and
 * 8192, whose tables are about half full then. */
Test(sizing, fill_to_hint_without_growth)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    for (size_t hint = 9; hint <= 8192; hint = hint < 896 ? hint + 1 : hint * 2) {
        if (hint > 896 && hint != 1024 && hint != 8192)
            continue;
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, hint, hint), 0);
        struct swiss_stats before = sstats(&m);
        for (uint64_t k = 0; k < hint; k++)
            cr_assert_eq(swiss_put_u64(&m, k * 0x9e3779b97f4a7c15ull, k), 0);
        struct swiss_stats s = sstats(&m);
        cr_assert_eq(s.len, hint);
        cr_assert_eq(s.grows + s.splits, 0, "hint %zu grew filling to the hint", hint);
        cr_assert_eq(s.bytes, before.bytes);
        cr_assert_eq(s.capacity, before.capacity);
        cr_assert_eq(swiss_check(&m), 0);
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* A hint whose sizes overflow a size_t is SWISS_ERR_SIZE; one that sizes
 * but does not fit the arena is SWISS_ERR_NOMEM; both hold nothing and
 * leave *m as it was. */
Test(sizing, hints_too_large)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    static const size_t too_large[] = {SIZE_MAX, SIZE_MAX / 2, SIZE_MAX / 8 + 1};
    struct swiss m, copy;
    memset(&m, 0xC3, sizeof m);
    memcpy(&copy, &m, sizeof m);
    for (size_t i = 0; i < sizeof too_large / sizeof too_large[0]; i++) {
        cr_assert_eq(swiss_init(&m, &t, a, too_large[i], 1), SWISS_ERR_SIZE, "hint %zu",
                     too_large[i]);
        cr_assert_eq(memcmp(&m, &copy, sizeof m), 0, "a refused init wrote *m");
        cr_assert_eq(test_arena_in_use(a), 0);
    }
    struct arena_stats as0, as1;
    arena_get_stats(a, &as0);
    size_t big = sizeof(size_t) == 8 ? (size_t)1 << 40 : (size_t)1 << 26;
    cr_assert_eq(swiss_init(&m, &t, a, big, 1), SWISS_ERR_NOMEM);
    cr_assert_eq(memcmp(&m, &copy, sizeof m), 0, "a failed init wrote *m");
    arena_get_stats(a, &as1);
    cr_assert_eq(as1.in_use, 0);
    cr_assert_gt(as1.failed_allocs, as0.failed_allocs);
    cr_assert_eq(arena_check(a), 0);
    /* Just too many tables for this arena: some allocated, all given back. */
    cr_assert_eq(swiss_init(&m, &t, a, 20000, 1), SWISS_ERR_NOMEM);
    cr_assert_eq(test_arena_in_use(a), 0);
    cr_assert_eq(memcmp(&m, &copy, sizeof m), 0);
    test_arena_free(a);
}

/* reset gives every page back; the next put sizes the tables as the hint
 * asked (and a hint <= 8 gets the small map again). */
Test(sizing, put_after_reset_sizes_by_hint)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = {.key_size = 5, .val_size = 3};
    static const size_t hints[] = {0, 8, 9, 64, 1024, 8192};
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, hints[i], 3), 0);
        struct swiss_stats made = sstats(&m);
        for (int round = 0; round < 2; round++) {
            for (unsigned k = 0; k < 20; k++) {
                uint8_t key[5] = {(uint8_t)k, 1, 2, 3, (uint8_t)round};
                cr_assert_eq(swiss_put(&m, key, "abc"), 0);
            }
            swiss_reset(&m);
            struct swiss_stats s = sstats(&m);
            cr_assert_eq(test_arena_in_use(a), 0, "hint %zu: reset kept pages", hints[i]);
            cr_assert_eq(s.bytes + s.alloc_bytes + s.tables + s.len + s.capacity, 0);
            cr_assert_eq(swiss_check(&m), 0);
            uint8_t key[5] = {0};
            cr_assert_eq(swiss_put(&m, key, "xyz"), 0);
            s = sstats(&m);
            if (hints[i] <= 8) {
                cr_assert(s.small);
            } else {
                cr_assert_eq(s.tables, made.tables, "hint %zu", hints[i]);
                cr_assert_eq(s.capacity, made.capacity);
                cr_assert_eq(s.alloc_bytes, made.alloc_bytes);
                cr_assert_eq(s.bytes, made.bytes);
            }
            cr_assert_eq(s.bytes, test_arena_in_use(a));
            cr_assert_eq(memcmp(swiss_get(&m, key), "xyz", 3), 0);
            cr_assert_eq(swiss_check(&m), 0);
            swiss_reset(&m);
        }
    }
    test_arena_free(a);
}
