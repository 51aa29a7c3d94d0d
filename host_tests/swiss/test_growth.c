/* SPDX-License-Identifier: MIT */
/*
 * test_growth.c - how the map grows, deletes, prunes, clears and resets,
 * by Go 1.26's rules (internal/runtime/maps: map.go, table.go), seen
 * through swiss_get_stats and the arena.
 *
 *   - up to 8 entries live in one group; the 9th insert (or any put to a
 *     full small map, Go's PutSlot) makes a 16-slot table and a 1-entry
 *     directory;
 *   - a table fills to 7/8 of its slots, then doubles, up to 1024 slots;
 *     a full 1024-slot table splits in two, and the directory doubles when
 *     the table's local depth was the global depth;
 *   - delete empties a slot whose group has an empty slot (growth_left
 *     back), else leaves a tombstone; a small map never has one;
 *   - an insert that finds growth_left at 0 first prunes tombstones no
 *     probe needs, if they are 10% of the capacity and that frees 10%
 *     (Go 1.25+); swiss_set_pruning(false) grows instead (Go 1.24);
 *   - clear keeps every table and erases tombstones; delete and clear free
 *     nothing; reset gives back every page;
 *   - the map reseeds when it becomes empty, and at clear and reset.
 *
 * id_hash places keys: H2 is a key's low 7 bits, its probe starts at group
 * (key >> 7) & (groups - 1), and its top bits pick the directory entry.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

static void assert_pages(const struct swiss *m, const struct arena *a)
{
    struct swiss_stats s = sstats(m);
    cr_assert_eq(s.bytes, test_arena_in_use(a), "bytes %zu, arena in_use %zu", s.bytes, test_arena_in_use(a));
    cr_assert_eq(swiss_check(m), 0);
    cr_assert_eq(arena_check(a), 0);
}

Test(growth, small_map_then_first_table)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 5), 0);
    for (uint64_t k = 1; k <= 8; k++) {
        cr_assert_eq(swiss_put_u64(&m, k, k * 3), 0);
        struct swiss_stats s = sstats(&m);
        cr_assert(s.small, "entry %llu left the small map", (unsigned long long)k);
        cr_assert_eq(s.len, k);
        cr_assert_eq(s.groups, 1);
        cr_assert_eq(s.capacity, 8);
        cr_assert_eq(s.tables + s.dir_len + s.tombstones, 0);
        cr_assert_eq(s.alloc_bytes, 136);
        assert_pages(&m, a);
    }
    cr_assert_eq(swiss_put_u64(&m, 9, 27), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert(!s.small);
    cr_assert_eq(s.tables, 1);
    cr_assert_eq(s.dir_len, 1);
    cr_assert_eq(s.global_depth, 0);
    cr_assert_eq(s.capacity, 16);
    cr_assert_eq(s.groups, 2);
    cr_assert_eq(s.growth_left, 14 - 9);
    cr_assert_eq(s.alloc_bytes, sizeof(void *) + SWISS_GO_TABLE_BYTES + 2 * 136);
    cr_assert_eq(s.grows + s.splits + s.dir_grows, 0, "the first table is not a growth");
    assert_pages(&m, a);
    assert_range(&m, 1, 10, 3, 0);
    test_arena_free(a);
}

/* Go grows a full small map to a table even for an overwrite. */
Test(growth, overwrite_in_full_small_map_makes_table)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss_type t = {.key_size = 2, .val_size = 1};
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 5), 0);
    for (uint8_t k = 0; k < 8; k++)
        cr_assert_eq(swiss_put(&m, (uint8_t[]){k, 0}, &k), 0);
    cr_assert(sstats(&m).small);
    uint8_t v = 99;
    cr_assert_eq(swiss_put(&m, (uint8_t[]){3, 0}, &v), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert(!s.small);
    cr_assert_eq(s.tables, 1);
    cr_assert_eq(s.len, 8);
    cr_assert_eq(*(uint8_t *)swiss_get(&m, (uint8_t[]){3, 0}), 99);
    assert_pages(&m, a);
    test_arena_free(a);
}

/* Without a hint: capacity after n inserts is the least power of two of at
 * least 16 whose 7/8 holds n, up to 1024 slots; then splits. */
Test(growth, doubling_at_seven_eighths_then_splits)
{
    struct arena *a = test_arena_new(1024, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 11), 0);
    uint64_t n = 0;
    for (; n < 9; n++)
        cr_assert_eq(swiss_put_u64(&m, n, n), 0);
    for (; n <= 896; n++) {
        struct swiss_stats s = sstats(&m);
        size_t cap = 16;
        while (expect_max_load(cap) < n)
            cap *= 2;
        cr_assert_eq(s.capacity, cap, "after %llu inserts: capacity %zu, want %zu",
                     (unsigned long long)n, s.capacity, cap);
        cr_assert_eq(s.tables, 1);
        cr_assert_eq(s.growth_left, expect_max_load(cap) - n);
        size_t doublings = 0;
        for (size_t c = 16; c < cap; c *= 2)
            doublings++;
        cr_assert_eq(s.grows, doublings);
        cr_assert_eq(swiss_put_u64(&m, n, n), 0);
    }
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.len, 897);
    cr_assert_eq(s.capacity, 2048, "the 897th insert splits the full 1024-slot table");
    cr_assert_eq(s.tables, 2);
    cr_assert_eq(s.dir_len, 2);
    cr_assert_eq(s.global_depth, 1);
    cr_assert_eq(s.splits, 1);
    cr_assert_eq(s.dir_grows, 1);
    cr_assert_eq(s.grows, 6);
    assert_pages(&m, a);
    /* On: every split adds one table; the directory doubles only when the
     * splitting table was as deep as the directory, so after enough
     * splits some happen without it. */
    for (; n < 12000; n++) {
        cr_assert_eq(swiss_put_u64(&m, n, n), 0);
        s = sstats(&m);
        cr_assert_eq(s.tables, s.splits + 1);
        cr_assert_eq(s.capacity, 1024 * s.tables);
        cr_assert_eq(s.dir_len, (size_t)1 << s.global_depth);
        cr_assert_eq(s.dir_grows, s.global_depth);
        cr_assert_leq(s.tables, s.dir_len);
        cr_assert_leq(n + 1, s.tables * 896);
        cr_assert_eq(s.grows, 6);
        cr_assert_eq(s.alloc_bytes, s.dir_len * sizeof(void *) +
                                        s.tables * (SWISS_GO_TABLE_BYTES + 128 * 136));
        if (n % 500 == 0)
            assert_pages(&m, a);
    }
    cr_assert_gt(s.splits, s.dir_grows, "no split without a directory doubling seen");
    assert_pages(&m, a);
    assert_range(&m, 0, n, 1, 0);
    SLOG("12000 inserts from no hint: %zu tables, dir %zu, splits %zu, dir_grows %zu, "
         "bytes %zu, alloc_bytes %zu\n",
         s.tables, s.dir_len, s.splits, s.dir_grows, s.bytes, s.alloc_bytes);
    test_arena_free(a);
}

/* Eight keys starting at group 0 fill it; six starting at group 1 leave
 * it two empty slots; growth_left is then 0 (14 = 7/8 of 16). */
static void fill_two_groups(struct swiss *m, struct arena *a, unsigned in_g1_from_g0)
{
    struct swiss_type t = type_u64(id_hash);
    cr_assert_eq(swiss_init(m, &t, a, 9, 1), 0);
    cr_assert_eq(sstats(m).capacity, 16);
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(put64(m, gkey(0, i), i), 0);
    /* Keys that start at group 0 land in group 1 and pass group 0. */
    for (unsigned i = 0; i < in_g1_from_g0; i++)
        cr_assert_eq(put64(m, gkey(0, 8 + i), 8 + i), 0);
    for (unsigned i = in_g1_from_g0; i < 6; i++)
        cr_assert_eq(put64(m, gkey(1, 16 + i), 16 + i), 0);
    struct swiss_stats s = sstats(m);
    cr_assert_eq(s.len, 14);
    cr_assert_eq(s.growth_left, 0);
    cr_assert_eq(s.tombstones, 0);
    assert_pages(m, a);
}

Test(growth, delete_empty_or_tombstone)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    fill_two_groups(&m, a, 0);
    /* Group 0 has no empty slot: a tombstone, growth_left unchanged. */
    cr_assert(del64(&m, gkey(0, 3)));
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.tombstones, 1);
    cr_assert_eq(s.growth_left, 0);
    cr_assert_eq(s.len, 13);
    /* Group 1 has empty slots: the slot is empty again, growth_left back. */
    cr_assert(del64(&m, gkey(1, 17)));
    s = sstats(&m);
    cr_assert_eq(s.tombstones, 1);
    cr_assert_eq(s.growth_left, 1);
    cr_assert(!del64(&m, gkey(1, 17)), "deleted twice");
    cr_assert(!get64(&m, gkey(0, 3), NULL));
    /* A new key from group 0 takes the tombstone (the first free slot on
     * its probe), not growth_left. */
    cr_assert_eq(put64(&m, gkey(0, 40), 40), 0);
    s = sstats(&m);
    cr_assert_eq(s.tombstones, 0);
    cr_assert_eq(s.growth_left, 1);
    cr_assert_eq(s.len, 13);
    assert_pages(&m, a);
    test_arena_free(a);
}

Test(growth, small_map_delete_never_tombstones)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
    struct swiss_type t = type_u64(id_hash);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(put64(&m, gkey(0, i), i), 0);
    for (unsigned i = 0; i < 8; i += 2) {
        cr_assert(del64(&m, gkey(0, i)));
        struct swiss_stats s = sstats(&m);
        cr_assert_eq(s.tombstones, 0);
        cr_assert(s.small);
        assert_pages(&m, a);
    }
    for (unsigned i = 0; i < 4; i++)
        cr_assert_eq(put64(&m, gkey(1, 20 + i), i), 0);
    cr_assert(sstats(&m).small, "8 entries after deletes fit the one group");
    assert_pages(&m, a);
    test_arena_free(a);
}

/* Two tombstones in group 0, which no probe passes: an insert at
 * growth_left 0 prunes them (2 of 16 slots >= 10%) instead of growing. */
Test(growth, prune_instead_of_growing)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    fill_two_groups(&m, a, 0);
    cr_assert(del64(&m, gkey(0, 1)));
    cr_assert(del64(&m, gkey(0, 2)));
    cr_assert_eq(sstats(&m).tombstones, 2);
    cr_assert_eq(put64(&m, gkey(1, 50), 50), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.capacity, 16, "grew instead of pruning");
    cr_assert_eq(s.prunes, 1);
    cr_assert_eq(s.grows, 0);
    cr_assert_eq(s.tombstones, 0);
    cr_assert_eq(s.growth_left, 1);
    cr_assert_eq(s.len, 13);
    assert_pages(&m, a);
    test_arena_free(a);
}

/* Pruning off (Go 1.24): the same insert doubles the table. */
Test(growth, pruning_off_grows)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    fill_two_groups(&m, a, 0);
    swiss_set_pruning(&m, false);
    cr_assert(del64(&m, gkey(0, 1)));
    cr_assert(del64(&m, gkey(0, 2)));
    cr_assert_eq(put64(&m, gkey(1, 50), 50), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.capacity, 32);
    cr_assert_eq(s.prunes, 0);
    cr_assert_eq(s.grows, 1);
    cr_assert_eq(s.tombstones, 0, "a growth drops the tombstones");
    cr_assert_eq(s.growth_left, 28 - 13);
    assert_pages(&m, a);
    /* The setting survives a reset. */
    swiss_reset(&m);
    for (unsigned i = 0; i < 8; i++)
        cr_assert_eq(put64(&m, gkey(0, i), i), 0);
    for (unsigned i = 0; i < 6; i++)
        cr_assert_eq(put64(&m, gkey(1, 16 + i), i), 0);
    cr_assert_eq(sstats(&m).capacity, 16);
    cr_assert(del64(&m, gkey(0, 1)));
    cr_assert(del64(&m, gkey(0, 2)));
    cr_assert_eq(put64(&m, gkey(1, 50), 50), 0);
    s = sstats(&m);
    cr_assert_eq(s.capacity, 32, "pruning came back on after reset");
    cr_assert_eq(s.grows, 2, "counters carry over a reset");
    test_arena_free(a);
}

/* One tombstone is under 10% of 16 slots: grow. */
Test(growth, too_few_tombstones_to_prune)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    fill_two_groups(&m, a, 0);
    cr_assert(del64(&m, gkey(0, 1)));
    cr_assert_eq(put64(&m, gkey(1, 50), 50), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.capacity, 32);
    cr_assert_eq(s.prunes, 0);
    assert_pages(&m, a);
    test_arena_free(a);
}

/* A key that starts at group 0 and lives in group 1 needs group 0's
 * tombstones: nothing can be pruned, the table grows. */
Test(growth, needed_tombstones_are_kept)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss m;
    fill_two_groups(&m, a, 1);
    cr_assert(del64(&m, gkey(0, 1)));
    cr_assert(del64(&m, gkey(0, 2)));
    cr_assert_eq(sstats(&m).tombstones, 2);
    cr_assert_eq(put64(&m, gkey(1, 50), 50), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.capacity, 32);
    cr_assert_eq(s.prunes, 0);
    cr_assert(get64(&m, gkey(0, 8), NULL));
    assert_pages(&m, a);
    test_arena_free(a);
}

/* Delete and clear give nothing back; clear erases tombstones and keeps
 * every table; the same keys fit again without growing; reset frees all. */
Test(growth, delete_clear_reset_pages)
{
    struct arena *a = test_arena_new(1024, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 21), 0);
    for (uint64_t k = 0; k < 2500; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    struct swiss_stats full = sstats(&m);
    for (uint64_t k = 0; k < 2500; k += 2)
        cr_assert(swiss_delete_u64(&m, k));
    struct swiss_stats s = sstats(&m);
    cr_assert_gt(s.tombstones, 0, "the test wants tombstones to clear");
    cr_assert_eq(s.bytes, full.bytes, "delete gave pages back");
    cr_assert_eq(s.tables, full.tables);
    cr_assert_eq(s.capacity, full.capacity);
    assert_pages(&m, a);
    for (uint64_t k = 1; k < 2500; k += 2)
        cr_assert(swiss_delete_u64(&m, k));
    s = sstats(&m);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, full.bytes, "an empty map keeps every page");
    cr_assert_eq(test_arena_in_use(a), full.bytes);
    cr_assert_gt(s.tombstones, 0);
    swiss_clear(&m);
    s = sstats(&m);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.tombstones, 0, "clear keeps tombstones");
    cr_assert_eq(s.growth_left, s.capacity / 8 * 7);
    cr_assert_eq(s.tables, full.tables);
    cr_assert_eq(s.dir_len, full.dir_len);
    cr_assert_eq(s.capacity, full.capacity);
    cr_assert_eq(s.bytes, full.bytes);
    cr_assert_eq(s.alloc_bytes, full.alloc_bytes);
    assert_pages(&m, a);
    for (uint64_t k = 0; k < 2500; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k + 1), 0);
    s = sstats(&m);
    cr_assert_eq(s.grows, full.grows);
    cr_assert_eq(s.splits, full.splits);
    cr_assert_eq(s.bytes, full.bytes);
    assert_range(&m, 0, 2500, 1, 1);
    swiss_clear(&m);
    cr_assert_eq(sstats(&m).bytes, full.bytes);
    swiss_reset(&m);
    s = sstats(&m);
    cr_assert_eq(test_arena_in_use(a), 0);
    cr_assert_eq(s.bytes + s.alloc_bytes + s.tables + s.len, 0);
    cr_assert_eq(s.splits, full.splits, "counters carry over a reset");
    assert_pages(&m, a);
    test_arena_free(a);
}

Test(growth, clear_small_map_keeps_group)
{
    struct arena *a = test_arena_new(4, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    for (uint64_t k = 0; k < 5; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    swiss_clear(&m);
    struct swiss_stats s = sstats(&m);
    cr_assert(s.small);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, PAGE_4K);
    cr_assert(!swiss_get_u64(&m, 3, NULL));
    assert_pages(&m, a);
    test_arena_free(a);
}

/* The seed a custom hash is called with: the init seed, then a new one
 * each time the map becomes empty, and at clear and reset. */
static uint64_t seen_seed;
static uint64_t seed_hash(const void *key, size_t len, uint64_t seed)
{
    seen_seed = seed;
    return mix_hash(key, len, 0);
}

static uint64_t seed_after_put(struct swiss *m, uint64_t k)
{
    seen_seed = 0;
    cr_assert_eq(put64(m, k, k), 0);
    return seen_seed;
}

Test(growth, reseed_when_empty)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct swiss_type t = type_u64(seed_hash);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 0x1234), 0);
    cr_assert_eq(seed_after_put(&m, 1), 0x1234, "the first put uses the init seed");
    for (uint64_t k = 2; k < 40; k++)
        cr_assert_eq(seed_after_put(&m, k), 0x1234);
    for (uint64_t k = 2; k < 40; k++)
        cr_assert(del64(&m, k));
    uint64_t s1 = seed_after_put(&m, 2);
    cr_assert_eq(s1, 0x1234, "reseeded while entries remained");
    cr_assert(del64(&m, 1));
    cr_assert(del64(&m, 2));
    uint64_t s2 = seed_after_put(&m, 3);
    cr_assert_neq(s2, s1, "not reseeded when the map became empty");
    swiss_clear(&m);
    uint64_t s3 = seed_after_put(&m, 3);
    cr_assert_neq(s3, s2, "clear did not reseed");
    swiss_reset(&m);
    uint64_t s4 = seed_after_put(&m, 3);
    cr_assert_neq(s4, s3, "reset did not reseed");
    cr_assert_eq(swiss_check(&m), 0);
    /* The small map too. */
    cr_assert(del64(&m, 3));
    uint64_t s5 = seed_after_put(&m, 4);
    cr_assert_neq(s5, s4);
    test_arena_free(a);
}

/* Go's Clear returns early on an empty map without tombstones (a small
 * map never has one): no reseed.  Two maps from one seed through the same
 * writes (the seed sequence is deterministic), one with an extra clear
 * while empty, then hash with the same seed. */
Test(growth, clear_of_empty_small_map_keeps_seed)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    struct swiss_type t = type_u64(seed_hash);
    struct swiss x, y;
    cr_assert_eq(swiss_init(&x, &t, a, 0, 99), 0);
    cr_assert_eq(swiss_init(&y, &t, a, 0, 99), 0);
    seed_after_put(&x, 1);
    seed_after_put(&y, 1);
    cr_assert(del64(&x, 1));
    cr_assert(del64(&y, 1));
    swiss_clear(&y);
    uint64_t sx = seed_after_put(&x, 2), sy = seed_after_put(&y, 2);
    cr_assert_neq(sx, 99, "the delete of the last entry reseeds");
    cr_assert_eq(sx, sy, "clear of an empty map without tombstones reseeded");
    /* A clear with an entry does reseed. */
    swiss_clear(&y);
    cr_assert_neq(seed_after_put(&y, 3), sy);
    test_arena_free(a);
}
