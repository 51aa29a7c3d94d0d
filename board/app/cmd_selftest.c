/* SPDX-License-Identifier: MIT */
/*
 * cmd_selftest.c - `selftest [N]`: the maps' randomized model test, run on
 * whatever the console runs on (the board of either width, or the host),
 * on the bucket map (hmap) and then on the Swiss-table map (swiss).
 *
 * For each map, N random operations (default SELFTEST_DEFAULT_OPS, at most
 * SELFTEST_MAX_OPS) on a map of its own, over an arena of its own made on
 * the console's scratch region (cfg.demo_region, which `demo` uses too),
 * against a reference kept in static arrays: one slot per key of a fixed set of
 * SELFTEST_KEYS keys spread over all 64 bits.  The operations mix the
 * 8-byte fast paths and the general ones (puts, gets, deletes), with an
 * occasional clear, compact (the bucket map's) and reset, so growth,
 * evacuation, overflow chains and the emptyRest bookkeeping, or the Swiss
 * map's small map, doublings, splits, tombstones and pruning, all happen.
 * After every operation the answer and len are compared with the
 * reference; every SELFTEST_CHECK_EVERY operations, and at the end, the
 * map's check runs and every key of the set is looked up.
 *
 * First, both built-in hashes against known answers (computed on a 64-bit
 * host): a key must hash alike on every width, or the same keys would lay
 * out differently on the two boards.
 *
 * Each run of the command draws its operations from the next seed, so
 * runs one after another test different sequences (the same ones on every
 * boot).  Answers `ok`, or one ERR line naming the first disagreement
 * (operation number, operation, key, what the map said, what the reference
 * says), naming the map.  Neither the console's map nor its arena is
 * touched.  The limit on
 * N keeps one line's work bounded (the console fuzzer runs many lines).
 */
#include "console_internal.h"

#include <inttypes.h>

#include "keys.h"
#include "map_u64.h"
#include "swiss.h"
#include "page_size.h"

#define SELFTEST_KEYS 512
#define SELFTEST_DEFAULT_OPS 20000
#define SELFTEST_MAX_OPS 100000
#define SELFTEST_CHECK_EVERY 1024
#define SELFTEST_SEED 0x73656c6674657374ULL

/* The reference: the value of key_of(i), and whether it is in the map. */
static uint64_t ref_val[SELFTEST_KEYS];
static bool ref_live[SELFTEST_KEYS];
static size_t ref_len;
static struct hmap test_map; /* static: keep the command's stack small */
static struct swiss test_swiss;
static struct arena test_arena;
static uint64_t runs; /* runs so far: the next run's seed */

/* The built-in hashes as a 64-bit host computes them: hmap's (a 128-bit
 * multiply) and swiss's; the 13-byte key takes the general loop and its
 * tail. */
struct known_hash {
    const char *key;
    size_t len;
    uint64_t seed, hmap_hash, swiss_hash;
};
static const struct known_hash known_hashes[] = {
    {"\0\0\0\0\0\0\0\0", 8, 0, 0x56d6e8803ef4e747ULL, 0xa161665990567eccULL},
    {"\1\0\0\0\0\0\0\0", 8, 0x7469646500000001ULL, 0x771e0c90b7459046ULL,
     0x9a4317d1c035fc1fULL},
    {"\x15\x7c\x4a\x7f\xb9\x79\x37\x9e", 8, 0xffffffffffffffffULL, 0x1cf9ad91dd934c42ULL,
     0x1cf825346b174154ULL},
    {"\xff\xff\xff\xff\xff\xff\xff\xff", 8, 0x5eed5eed5eed5eedULL, 0x60b048d61183e59eULL,
     0xa96e4d374d719f8eULL},
    {"tidemark-13b", 13, 42, 0x09fdecdf16207195ULL, 0x95ac982df249f784ULL},
};

/* Says the first known answer a hash misses and returns false, or returns
 * true. */
static bool hashes_known(struct console *c)
{
    for (size_t i = 0; i < sizeof known_hashes / sizeof known_hashes[0]; i++) {
        const struct known_hash *k = &known_hashes[i];
        uint64_t h = hmap_hash_bytes(k->key, k->len, k->seed);
        uint64_t s = swiss_hash_bytes(k->key, k->len, k->seed);
        if (h != k->hmap_hash || s != k->swiss_hash) {
            bool bucket = h != k->hmap_hash;
            console_say(c,
                        "ERR selftest: %s of known key %zu (%zu bytes) gave %" PRIu64
                        ", a 64-bit host gives %" PRIu64 "\n",
                        bucket ? "hmap_hash_bytes" : "swiss_hash_bytes", i, k->len,
                        bucket ? h : s, bucket ? k->hmap_hash : k->swiss_hash);
            return false;
        }
    }
    return true;
}

/*
 * One map under test, reached through the same calls whichever generation
 * it is: the model below runs unchanged on both.  compact is NULL where the
 * map has none (Go's Swiss map has no rebuild of its own).
 */
struct tested_map {
    const char *name;
    int (*init)(uint64_t seed);
    int (*put_u64)(uint64_t k, uint64_t v);
    int (*put)(const uint64_t *k, const uint64_t *v);
    bool (*get_u64)(uint64_t k, uint64_t *v);
    const uint64_t *(*get)(const uint64_t *k);
    bool (*del_u64)(uint64_t k);
    bool (*del)(const uint64_t *k);
    void (*clear)(void);
    void (*reset)(void);
    int (*compact)(void);
    int (*check)(void);
    size_t (*len)(void);
    const char *(*strerror)(int code);
};

static int hm_init(uint64_t seed) { return hmap_init(&test_map, &map_u64_type, &test_arena, 0, seed); }
static int hm_put_u64(uint64_t k, uint64_t v) { return hmap_put_u64(&test_map, k, v); }
static int hm_put(const uint64_t *k, const uint64_t *v) { return hmap_put(&test_map, k, v); }
static bool hm_get_u64(uint64_t k, uint64_t *v) { return hmap_get_u64(&test_map, k, v); }
static const uint64_t *hm_get(const uint64_t *k) { return hmap_get(&test_map, k); }
static bool hm_del_u64(uint64_t k) { return hmap_delete_u64(&test_map, k); }
static bool hm_del(const uint64_t *k) { return hmap_delete(&test_map, k); }
static void hm_clear(void) { hmap_clear(&test_map); }
static void hm_reset(void) { hmap_reset(&test_map); }
static int hm_compact(void) { return hmap_compact(&test_map); }
static int hm_check(void) { return hmap_check(&test_map); }
static size_t hm_len(void) { return hmap_len(&test_map); }

static const struct tested_map bucket_map = {
    "hmap",
    hm_init,
    hm_put_u64,
    hm_put,
    hm_get_u64,
    hm_get,
    hm_del_u64,
    hm_del,
    hm_clear,
    hm_reset,
    hm_compact,
    hm_check,
    hm_len,
    hmap_strerror,
};

static const struct swiss_type swiss_u64_type = {.key_size = 8, .val_size = 8};
static int sw_init(uint64_t seed) { return swiss_init(&test_swiss, &swiss_u64_type, &test_arena, 0, seed); }
static int sw_put_u64(uint64_t k, uint64_t v) { return swiss_put_u64(&test_swiss, k, v); }
static int sw_put(const uint64_t *k, const uint64_t *v) { return swiss_put(&test_swiss, k, v); }
static bool sw_get_u64(uint64_t k, uint64_t *v) { return swiss_get_u64(&test_swiss, k, v); }
static const uint64_t *sw_get(const uint64_t *k) { return swiss_get(&test_swiss, k); }
static bool sw_del_u64(uint64_t k) { return swiss_delete_u64(&test_swiss, k); }
static bool sw_del(const uint64_t *k) { return swiss_delete(&test_swiss, k); }
static void sw_clear(void) { swiss_clear(&test_swiss); }
static void sw_reset(void) { swiss_reset(&test_swiss); }
static int sw_check(void) { return swiss_check(&test_swiss); }
static size_t sw_len(void) { return swiss_len(&test_swiss); }

static const struct tested_map swiss_map = {
    "swiss",
    sw_init,
    sw_put_u64,
    sw_put,
    sw_get_u64,
    sw_get,
    sw_del_u64,
    sw_del,
    sw_clear,
    sw_reset,
    NULL,
    sw_check,
    sw_len,
    swiss_strerror,
};

/* Key i of the set: an odd multiplier spreads 0..511 over all 64 bits, so
 * both hash halves and the top (tophash) byte vary. */
static uint64_t key_of(size_t i)
{
    return (uint64_t)i * 0x9e3779b97f4a7c15ULL;
}

/* Compare the whole map with the reference; 0 or the first index that
 * disagrees plus one. */
static size_t sweep(const struct tested_map *t)
{
    for (size_t i = 0; i < SELFTEST_KEYS; i++) {
        uint64_t v = 0;
        bool found = t->get_u64(key_of(i), &v);
        if (found != ref_live[i] || (found && v != ref_val[i]))
            return i + 1;
    }
    return 0;
}

/* What went wrong, for the ERR line: NULL while all agreed. */
struct disagreement {
    const char *what;
    uint64_t op_no, key, said, want;
};

/* Run n operations drawn from rng on map t (made on test_arena) against
 * the reference; fills *d at the first disagreement.  Gives every page
 * back at the end. */
static void run_model(const struct tested_map *t, uint64_t n, uint64_t rng,
                      struct disagreement *d)
{
    for (size_t i = 0; i < SELFTEST_KEYS; i++) {
        ref_live[i] = false;
        ref_val[i] = 0;
    }
    ref_len = 0;
    *d = (struct disagreement){0};
    int rc;
    for (d->op_no = 1; d->op_no <= n && d->what == NULL; d->op_no++) {
        uint64_t r = splitmix64(&rng);
        size_t i = (size_t)(r % SELFTEST_KEYS);
        unsigned kind = (unsigned)((r >> 32) % 1000);
        uint64_t k = key_of(i), v = r ^ (r >> 29);
        d->key = k;
        /* kind, of 1000: 35% puts, 25% gets, 39.7% deletes (each a sixth
         * or so through the general path), then clear, compact, reset. */
        if (kind < 350) {
            rc = kind < 300 ? t->put_u64(k, v) : t->put(&k, &v);
            if (rc != 0) {
                d->what = "put failed";
                d->said = (uint64_t)-rc;
                break;
            }
            ref_len += !ref_live[i];
            ref_live[i] = true;
            ref_val[i] = v;
        } else if (kind < 600) {
            uint64_t got = 0;
            bool found;
            if (kind < 550) {
                found = t->get_u64(k, &got);
            } else {
                const uint64_t *p = t->get(&k);
                found = p != NULL;
                if (found)
                    got = *p;
            }
            if (found != ref_live[i] || (found && got != ref_val[i])) {
                d->what = "get";
                d->said = found ? got : UINT64_MAX;
                d->want = ref_live[i] ? ref_val[i] : UINT64_MAX;
            }
        } else if (kind < 997) {
            bool found = kind < 930 ? t->del_u64(k) : t->del(&k);
            if (found != ref_live[i]) {
                d->what = "delete";
                d->said = found;
                d->want = ref_live[i];
            }
            ref_len -= ref_live[i];
            ref_live[i] = false;
        } else if (kind == 998) {
            rc = t->compact ? t->compact() : 0;
            if (rc != 0) {
                d->what = "compact failed";
                d->said = (uint64_t)-rc;
                break;
            }
        } else { /* 997: clear, 999: reset; both empty the map */
            if (kind == 997)
                t->clear();
            else
                t->reset();
            for (size_t j = 0; j < SELFTEST_KEYS; j++)
                ref_live[j] = false;
            ref_len = 0;
        }
        if (d->what == NULL && t->len() != ref_len) {
            d->what = "len";
            d->said = t->len();
            d->want = ref_len;
        }
        if (d->what == NULL && (d->op_no % SELFTEST_CHECK_EVERY == 0 || d->op_no == n)) {
            int check = t->check(), acheck = arena_check(&test_arena);
            size_t miss = sweep(t);
            if (check != 0) {
                d->what = "check";
                d->said = (uint64_t)-check;
            } else if (acheck != 0) {
                d->what = "arena_check";
                d->said = (uint64_t)-acheck;
            } else if (miss != 0) {
                d->what = "sweep";
                d->key = key_of(miss - 1);
                d->want = ref_live[miss - 1] ? ref_val[miss - 1] : UINT64_MAX;
            }
        }
    }
    t->reset();
}

static void cmd_selftest(struct console *c, const struct console_word *w, int nargs)
{
    uint64_t n = SELFTEST_DEFAULT_OPS;
    if (nargs == 1 && !console_arg_number(c, "selftest", "N", &w[1], SELFTEST_MAX_OPS, &n))
        return;
    if (!hashes_known(c))
        return;
    if (!c->cfg.demo_region) {
        console_say(c, "ERR selftest: this console has no scratch region\n");
        return;
    }
    static const struct tested_map *const maps[] = {&bucket_map, &swiss_map};
    uint64_t seed = SELFTEST_SEED + runs++;
    for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++) {
        const struct tested_map *t = maps[m];
        int rc = arena_init(&test_arena, c->cfg.demo_region, c->cfg.demo_size, TIDEMARK_PAGE_SIZE);
        if (rc != ARENA_OK) {
            console_say(c, "ERR selftest: arena_init: %s\n", arena_strerror(rc));
            return;
        }
        /* Both maps see the same operations: the same seed. */
        uint64_t rng = seed;
        rc = t->init(splitmix64(&rng));
        if (rc != 0) {
            console_say(c, "ERR selftest: %s_init: %s\n", t->name, t->strerror(rc));
            return;
        }
        struct disagreement d;
        run_model(t, n, rng, &d);
        if (d.what != NULL) {
            console_say(c,
                        "ERR selftest: %s operation %" PRIu64 " (%s) key %" PRIu64
                        ": the map said %" PRIu64 ", the reference %" PRIu64
                        " (18446744073709551615: absent; check and put give -code)\n",
                        t->name, d.op_no, d.what, d.key, d.said, d.want);
            return;
        }
    }
    console_say(c, "ok\n");
}

static const struct console_command selftest_commands[] = {
    {"selftest", "[N]", 0, 1, false, NULL, cmd_selftest,
     "N random ops on both maps vs a reference (default 20000)"},
};
CONSOLE_COMMAND_SET(console_selftest_commands, selftest_commands);
