/* SPDX-License-Identifier: MIT */
/*
 * test_model.c - randomized model tests: a million mixed operations per
 * configuration against a plain array of what the map should hold.
 *
 * Operations: put (generic, and the u64 fast path where it applies), get,
 * delete, iterate, clear, reset, compact.  The key range is small, so keys
 * come back again and again, and the configurations force long chains:
 *   builtin   8/8 keys and values, the built-in hash;
 *   weak      8/8, weak_hash: 7 hash values sharing one top byte, so chains
 *             of 40+ keys where every slot's tophash matches;
 *   mod5      3-byte keys, 5-byte values, a hash whose bucket bits take 5
 *             values only (every chain long), with auto-shrink on;
 *   window    8/8, group8_hash (keys 8k..8k+7 share a bucket), puts from a
 *             moving window: buckets fill up one after another while older
 *             keys linger, overflow buckets pile up and the map goes through
 *             same-size growths, as a queue-like Go map does.
 * After every operation: len matches the model and the map's bytes match
 * the arena's in_use (the map is the arena's only user).  hmap_check runs
 * every 1000 operations and after every clear, reset and compact, each of
 * which is also followed by a full comparison with the model.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

#define MAX_RANGE 1024

enum op_kind {
    OP_PUT,
    OP_PUT64,
    OP_GET,
    OP_DEL,
    OP_ITER,
    OP_CLEAR,
    OP_RESET,
    OP_COMPACT,
    OP_KINDS,
};
static const char *const op_names[OP_KINDS] = {
    "put", "put_u64", "get", "delete", "iterate", "clear", "reset", "compact"};

struct model_cfg {
    const char *name;
    size_t key_size, val_size;
    uint64_t (*hash)(const void *, size_t, uint64_t);
    uint32_t range;
    size_t hint;
    bool auto_shrink;
    uint64_t seed;
    size_t ops;
    uint32_t window; /* > 0: puts take keys from a window of this
                        many keys that moves one key every
                        window_step ops                            */
    uint32_t window_step;
    uint32_t rare_div;   /* > 1: clear, reset and compact that many
                            times rarer (they undo overflow build-up)  */
    bool want_same_size; /* the run must see same-size growths         */
};

struct model {
    const struct model_cfg *cfg;
    struct hmap *m;
    struct arena *a;
    bool has[MAX_RANGE];
    uint64_t val[MAX_RANGE];
    size_t count;
};

static uint64_t mod5_hash(const void *key, size_t len, uint64_t seed)
{
    uint64_t k = 0;
    memcpy(&k, key, len < 8 ? len : 8);
    return (tmix(k ^ seed) & ~0xffffull) | (k % 5);
}

static uint64_t group8_hash(const void *key, size_t len, uint64_t seed)
{
    (void)len;
    uint64_t k = load_u64(key);
    return (tmix(k ^ seed) & 0xffffffff00000000ull) | (k >> 3);
}

static void enc_key(const struct model *md, uint8_t *buf, uint32_t k)
{
    memset(buf, 0, md->cfg->key_size);
    for (size_t b = 0; b < md->cfg->key_size && b < 4; b++)
        buf[b] = (uint8_t)(k >> (8 * b));
}

static uint32_t dec_key(const struct model *md, const uint8_t *buf)
{
    uint32_t k = 0;
    for (size_t b = 0; b < md->cfg->key_size && b < 4; b++)
        k |= (uint32_t)buf[b] << (8 * b);
    for (size_t b = 4; b < md->cfg->key_size; b++)
        cr_assert_eq(buf[b], 0, "stored key corrupted");
    return k;
}

/* The value as stored: the low val_size bytes of the model's 64 bits. */
static uint64_t trunc_val(const struct model *md, uint64_t v)
{
    size_t vs = md->cfg->val_size;
    return vs >= 8 ? v : v & ((1ull << (8 * vs)) - 1);
}

static uint64_t read_val(const struct model *md, const void *p)
{
    uint64_t v = 0;
    memcpy(&v, p, md->cfg->val_size);
    return v;
}

/* Every key of the range answers as the model says. */
static void full_compare(struct model *md, size_t op)
{
    uint8_t key[8];
    cr_assert_eq(hmap_len(md->m), md->count, "op %zu", op);
    for (uint32_t k = 0; k < md->cfg->range; k++) {
        enc_key(md, key, k);
        void *p = hmap_get(md->m, key);
        cr_assert_eq(p != NULL, md->has[k], "%s op %zu: key %u %s",
                     md->cfg->name, op, k, p ? "present" : "missing");
        if (p != NULL)
            cr_assert_eq(read_val(md, p), trunc_val(md, md->val[k]),
                         "%s op %zu: value of key %u", md->cfg->name, op, k);
    }
    cr_assert_eq(hmap_check(md->m), 0, "%s op %zu", md->cfg->name, op);
}

static size_t iterate_compare(struct model *md, size_t op)
{
    static unsigned seen[MAX_RANGE];
    memset(seen, 0, sizeof seen);
    struct hmap_iter it;
    const void *kp;
    void *vp;
    size_t n = 0;
    hmap_iter_init(&it, md->m);
    while (hmap_iter_next(&it, &kp, &vp)) {
        uint32_t k = dec_key(md, kp);
        cr_assert(k < md->cfg->range && md->has[k], "%s op %zu: iterator "
                                                    "gave absent key %u",
                  md->cfg->name, op, k);
        cr_assert_eq(seen[k]++, 0, "%s op %zu: key %u visited twice",
                     md->cfg->name, op, k);
        cr_assert_eq(read_val(md, vp), trunc_val(md, md->val[k]));
        n++;
    }
    cr_assert_eq(hmap_iter_error(&it), 0);
    cr_assert_eq(n, md->count, "%s op %zu: visited %zu of %zu",
                 md->cfg->name, op, n, md->count);
    return n;
}

static void run_model(const struct model_cfg *cfg)
{
    static struct model md;
    memset(&md, 0, sizeof md);
    md.cfg = cfg;
    cr_assert(cfg->range <= MAX_RANGE && cfg->key_size <= 8 &&
              cfg->val_size <= 8);
    md.a = test_arena_new(512, PAGE_4K);
    struct hmap m;
    md.m = &m;
    struct hmap_type t = {.key_size = cfg->key_size,
                          .val_size = cfg->val_size,
                          .hash = cfg->hash};
    cr_assert_eq(hmap_init(&m, &t, md.a, cfg->hint, cfg->seed), 0);
    if (cfg->auto_shrink)
        hmap_set_auto_shrink(&m, true);
    unsigned hint_B = expect_B(cfg->hint);
    bool fast = cfg->key_size == 8 && cfg->val_size == 8 && cfg->hash == NULL;

    struct trng r;
    trng_seed(&r, cfg->seed);
    size_t n_ops[OP_KINDS] = {0}, checks = 0, hits = 0, misses = 0;
    size_t del_hits = 0, visited = 0, mid_growth = 0, max_len = 0;
    size_t same_size_seen = 0; /* summed over resets, which may zero it */
    unsigned max_B = 0;
    uint8_t key[8], val[8];
    for (size_t op = 0; op < cfg->ops; op++) {
        unsigned dice = (unsigned)trng_below(&r, 10000);
        uint32_t k = (uint32_t)trng_below(&r, cfg->range);
        uint64_t v = trng_next(&r);
        if (cfg->window != 0 && dice < 3600)
            k = (uint32_t)((op / cfg->window_step +
                            trng_below(&r, cfg->window)) %
                           cfg->range);
        enc_key(&md, key, k);
        memcpy(val, &v, sizeof val);
        struct hmap_stats before = hstats(&m);
        enum op_kind kind;
        if (dice < 3600)
            kind = fast && dice < 1800 ? OP_PUT64 : OP_PUT;
        else if (dice < 6600)
            kind = OP_GET;
        else if (dice < 9960)
            kind = OP_DEL;
        else if (dice < 9990)
            kind = OP_ITER;
        else if (dice < 9995)
            kind = OP_COMPACT;
        else if (dice < 9998)
            kind = OP_CLEAR;
        else
            kind = OP_RESET;
        if (cfg->rare_div > 1 &&
            (kind == OP_COMPACT || kind == OP_CLEAR || kind == OP_RESET) &&
            trng_below(&r, cfg->rare_div) != 0)
            kind = OP_GET;
        n_ops[kind]++;
        mid_growth += before.growing;

        switch (kind) {
        case OP_PUT:
        case OP_PUT64: {
            int rc = kind == OP_PUT64 ? hmap_put_u64(&m, (uint64_t)k, v)
                                      : hmap_put(&m, key, val);
            cr_assert_eq(rc, 0, "%s op %zu: put %u: %d", cfg->name, op, k,
                         rc);
            md.count += !md.has[k];
            md.has[k] = true;
            md.val[k] = v;
            break;
        }
        case OP_GET: {
            void *p = hmap_get(&m, key);
            cr_assert_eq(p != NULL, md.has[k], "%s op %zu: get %u",
                         cfg->name, op, k);
            if (p != NULL) {
                cr_assert_eq(read_val(&md, p), trunc_val(&md, md.val[k]));
                hits++;
            } else {
                misses++;
            }
            if (fast) {
                uint64_t g;
                cr_assert_eq(hmap_get_u64(&m, k, &g), md.has[k]);
                if (md.has[k])
                    cr_assert_eq(g, md.val[k]);
            }
            break;
        }
        case OP_DEL: {
            bool rc = (fast && (v & 1)) ? hmap_delete_u64(&m, k)
                                        : hmap_delete(&m, key);
            cr_assert_eq(rc, md.has[k], "%s op %zu: delete %u", cfg->name,
                         op, k);
            del_hits += rc;
            md.count -= md.has[k];
            md.has[k] = false;
            break;
        }
        case OP_ITER:
            visited += iterate_compare(&md, op);
            break;
        case OP_CLEAR: {
            hmap_clear(&m);
            memset(md.has, 0, sizeof md.has);
            md.count = 0;
            struct hmap_stats s = hstats(&m);
            cr_assert(!s.growing);
            cr_assert_eq(s.len, 0);
            cr_assert(s.bytes <= before.bytes);
            if (before.buckets != 0)
                cr_assert_eq(s.B, before.B, "clear changed B");
            full_compare(&md, op);
            checks++;
            break;
        }
        case OP_RESET: {
            hmap_reset(&m);
            memset(md.has, 0, sizeof md.has);
            md.count = 0;
            struct hmap_stats s = hstats(&m);
            cr_assert_eq(s.bytes, 0);
            cr_assert_eq(s.buckets, 0);
            cr_assert_eq(s.B, hint_B);
            full_compare(&md, op);
            checks++;
            break;
        }
        case OP_COMPACT: {
            cr_assert_eq(hmap_compact(&m), 0);
            struct hmap_stats s = hstats(&m);
            cr_assert(!s.growing);
            unsigned want = expect_B(md.count);
            if (want < hint_B)
                want = hint_B;
            cr_assert_eq(s.B, want, "%s op %zu: compact of %zu entries gave "
                                    "B %u",
                         cfg->name, op, md.count, s.B);
            cr_assert(s.bytes <= before.bytes || before.bytes == 0);
            full_compare(&md, op);
            checks++;
            break;
        }
        default:
            break;
        }

        struct hmap_stats s = hstats(&m);
        if (s.same_size_grows > before.same_size_grows)
            same_size_seen += s.same_size_grows - before.same_size_grows;
        cr_assert_eq(s.len, md.count, "%s op %zu (%s)", cfg->name, op,
                     op_names[kind]);
        cr_assert_eq(s.bytes, test_arena_in_use(md.a), "%s op %zu (%s): bytes %zu, "
                                                       "arena in_use %zu",
                     cfg->name, op, op_names[kind],
                     s.bytes, test_arena_in_use(md.a));
        if (!cfg->auto_shrink && kind != OP_COMPACT && kind != OP_RESET &&
            before.buckets != 0)
            cr_assert(s.B >= before.B, "%s op %zu (%s): B fell %u -> %u",
                      cfg->name, op, op_names[kind], before.B, s.B);
        if (s.len > max_len)
            max_len = s.len;
        if (s.B > max_B)
            max_B = s.B;
        if (op % 1000 == 999) {
            cr_assert_eq(hmap_check(&m), 0, "%s op %zu", cfg->name, op);
            checks++;
        }
    }
    full_compare(&md, cfg->ops);
    checks++;
    struct hmap_stats s = hstats(&m);
    TLOG("model %s: %zu ops: put %zu, put_u64 %zu, get %zu (%zu hits, %zu "
         "misses), delete %zu (%zu removed), iterate %zu (%zu entries "
         "visited), clear %zu, reset %zu, compact %zu; hmap_check %zu times; "
         "%zu ops mid-growth; max len %zu, max B %u; now: grows %zu, "
         "same-size grows %zu (%zu seen in all), shrinks %zu; misuse %zu\n",
         cfg->name, cfg->ops, n_ops[OP_PUT], n_ops[OP_PUT64], n_ops[OP_GET],
         hits, misses, n_ops[OP_DEL], del_hits, n_ops[OP_ITER], visited,
         n_ops[OP_CLEAR], n_ops[OP_RESET], n_ops[OP_COMPACT], checks,
         mid_growth, max_len, max_B, s.grows, s.same_size_grows,
         same_size_seen, s.shrinks, s.misuse);
    cr_assert_eq(s.misuse, 0);
    cr_assert(mid_growth > 0, "never observed a growth");
    if (cfg->want_same_size)
        cr_assert(same_size_seen > 0, "no same-size growth");
    hmap_reset(&m);
    cr_assert_eq(test_arena_in_use(md.a), 0);
    cr_assert_eq(arena_check(md.a), 0);
    test_arena_free(md.a);
}

Test(model, builtin_hash_1M)
{
    static const struct model_cfg cfg = {
        .name = "builtin",
        .key_size = 8,
        .val_size = 8,
        .hash = NULL,
        .range = 600,
        .hint = 0,
        .seed = 1,
        .ops = 1000000,
    };
    run_model(&cfg);
}

Test(model, weak_hash_1M)
{
    static const struct model_cfg cfg = {
        .name = "weak",
        .key_size = 8,
        .val_size = 8,
        .hash = weak_hash,
        .range = 300,
        .hint = 0,
        .seed = 2,
        .ops = 1000000,
    };
    run_model(&cfg);
}

Test(model, mod5_hash_autoshrink_1M)
{
    static const struct model_cfg cfg = {
        .name = "mod5",
        .key_size = 3,
        .val_size = 5,
        .hash = mod5_hash,
        .range = 400,
        .hint = 20,
        .auto_shrink = true,
        .seed = 3,
        .ops = 1000000,
    };
    run_model(&cfg);
}

Test(model, window_same_size_1M)
{
    static const struct model_cfg cfg = {
        .name = "window",
        .key_size = 8,
        .val_size = 8,
        .hash = group8_hash,
        .range = 1024,
        .hint = 0,
        .seed = 4,
        .ops = 1000000,
        .window = 64,
        .window_step = 10,
        .rare_div = 10,
        .want_same_size = true,
    };
    run_model(&cfg);
}
