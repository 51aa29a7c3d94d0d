/* SPDX-License-Identifier: MIT */
/*
 * test_target_bench.c - the console's `bench` on the firmware under QEMU
 * with -icount shift=0, where minstret counts exactly one per instruction
 * (the README's "Target, counted in instructions"):
 *   - two boots print the same seventeen figures, byte for byte (exact
 *     counts): the bucket map's eight and the page pair in their old
 *     format, then the Swiss map's eight (`bench map=swiss n=...`), with,
 *     after each N's lookup_miss, the groups a lookup read on average
 *     (`bench map=swiss n=N groups_per_lookup hit=H.HH miss=M.MM`): at
 *     least one, and no more for a hit than for a miss;
 *   - each figure is at most its ceiling in the table below, so a change
 *     that costs instructions fails CI (counts are exact: not a flaky timing
 *     test);
 *   - the console's map and the arena's in_use are as before, and the stack
 *     stayed under half.
 * The figures are printed (ctest -V shows them).
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_run.h"
#include "transcript.h"

/*
 * Ceilings, in instructions per operation, rv64imac at -Os (the virt
 * preset), with the bench's loop overhead taken off (board/app/bench.h).
 *
 * The bucket map's goals are stated at N = 100,000: lookup hit <= 50,
 * lookup miss <= 40, insert with hint <= 80, delete <= 80, page alloc/free
 * pair <= 100.  The Swiss map's (Go 1.26's layout, swiss/), at the same N:
 * lookup hit <= 40, lookup miss <= 32, insert with hint <= 64, delete <= 64.
 * The N = 10,000 rows hold the same goals.  A row whose goal is met has the
 * goal as its ceiling.  A row whose goal is missed has as its ceiling the
 * figure measured, rounded up by about 5%: a regression guard, not the goal,
 * marked "goal missed" with the figures; tighten it as the code improves.
 *
 * The 32-bit image (rv32imac, the virt32 preset; TIDEMARK_XLEN 32) has
 * ceilings of its own, from its own measured figures rounded up by about
 * 5%: every 64-bit word of a bucket or group (tophash word, control word,
 * key) is two loads there, the SWAR steps work on register pairs and the
 * hashes' 64x64 multiplies are built from 32x32 ones, so it runs about 2 to
 * 2.5 times the instructions; the goals above are the 64-bit image's, shown
 * beside its figures for reference.
 *
 * The figures in the comments were measured with the commit that last set
 * them (git log -p on this file).
 */
struct ceiling {
    const char *map; /* "" for the bucket map (and page_pair), "swiss" */
    unsigned n;      /* 0: a figure without N (page_pair) */
    const char *op;
    double goal;    /* the goal the README states */
    double ceiling; /* what the test enforces */
};

#ifndef TIDEMARK_XLEN
#error "TIDEMARK_XLEN (64 or 32) must come from the build"
#endif
static const struct ceiling ceilings[] = {
#if TIDEMARK_XLEN == 32
    /* map      n       op             goal   ceiling */
    {"", 10000, "insert_hint", 80.0, 168.0},       /* rv32: measured 145.8 */
    {"", 10000, "lookup_hit", 50.0, 124.0},        /* rv32: measured 117.8 */
    {"", 10000, "lookup_miss", 40.0, 94.0},        /* rv32: measured 89.0 */
    {"", 10000, "delete", 80.0, 164.0},            /* rv32: measured 156.7 */
    {"", 100000, "insert_hint", 80.0, 171.0},      /* rv32: measured 151.2 */
    {"", 100000, "lookup_hit", 50.0, 125.0},       /* rv32: measured 118.6 */
    {"", 100000, "lookup_miss", 40.0, 97.0},       /* rv32: measured 91.7 */
    {"", 100000, "delete", 80.0, 165.0},           /* rv32: measured 162.3 */
    {"", 0, "page_pair", 100.0, 179.0},            /* rv32: measured 172.0 */
    {"swiss", 10000, "insert_hint", 64.0, 162.0},  /* rv32: measured 153.4 */
    {"swiss", 10000, "lookup_hit", 40.0, 142.0},   /* rv32: measured 134.4 */
    {"swiss", 10000, "lookup_miss", 32.0, 129.0},  /* rv32: measured 122.0 */
    {"swiss", 10000, "delete", 64.0, 154.0},       /* rv32: measured 146.2 */
    {"swiss", 100000, "insert_hint", 64.0, 164.0}, /* rv32: measured 155.3 */
    {"swiss", 100000, "lookup_hit", 40.0, 144.0},  /* rv32: measured 136.2 */
    {"swiss", 100000, "lookup_miss", 32.0, 143.0}, /* rv32: measured 135.5 */
    {"swiss", 100000, "delete", 64.0, 157.0},      /* rv32: measured 149.3 */
#else
    /* map      n       op             goal   ceiling */
    {"", 10000, "insert_hint", 80.0, 80.0},       /* goal met: measured 62.9 */
    {"", 10000, "lookup_hit", 50.0, 50.0},        /* goal met: measured 46.4 */
    {"", 10000, "lookup_miss", 40.0, 40.0},       /* goal met: measured 36.9 */
    {"", 10000, "delete", 80.0, 80.0},            /* goal met: measured 65.5 */
    {"", 100000, "insert_hint", 80.0, 80.0},      /* goal met: measured 66.7 */
    {"", 100000, "lookup_hit", 50.0, 50.0},       /* goal met: measured 46.8 */
    {"", 100000, "lookup_miss", 40.0, 40.0},      /* goal met: measured 38.3 */
    {"", 100000, "delete", 80.0, 80.0},           /* goal met: measured 68.5 */
    {"", 0, "page_pair", 100.0, 100.0},           /* goal met: measured 93.0 */
    {"swiss", 10000, "insert_hint", 64.0, 64.0},  /* goal met: measured 59.8 */
    {"swiss", 10000, "lookup_hit", 40.0, 51.0},   /* goal missed: measured 47.8 */
    {"swiss", 10000, "lookup_miss", 32.0, 46.0},  /* goal missed: measured 43.4 */
    {"swiss", 10000, "delete", 64.0, 64.0},       /* goal met: measured 60.5 */
    {"swiss", 100000, "insert_hint", 64.0, 64.0}, /* goal met: measured 60.9 */
    {"swiss", 100000, "lookup_hit", 40.0, 52.0},  /* goal missed: measured 48.8 */
    {"swiss", 100000, "lookup_miss", 32.0, 54.0}, /* goal missed: measured 51.3 */
    {"swiss", 100000, "delete", 64.0, 64.0},      /* goal met: measured 62.6 */
#endif
};
#define NCEILINGS (sizeof ceilings / sizeof ceilings[0])

static const char *const icount[] = {"-icount", "shift=0", NULL};
static const char script[] = "fill 8192\nstats\nbench\nstats\nexit 0\n";

struct figure {
    char map[16]; /* "" or "swiss" */
    unsigned n;
    char op[32];
    unsigned tenths; /* instructions per operation, times ten */
};

static struct qemu_result boot_with(const char *const *extra, const char *input)
{
    cr_assert(qemu_firmware_present(), "the firmware %s is missing: build the virt preset first",
              qemu_firmware_path());
    struct qemu_opts o = {.timeout_s = 30, .extra = extra};
    struct qemu_result r;
    cr_assert_eq(qemu_run(&o, input, strlen(input), &r), 0, "cannot start QEMU: %s",
                 strerror(errno));
    cr_assert(!r.timed_out, "QEMU still running after 30 s (killed):\n%s", r.out);
    cr_assert_eq(r.signal, 0);
    cr_assert_eq(r.status, 0, "exit status:\n%s", r.out);
    return r;
}

static struct qemu_result boot_icount(void)
{
    return boot_with(icount, script);
}

/* Parse one bench line in exactly the documented format (re-printing the
 * figures must give the line back): "bench [map=M ]n=N op=OP
 * instret_per_op=X.Y" or "bench op=OP instret_per_op=X.Y". */
static struct figure parse(const char *line)
{
    struct figure f = {0};
    unsigned whole = 0, tenth = 0;
    char again[160], tag[32] = "";
    cr_assert(strncmp(line, "bench ", 6) == 0, "malformed bench line '%s'", line);
    const char *rest = line + 6;
    if (strncmp(rest, "map=", 4) == 0) {
        cr_assert_eq(sscanf(rest, "map=%15[a-z]", f.map), 1, "malformed bench line '%s'", line);
        snprintf(tag, sizeof tag, "map=%s ", f.map);
        rest += strlen(tag);
    }
    if (sscanf(rest, "n=%u op=%31[a-z_] instret_per_op=%u.%u", &f.n, f.op, &whole, &tenth) == 4) {
        snprintf(again, sizeof again, "bench %sn=%u op=%s instret_per_op=%u.%u", tag, f.n, f.op,
                 whole, tenth);
    } else {
        f.n = 0;
        cr_assert_eq(f.map[0], '\0', "a map's bench line without n: '%s'", line);
        cr_assert_eq(sscanf(rest, "op=%31[a-z_] instret_per_op=%u.%u", f.op, &whole, &tenth), 3,
                     "malformed bench line '%s'", line);
        snprintf(again, sizeof again, "bench op=%s instret_per_op=%u.%u", f.op, whole, tenth);
    }
    cr_assert_str_eq(again, line, "bench line not in the documented format");
    cr_assert_lt(tenth, 10);
    f.tenths = whole * 10 + tenth;
    return f;
}

/* The Swiss map's groups line, in exactly its documented format: "bench
 * map=swiss n=N groups_per_lookup hit=H.HH miss=M.MM".  Returns false for
 * any other line; *n, *hit and *miss (hundredths) when it is one. */
static bool parse_groups(const char *line, unsigned *n, unsigned *hit, unsigned *miss)
{
    unsigned hw, hf, mw, mf;
    char again[160];
    if (strstr(line, " groups_per_lookup ") == NULL)
        return false;
    cr_assert_eq(sscanf(line, "bench map=swiss n=%u groups_per_lookup hit=%u.%u miss=%u.%u", n,
                        &hw, &hf, &mw, &mf),
                 5, "malformed groups line '%s'", line);
    snprintf(again, sizeof again, "bench map=swiss n=%u groups_per_lookup hit=%u.%02u miss=%u.%02u",
             *n, hw, hf, mw, mf);
    cr_assert_str_eq(again, line, "groups line not in the documented format");
    cr_assert(hf < 100 && mf < 100);
    *hit = hw * 100 + hf;
    *miss = mw * 100 + mf;
    return true;
}

static const struct ceiling *ceiling_for(const struct figure *f)
{
    for (size_t i = 0; i < NCEILINGS; i++)
        if (strcmp(ceilings[i].map, f->map) == 0 && ceilings[i].n == f->n &&
            strcmp(ceilings[i].op, f->op) == 0)
            return &ceilings[i];
    return NULL;
}

Test(target_bench, exact_and_under_the_ceilings, .timeout = 90)
{
    struct qemu_result one = boot_icount(), two = boot_icount();
    char *a = transcript_answer(one.out, "bench", 0), *b = transcript_answer(two.out, "bench", 0);
    cr_assert_not_null(a, "no answer to bench:\n%s", one.out);
    cr_assert_not_null(b);
    cr_assert_str_eq(a, b, "two boots under -icount shift=0 must print the same figures");

    /* One figure line per row of the table, then ok. */
    struct figure f[NCEILINGS];
    size_t nf = 0, ngroups = 0, at_groups = (size_t)-1; /* nf at the last groups line */
    unsigned groups_n[2] = {0, 0};
    const char *p = a;
    while (strncmp(p, "bench ", 6) == 0) {
        const char *e = strchr(p, '\n');
        cr_assert_not_null(e);
        char line[160];
        cr_assert_lt((size_t)(e - p), sizeof line);
        memcpy(line, p, (size_t)(e - p));
        line[e - p] = '\0';
        p = e + 1;
        unsigned gn, hit, miss;
        if (parse_groups(line, &gn, &hit, &miss)) {
            /* Right after its N's lookup_miss line (a figure, not another
             * groups line), once for each of the two N. */
            cr_assert(nf > 0 && at_groups != nf && strcmp(f[nf - 1].map, "swiss") == 0 &&
                          f[nf - 1].n == gn && strcmp(f[nf - 1].op, "lookup_miss") == 0,
                      "'%s' is not right after the Swiss map's lookup_miss at n=%u", line, gn);
            cr_assert_lt(ngroups, 2, "more than two groups lines:\n%s", a);
            groups_n[ngroups] = gn;
            at_groups = nf;
            cr_assert_geq(hit, 100, "'%s': a hit reads at least its key's group", line);
            cr_assert_geq(miss, hit, "'%s': a miss reads no fewer groups than a hit", line);
            fprintf(stderr,
                    "target bench: swiss  n=%-6u groups per lookup: hit %u.%02u miss %u.%02u\n", gn,
                    hit / 100, hit % 100, miss / 100, miss % 100);
            ngroups++;
            continue;
        }
        cr_assert_lt(nf, NCEILINGS, "more bench lines than the table has rows:\n%s", a);
        f[nf++] = parse(line);
    }
    cr_assert(ngroups == 2 && groups_n[0] == 10000 && groups_n[1] == 100000,
              "one groups line for n=10000, then one for n=100000:\n%s", a);
    cr_assert_str_eq(p, "ok\n", "bench must end with ok:\n%s", a);
    cr_assert_eq(nf, NCEILINGS, "one line per row of the table:\n%s", a);

    /* All figures printed first, then each checked. */
    for (size_t i = 0; i < nf; i++) {
        const struct ceiling *c = ceiling_for(&f[i]);
        cr_assert_not_null(c, "no ceiling for map=%s n=%u op=%s", f[i].map, f[i].n, f[i].op);
        for (size_t j = 0; j < i; j++)
            cr_assert(strcmp(f[j].map, f[i].map) != 0 || f[j].n != f[i].n ||
                          strcmp(f[j].op, f[i].op) != 0,
                      "map=%s n=%u op=%s twice", f[i].map, f[i].n, f[i].op);
        /* A counter that does not count would pass any ceiling. */
        cr_assert_gt(f[i].tenths, 100, "map=%s n=%u op=%s: %u.%u instructions is not a real figure",
                     f[i].map, f[i].n, f[i].op, f[i].tenths / 10, f[i].tenths % 10);
        char n[16] = "-";
        if (f[i].n)
            snprintf(n, sizeof n, "%u", f[i].n);
        fprintf(stderr,
                "target bench: %-6s n=%-6s %-12s %5u.%u instructions/op  ceiling %5.1f  goal %5.1f %s\n",
                f[i].map[0] ? f[i].map : "bucket", n, f[i].op, f[i].tenths / 10, f[i].tenths % 10, c->ceiling, c->goal,
                f[i].tenths <= (unsigned)(c->goal * 10 + 0.5) ? "met" : "MISSED");
    }
    for (size_t i = 0; i < nf; i++) {
        const struct ceiling *c = ceiling_for(&f[i]);
        cr_assert_leq(f[i].tenths, (unsigned)(c->ceiling * 10 + 0.5),
                      "map=%s n=%u op=%s: %u.%u instructions per operation, over its ceiling %.1f",
                      f[i].map, f[i].n, f[i].op, f[i].tenths / 10, f[i].tenths % 10, c->ceiling);
    }

    /* Every figure of the console's arena and map as it was: the bench
     * works in a region of its own (after a fill, so that the watermark
     * and peak are not zero by chance). */
    struct stats_lines before, after;
    cr_assert(transcript_stats(one.out, 0, &before));
    cr_assert(transcript_stats(one.out, 1, &after));
    cr_assert_gt(before.watermark, before.in_use, "the script's fill left a watermark above in_use");
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.watermark, before.watermark, "bench raised the console's watermark");
    cr_assert_eq(after.peak, before.peak, "bench raised the console's peak");
    cr_assert_eq(after.capacity, before.capacity);
    cr_assert_eq(after.allocs, before.allocs);
    cr_assert_eq(after.frees, before.frees);
    cr_assert_eq(after.failed, before.failed);
    cr_assert_eq(after.len, before.len);
    cr_assert_eq(after.B, before.B);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.buckets, before.buckets);
    cr_assert_eq(after.overflow, before.overflow);
    cr_assert_eq(after.growing, before.growing);
    cr_assert_lt(after.stack_used, after.stack_size / 2, "bench used %zu of %zu bytes of stack",
                 after.stack_used, after.stack_size);
    fprintf(stderr, "target bench: stack high-water after bench %zu of %zu bytes\n",
            after.stack_used, after.stack_size);
    free(a);
    free(b);
    qemu_result_free(&one);
    qemu_result_free(&two);
}

/* Where minstret does not count one per instruction (no -icount: it follows
 * the host's clock; -icount shift=1: two per instruction), bench measures
 * nothing: it refuses in one line that says where to get real figures, and
 * changes nothing. */
static void assert_refused(const char *const *extra, const char *how)
{
    static const char input[] = "fill 100\nstats\nbench\nstats\nexit 0\n";
    struct qemu_result r = boot_with(extra, input);
    char *a = transcript_answer(r.out, "bench", 0);
    cr_assert_not_null(a, "no answer to bench %s:\n%s", how, r.out);
    cr_assert_eq(transcript_count_lines(a, ""), 1, "bench %s: one line, got:\n%s", how, a);
    cr_assert(strncmp(a, "ERR bench: ", 11) == 0, "bench %s: an ERR, got:\n%s", how, a);
    cr_assert_not_null(strstr(a, "-icount shift=0"), "bench %s: the ERR names -icount shift=0:\n%s",
                       how, a);
    cr_assert_not_null(strstr(a, "run-bench"), "bench %s: the ERR names run-bench:\n%s", how, a);
    struct stats_lines before, after;
    cr_assert(transcript_stats(r.out, 0, &before));
    cr_assert(transcript_stats(r.out, 1, &after));
    const char *changed = stats_first_difference(&before, &after, false);
    cr_assert(changed == NULL, "bench %s changed %s", how, changed);
    cr_assert_eq(before.stack_size, after.stack_size);
    free(a);
    qemu_result_free(&r);
}

Test(target_bench, refused_without_an_exact_counter, .timeout = 60)
{
    static const char *const none[] = {NULL};
    static const char *const shift1[] = {"-icount", "shift=1", NULL};
    assert_refused(none, "without -icount");
    assert_refused(shift1, "under -icount shift=1");
}
