/* SPDX-License-Identifier: MIT */
/*
 * test_probe_groups.c - swiss_probe_groups (swiss_debug.h): how many groups
 * a lookup reads.
 *
 *   - 0 for NULL arguments, a map holding no group, and inside the map's
 *     own write;
 *   - 1 in a small map, hit or miss;
 *   - in a table: a hit reads up to the group holding its key, a miss up to
 *     the first group with an empty slot; a tombstone is not empty, so a
 *     miss goes on past it;
 *   - in a map of several tables, the groups 2,000 misses read agree with
 *     a walk of Go's probe sequence written here from the rule (p, p+1,
 *     p+3, ... over the groups) over the slot states of swiss_group_slots.
 *
 * id_hash places keys: H2 is a key's low 7 bits, its probe starts at group
 * (key >> 7) & (groups - 1), and its top bits pick the directory entry.
 */
#include <criterion/criterion.h>

#include "swiss_debug.h"
#include "swiss_testlib.h"

Test(probe_groups, refusals)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    uint64_t k = 1;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    cr_assert_eq(swiss_probe_groups(&m, &k), 0, "a map holding no group reads none");
    cr_assert_eq(swiss_put_u64(&m, k, 2), 0);
    cr_assert_eq(swiss_probe_groups(NULL, &k), 0);
    cr_assert_eq(swiss_probe_groups(&m, NULL), 0);
    cr_assert_eq(sstats(&m).misuse, 0, "swiss_probe_groups counts no misuse");
    test_arena_free(a);
}

Test(probe_groups, small_map_reads_its_group)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    for (uint64_t k = 10; k < 15; k++)
        cr_assert_eq(swiss_put_u64(&m, k, k), 0);
    cr_assert(sstats(&m).small);
    uint64_t hit = 12, miss = 99;
    cr_assert_eq(swiss_probe_groups(&m, &hit), 1);
    cr_assert_eq(swiss_probe_groups(&m, &miss), 1);
    /* Emptied, the small map keeps its group: a miss still reads it. */
    for (uint64_t k = 10; k < 15; k++)
        cr_assert(swiss_delete_u64(&m, k));
    cr_assert_eq(swiss_probe_groups(&m, &hit), 1);
    test_arena_free(a);
}

Test(probe_groups, table_hit_miss_and_tombstone)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct swiss_type t = type_u64(id_hash);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    /* Nine keys whose probes start at group 0 of the first table (16
     * slots, 2 groups): eight fill group 0, one goes on to group 1. */
    uint64_t keys[9];
    for (unsigned i = 0; i < 9; i++) {
        keys[i] = gkey(0, i);
        cr_assert_eq(put64(&m, keys[i], i), 0);
    }
    struct swiss_stats s = sstats(&m);
    cr_assert_eq(s.capacity, 16);
    cr_assert_eq(s.tables, 1);
    size_t ones = 0, twos = 0;
    for (unsigned i = 0; i < 9; i++) {
        size_t g = swiss_probe_groups(&m, &keys[i]);
        cr_assert(g == 1 || g == 2, "key %u reads %zu groups", i, g);
        ones += g == 1;
        twos += g == 2;
    }
    cr_assert_eq(ones, 8, "%zu keys found in the first group, not 8", ones);
    cr_assert_eq(twos, 1);
    /* A miss from the full group 0 ends at group 1, which has empty slots;
     * a miss from group 1 ends there. */
    uint64_t miss0 = gkey(0, 50), miss1 = gkey(1, 51);
    cr_assert_eq(swiss_probe_groups(&m, &miss0), 2);
    cr_assert_eq(swiss_probe_groups(&m, &miss1), 1);

    /* Delete a key of the full group 0: its slot becomes a tombstone (no
     * empty slot in the group), which does not end a probe. */
    size_t in_first = 0;
    while (swiss_probe_groups(&m, &keys[in_first]) != 1)
        in_first++;
    cr_assert(del64(&m, keys[in_first]));
    cr_assert_eq(sstats(&m).tombstones, 1);
    cr_assert_eq(swiss_probe_groups(&m, &miss0), 2, "a miss stopped at a tombstone");
    cr_assert_eq(swiss_probe_groups(&m, &keys[in_first]), 2, "the deleted key is a miss now");
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* Inside a write, the map is mid-change: a hash callback that asks during
 * the put it serves gets 0. */
static struct swiss *victim;
static size_t asked, answer;

static uint64_t asking_hash(const void *key, size_t len, uint64_t seed)
{
    if (victim != NULL) {
        struct swiss *m = victim;
        victim = NULL; /* the call below hashes again: once is enough */
        answer = swiss_probe_groups(m, key);
        asked++;
    }
    return mix_hash(key, len, seed);
}

Test(probe_groups, zero_inside_a_write)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct swiss_type t = type_u64(asking_hash);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    cr_assert_eq(put64(&m, 7, 7), 0);
    answer = 99;
    victim = &m;
    cr_assert_eq(put64(&m, 8, 8), 0);
    cr_assert_eq(asked, 1);
    cr_assert_eq(answer, 0, "inside a put: %zu groups, not 0", answer);
    cr_assert_eq(sstats(&m).misuse, 0);
    uint64_t k = 8;
    cr_assert_eq(swiss_probe_groups(&m, &k), 1, "after the put: the small map's group");
    test_arena_free(a);
}

/* Go's probe from the rule: groups p, p+1, p+3, p+6, ... mod the table's
 * group count, for a map whose tables all have `groups` groups, walked
 * over the slot states (an empty slot ends a miss). */
static bool group_has_empty(const struct swiss *m, size_t table_index, size_t group)
{
    struct swiss_slot_counts c;
    cr_assert(swiss_group_slots(m, table_index, group, &c));
    return c.empty != 0;
}

Test(probe_groups, misses_agree_with_the_probe_rule)
{
    /* The bench's shape: a hint, then the keys, at a size with several
     * tables; id_hash so that the test can walk each probe itself. */
    const size_t n = 5000;
    struct arena *a = test_arena_new(512, PAGE_4K);
    struct swiss_type t = type_u64(id_hash);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, n, 3), 0);
    uint64_t r = 12345;
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(put64(&m, tmix(r + i), i), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert_gt(s.tables, 1);
    size_t groups = s.capacity / s.tables / 8, total = 0, expect = 0;
    unsigned shift = 64 - s.global_depth;
    for (size_t i = 0; i < 2000; i++) {
        uint64_t k = tmix(r + n + i); /* absent, but for a 2^-64 chance */
        struct swiss_table_info ti;
        size_t entry = s.global_depth == 0 ? 0 : (size_t)(k >> shift);
        cr_assert(swiss_table_at(&m, entry, &ti));
        cr_assert_eq(ti.groups, groups);
        size_t g = (size_t)(k >> 7) & (groups - 1), read = 1;
        for (size_t step = 1; !group_has_empty(&m, ti.index, g); step++, read++)
            g = (g + step) & (groups - 1);
        expect += read;
        total += swiss_probe_groups(&m, &k);
    }
    cr_assert_eq(total, expect, "2000 misses read %zu groups, the rule says %zu", total, expect);
    cr_assert_gt(total, 2000, "no miss went past its first group: the test shows nothing");
    SLOG("probe_groups: %zu entries in %zu tables, 2000 misses read %zu groups\n", n, s.tables,
         total);
    test_arena_free(a);
}
