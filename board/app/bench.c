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

static uint64_t count(const struct bench_io *io)
{
    return io->instret(io->ctx);
}

/* Print one figure: (measured - empty) / ops, to one decimal, rounded half
 * up.  n == 0: a figure that has no N (page_pair). */
static void report(const struct bench_io *io, size_t n, const char *op, uint64_t measured,
                   uint64_t empty, size_t ops)
{
    uint64_t net = measured > empty ? measured - empty : 0;
    uint64_t tenths = (net * 10 + ops / 2) / ops;
    if (n)
        out_printf(io->write, io->ctx,
                   "bench n=%zu op=%s instret_per_op=%" PRIu64 ".%" PRIu64 "\n", n, op,
                   tenths / 10, tenths % 10);
    else
        out_printf(io->write, io->ctx, "bench op=%s instret_per_op=%" PRIu64 ".%" PRIu64 "\n",
                   op, tenths / 10, tenths % 10);
}

/* --- the map workloads ----------------------------------------------------- */

/* Every loop walks its keys with a pointer and accumulates into a 64-bit
 * word, and every twin's asm yields a 64-bit word, so that the compiler gives
 * a loop and its twin the same shape (no index arithmetic in one and not the
 * other, no sign or zero extension of the result in one only). */

/* (2): returns the count; *err is nonzero if any put failed. */
static uint64_t loop_insert(const struct bench_io *io, struct hmap *m, const uint64_t *k,
                            size_t n, uint64_t *err)
{
    uint64_t acc = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++)
        acc |= (uint64_t)hmap_put_u64(m, *p, ~*p);
    uint64_t t1 = count(io);
    *err = acc;
    return t1 - t0;
}

static uint64_t empty_insert(const struct bench_io *io, struct hmap *m, const uint64_t *k,
                             size_t n)
{
    uint64_t acc = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++) {
        uint64_t r;
        __asm__ volatile("" : "=r"(r) : "r"(m), "r"(*p), "r"(~*p));
        acc |= r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile("" : : "r"(acc));
    return t1 - t0;
}

/* (3) and (4): *hits is how many keys were found. */
static uint64_t loop_lookup(const struct bench_io *io, struct hmap *m, const uint64_t *k,
                            size_t n, size_t *hits)
{
    uint64_t found = 0, v;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++)
        found += hmap_get_u64(m, *p, &v);
    uint64_t t1 = count(io);
    *hits = (size_t)found;
    return t1 - t0;
}

static uint64_t empty_lookup(const struct bench_io *io, struct hmap *m, const uint64_t *k,
                             size_t n)
{
    uint64_t found = 0, v = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++) {
        uint64_t r;
        __asm__ volatile("" : "=r"(r) : "r"(m), "r"(*p), "r"(&v));
        found += r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile("" : : "r"(found));
    return t1 - t0;
}

/* (5): *hits is how many deletes found their key. */
static uint64_t loop_delete(const struct bench_io *io, struct hmap *m, const uint64_t *k,
                            size_t n, size_t *hits)
{
    uint64_t found = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++)
        found += hmap_delete_u64(m, *p);
    uint64_t t1 = count(io);
    *hits = (size_t)found;
    return t1 - t0;
}

static uint64_t empty_delete(const struct bench_io *io, struct hmap *m, const uint64_t *k,
                             size_t n)
{
    uint64_t found = 0;
    const uint64_t *end = k + n;
    uint64_t t0 = count(io);
    for (const uint64_t *p = k; p != end; p++) {
        uint64_t r;
        __asm__ volatile("" : "=r"(r) : "r"(m), "r"(*p));
        found += r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile("" : : "r"(found));
    return t1 - t0;
}

/* Workloads (2) to (5) at one N, in a scratch arena over region. */
static int bench_map(void *region, size_t bytes, size_t n, const struct bench_io *io)
{
    struct arena s;
    if (arena_init(&s, region, bytes, TIDEMARK_PAGE_SIZE) != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: n=%zu: the scratch arena could not be made\n", n);
        return BENCH_ERR_WRONG;
    }
    size_t key_pages = arena_pages_for(&s, n * sizeof(uint64_t));
    uint64_t *present = arena_alloc_pages(&s, key_pages);
    uint64_t *absent = arena_alloc_pages(&s, key_pages);
    if (!present || !absent) {
        out_printf(io->write, io->ctx,
                   "ERR bench: n=%zu: the keys do not fit in the bench's region\n", n);
        return BENCH_ERR_WRONG;
    }
    uint64_t st = KEYS_SEED;
    keys_draw(&st, present, n);
    keys_draw(&st, absent, n);

    struct hmap m;
    int rc = hmap_init(&m, &map_u64_type, &s, n, BENCH_MAP_SEED);
    if (rc != 0) {
        out_printf(io->write, io->ctx, "ERR bench: n=%zu: hmap_init: %s\n", n, hmap_strerror(rc));
        return BENCH_ERR_WRONG;
    }

    uint64_t err;
    uint64_t measured = loop_insert(io, &m, present, n, &err);
    uint64_t empty = empty_insert(io, &m, present, n);
    if (err != 0 || hmap_len(&m) != n) {
        out_printf(io->write, io->ctx,
                   "ERR bench: n=%zu op=insert_hint: %zu of %zu keys went in\n", n,
                   hmap_len(&m), n);
        return BENCH_ERR_WRONG;
    }
    report(io, n, "insert_hint", measured, empty, n);

    /* The lookup and delete order. */
    keys_shuffle(present, n);

    size_t hits;
    measured = loop_lookup(io, &m, present, n, &hits);
    empty = empty_lookup(io, &m, present, n);
    if (hits != n) {
        out_printf(io->write, io->ctx,
                   "ERR bench: n=%zu op=lookup_hit: %zu of %zu keys found\n", n, hits, n);
        return BENCH_ERR_WRONG;
    }
    report(io, n, "lookup_hit", measured, empty, n);

    measured = loop_lookup(io, &m, absent, n, &hits);
    empty = empty_lookup(io, &m, absent, n);
    if (hits != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: n=%zu op=lookup_miss: %zu absent keys found\n", n, hits);
        return BENCH_ERR_WRONG;
    }
    report(io, n, "lookup_miss", measured, empty, n);

    measured = loop_delete(io, &m, present, n, &hits);
    empty = empty_delete(io, &m, present, n);
    if (hits != n || hmap_len(&m) != 0) {
        out_printf(io->write, io->ctx,
                   "ERR bench: n=%zu op=delete: %zu of %zu keys deleted\n", n, hits, n);
        return BENCH_ERR_WRONG;
    }
    report(io, n, "delete", measured, empty, n);
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
        __asm__ volatile("" : "=r"(p) : "r"(s), "r"(1));
        __asm__ volatile("" : "=r"(r) : "r"(s), "r"(p), "r"(1));
        acc |= r;
    }
    uint64_t t1 = count(io);
    __asm__ volatile("" : : "r"(acc));
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
    report(io, 0, "page_pair", measured, empty, BENCH_PAGE_PAIRS);
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
        rc = bench_map(region, BENCH_REGION_BYTES, sizes[i], io);
    if (rc == BENCH_OK)
        rc = bench_pages(region, BENCH_REGION_BYTES, io);
    return rc;
}
