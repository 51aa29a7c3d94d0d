/* SPDX-License-Identifier: MIT */
/*
 * swiss_testlib.c - helpers of the independent swiss suite (see the header).
 * The formulas here are written from Go's rules as swiss.h and Go's
 * NewMap state them, not from swiss_table.c, so a disagreement between
 * them and the map is a finding, not a tautology.
 */
#include "swiss_testlib.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* --- arenas ------------------------------------------------------------- */

static size_t scribbled_runs;

static void scribble_observer(void *ctx, int event, const void *pages, size_t npages)
{
    struct arena *a = ctx;
    if (event != ARENA_EVENT_FREE)
        return;
    /* The pages are free now: nobody may read them, so overwriting them is
     * what a later allocation by anyone else could do. */
    memset((void *)(uintptr_t)pages, SCRIBBLE_BYTE, npages * arena_page_size(a));
    scribbled_runs++;
}

void sa_scribble(struct arena *a)
{
    scribbled_runs = 0;
    arena_set_observer(a, scribble_observer, a);
}

size_t sa_scribbled(void)
{
    return scribbled_runs;
}

/* --- Go's sizing ------------------------------------------------------------ */

static size_t pow2_at_least(size_t n)
{
    size_t p = 1;
    while (p < n)
        p *= 2;
    return p;
}

size_t expect_dir_len(size_t hint)
{
    size_t target = hint * 8 / 7;
    return pow2_at_least((target + 1023) / 1024);
}

size_t expect_table_cap(size_t hint)
{
    size_t cap = hint * 8 / 7 / expect_dir_len(hint);
    return pow2_at_least(cap < 8 ? 8 : cap);
}

size_t expect_group_size(size_t key_size, size_t val_size)
{
    return 8 + 8 * (key_size + val_size);
}

size_t expect_max_load(size_t capacity)
{
    return capacity <= 8 ? capacity - 1 : capacity / 8 * 7;
}

/* --- hashing -------------------------------------------------------------- */

/* Up to 8 bytes of a key, little-endian, whatever the key's length. */
static uint64_t head(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t v = 0;
    for (size_t i = 0; i < len && i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint64_t id_hash(const void *key, size_t len, uint64_t seed)
{
    (void)seed;
    return head(key, len);
}

uint64_t gkey(unsigned g, unsigned tag)
{
    return (uint64_t)(tag + 1) << 16 | (uint64_t)g << 7 | (tag & 0x7f);
}

uint64_t mix_hash(const void *key, size_t len, uint64_t seed)
{
    const uint8_t *p = key;
    uint64_t h = tmix(seed ^ len);
    for (size_t i = 0; i < len; i += 8)
        h = tmix(h ^ head(p + i, len - i));
    return h;
}

uint64_t crowd_hash(const void *key, size_t len, uint64_t seed)
{
    uint64_t h = mix_hash(key, len, 0);
    (void)seed;
    return (h & 0x7f) | ((h >> 8 & 3) << 7) | ((h >> 16) % 3) << 60;
}

uint64_t top_hash(const void *key, size_t len, uint64_t seed)
{
    uint64_t h = mix_hash(key, len, 0);
    (void)seed;
    return (h & (((uint64_t)1 << 58) - 1)) | (h >> 63) << 58;
}

bool bytes_equal(const void *a, const void *b, size_t len)
{
    return memcmp(a, b, len) == 0;
}

/* --- map helpers -------------------------------------------------------- */

struct swiss_stats sstats(const struct swiss *m)
{
    struct swiss_stats s;
    memset(&s, 0, sizeof s);
    swiss_get_stats(m, &s);
    return s;
}

struct swiss_type type_u64(uint64_t (*hash)(const void *, size_t, uint64_t))
{
    return (struct swiss_type){.key_size = 8, .val_size = 8, .hash = hash};
}

int put64(struct swiss *m, uint64_t k, uint64_t v)
{
    return swiss_put(m, &k, &v);
}

bool get64(struct swiss *m, uint64_t k, uint64_t *v)
{
    const void *p = swiss_get(m, &k);
    if (p != NULL && v != NULL)
        *v = load_u64(p);
    return p != NULL;
}

bool del64(struct swiss *m, uint64_t k)
{
    return swiss_delete(m, &k);
}

void assert_range(struct swiss *m, uint64_t from, uint64_t to, uint64_t mul, uint64_t add)
{
    for (uint64_t k = from; k < to; k++) {
        uint64_t v = 0;
        cr_assert(get64(m, k, &v), "key %llu lost", (unsigned long long)k);
        cr_assert_eq(v, k * mul + add, "key %llu: value %llu", (unsigned long long)k,
                     (unsigned long long)v);
    }
}

size_t iter_count(struct swiss *m, unsigned *visits, uint64_t range, size_t *stray, int *err)
{
    struct swiss_iter it;
    const void *k;
    size_t n = 0;
    *stray = 0;
    swiss_iter_init(&it, m);
    while (swiss_iter_next(&it, &k, NULL)) {
        uint64_t key = load_u64(k);
        if (key < range)
            visits[key]++;
        else
            (*stray)++;
        n++;
    }
    *err = swiss_iter_error(&it);
    return n;
}
