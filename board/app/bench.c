/* SPDX-License-Identifier: MIT */
/*
 * bench.c - the target benchmark (see bench.h for what is measured and how).
 *
 * Each measured loop has an "empty" twin: the same loop with the call
 * replaced by an empty asm statement that takes the call's arguments and
 * yields a result.  The asm emits no instruction, but the compiler must still
 * load each key, compute each argument and accumulate each result, so the
 * twin counts the loop's own work, which is subtracted.  What the twin cannot
 * count is moving the arguments into a0..a2 and the call and return: those
 * stay in the figure, as they are a caller's cost of each operation.  The
 * compiler may still shape a loop and its twin a little differently; the
 * figures are within an instruction or two of the call's own cost.
 * The asm statements are volatile so that neither loop is folded away, and
 * every loop is bracketed by two calls of the counter hook, which the
 * compiler cannot move code across.
 */
#include "bench.h"

#include <inttypes.h>
#include <stdbool.h>

#include "hmap.h"
#include "keys.h"
#include "map_u64.h"
#include "out.h"
#include "page_size.h"
#include "swiss.h"
#include "swiss_debug.h"

static uint64_t count(const struct bench_io *io)
{
    return io->instret(io->ctx);
}

/* Print one figure: (measured - empty) / ops, to one decimal, rounded half
 * up.  n == 0: a figure that has no N (page_pair). */
static void report(const struct bench_io *io, const char *tag, size_t n, const char *op,
                   uint64_t measured, uint64_t empty, size_t ops)
{
    uint64_t net = measured > empty ? measured - empty : 0;
    uint64_t tenths = (net * 10 + ops / 2) / ops;
    if (n)
        out_printf(io->write, io->ctx,
                   "bench %sn=%zu op=%s instret_per_op=%" PRIu64 ".%" PRIu64 "\n", tag, n, op,
                   tenths / 10, tenths % 10);
    else
        out_printf(io->write, io->ctx, "bench op=%s instret_per_op=%" PRIu64 ".%" PRIu64 "\n",
                   op, tenths / 10, tenths % 10);
}

/*
 * Why a lookup costs what it does: the groups a lookup reads, on average
 * over the present keys and over the absent ones, to two decimals, rounded
 * half up.  Counted outside the measured loops.
 */
static void report_groups(const struct bench_io *io, const char *tag, size_t n, void *m,
                          size_t (*probe_groups)(void *m, const uint64_t *key),
                          const uint64_t *present, const uint64_t *absent)
{
    uint64_t hit = 0, miss = 0;
    for (size_t i = 0; i < n; i++) {
        hit += probe_groups(m, &present[i]);
        miss += probe_groups(m, &absent[i]);
    }
    hit = (hit * 100 + n / 2) / n;
    miss = (miss * 100 + n / 2) / n;
    out_printf(io->write, io->ctx,
               "bench %sn=%zu groups_per_lookup hit=%" PRIu64 ".%02" PRIu64 " miss=%" PRIu64
               ".%02" PRIu64 "\n",
               tag, n, hit / 100, hit % 100, miss / 100, miss % 100);
}

/* --- the map workloads ----------------------------------------------------- */

/* Every loop walks its keys with a pointer and accumulates into a 64-bit
 * word, and every twin's asm yields a 64-bit word, so that the compiler gives
 * a loop and its twin the same shape (no index arithmetic in one and not the
 * other, no sign or zero extension of the result in one only). */

/*
 * The measured loops, one set per map (MAP_LOOPS below), each calling its
 * map's functions directly, as a user's code would: a call through a pointer
 * would add its own instructions to every figure.
 *
 * (2) insert: returns the count; *err is nonzero if any put failed.
 * (3), (4) lookup: *hits is how many keys were found.
 * (5) delete: *hits is how many deletes found their key.
 */
#define MAP_LOOPS(pfx, map_t, put_u64, get_u64, delete_u64)                                   \
    static uint64_t pfx##_loop_insert(const struct bench_io *io, void *mv, const uint64_t *k, \
                                      size_t n, uint64_t *err)                                \
    {                                                                                         \
        map_t *m = mv;                                                                        \
        uint64_t acc = 0;                                                                     \
        const uint64_t *end = k + n;                                                          \
        uint64_t t0 = count(io);                                                              \
        for (const uint64_t *p = k; p != end; p++)                                            \
            acc |= (uint64_t)put_u64(m, *p, ~*p);                                             \
        uint64_t t1 = count(io);                                                              \
        *err = acc;                                                                           \
        return t1 - t0;                                                                       \
    }                                                                                         \
    static uint64_t pfx##_loop_lookup(const struct bench_io *io, void *mv, const uint64_t *k, \
                                      size_t n, size_t *hits)                                 \
    {                                                                                         \
        map_t *m = mv;                                                                        \
        uint64_t found = 0, v;                                                                \
        const uint64_t *end = k + n;                                                          \
        uint64_t t0 = count(io);                                                              \
        for (const uint64_t *p = k; p != end; p++)                                            \
            found += get_u64(m, *p, &v);                                                      \
        uint64_t t1 = count(io);                                                              \
        *hits = (size_t)found;                                                                \
        return t1 - t0;                                                                       \
    }                                                                                         \
    static uint64_t pfx##_loop_delete(const struct bench_io *io, void *mv, const uint64_t *k, \
                                      size_t n, size_t *hits)                                 \
    {                                                                                         \
        map_t *m = mv;                                                                        \
        uint64_t found = 0;                                                                   \
        const uint64_t *end = k + n;                                                          \
        uint64_t t0 = count(io);                                                              \
        for (const uint64_t *p = k; p != end; p++)                                            \
            found += delete_u64(m, *p);                                                       \
        uint64_t t1 = count(io);                                                              \
        *hits = (size_t)found;                                                                \
        return t1 - t0;                                                                       \
    }

MAP_LOOPS(hmap, struct hmap, hmap_put_u64, hmap_get_u64, hmap_delete_u64)
MAP_LOOPS(swiss, struct swiss, swiss_put_u64, swiss_get_u64, swiss_delete_u64)

static int hmap_bench_init(void *m, struct arena *a, size_t n)
{
    return hmap_init(m, &map_u64_type, a, n, BENCH_MAP_SEED);
}

static size_t hmap_bench_len(void *m)
{
    return hmap_len(m);
}

static const char *hmap_bench_strerror(int rc)
{
    return hmap_strerror(rc);
}

/* 8-byte keys and values, the built-in hash: the swiss_*_u64 calls' map. */
static const struct swiss_type swiss_u64_type = {.key_size = 8, .val_size = 8};

static int swiss_bench_init(void *m, struct arena *a, size_t n)
{
    return swiss_init(m, &swiss_u64_type, a, n, BENCH_MAP_SEED);
}

static size_t swiss_bench_len(void *m)
{
    return swiss_len(m);
}

static const char *swiss_bench_strerror(int rc)
{
    return swiss_strerror(rc);
}

static size_t swiss_bench_probe_groups(void *m, const uint64_t *key)
{
    return swiss_probe_groups(m, key);
}

/* One map under the bench: how its lines are tagged, and its calls. */
struct bench_map_ops {
    const char *tag; /* after "bench ": "" (the bucket map) or "map=swiss " */
    const char *init_name;
    int (*init)(void *m, struct arena *a, size_t n);
    size_t (*len)(void *m);
    const char *(*strerror)(int rc);
    uint64_t (*insert)(const struct bench_io *io, void *m, const uint64_t *k, size_t n,
                       uint64_t *err);
    uint64_t (*lookup)(const struct bench_io *io, void *m, const uint64_t *k, size_t n,
                       size_t *hits);
    uint64_t (*del)(const struct bench_io *io, void *m, const uint64_t *k, size_t n,
                    size_t *hits);
    /* Groups a lookup of *key reads, or NULL for a map without groups. */
    size_t (*probe_groups)(void *m, const uint64_t *key);
};

static const struct bench_map_ops bucket_ops = {
    "",
    "hmap_init",
    hmap_bench_init,
    hmap_bench_len,
    hmap_bench_strerror,
    hmap_loop_insert,
    hmap_loop_lookup,
    hmap_loop_delete,
    NULL,
};

static const struct bench_map_ops swiss_ops = {
    "map=swiss ",
    "swiss_init",
    swiss_bench_init,
    swiss_bench_len,
    swiss_bench_strerror,
    swiss_loop_insert,
    swiss_loop_lookup,
    swiss_loop_delete,
    swiss_bench_probe_groups,
};

/* The empty twins take the map as a plain pointer: the asm only needs it in
 * a register, whichever map it is.  They stay out of line, as the measured
 * loops are (called through bench_map_ops): inlined into bench_map, a twin's
 * loop could take another shape than its measured loop's, and move the
 * figures with a change elsewhere in bench_map. */
static __attribute__((noinline)) uint64_t empty_insert(const struct bench_io *io, void *m,
                                                       const uint64_t *k, size_t n)
{
    uint64_t acc = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++) {
        uint64_t r;
        __asm__ volatile(""
                         : "=r"(r)
                         : "r"(m), "r"(*p), "r"(~*p));
        acc |= r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile(""
                     :
                     : "r"(acc));
    return t1 - t0;
}

static __attribute__((noinline)) uint64_t empty_lookup(const struct bench_io *io, void *m,
                                                       const uint64_t *k, size_t n)
{
    uint64_t found = 0, v = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++) {
        uint64_t r;
        __asm__ volatile(""
                         : "=r"(r)
                         : "r"(m), "r"(*p), "r"(&v));
        found += r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile(""
                     :
                     : "r"(found));
    return t1 - t0;
}

static __attribute__((noinline)) uint64_t empty_delete(const struct bench_io *io, void *m,
                                                       const uint64_t *k, size_t n)
{
    uint64_t found = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++) {
        uint64_t r;
        __asm__ volatile(""
                         : "=r"(r)
                         : "r"(m), "r"(*p));
        found += r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile(""
                     :
                     : "r"(found));
    return t1 - t0;
}

/* Workloads (2) to (5) at one N on one map, in a scratch arena over region. */
static int bench_map(void *region, size_t bytes, size_t n, const struct bench_map_ops *ops,
                     const struct bench_io *io)
{
    const char *tag = ops->tag;
    struct arena s;
    if (arena_init(&s, region, bytes, TIDEMARK_PAGE_SIZE) != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: %sn=%zu: the scratch arena could not be made\n", tag, n);
        return BENCH_ERR_WRONG;
    }
    size_t key_pages = arena_pages_for(&s, n * sizeof(uint64_t));
    uint64_t *present = arena_alloc_pages(&s, key_pages);
    uint64_t *absent = arena_alloc_pages(&s, key_pages);
    if (!present || !absent) {
        out_printf(io->write, io->ctx,
                   "ERR bench: %sn=%zu: the keys do not fit in the bench's region\n", tag, n);
        return BENCH_ERR_WRONG;
    }
    uint64_t st = KEYS_SEED;
    keys_draw(&st, present, n);
    keys_draw(&st, absent, n);

    /* Room for either map. */
    union {
        struct hmap h;
        struct swiss w;
    } mu;
    void *m = &mu;
    int rc = ops->init(m, &s, n);
    if (rc != 0) {
        out_printf(io->write, io->ctx, "ERR bench: %sn=%zu: %s: %s\n", tag, n, ops->init_name,
                   ops->strerror(rc));
        return BENCH_ERR_WRONG;
    }

    uint64_t err;
    uint64_t measured = ops->insert(io, m, present, n, &err);
    uint64_t empty = empty_insert(io, m, present, n);
    if (err != 0 || ops->len(m) != n) {
        out_printf(io->write, io->ctx,
                   "ERR bench: %sn=%zu op=insert_hint: %zu of %zu keys went in\n", tag, n,
                   ops->len(m), n);
        return BENCH_ERR_WRONG;
    }
    report(io, tag, n, "insert_hint", measured, empty, n);

    /* The lookup and delete order. */
    keys_shuffle(present, n);

    size_t hits;
    measured = ops->lookup(io, m, present, n, &hits);
    empty = empty_lookup(io, m, present, n);
    if (hits != n) {
        out_printf(io->write, io->ctx,
                   "ERR bench: %sn=%zu op=lookup_hit: %zu of %zu keys found\n", tag, n, hits, n);
        return BENCH_ERR_WRONG;
    }
    report(io, tag, n, "lookup_hit", measured, empty, n);

    measured = ops->lookup(io, m, absent, n, &hits);
    empty = empty_lookup(io, m, absent, n);
    if (hits != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: %sn=%zu op=lookup_miss: %zu absent keys found\n", tag, n, hits);
        return BENCH_ERR_WRONG;
    }
    report(io, tag, n, "lookup_miss", measured, empty, n);
    if (ops->probe_groups != NULL)
        report_groups(io, tag, n, m, ops->probe_groups, present, absent);

    measured = ops->del(io, m, present, n, &hits);
    empty = empty_delete(io, m, present, n);
    if (hits != n || ops->len(m) != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: %sn=%zu op=delete: %zu of %zu keys deleted\n", tag, n, hits, n);
        return BENCH_ERR_WRONG;
    }
    report(io, tag, n, "delete", measured, empty, n);
    return BENCH_OK;
}

/* --- the page pair --------------------------------------------------------- */

static uint64_t loop_pairs(const struct bench_io *io, struct arena *s, size_t pairs,
                           uint64_t *err)
{
    uint64_t acc = 0;
    uint64_t t0 = count(io);
    for (size_t i = 0; i < pairs; i++) {
        void *p = arena_alloc_pages(s, 1);
        acc |= (uint64_t)arena_free_pages(s, p, 1);
    }
    uint64_t t1 = count(io);
    *err = acc;
    return t1 - t0;
}

static uint64_t empty_pairs(const struct bench_io *io, struct arena *s, size_t pairs)
{
    uint64_t acc = 0;
    uint64_t t0 = count(io);
    for (size_t i = 0; i < pairs; i++) {
        void *p;
        uint64_t r;
        __asm__ volatile(""
                         : "=r"(p)
                         : "r"(s), "r"(1));
        __asm__ volatile(""
                         : "=r"(r)
                         : "r"(s), "r"(p), "r"(1));
        acc |= r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile(""
                     :
                     : "r"(acc));
    return t1 - t0;
}

/* Every page of a scratch arena handed out, every other one given back,
 * then alloc/free pairs of one page. */
static int bench_pages(void *region, size_t bytes, const struct bench_io *io)
{
    struct arena s;
    struct arena_stats as;
    if (arena_init(&s, region, bytes, TIDEMARK_PAGE_SIZE) != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: op=page_pair: the scratch arena could not be made\n");
        return BENCH_ERR_WRONG;
    }
    arena_get_stats(&s, &as);
    size_t npages = as.capacity / as.page_size;
    uint8_t *all = arena_alloc_pages(&s, npages);
    int bad = all == NULL;
    for (size_t i = 1; !bad && i < npages; i += 2)
        bad = arena_free_pages(&s, all + i * TIDEMARK_PAGE_SIZE, 1) != 0;
    arena_get_stats(&s, &as);
    size_t in_use = as.in_use;

    uint64_t err = 0;
    uint64_t measured = bad ? 0 : loop_pairs(io, &s, BENCH_PAGE_PAIRS, &err);
    uint64_t empty = empty_pairs(io, &s, BENCH_PAGE_PAIRS);
    arena_get_stats(&s, &as);
    if (bad || err != 0 || as.in_use != in_use) {
        out_printf(io->write, io->ctx, "ERR bench: op=page_pair: an allocation or a free failed\n");
        return BENCH_ERR_WRONG;
    }
    report(io, "", 0, "page_pair", measured, empty, BENCH_PAGE_PAIRS);
    return BENCH_OK;
}

/* --- the run ---------------------------------------------------------------- */

int bench_run(void *region, size_t size, const struct bench_io *io)
{
    if (!region || size < BENCH_REGION_BYTES) {
        out_printf(io->write, io->ctx, "ERR bench: needs a region of %u bytes, this one has %zu\n",
                   BENCH_REGION_BYTES, region ? size : 0);
        return BENCH_ERR_NOMEM;
    }
    static const size_t sizes[] = {10000, 100000};
    int rc = BENCH_OK;
    for (size_t i = 0; rc == BENCH_OK && i < sizeof sizes / sizeof sizes[0]; i++)
        rc = bench_map(region, BENCH_REGION_BYTES, sizes[i], &bucket_ops, io);
    if (rc == BENCH_OK)
        rc = bench_pages(region, BENCH_REGION_BYTES, io);
    for (size_t i = 0; rc == BENCH_OK && i < sizeof sizes / sizeof sizes[0]; i++)
        rc = bench_map(region, BENCH_REGION_BYTES, sizes[i], &swiss_ops, io);
    return rc;
}
