/* SPDX-License-Identifier: MIT */
/*
 * cmd_selftest.c - `selftest [N]`: the map's randomized model test, run on
 * whatever the console runs on (the board of either width, or the host).
 *
 * N random operations (default SELFTEST_DEFAULT_OPS, at most
 * SELFTEST_MAX_OPS) on a map of its own, over an arena of its own made on
 * the console's scratch region (cfg.demo_region, which `demo` uses too),
 * against a reference kept in static arrays: one slot per key of a fixed set of
 * SELFTEST_KEYS keys spread over all 64 bits.  The operations mix the
 * 8-byte fast paths and the general ones (puts, gets, deletes), with an
 * occasional clear, compact and reset, so growth, evacuation, overflow
 * chains and the emptyRest bookkeeping all happen.  After every operation
 * the answer and len are compared with the reference; every
 * SELFTEST_CHECK_EVERY operations, and at the end, hmap_check runs and every
 * key of the set is looked up.
 *
 * First, the built-in hash against known answers (computed on a 64-bit
 * host): a key must hash alike on every width, or the same keys would lay
 * out differently on the two boards.
 *
 * Each run of the command draws its operations from the next seed, so
 * runs one after another test different sequences (the same ones on every
 * boot).  Answers `ok`, or one ERR line naming the first disagreement
 * (operation number, operation, key, what the map said, what the reference
 * says).  Neither the console's map nor its arena is touched.  The limit on
 * N keeps one line's work bounded (the console fuzzer runs many lines).
 */
#include "console_internal.h"

#include <inttypes.h>

#include "keys.h"
#include "map_u64.h"

#define SELFTEST_KEYS 512
#define SELFTEST_DEFAULT_OPS 20000
#define SELFTEST_MAX_OPS 100000
#define SELFTEST_PAGE 4096
#define SELFTEST_CHECK_EVERY 1024
#define SELFTEST_SEED 0x73656c6674657374ULL

/* The reference: the value of key_of(i), and whether it is in the map. */
static uint64_t ref_val[SELFTEST_KEYS];
static bool ref_live[SELFTEST_KEYS];
static size_t ref_len;
static struct hmap test_map; /* static: keep the command's stack small */
static struct arena test_arena;
static uint64_t runs;        /* runs so far: the next run's seed */

/* hmap_hash_bytes(key, len, seed) as a 64-bit host computes it (the
 * 128-bit multiply); the 13-byte key takes the general loop and its tail. */
struct known_hash {
    const char *key;
    size_t len;
    uint64_t seed, hash;
};
static const struct known_hash known_hashes[] = {
    {"\0\0\0\0\0\0\0\0", 8, 0, 0x56d6e8803ef4e747ULL},
    {"\1\0\0\0\0\0\0\0", 8, 0x7469646500000001ULL, 0x771e0c90b7459046ULL},
    {"\x15\x7c\x4a\x7f\xb9\x79\x37\x9e", 8, 0xffffffffffffffffULL, 0x1cf9ad91dd934c42ULL},
    {"\xff\xff\xff\xff\xff\xff\xff\xff", 8, 0x5eed5eed5eed5eedULL, 0x60b048d61183e59eULL},
    {"tidemark-13b", 13, 42, 0x09fdecdf16207195ULL},
};

/* 0, or the index of the first known answer the hash misses, plus one. */
static size_t hash_mismatch(void)
{
    for (size_t i = 0; i < sizeof known_hashes / sizeof known_hashes[0]; i++) {
        const struct known_hash *k = &known_hashes[i];
        if (hmap_hash_bytes(k->key, k->len, k->seed) != k->hash)
            return i + 1;
    }
    return 0;
}

/* Key i of the set: an odd multiplier spreads 0..511 over all 64 bits, so
 * both hash halves and the top (tophash) byte vary. */
static uint64_t key_of(size_t i)
{
    return (uint64_t)i * 0x9e3779b97f4a7c15ULL;
}

/* Compare the whole map with the reference; 0 or the first index that
 * disagrees plus one. */
static size_t sweep(void)
{
    for (size_t i = 0; i < SELFTEST_KEYS; i++) {
        uint64_t v = 0;
        bool found = hmap_get_u64(&test_map, key_of(i), &v);
        if (found != ref_live[i] || (found && v != ref_val[i]))
            return i + 1;
    }
    return 0;
}

static void cmd_selftest(struct console *c, const struct console_word *w, int nargs)
{
    uint64_t n = SELFTEST_DEFAULT_OPS;
    if (nargs == 1 && !console_arg_number(c, "selftest", "N", &w[1], SELFTEST_MAX_OPS, &n))
        return;
    size_t bad_hash = hash_mismatch();
    if (bad_hash != 0) {
        const struct known_hash *k = &known_hashes[bad_hash - 1];
        console_say(c,
                    "ERR selftest: hmap_hash_bytes of known key %zu (%zu bytes) gave %" PRIu64
                    ", a 64-bit host gives %" PRIu64 "\n",
                    bad_hash - 1, k->len, hmap_hash_bytes(k->key, k->len, k->seed), k->hash);
        return;
    }
    if (!c->cfg.demo_region) {
        console_say(c, "ERR selftest: this console has no scratch region\n");
        return;
    }
    int rc = arena_init(&test_arena, c->cfg.demo_region, c->cfg.demo_size, SELFTEST_PAGE);
    if (rc != ARENA_OK) {
        console_say(c, "ERR selftest: arena_init: %s\n", arena_strerror(rc));
        return;
    }
    uint64_t rng = SELFTEST_SEED + runs++;
    rc = hmap_init(&test_map, &map_u64_type, &test_arena, 0, splitmix64(&rng));
    if (rc != HMAP_OK) {
        console_say(c, "ERR selftest: hmap_init: %s\n", hmap_strerror(rc));
        return;
    }
    for (size_t i = 0; i < SELFTEST_KEYS; i++) {
        ref_live[i] = false;
        ref_val[i] = 0;
    }
    ref_len = 0;

    const char *bad = NULL; /* the operation that disagreed */
    uint64_t op_no = 0, bad_key = 0, said = 0, want = 0;
    for (op_no = 1; op_no <= n && bad == NULL; op_no++) {
        uint64_t r = splitmix64(&rng);
        size_t i = (size_t)(r % SELFTEST_KEYS);
        unsigned kind = (unsigned)((r >> 32) % 1000);
        uint64_t k = key_of(i), v = r ^ (r >> 29);
        bad_key = k;
        /* kind, of 1000: 35% puts, 25% gets, 39.7% deletes (each a sixth
         * or so through the general path), then clear, compact, reset. */
        if (kind < 350) {
            rc = kind < 300 ? hmap_put_u64(&test_map, k, v) : hmap_put(&test_map, &k, &v);
            if (rc != HMAP_OK) {
                bad = "put failed";
                said = (uint64_t)-rc;
                break;
            }
            ref_len += !ref_live[i];
            ref_live[i] = true;
            ref_val[i] = v;
        } else if (kind < 600) {
            uint64_t got = 0;
            bool found;
            if (kind < 550) {
                found = hmap_get_u64(&test_map, k, &got);
            } else {
                const uint64_t *p = hmap_get(&test_map, &k);
                found = p != NULL;
                if (found)
                    got = *p;
            }
            if (found != ref_live[i] || (found && got != ref_val[i])) {
                bad = "get";
                said = found ? got : UINT64_MAX;
                want = ref_live[i] ? ref_val[i] : UINT64_MAX;
            }
        } else if (kind < 997) {
            bool found = kind < 930 ? hmap_delete_u64(&test_map, k) : hmap_delete(&test_map, &k);
            if (found != ref_live[i]) {
                bad = "delete";
                said = found;
                want = ref_live[i];
            }
            ref_len -= ref_live[i];
            ref_live[i] = false;
        } else if (kind == 998) {
            rc = hmap_compact(&test_map);
            if (rc != HMAP_OK) {
                bad = "compact failed";
                said = (uint64_t)-rc;
                break;
            }
        } else { /* 997: clear, 999: reset; both empty the map */
            if (kind == 997)
                hmap_clear(&test_map);
            else
                hmap_reset(&test_map);
            for (size_t j = 0; j < SELFTEST_KEYS; j++)
                ref_live[j] = false;
            ref_len = 0;
        }
        if (bad == NULL && hmap_len(&test_map) != ref_len) {
            bad = "len";
            said = hmap_len(&test_map);
            want = ref_len;
        }
        if (bad == NULL && (op_no % SELFTEST_CHECK_EVERY == 0 || op_no == n)) {
            int check = hmap_check(&test_map), acheck = arena_check(&test_arena);
            size_t miss = sweep();
            if (check != 0) {
                bad = "hmap_check";
                said = (uint64_t)-check;
            } else if (acheck != 0) {
                bad = "arena_check";
                said = (uint64_t)-acheck;
            } else if (miss != 0) {
                bad = "sweep";
                bad_key = key_of(miss - 1);
                want = ref_live[miss - 1] ? ref_val[miss - 1] : UINT64_MAX;
            }
        }
    }
    hmap_reset(&test_map);
    if (bad == NULL) {
        console_say(c, "ok\n");
        return;
    }
    console_say(c,
                "ERR selftest: operation %" PRIu64 " (%s) key %" PRIu64 ": the map said %" PRIu64
                ", the reference %" PRIu64 " (18446744073709551615: absent; hmap_check and put "
                "give -code)\n",
                op_no, bad, bad_key, said, want);
}

static const struct console_command selftest_commands[] = {
    {"selftest", "[N]", 0, 1, false, NULL, cmd_selftest,
     "N random operations against a reference map (default 20000)"},
};
CONSOLE_COMMAND_SET(console_selftest_commands, selftest_commands);
