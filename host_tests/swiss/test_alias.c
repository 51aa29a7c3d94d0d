/* SPDX-License-Identifier: MIT */
/*
 * test_alias.c - a key or value that points into the map's own pages (an
 * iterator's key or value, swiss_get's value) passed back to swiss_put or
 * swiss_delete, across every write that gives pages back: the small map's
 * first table, a doubling, a split, a split that doubles the directory.
 * swiss.h: "they are copied before a growth can move them or give their
 * pages back".
 *
 * The arena's observer overwrites every run the moment it is freed (and
 * the host presets build the arena with ARENA_POISON as well), so a
 * library that read a key or value after giving its page back would store
 * the scribble: the tests then find the wrong bytes.  Each test also
 * asserts that pages were indeed given back during the write.
 *
 * Keys and values are both 16 bytes, so a value can serve as a new key:
 * the put that needs a growth then has its key and its value inside the
 * map.  A value v_k = { k + OFFSET, ~(k + OFFSET) } is a valid key.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

#define OFFSET 1000000u

struct kv {
    uint64_t a, b;
};

static struct kv key_of(uint64_t k)
{
    return (struct kv){k, ~k};
}

static struct swiss_type type16(void)
{
    return (struct swiss_type){.key_size = 16, .val_size = 16};
}

static void put_n(struct swiss *m, uint64_t from, uint64_t to)
{
    for (uint64_t k = from; k < to; k++) {
        struct kv key = key_of(k), val = key_of(k + OFFSET);
        cr_assert_eq(swiss_put(m, &key, &val), 0);
    }
}

static void assert_n(struct swiss *m, uint64_t from, uint64_t to)
{
    for (uint64_t k = from; k < to; k++) {
        struct kv key = key_of(k), want = key_of(k + OFFSET);
        const void *v = swiss_get(m, &key);
        cr_assert_not_null(v, "key %llu lost", (unsigned long long)k);
        cr_assert_eq(memcmp(v, &want, 16), 0, "key %llu: value scribbled", (unsigned long long)k);
    }
}

/* The put that takes n entries past the next layout change, its key and
 * value both swiss_get's value of entry 0, which lives in the map. */
static void value_as_key_across_growth(uint64_t n, size_t hint)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, hint, 7), 0);
    put_n(&m, 0, n);
    struct swiss_stats before = sstats(&m);
    size_t freed = sa_scribbled();
    struct kv k0 = key_of(0);
    const void *v0 = swiss_get(&m, &k0);
    cr_assert_not_null(v0);
    cr_assert_eq(swiss_put(&m, v0, v0), 0);
    struct swiss_stats s = sstats(&m);
    cr_assert(s.capacity != before.capacity || s.small != before.small,
              "the put did not change the layout (n %llu)", (unsigned long long)n);
    cr_assert_gt(sa_scribbled(), freed, "no page was given back");
    struct kv newkey = key_of(OFFSET);
    const void *nv = swiss_get(&m, &newkey);
    cr_assert_not_null(nv, "the new key is not where its bytes said");
    cr_assert_eq(memcmp(nv, &newkey, 16), 0, "the new value was read from freed pages");
    assert_n(&m, 0, n);
    cr_assert_eq(swiss_len(&m), n + 1);
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(alias, value_as_key_first_table) { value_as_key_across_growth(8, 0); }
Test(alias, value_as_key_doubling) { value_as_key_across_growth(14, 0); }
Test(alias, value_as_key_doubling_hinted) { value_as_key_across_growth(112, 100); }
Test(alias, value_as_key_split_dir_doubles) { value_as_key_across_growth(896, 0); }

/* A split without a directory doubling: insert until one happens, each
 * put's key and value from the map. */
Test(alias, value_as_key_every_put_through_splits)
{
    struct arena *a = test_arena_new(512, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 9), 0);
    /* Entry k's value is key k + 1: each put's key and value are the last
     * entry's value. */
    struct kv k0 = key_of(0), v0 = key_of(1);
    cr_assert_eq(swiss_put(&m, &k0, &v0), 0);
    uint64_t last = 0;
    size_t layouts = 0;
    for (;;) {
        struct kv lk = key_of(last);
        const struct kv *v = swiss_get(&m, &lk);
        cr_assert_not_null(v);
        struct swiss_stats before = sstats(&m);
        /* key = v (= key last+1), value = v too: then fix the value. */
        cr_assert_eq(swiss_put(&m, v, v), 0);
        last++;
        struct kv nk = key_of(last), nv = key_of(last + 1);
        const struct kv *got = swiss_get(&m, &nk);
        cr_assert_not_null(got, "key %llu missing", (unsigned long long)last);
        cr_assert_eq(memcmp(got, &nk, 16), 0, "key %llu: value %llx", (unsigned long long)last,
                     (unsigned long long)got->a);
        cr_assert_eq(swiss_put(&m, &nk, &nv), 0);
        struct swiss_stats s = sstats(&m);
        if (s.capacity != before.capacity)
            layouts++;
        if (s.splits > s.dir_grows && s.splits >= 4)
            break;
        cr_assert_lt(last, 20000u);
    }
    cr_assert_eq(swiss_check(&m), 0);
    cr_assert_eq(swiss_len(&m), last + 1);
    SLOG("alias: %zu layout changes over %llu puts from the map's own values\n", layouts,
         (unsigned long long)last);
    test_arena_free(a);
}

/* Overwrite with the iterator's own key and value on a full small map:
 * Go makes the first table even for an overwrite, freeing the group the
 * pointers are in. */
Test(alias, iterator_key_and_value_first_table)
{
    struct arena *a = test_arena_new(16, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    put_n(&m, 0, 8);
    struct swiss_iter it;
    const void *kp;
    void *vp;
    swiss_iter_init(&it, &m);
    cr_assert(swiss_iter_next(&it, &kp, &vp));
    struct kv k = *(const struct kv *)kp;
    cr_assert_eq(swiss_put(&m, kp, vp), 0);
    cr_assert(!sstats(&m).small);
    cr_assert_gt(sa_scribbled(), 0);
    cr_assert_eq(swiss_len(&m), 8);
    assert_n(&m, 0, 8);
    cr_assert(!swiss_iter_next(&it, NULL, NULL));
    cr_assert_eq(swiss_iter_error(&it), SWISS_ERR_CHANGED);
    (void)k;
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* The iterator's key passed to swiss_put with a value from another entry,
 * and to swiss_delete, through a whole walk. */
Test(alias, iterator_key_put_and_delete)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    put_n(&m, 0, 3000);
    struct kv k0 = key_of(0);
    struct swiss_iter it;
    const void *kp;
    void *vp;
    size_t n = 0;
    swiss_iter_init(&it, &m);
    while (swiss_iter_next(&it, &kp, &vp)) {
        struct kv k = *(const struct kv *)kp;
        const void *v0 = swiss_get(&m, &k0);
        if (k.a % 2 == 0 && k.a != 0) {
            cr_assert_eq(swiss_put(&m, kp, v0), 0); /* overwrite with entry 0's value */
            cr_assert_eq(memcmp(swiss_get(&m, &k), v0, 16), 0);
        } else if (k.a != 0) {
            cr_assert(swiss_delete(&m, kp));
            cr_assert_null(swiss_get(&m, &k));
        }
        n++;
    }
    cr_assert_eq(swiss_iter_error(&it), 0);
    cr_assert_eq(n, 3000);
    cr_assert_eq(swiss_len(&m), 1500);
    struct kv want = key_of(OFFSET);
    for (uint64_t k = 2; k < 3000; k += 2) {
        struct kv key = key_of(k);
        cr_assert_eq(memcmp(swiss_get(&m, &key), &want, 16), 0);
    }
    /* Delete the last entries by the iterator's key until the map is
     * empty (and reseeded). */
    for (;;) {
        swiss_iter_init(&it, &m);
        if (!swiss_iter_next(&it, &kp, NULL))
            break;
        cr_assert(swiss_delete(&m, kp));
    }
    cr_assert_eq(swiss_len(&m), 0);
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

/* The 8/8 built-in map through the generic calls: swiss_get's value used
 * as the key and value of the put that makes the first table and of the
 * one that splits. */
Test(alias, u64_map_generic_put_from_map)
{
    struct arena *a = test_arena_new(256, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type_u64(NULL);
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 3), 0);
    uint64_t n = 0;
    static const uint64_t at[] = {8, 14, 28, 896};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        for (; n < at[i]; n++)
            cr_assert_eq(swiss_put_u64(&m, n, n + OFFSET), 0);
        size_t freed = sa_scribbled();
        uint64_t k0 = 0;
        const void *v = swiss_get(&m, &k0);
        cr_assert_eq(swiss_put(&m, v, v), 0); /* key OFFSET, value OFFSET */
        cr_assert_gt(sa_scribbled(), freed, "step %zu freed nothing", i);
        uint64_t got = 0;
        cr_assert(swiss_get_u64(&m, OFFSET, &got));
        cr_assert_eq(got, OFFSET);
        cr_assert(swiss_delete_u64(&m, OFFSET));
        for (uint64_t k = 0; k < n; k++) {
            cr_assert(swiss_get_u64(&m, k, &got));
            cr_assert_eq(got, k + OFFSET);
        }
        cr_assert_eq(swiss_check(&m), 0);
    }
    test_arena_free(a);
}

/* Overwrite an entry with its own value, or with an overlapping part of
 * the map (the key's own slot), without a growth: small map and table.
 * C's memcpy must not be given overlapping ranges; ASan builds check. */
Test(alias, own_value_in_place)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    for (uint64_t n = 5; n <= 500; n += 495) {
        struct swiss m;
        cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
        put_n(&m, 0, n);
        struct swiss_iter it;
        const void *kp;
        void *vp;
        swiss_iter_init(&it, &m);
        while (swiss_iter_next(&it, &kp, &vp)) {
            cr_assert_eq(swiss_put(&m, kp, vp), 0);
            /* The key's own bytes as its value: key then value are
             * adjacent in the slot. */
            struct kv k = *(const struct kv *)kp;
            cr_assert_eq(swiss_put(&m, kp, kp), 0);
            cr_assert_eq(memcmp(swiss_get(&m, &k), &k, 16), 0);
            struct kv v = key_of(k.a + OFFSET);
            cr_assert_eq(swiss_put(&m, &k, &v), 0);
        }
        cr_assert_eq(swiss_iter_error(&it), 0);
        assert_n(&m, 0, n);
        cr_assert_eq(swiss_check(&m), 0);
        swiss_reset(&m);
    }
    test_arena_free(a);
}

/* swiss.h: swiss_get's pointer "stays valid until the next put of a new
 * key, clear or reset" (and, in a small map of 8 entries, any put).  So
 * overwrites of other existing keys and deletes leave it valid, in a table
 * and in a small map that is not full. */
static void get_pointer_survives(uint64_t n)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    put_n(&m, 0, n);
    struct kv k0 = key_of(0), want = key_of(OFFSET);
    const void *p = swiss_get(&m, &k0);
    cr_assert_not_null(p);
    for (uint64_t k = 1; k < n; k++) { /* overwrite every other key */
        struct kv key = key_of(k), val = key_of(k + 2 * OFFSET);
        cr_assert_eq(swiss_put(&m, &key, &val), 0);
    }
    cr_assert_eq(memcmp(p, &want, 16), 0,
                 "n %llu: swiss_get's pointer went stale over overwrites of existing keys "
                 "(%zu runs freed)",
                 (unsigned long long)n, sa_scribbled());
    for (uint64_t k = 1; k < n; k += 2) {
        struct kv key = key_of(k);
        cr_assert(swiss_delete(&m, &key));
    }
    cr_assert_eq(memcmp(p, &want, 16), 0, "n %llu: stale after deletes", (unsigned long long)n);
    cr_assert_eq(swiss_get(&m, &k0), p);
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}

Test(alias, get_pointer_survives_overwrites_small) { get_pointer_survives(5); }
Test(alias, get_pointer_survives_overwrites_table) { get_pointer_survives(300); }
/* A full small map: Go's PutSlot grows it to a table even for an
 * overwrite, which moves every entry and gives the group's page back, as
 * swiss.h now says; the overwrite itself must still find and update the
 * key, and the map stay sound. */
Test(alias, overwrite_in_a_full_small_map_makes_the_first_table)
{
    struct arena *a = test_arena_new(64, PAGE_4K);
    sa_scribble(a);
    struct swiss_type t = type16();
    struct swiss m;
    cr_assert_eq(swiss_init(&m, &t, a, 0, 1), 0);
    put_n(&m, 0, 8);
    struct swiss_stats s;
    swiss_get_stats(&m, &s);
    cr_assert(s.small);
    struct kv k3 = key_of(3), v = key_of(3 + 2 * OFFSET);
    cr_assert_eq(swiss_put(&m, &k3, swiss_get(&m, &k3)), 0, "its own value, from the group");
    cr_assert_eq(swiss_put(&m, &k3, &v), 0);
    swiss_get_stats(&m, &s);
    cr_assert(!s.small, "Go grows a full small map to a table even to overwrite");
    cr_assert_eq(s.tables, 1);
    cr_assert_eq(s.len, 8);
    cr_assert_eq(memcmp(swiss_get(&m, &k3), &v, 16), 0);
    cr_assert_eq(swiss_check(&m), 0);
    test_arena_free(a);
}
