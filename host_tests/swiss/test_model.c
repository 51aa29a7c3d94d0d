/* SPDX-License-Identifier: MIT */
/*
 * test_model.c - random operations against a reference, with swiss_check.
 *
 * Each configuration picks key and value sizes (sampled over 1..128 and
 * 0..128), a hash and equality (the built-in pair, a good custom hash,
 * crowd_hash: four probe starts and top bits of three values, so long
 * probes, tombstones and lopsided splits; top_hash: the first splits send
 * most keys one way; id_hash on purpose-made keys), a hint, pruning on or
 * off, and a key range.  Operations: put, get, delete (the generic calls,
 * and the u64 calls on 8/8 built-in maps), clear, reset, and a full
 * iteration that deletes, deletes ahead and overwrites as it goes.  After
 * every operation: swiss_len and the map's bytes (= the arena's in_use:
 * the map is its only user) against the reference; swiss_check after every
 * operation for the configurations whose range keeps tables small, and
 * every 64 operations and after every layout change for the large ones
 * (swiss_check costs a pass over every slot and a duplicate search); every
 * entry compared after each clear, reset, iteration and every 500
 * operations.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

#define MAX_RANGE 3000

struct model_cfg {
    size_t ks, vs;
    uint64_t (*hash)(const void *, size_t, uint64_t);
    bool (*equal)(const void *, const void *, size_t);
    uint32_t range;
    size_t hint;
    bool pruning;
    size_t ops;
    uint64_t seed;
    size_t phase;    /* operations per fill or drain phase */
    uint32_t window; /* > 0: churn: puts take the next key of a sliding
                        window of this many keys, deletes its oldest     */
};

static struct {
    const struct model_cfg *cfg;
    struct swiss *m;
    struct arena *a;
    struct trng r;
    bool has[MAX_RANGE];
    uint8_t val[MAX_RANGE][SWISS_MAX_VAL];
    size_t len;
    bool every_step;
    size_t checks;
    uint32_t next; /* churn: the next key to put */
} M;

/* The key a put or delete works on: random, or the window's ends. */
static uint32_t pick(bool for_delete)
{
    uint32_t range = M.cfg->range, w = M.cfg->window;
    if (w == 0 || trng_below(&M.r, 10) == 0)
        return (uint32_t)trng_below(&M.r, range);
    if (for_delete)
        return (M.next + range - w) % range;
    uint32_t i = M.next;
    M.next = (M.next + 1) % range;
    return i;
}

static void make_key(uint8_t *k, uint32_t i)
{
    size_t ks = M.cfg->ks;
    for (size_t j = 0; j < ks; j++)
        k[j] = (uint8_t)(j < 2 ? i >> (8 * j) : (i * 131 + j * 7) ^ (uint32_t)(j >> 3));
}

static void fresh_val(uint8_t *v)
{
    for (size_t j = 0; j < M.cfg->vs; j++)
        v[j] = (uint8_t)trng_next(&M.r);
}

static void compare_all(void)
{
    uint8_t k[SWISS_MAX_KEY];
    for (uint32_t i = 0; i < M.cfg->range; i++) {
        make_key(k, i);
        const uint8_t *v = swiss_get(M.m, k);
        cr_assert_eq(v != NULL, M.has[i], "key %u: present %d, want %d", i, v != NULL, M.has[i]);
        if (v != NULL && M.cfg->vs)
            cr_assert_eq(memcmp(v, M.val[i], M.cfg->vs), 0, "key %u: value", i);
    }
}

static void after_step(const char *op, size_t step, bool layout_changed)
{
    cr_assert_eq(swiss_len(M.m), M.len, "step %zu (%s): len %zu, want %zu", step, op,
                 swiss_len(M.m), M.len);
    cr_assert_eq(sstats(M.m).bytes, test_arena_in_use(M.a), "step %zu (%s): bytes", step, op);
    if (M.every_step || layout_changed || step % 64 == 0) {
        int rc = swiss_check(M.m);
        cr_assert_eq(rc, 0, "step %zu (%s): swiss_check %d (%s)", step, op, rc, swiss_strerror(rc));
        M.checks++;
    }
}

static void op_put(bool u64)
{
    uint32_t i = pick(false);
    uint8_t k[SWISS_MAX_KEY], v[SWISS_MAX_VAL];
    make_key(k, i);
    fresh_val(v);
    int rc;
    if (u64)
        rc = swiss_put_u64(M.m, load_u64(k), load_u64(v));
    else
        rc = swiss_put(M.m, k, M.cfg->vs ? v : (trng_below(&M.r, 2) ? NULL : v));
    cr_assert_eq(rc, 0, "put of key %u: %d", i, rc);
    if (!M.has[i])
        M.len++;
    M.has[i] = true;
    memcpy(M.val[i], v, M.cfg->vs);
}

static void op_get(bool u64)
{
    uint32_t i = (uint32_t)trng_below(&M.r, M.cfg->range);
    uint8_t k[SWISS_MAX_KEY];
    make_key(k, i);
    if (u64) {
        uint64_t v = 0;
        cr_assert_eq(swiss_get_u64(M.m, load_u64(k), &v), M.has[i], "get_u64 key %u", i);
        if (M.has[i])
            cr_assert_eq(v, load_u64(M.val[i]));
        return;
    }
    const uint8_t *v = swiss_get(M.m, k);
    cr_assert_eq(v != NULL, M.has[i], "get key %u", i);
    if (v && M.cfg->vs)
        cr_assert_eq(memcmp(v, M.val[i], M.cfg->vs), 0, "get key %u: value", i);
}

static void op_delete(bool u64)
{
    uint32_t i = pick(true);
    uint8_t k[SWISS_MAX_KEY];
    make_key(k, i);
    bool found = u64 ? swiss_delete_u64(M.m, load_u64(k)) : swiss_delete(M.m, k);
    cr_assert_eq(found, M.has[i], "delete key %u", i);
    if (found)
        M.len--;
    M.has[i] = false;
}

/* Key index of a key's bytes (the first two bytes hold it). */
static uint32_t index_of(const uint8_t *k)
{
    return M.cfg->ks == 1 ? k[0] : (uint32_t)(k[0] | k[1] << 8);
}

static void op_iterate(void)
{
    static bool at_start[MAX_RANGE], seen[MAX_RANGE], gone[MAX_RANGE];
    memcpy(at_start, M.has, sizeof at_start);
    memset(seen, 0, sizeof seen);
    memset(gone, 0, sizeof gone);
    struct swiss_iter it;
    const void *kp;
    void *vp;
    bool replaced = false;
    swiss_iter_init(&it, M.m);
    while (swiss_iter_next(&it, &kp, &vp)) {
        cr_assert(!replaced, "an entry after the layout changed");
        uint32_t i = index_of(kp);
        cr_assert_lt(i, M.cfg->range);
        cr_assert(M.has[i], "iteration visited absent key %u", i);
        cr_assert(!seen[i], "iteration visited key %u twice", i);
        cr_assert(!gone[i], "iteration visited key %u after its delete", i);
        seen[i] = true;
        if (M.cfg->vs)
            cr_assert_eq(memcmp(vp, M.val[i], M.cfg->vs), 0, "iteration: key %u's value", i);
        switch (trng_below(&M.r, 8)) {
        case 0:
        case 1: /* delete the current entry through its own key */
            cr_assert(swiss_delete(M.m, kp));
            M.has[i] = false;
            M.len--;
            gone[i] = true;
            break;
        case 2: { /* delete another, maybe not yet reached */
            uint32_t j = (uint32_t)trng_below(&M.r, M.cfg->range);
            uint8_t k[SWISS_MAX_KEY];
            make_key(k, j);
            cr_assert_eq(swiss_delete(M.m, k), M.has[j]);
            if (M.has[j])
                M.len--;
            M.has[j] = false;
            gone[j] = true;
            break;
        }
        case 3: /* overwrite through the iterator's key */
            if (M.cfg->vs) {
                uint8_t v[SWISS_MAX_VAL];
                fresh_val(v);
                struct swiss_stats b = sstats(M.m);
                cr_assert_eq(swiss_put(M.m, kp, v), 0);
                memcpy(M.val[i], v, M.cfg->vs);
                /* Go makes the first table for an overwrite in a full
                 * small map: that ends the iteration. */
                struct swiss_stats a = sstats(M.m);
                if (a.small != b.small || a.capacity != b.capacity) {
                    cr_assert(b.small && b.len == 8, "an overwrite replaced a table");
                    replaced = true;
                }
            }
            break;
        default:
            break;
        }
    }
    if (replaced) {
        cr_assert_eq(swiss_iter_error(&it), SWISS_ERR_CHANGED);
        return;
    }
    cr_assert_eq(swiss_iter_error(&it), 0);
    for (uint32_t i = 0; i < M.cfg->range; i++)
        if (at_start[i] && !gone[i])
            cr_assert(seen[i], "iteration missed key %u", i);
}

static void run(const struct model_cfg *cfg)
{
    M.cfg = cfg;
    M.a = test_arena_new(2048, PAGE_4K);
    static struct swiss map;
    M.m = &map;
    memset(M.has, 0, sizeof M.has);
    M.len = 0;
    M.checks = 0;
    M.next = 0;
    trng_seed(&M.r, cfg->seed);
    cr_assert_leq(cfg->range, MAX_RANGE);
    cr_assert(cfg->ks > 1 || cfg->range <= 256);
    M.every_step = cfg->range <= 200 || (cfg->window && cfg->window <= 200);
    struct swiss_type t = {.key_size = cfg->ks, .val_size = cfg->vs, .hash = cfg->hash, .equal = cfg->equal};
    cr_assert_eq(swiss_init(M.m, &t, M.a, cfg->hint, cfg->seed), 0);
    swiss_set_pruning(M.m, cfg->pruning);
    bool fast = cfg->ks == 8 && cfg->vs == 8 && !cfg->hash && !cfg->equal;
    size_t counts[8] = {0};
    struct swiss_stats s0 = sstats(M.m), s;
    for (size_t step = 0; step < cfg->ops; step++) {
        uint64_t d = trng_below(&M.r, 1000);
        /* Phases: mostly puts, then mostly deletes, so the map fills and
         * drains (tombstones) over and over. */
        bool filling = cfg->window ? M.len < cfg->window : (step / cfg->phase) % 2 == 0;
        const char *op;
        bool u64 = fast && trng_below(&M.r, 2);
        if (d < (filling ? 700u : 300u)) {
            op = "put";
            op_put(u64);
            counts[0]++;
        } else if (d < 800) {
            op = "delete";
            op_delete(u64);
            counts[1]++;
        } else if (d < 994) {
            op = "get";
            op_get(u64);
            counts[2]++;
        } else if (d < 997) {
            op = "iterate";
            op_iterate();
            counts[3]++;
        } else if ((cfg->range > 500 || cfg->window) && trng_below(&M.r, 8) != 0) {
            op = "get"; /* large ranges: clear and reset rarer, so the map fills */
            op_get(u64);
            counts[2]++;
        } else if (d < 999) {
            op = "clear";
            swiss_clear(M.m);
            memset(M.has, 0, sizeof M.has);
            M.len = 0;
            counts[4]++;
        } else {
            op = "reset";
            swiss_reset(M.m);
            memset(M.has, 0, sizeof M.has);
            M.len = 0;
            cr_assert_eq(test_arena_in_use(M.a), 0, "reset kept pages");
            counts[5]++;
        }
        s = sstats(M.m);
        bool changed = s.capacity != s0.capacity || s.small != s0.small || s.tables != s0.tables;
        after_step(op, step, changed);
        if (d >= 994 || step % 500 == 0)
            compare_all();
        s0 = s;
    }
    compare_all();
    cr_assert_eq(swiss_check(M.m), 0);
    s = sstats(M.m);
    SLOG("model %zu/%zu range %u hint %zu pruning %d: %zu ops (put %zu del %zu get %zu iter %zu "
         "clear %zu reset %zu), %zu checks; grows %zu splits %zu prunes %zu\n",
         cfg->ks, cfg->vs, cfg->range, cfg->hint, cfg->pruning, cfg->ops, counts[0], counts[1],
         counts[2], counts[3], counts[4], counts[5], M.checks, s.grows, s.splits, s.prunes);
    test_arena_free(M.a);
}

Test(model, u64_builtin)
{
    run(&(struct model_cfg){8, 8, NULL, NULL, 2500, 0, true, 30000, 1, 6000, 0});
}
Test(model, u64_builtin_small_range)
{
    run(&(struct model_cfg){8, 8, NULL, NULL, 150, 0, true, 12000, 2, 600, 0});
}
Test(model, u64_pruning_off)
{
    run(&(struct model_cfg){8, 8, NULL, NULL, 180, 0, false, 10000, 3, 600, 0});
}
Test(model, k1_set)
{
    run(&(struct model_cfg){1, 0, NULL, NULL, 200, 0, true, 10000, 4, 600, 0});
}
Test(model, k2_v1_crowd)
{
    run(&(struct model_cfg){2, 1, crowd_hash, NULL, 200, 0, true, 10000, 5, 600, 0});
}
Test(model, k3_v5_custom)
{
    run(&(struct model_cfg){3, 5, mix_hash, bytes_equal, 190, 20, true, 10000, 6, 600, 0});
}
Test(model, k16_v128_crowd_pruning_off)
{
    run(&(struct model_cfg){16, 128, crowd_hash, bytes_equal, 120, 0, false, 8000, 7, 600, 0});
}
Test(model, k7_v0_top_hash)
{
    run(&(struct model_cfg){7, 0, top_hash, NULL, 3000, 0, true, 25000, 8, 6000, 0});
}
Test(model, k128_v128)
{
    run(&(struct model_cfg){128, 128, NULL, NULL, 1200, 0, true, 10000, 9, 6000, 0});
}
Test(model, k64_v3_hinted)
{
    run(&(struct model_cfg){64, 3, NULL, NULL, 2000, 1024, true, 15000, 10, 6000, 0});
}
Test(model, k9_v64_crowd_large)
{
    run(&(struct model_cfg){9, 64, crowd_hash, NULL, 800, 0, true, 15000, 11, 6000, 0});
}

/* Churn at about constant length: tombstones, pruning, and (pruning off)
 * growth. */
Test(model, churn_u64)
{
    run(&(struct model_cfg){8, 8, NULL, NULL, 400, 0, true, 6000, 12, 1, 105});
}
Test(model, churn_k5_v12_pruning_off)
{
    run(&(struct model_cfg){5, 12, NULL, NULL, 400, 0, false, 5000, 13, 1, 110});
}
Test(model, churn_crowd)
{
    run(&(struct model_cfg){4, 4, crowd_hash, NULL, 400, 0, true, 6000, 16, 1, 100});
}
Test(model, churn_large_crowd)
{
    run(&(struct model_cfg){24, 8, crowd_hash, NULL, 3000, 0, true, 25000, 14, 1, 800});
}
Test(model, churn_large_u64)
{
    run(&(struct model_cfg){8, 8, NULL, NULL, 3000, 0, true, 30000, 15, 1, 1700});
}

/* A sample of the other sizes: key 1..128, value 0..128, drawn. */
Test(model, sampled_sizes)
{
    struct trng r;
    trng_seed(&r, 2026);
    uint64_t (*hashes[])(const void *, size_t, uint64_t) = {NULL, mix_hash, crowd_hash,
                                                            top_hash};
    for (unsigned c = 0; c < 12; c++) {
        struct model_cfg cfg = {
            .ks = 2 + trng_below(&r, 127),
            .vs = trng_below(&r, 129),
            .hash = hashes[c % 4],
            .equal = c % 3 == 0 ? bytes_equal : NULL,
            .range = 60 + (uint32_t)trng_below(&r, 140),
            .hint = c % 5 == 0 ? trng_below(&r, 300) : 0,
            .pruning = c % 6 != 5,
            .ops = 2500,
            .seed = 100 + c,
            .phase = 500,
        };
        run(&cfg);
    }
}
