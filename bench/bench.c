/* SPDX-License-Identifier: MIT */
/*
 * bench.c - the six host workloads on one of tidemark's maps (u64 -> u64
 * through the *_u64 calls): the bucket map (hmap_*_u64, records named
 * "tidemark") or, with --map swiss, the Swiss map (swiss_*_u64, records
 * named "swiss"), printed as TSV for bench/report.
 *
 * For each N: (1) insert N keys into a map made with no hint; (2) the same
 * into a map made with a hint of N; (3) look up all N present keys in
 * shuffled order; (4) look up N absent keys; (5) delete all N in shuffled
 * order; (6) churn: with N live keys, N times {delete the oldest, insert a
 * fresh key}.  (3)-(5) run on the map (1) built in the same repetition; (6)
 * on a map built like (1) but untimed.  Every repetition starts from an empty
 * arena, so every repetition does the same work.  Repetition 0 (and any
 * further --warmup ones) is a warm-up and is not kept: it faults in the
 * arena's pages and the key arrays.
 *
 * Each timed loop also checks its results (hits, values, deletes, len) after
 * the clock stops, and the last repetition runs hmap_check (swiss_check): a map that loses
 * keys fails the benchmark (exit 1) instead of looking fast.
 *
 * Output, one record a line, tab-separated ('#' lines are comments):
 *   meta  tidemark  <name>  <value>                ("swiss" for --map swiss)
 *   keys  <N>  <fingerprint>                     (must match the Go side's)
 *   sample  tidemark  <N>  <workload>  <ns/op>     (one per kept repetition)
 *   time  tidemark  <N>  <workload>  <median>  <min>  <max>  <reps>   ns/op
 *   mem   tidemark  <N>  <after>  <bytes/N>  <watermark/N>  B  buckets
 *         overflow  growing
 * workload: insert insert_hint lookup_hit lookup_miss delete churn;
 * after: insert insert_hint delete churn.  bytes is hmap_get_stats' bytes
 * (pages the map holds), watermark the arena's (highest page ever handed
 * out since the repetition began), both divided by N.  The Swiss map's mem
 * record has, after the watermark, swiss_get_stats' alloc_bytes / N (what
 * Go's runtime requests for the same map), tables, capacity, tombstones.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE under -std=c11 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "hmap.h"
#include "keyset.h"
#include "swiss.h"
#include "samples.h"

#define PAGE_SIZE 4096u
#define MAX_NS 8

enum workload {
    W_INSERT,
    W_INSERT_HINT,
    W_LOOKUP_HIT,
    W_LOOKUP_MISS,
    W_DELETE,
    W_CHURN,
    W_COUNT,
};

static const char *const workload_name[W_COUNT] = {
    "insert",
    "insert_hint",
    "lookup_hit",
    "lookup_miss",
    "delete",
    "churn",
};

static const struct hmap_type u64_type = {.key_size = 8, .val_size = 8};
static const struct swiss_type swiss_u64_type = {.key_size = 8, .val_size = 8};

/* The arena, over one anonymous mapping sized for the largest N, and the
 * one map the workloads use. */
static struct arena arena;
static struct hmap map;
static struct swiss smap;
static bool use_swiss;                /* --map swiss: the Swiss map, side "swiss"    */
static const char *side = "tidemark"; /* the records' impl name           */
static bool use_thp = true;           /* --thp: advise huge pages for the region    */
static bool thp_advised;              /* the kernel took the advice                 */

static void die(const char *what, const char *why)
{
    fprintf(stderr, "tidemark_bench: %s: %s\n", what, why);
    exit(1);
}

/* Bytes the arena needs for n keys, generously: the final array of a map
 * grown to n (about 22 bytes an entry at 6.5 a bucket, plus 1/16
 * preallocated overflow), the old array beside it while growing, overflow
 * chunks, and holes left by first fit.  MAP_NORESERVE: untouched pages cost
 * nothing. */
static size_t arena_bytes_for(size_t n)
{
    return n * 256 + ((size_t)16 << 20);
}

static void arena_setup(size_t max_n)
{
    size_t size = arena_bytes_for(max_n);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        die("mmap", strerror(errno));
    /* Go 1.19's heap asks for transparent huge pages on the memory it uses
     * (runtime/mem_linux.go, sysUsedOS -> sysHugePageOS: MADV_HUGEPAGE), so
     * the arena's region asks too, unless --thp 0: at N = 1,000,000 the
     * table is tens of MB and 4 KiB TLB misses would otherwise dominate. */
    thp_advised = use_thp && madvise(p, size, MADV_HUGEPAGE) == 0;
    int rc = arena_init(&arena, p, size, PAGE_SIZE);
    if (rc != ARENA_OK)
        die("arena_init", arena_strerror(rc));
}

/* An empty map on an empty arena: every repetition starts here. */
static void map_fresh(size_t hint)
{
    arena_reset(&arena);
    if (use_swiss) {
        int rc = swiss_init(&smap, &swiss_u64_type, &arena, hint, BENCH_MAP_SEED);
        if (rc != SWISS_OK)
            die("swiss_init", swiss_strerror(rc));
        return;
    }
    int rc = hmap_init(&map, &u64_type, &arena, hint, BENCH_MAP_SEED);
    if (rc != HMAP_OK)
        die("hmap_init", hmap_strerror(rc));
}

/* --- the timed loops: nothing in them but the map calls and what checks
 * their results; one set per map, each calling its map's u64 functions
 * directly (a call through a pointer would add its own cost) ------------- */

#define MAP_LOOPS(pfx, map, put_u64, get_u64, delete_u64, ok, strerror)                     \
    static void pfx##_insert_all(const uint64_t *keys, size_t n)                            \
    {                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                    \
            int rc = put_u64(&map, keys[i], value_of(keys[i]));                             \
            if (rc != ok)                                                                   \
                die(#put_u64, strerror(rc));                                                \
        }                                                                                   \
    }                                                                                       \
    /* Returns hits; *bad collects the xor of every wrong value found. */                   \
    static size_t pfx##_lookup_all(const uint64_t *keys, size_t n, uint64_t *bad)           \
    {                                                                                       \
        size_t hits = 0;                                                                    \
        uint64_t wrong = 0;                                                                 \
        for (size_t i = 0; i < n; i++) {                                                    \
            uint64_t v;                                                                     \
            if (get_u64(&map, keys[i], &v)) {                                               \
                hits++;                                                                     \
                wrong |= v ^ value_of(keys[i]);                                             \
            }                                                                               \
        }                                                                                   \
        *bad = wrong;                                                                       \
        return hits;                                                                        \
    }                                                                                       \
    static size_t pfx##_delete_all(const uint64_t *keys, size_t n)                          \
    {                                                                                       \
        size_t found = 0;                                                                   \
        for (size_t i = 0; i < n; i++)                                                      \
            found += delete_u64(&map, keys[i]);                                             \
        return found;                                                                       \
    }                                                                                       \
    /* Delete out[i], insert in[i], for every i.  Returns the deletes that                \
     * found their key. */ \
    static size_t pfx##_churn(const uint64_t *out, const uint64_t *in, size_t n)            \
    {                                                                                       \
        size_t found = 0;                                                                   \
        for (size_t i = 0; i < n; i++) {                                                    \
            found += delete_u64(&map, out[i]);                                              \
            int rc = put_u64(&map, in[i], value_of(in[i]));                                 \
            if (rc != ok)                                                                   \
                die(#put_u64, strerror(rc));                                                \
        }                                                                                   \
        return found;                                                                       \
    }

MAP_LOOPS(hmap, map, hmap_put_u64, hmap_get_u64, hmap_delete_u64, HMAP_OK, hmap_strerror)
MAP_LOOPS(swiss, smap, swiss_put_u64, swiss_get_u64, swiss_delete_u64, SWISS_OK,
          swiss_strerror)

/* The workloads call these: one test of a flag outside the loops. */
static void insert_all(const uint64_t *keys, size_t n)
{
    if (use_swiss)
        swiss_insert_all(keys, n);
    else
        hmap_insert_all(keys, n);
}

static size_t lookup_all(const uint64_t *keys, size_t n, uint64_t *bad)
{
    return use_swiss ? swiss_lookup_all(keys, n, bad) : hmap_lookup_all(keys, n, bad);
}

static size_t delete_all(const uint64_t *keys, size_t n)
{
    return use_swiss ? swiss_delete_all(keys, n) : hmap_delete_all(keys, n);
}

static size_t churn(const uint64_t *out, const uint64_t *in, size_t n)
{
    return use_swiss ? swiss_churn(out, in, n) : hmap_churn(out, in, n);
}

/* --- checks and figures, outside the clock -------------------------------- */

static void expect(bool ok, size_t n, enum workload w, const char *what)
{
    if (!ok) {
        char where[96];
        snprintf(where, sizeof where, "N=%zu %s", n, workload_name[w]);
        die(where, what);
    }
}

static size_t map_len(void)
{
    return use_swiss ? swiss_len(&smap) : hmap_len(&map);
}

static void check_map(size_t n, enum workload w, size_t want_len)
{
    expect(map_len() == want_len, n, w, "wrong len");
    if (use_swiss) {
        int rc = swiss_check(&smap);
        expect(rc == 0, n, w, swiss_strerror(rc));
        return;
    }
    int rc = hmap_check(&map);
    expect(rc == 0, n, w, hmap_strerror(rc));
}

static void print_mem(size_t n, const char *after)
{
    struct hmap_stats hs;
    struct arena_stats as;
    arena_get_stats(&arena, &as);
    if (use_swiss) {
        struct swiss_stats ss;
        swiss_get_stats(&smap, &ss);
        printf("mem\tswiss\t%zu\t%s\t%.2f\t%.2f\t%.2f\t%zu\t%zu\t%zu\n", n, after,
               (double)ss.bytes / (double)n, (double)as.watermark / (double)n,
               (double)ss.alloc_bytes / (double)n, ss.tables, ss.capacity, ss.tombstones);
        return;
    }
    hmap_get_stats(&map, &hs);
    printf("mem\ttidemark\t%zu\t%s\t%.2f\t%.2f\t%u\t%zu\t%zu\t%d\n", n, after,
           (double)hs.bytes / (double)n, (double)as.watermark / (double)n, hs.B,
           hs.buckets, hs.overflow, hs.growing ? 1 : 0);
}

/* --- one N ---------------------------------------------------------------- */

static uint64_t elapsed_since(uint64_t t0)
{
    return now_ns() - t0;
}

static void run_n(size_t n, size_t reps, size_t warmup)
{
    struct keyset ks;
    if (keys_make(&ks, n) != 0)
        die("keys", "out of memory");
    printf("keys\t%zu\t%016" PRIx64 "\n", n, keys_fingerprint(&ks));

    static struct samples s[W_COUNT];
    memset(s, 0, sizeof s);
    for (size_t r = 0; r < warmup + reps; r++) {
        bool keep = r >= warmup, last = r + 1 == warmup + reps;
        uint64_t t0, dt, bad;
        size_t got;

        /* (1), then (3), (4), (5) on the map it built. */
        map_fresh(0);
        t0 = now_ns();
        insert_all(ks.present, n);
        dt = elapsed_since(t0);
        if (keep)
            samples_add(&s[W_INSERT], dt, n);
        if (last) {
            check_map(n, W_INSERT, n);
            print_mem(n, "insert");
        }

        t0 = now_ns();
        got = lookup_all(ks.shuffled, n, &bad);
        dt = elapsed_since(t0);
        if (keep)
            samples_add(&s[W_LOOKUP_HIT], dt, n);
        expect(got == n, n, W_LOOKUP_HIT, "a present key was not found");
        expect(bad == 0, n, W_LOOKUP_HIT, "a lookup returned a wrong value");

        t0 = now_ns();
        got = lookup_all(ks.absent, n, &bad);
        dt = elapsed_since(t0);
        if (keep)
            samples_add(&s[W_LOOKUP_MISS], dt, n);
        expect(got == 0, n, W_LOOKUP_MISS, "an absent key was found");

        t0 = now_ns();
        got = delete_all(ks.shuffled, n);
        dt = elapsed_since(t0);
        if (keep)
            samples_add(&s[W_DELETE], dt, n);
        expect(got == n, n, W_DELETE, "a delete did not find its key");
        if (last) {
            check_map(n, W_DELETE, 0);
            print_mem(n, "delete");
        }

        /* (2) */
        map_fresh(n);
        t0 = now_ns();
        insert_all(ks.present, n);
        dt = elapsed_since(t0);
        if (keep)
            samples_add(&s[W_INSERT_HINT], dt, n);
        if (last) {
            check_map(n, W_INSERT_HINT, n);
            print_mem(n, "insert_hint");
        }

        /* (6) on a map built as in (1), untimed. */
        map_fresh(0);
        insert_all(ks.present, n);
        t0 = now_ns();
        got = churn(ks.present, ks.fresh, n);
        dt = elapsed_since(t0);
        if (keep)
            samples_add(&s[W_CHURN], dt, n);
        expect(got == n, n, W_CHURN, "a churn delete did not find its key");
        expect(map_len() == n, n, W_CHURN, "wrong len");
        if (last) {
            check_map(n, W_CHURN, n);
            print_mem(n, "churn");
        }
    }

    for (int w = 0; w < W_COUNT; w++)
        for (size_t i = 0; i < s[w].n; i++)
            printf("sample\t%s\t%zu\t%s\t%.2f\n", side, n, workload_name[w], s[w].v[i]);
    for (int w = 0; w < W_COUNT; w++) {
        double med, lo, hi;
        samples_summary(&s[w], &med, &lo, &hi);
        printf("time\t%s\t%zu\t%s\t%.2f\t%.2f\t%.2f\t%zu\n", side, n, workload_name[w], med,
               lo, hi, s[w].n);
    }
    fflush(stdout);
    keys_free(&ks);
}

/* --- command line --------------------------------------------------------- */

static size_t parse_list(const char *arg, size_t *out, size_t max, const char *opt)
{
    size_t k = 0;
    const char *p = arg;
    while (*p != '\0') {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno != 0 || v == 0 || k == max || (*end != ',' && *end != '\0'))
            die(opt, "expected a comma-separated list of positive integers");
        out[k++] = (size_t)v;
        p = *end == ',' ? end + 1 : end;
    }
    if (k == 0)
        die(opt, "empty list");
    return k;
}

static void usage(void)
{
    fputs("usage: tidemark_bench [--map bucket|swiss] [--n N,...] [--reps R,...] [--warmup W]\n"
          "                      [--thp 0|1]\n"
          "  --map     bucket: hmap, records as \"tidemark\" (default); swiss: the Swiss\n"
          "            map, records as \"swiss\"\n"
          "  --n       sizes (default 1000,100000,1000000)\n"
          "  --reps    kept repetitions, one for all sizes or one per size\n"
          "            (default 31,11,5; at most 101)\n"
          "  --warmup  repetitions run first and not kept (default 1)\n"
          "  --thp     madvise(MADV_HUGEPAGE) the arena's region (default 1)\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    size_t ns[MAX_NS] = {1000, 100000, 1000000}, nn = 3;
    size_t reps[MAX_NS] = {31, 11, 5}, nr = 3;
    size_t warmup = 1;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (strcmp(argv[i], "--n") == 0)
            nn = parse_list(argv[++i], ns, MAX_NS, "--n");
        else if (strcmp(argv[i], "--reps") == 0)
            nr = parse_list(argv[++i], reps, MAX_NS, "--reps");
        else if (strcmp(argv[i], "--warmup") == 0)
            warmup = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--thp") == 0)
            use_thp = strcmp(argv[++i], "0") != 0;
        else if (strcmp(argv[i], "--map") == 0) {
            const char *v = argv[++i];
            if (strcmp(v, "swiss") == 0)
                use_swiss = true;
            else if (strcmp(v, "bucket") != 0)
                usage();
            side = use_swiss ? "swiss" : "tidemark";
        } else
            usage();
    }
    if (nr != 1 && nr != nn)
        die("--reps", "give one count, or one per size");
    for (size_t i = 0; i < nr; i++)
        if (reps[i] > SAMPLES_MAX)
            die("--reps", "at most 101");

    size_t max_n = 0;
    for (size_t i = 0; i < nn; i++)
        max_n = ns[i] > max_n ? ns[i] : max_n;
    arena_setup(max_n);

    printf("meta\t%s\tcompiler\t%s\n", side, __VERSION__);
#ifdef NDEBUG
    printf("meta\t%s\tndebug\t1\n", side); /* a release build, as users ship it */
#else
    printf("meta\t%s\tndebug\t0\n", side);
#endif
    printf("meta\t%s\tarena_poison\t%d\n", side, ARENA_POISON);
    printf("meta\t%s\tpage_size\t%u\n", side, PAGE_SIZE);
    printf("meta\t%s\tthp\t%d\n", side, thp_advised ? 1 : 0);
    for (size_t i = 0; i < nn; i++)
        run_n(ns[i], nr == 1 ? reps[0] : reps[i], warmup);
    return 0;
}
