/* SPDX-License-Identifier: MIT */
/*
 * test_keys.c - iteration, key and value sizes, custom hash and equality.
 *
 * Rules (hmap.h): each live entry is visited exactly once, also
 * during a growth; keys and values are copied in, up to 128 bytes each,
 * values may be 0 bytes (a set; hmap_put then takes val == NULL); the
 * pointer hmap_get returns stays valid until the next write and writing
 * through it changes the stored value; a custom hash/equal pair (string keys
 * stored as pointers) is honoured.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hmap_testlib.h"

/* --- key and value sizes -------------------------------------------------- */

/* Key i: its index in the first min(ks, 4) bytes, then bytes derived from
 * it, so keys differ everywhere and the index can be read back. */
static void make_key(uint8_t *buf, size_t ks, uint32_t i)
{
    for (size_t b = 0; b < ks; b++)
        buf[b] = b < 4 ? (uint8_t)(i >> (8 * b))
                       : (uint8_t)(tmix(i * 1000003ull + b) >> 17);
}

static uint32_t key_index(const uint8_t *buf, size_t ks)
{
    uint32_t i = 0;
    for (size_t b = 0; b < ks && b < 4; b++)
        i |= (uint32_t)buf[b] << (8 * b);
    return i;
}

static void make_val(uint8_t *buf, size_t vs, uint32_t i, uint32_t gen)
{
    for (size_t b = 0; b < vs; b++)
        buf[b] = (uint8_t)(tmix(((uint64_t)gen << 40) ^ (i * 31ull + b)) >> 9);
}

static void run_sizes(size_t ks, size_t vs, uint32_t n)
{
    size_t bs = expect_bucket_size(ks, vs);
    unsigned B = expect_B(n);
    size_t pages = 4 * expect_array_bytes(B, bs, PAGE_4K) / PAGE_4K + 16;
    struct arena *a = test_arena_new(pages, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = ks, .val_size = vs};
    cr_assert_eq(hmap_init(&m, &t, a, 0, 5), 0, "%zu/%zu", ks, vs);
    cr_assert_eq(hstats(&m).bucket_size, bs);

    uint8_t key[HMAP_MAX_KEY], val[HMAP_MAX_VAL + 1], want[HMAP_MAX_VAL + 1];
    uint32_t *gen = calloc(n, sizeof *gen); /* 0: absent */
    cr_assert(gen != NULL);
    for (uint32_t i = 0; i < n; i++) {
        make_key(key, ks, i);
        make_val(val, vs, i, 1);
        cr_assert_eq(hmap_put(&m, key, vs == 0 ? NULL : val), 0,
                     "%zu/%zu put %u", ks, vs, i);
        gen[i] = 1;
    }
    /* Keys and values were copied: scribbling on the buffers changes
     * nothing. */
    memset(key, 0xee, sizeof key);
    memset(val, 0xee, sizeof val);
    for (uint32_t i = 0; i < n; i += 2) {
        make_key(key, ks, i);
        make_val(val, vs, i, 2);
        cr_assert_eq(hmap_put(&m, key, val), 0);
        gen[i] = 2;
    }
    for (uint32_t i = 0; i < n; i += 3) {
        make_key(key, ks, i);
        cr_assert(hmap_delete(&m, key));
        gen[i] = 0;
    }
    size_t live = 0;
    for (uint32_t i = 0; i < n; i++) {
        make_key(key, ks, i);
        void *p = hmap_get(&m, key);
        cr_assert_eq(p != NULL, gen[i] != 0, "%zu/%zu key %u", ks, vs, i);
        if (p != NULL) {
            live++;
            make_val(want, vs, i, gen[i]);
            cr_assert(memcmp(p, want, vs) == 0, "%zu/%zu value of %u", ks,
                      vs, i);
        }
    }
    cr_assert_eq(hmap_len(&m), live);

    unsigned *seen = calloc(n, sizeof *seen);
    cr_assert(seen != NULL);
    struct hmap_iter it;
    const void *kp;
    void *vp;
    size_t visited = 0;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, &kp, &vp)) {
        uint32_t i = key_index(kp, ks);
        cr_assert(i < n && gen[i] != 0, "%zu/%zu: stray key", ks, vs);
        make_key(key, ks, i);
        cr_assert(memcmp(kp, key, ks) == 0);
        make_val(want, vs, i, gen[i]);
        cr_assert(memcmp(vp, want, vs) == 0);
        seen[i]++;
        visited++;
    }
    cr_assert_eq(visited, live);
    for (uint32_t i = 0; i < n; i++)
        cr_assert_eq(seen[i], gen[i] != 0 ? 1u : 0u);
    cr_assert_eq(hmap_check(&m), 0, "%zu/%zu", ks, vs);
    struct hmap_stats s = hstats(&m);
    TLOG("keys %zu/%zu: %u keys, %zu live, B=%u bucket_size=%zu bytes=%zu\n",
         ks, vs, n, live, s.B, s.bucket_size, s.bytes);
    free(seen);
    free(gen);
    hmap_reset(&m);
    cr_assert_eq(test_arena_in_use(a), 0);
    test_arena_free(a);
}

Test(keys, k1_v0) { run_sizes(1, 0, 256); }
Test(keys, k1_v1) { run_sizes(1, 1, 256); }
Test(keys, k1_v128) { run_sizes(1, 128, 256); }
Test(keys, k3_v5) { run_sizes(3, 5, 3000); }
Test(keys, k3_v0) { run_sizes(3, 0, 3000); }
Test(keys, k16_v16) { run_sizes(16, 16, 2000); }
Test(keys, k16_v3) { run_sizes(16, 3, 2000); }
Test(keys, k128_v128) { run_sizes(128, 128, 600); }
Test(keys, k128_v0) { run_sizes(128, 0, 600); }
Test(keys, k8_v128) { run_sizes(8, 128, 1000); }

/* A set (val_size 0): present keys give a non-NULL pointer, absent NULL. */
Test(keys, set_get_is_presence)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = 4, .val_size = 0};
    cr_assert_eq(hmap_init(&m, &t, a, 0, 5), 0);
    uint32_t k = 7;
    cr_assert(hmap_get(&m, &k) == NULL);
    cr_assert_eq(hmap_put(&m, &k, NULL), 0);
    cr_assert(hmap_get(&m, &k) != NULL);
    cr_assert_eq(hmap_put(&m, &k, NULL), 0);
    cr_assert_eq(hmap_len(&m), 1);
    cr_assert(hmap_delete(&m, &k));
    cr_assert(hmap_get(&m, &k) == NULL);
    test_arena_free(a);
}

/* NULL arguments are HMAP_ERR_ARG and change nothing. */
Test(keys, null_arguments)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type t = type_u64(NULL);
    cr_assert_eq(hmap_init(&m, &t, a, 0, 5), 0);
    uint64_t k = 1, v = 2;
    cr_assert_eq(hmap_put(&m, NULL, &v), HMAP_ERR_ARG);
    cr_assert_eq(hmap_put(&m, &k, NULL), HMAP_ERR_ARG);
    cr_assert_eq(hmap_put(NULL, &k, &v), HMAP_ERR_ARG);
    cr_assert_eq(hmap_len(&m), 0);
    cr_assert_eq(test_arena_in_use(a), 0);
    cr_assert_eq(hmap_put(&m, &k, &v), 0);
    cr_assert_eq(hmap_len(&m), 1);
    test_arena_free(a);
}

/* The type is copied at init: it need not outlive the call. */
Test(keys, type_copied_at_init)
{
    struct arena *a = test_arena_new(8, PAGE_4K);
    struct hmap m;
    struct hmap_type *t = malloc(sizeof *t);
    cr_assert(t != NULL);
    *t = type_u64(ctl_hash);
    cr_assert_eq(hmap_init(&m, t, a, 0, 5), 0);
    memset(t, 0xff, sizeof *t);
    free(t);
    for (uint64_t k = 0; k < 100; k++)
        cr_assert_eq(put64(&m, k, k), 0);
    cr_assert_eq(hstats(&m).bucket_size, 144);
    cr_assert_eq(hmap_check(&m), 0);
    test_arena_free(a);
}

/* --- custom hash and equality: string keys stored as pointers ------------ */

static const char *str_of(const void *key)
{
    const char *s;
    memcpy(&s, key, sizeof s);
    return s;
}

static uint64_t str_hash(const void *key, size_t len, uint64_t seed)
{
    cr_assert_eq(len, sizeof(char *));
    const char *s = str_of(key);
    return hmap_hash_bytes(s, strlen(s), seed);
}

static bool str_equal(const void *a, const void *b, size_t len)
{
    cr_assert_eq(len, sizeof(char *));
    return strcmp(str_of(a), str_of(b)) == 0;
}

Test(keys, strings_by_pointer)
{
    enum { N = 2000 };
    struct arena *a = test_arena_new(64, PAGE_4K);
    struct hmap m;
    struct hmap_type t = {.key_size = sizeof(char *), .val_size = 8, .hash = str_hash, .equal = str_equal};
    cr_assert_eq(hmap_init(&m, &t, a, 0, 5), 0);
    char(*pool)[24] = calloc(N, sizeof *pool);
    cr_assert(pool != NULL);
    for (int i = 0; i < N; i++) {
        snprintf(pool[i], sizeof pool[i], "key-%d", i);
        const char *p = pool[i];
        uint64_t v = (uint64_t)i;
        cr_assert_eq(hmap_put(&m, &p, &v), 0);
    }
    cr_assert_eq(hmap_len(&m), N);

    /* Look up through other buffers with the same text. */
    char probe[24];
    const char *pp = probe;
    for (int i = 0; i < N; i++) {
        snprintf(probe, sizeof probe, "key-%d", i);
        void *v = hmap_get(&m, &pp);
        cr_assert(v != NULL, "%s not found", probe);
        cr_assert_eq(load_u64(v), (uint64_t)i);
    }
    snprintf(probe, sizeof probe, "key-%d", N);
    cr_assert(hmap_get(&m, &pp) == NULL);

    /* Overwrite through another pointer: same entry, the stored key is
     * still the first pointer. */
    snprintf(probe, sizeof probe, "key-%d", 17);
    uint64_t v = 1717;
    cr_assert_eq(hmap_put(&m, &pp, &v), 0);
    cr_assert_eq(hmap_len(&m), N);
    struct hmap_iter it;
    const void *kp;
    void *vp;
    size_t n = 0;
    hmap_iter_init(&it, &m);
    while (hmap_iter_next(&it, &kp, &vp)) {
        const char *s = str_of(kp);
        cr_assert(s >= pool[0] && s <= pool[N - 1], "stored key not a pool "
                                                    "pointer");
        int i = atoi(s + 4);
        cr_assert_eq(load_u64(vp), i == 17 ? 1717u : (uint64_t)i);
        n++;
    }
    cr_assert_eq(n, N);

    /* Delete half through probe buffers. */
    for (int i = 0; i < N; i += 2) {
        snprintf(probe, sizeof probe, "key-%d", i);
        cr_assert(hmap_delete(&m, &pp));
    }
    cr_assert_eq(hmap_len(&m), N / 2);
    for (int i = 0; i < N; i++) {
        snprintf(probe, sizeof probe, "key-%d", i);
        cr_assert_eq(hmap_get(&m, &pp) != NULL, i % 2 == 1);
    }
    cr_assert_eq(hmap_check(&m), 0);
    free(pool);
    test_arena_free(a);
}
