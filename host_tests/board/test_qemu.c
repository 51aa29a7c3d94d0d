/* SPDX-License-Identifier: MIT */
/*
 * test_qemu.c - boot the firmware under QEMU and check its UART transcript:
 * banner, the seed experiment's figures, every console command, every kind
 * of bad input followed by a `stats` that must not have moved, exit
 * statuses, the trap handler, -smp 4, a RAM size it was not linked for, and
 * the firmware's device tree reader on the tree QEMU gives the board.
 *
 * The firmware is TIDEMARK_FIRMWARE_ELF (a CMake cache variable).  When it
 * is missing every test here FAILS: these tests are not optional.  The suite
 * is built once per image (TIDEMARK_IMAGE, TIDEMARK_XLEN: 64 or 32); the
 * figures that follow the width are chosen below.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fork */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "fdt.h"
#include "qemu_run.h"
#include "transcript.h"

#ifndef TIDEMARK_VERSION
#error "TIDEMARK_VERSION must come from the build"
#endif

#ifndef TIDEMARK_XLEN
#error "TIDEMARK_XLEN (64 or 32) must come from the build"
#endif
#define STR_(x) #x
#define STR(x) STR_(x)

/* The seed's map[int]int, hint 8192, in 4 KiB pages: 2048 + 128 buckets of
 * 144 bytes on rv64 (8-byte int) and of 76 bytes on rv32 (4-byte int, a
 * 4-byte overflow link: Go 386's layout). */
#if TIDEMARK_XLEN == 64
#define SEED_BYTES 315392u
#else
#define SEED_BYTES 167936u
#endif
#define RAM_BYTES ((size_t)TIDEMARK_RAM_MB << 20)
/* Hex digits of a register in the trap report. */
#define XLEN_HEX_DIGITS (TIDEMARK_XLEN / 4)

static struct qemu_result boot_with(const char *script, size_t n, unsigned harts, unsigned ram_mb,
                                    double timeout)
{
    cr_assert(qemu_firmware_present(),
              "the firmware %s is missing: build it first (cmake --preset virt && cmake --build "
              "build/virt), or point TIDEMARK_FIRMWARE_ELF at it",
              qemu_firmware_path());
    struct qemu_opts o = {.harts = harts, .ram_mb = ram_mb, .timeout_s = timeout};
    struct qemu_result r;
    cr_assert_eq(qemu_run(&o, script, n, &r), 0, "cannot start QEMU: %s", strerror(errno));
    cr_assert(!r.timed_out, "QEMU still running after %.0f s (killed).\nUART:\n%s\nstderr:\n%s",
              timeout, r.out, r.err);
    cr_assert_eq(r.signal, 0, "QEMU died of signal %d; stderr:\n%s", r.signal, r.err);
    return r;
}

static struct qemu_result boot(const char *script)
{
    return boot_with(script, strlen(script), 1, 0, 20);
}

/* The answer to the nth `cmd`, which must exist. */
static char *answer(const struct qemu_result *r, const char *cmd, int nth)
{
    char *a = transcript_answer(r->out, cmd, nth);
    cr_assert_not_null(a, "no answer to '%s' (#%d) in:\n%s", cmd, nth, r->out);
    return a;
}

static void assert_answer(const struct qemu_result *r, const char *cmd, int nth, const char *want)
{
    char *a = answer(r, cmd, nth);
    cr_assert_str_eq(a, want, "'%s' answered '%s', expected '%s'", cmd, a, want);
    free(a);
}

static struct stats_lines stats_n(const struct qemu_result *r, int nth)
{
    struct stats_lines s;
    cr_assert(transcript_stats(r->out, nth, &s), "stats #%d missing or malformed in:\n%s", nth,
              r->out);
    return s;
}

static size_t banner_number(const char *out, const char *prefix, const char *key)
{
    const char *l = strstr(out, prefix);
    cr_assert_not_null(l, "banner line '%s' missing:\n%s", prefix, out);
    l += strspn(l, "\n");
    const char *eol = strchr(l, '\n');
    const char *k = strstr(l, key);
    cr_assert(k && (!eol || k < eol), "'%s' missing from banner line '%s'", key, prefix);
    return (size_t)strtoull(k + strlen(key), NULL, 0);
}

/* --- boot ---------------------------------------------------------------- */

Test(qemu, boots_with_banner_table_and_prompt, .timeout = 60)
{
    struct qemu_result r = boot("exit\n");
    cr_assert_eq(r.status, 0, "exit status");
    cr_assert(strncmp(r.out, "tidemark " TIDEMARK_VERSION ": ", 11 + strlen(TIDEMARK_VERSION)) == 0,
              "banner must start with the version:\n%s", r.out);
    cr_assert(strstr(r.out, "\nboard: QEMU riscv" STR(TIDEMARK_XLEN) " virt,"), "%s", r.out);
    cr_assert_eq(banner_number(r.out, "\nram: ", "base="), 0x80000000u);
    cr_assert_eq(banner_number(r.out, "\nram: ", "size="), RAM_BYTES);
    size_t arena_base = banner_number(r.out, "\narena: ", "base=");
    size_t arena_size = banner_number(r.out, "\narena: ", "size=");
    cr_assert_eq(banner_number(r.out, "\narena: ", "page="), 4096);
    cr_assert_eq(arena_base % 4096, 0);
    cr_assert_gt(arena_base, 0x80000000u);
    cr_assert_leq(arena_base + arena_size, 0x80000000u + RAM_BYTES);
    cr_assert_gt(arena_size, RAM_BYTES / 2, "the arena is most of the RAM");
    cr_assert(strstr(r.out, "\ncheck: ok"), "%s", r.out);
    /* The prompt, then the echo of exit, its ok, and nothing after. */
    const char *tail = r.out + r.out_len - strlen("> exit\nok\n");
    cr_assert_str_eq(tail, "> exit\nok\n");
    cr_assert_eq(transcript_count(r.out, "ERR"), 0);
    cr_assert_lt(r.seconds, 10.0);
}

Test(qemu, stats_at_boot, .timeout = 60)
{
    struct qemu_result r = boot("stats\nexit\n");
    struct stats_lines s = stats_n(&r, 0);
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.watermark, 0, "the experiment runs on its own region");
    cr_assert_eq(s.peak, 0);
    cr_assert_eq(s.allocs, 0);
    cr_assert_eq(s.failed, 0);
    cr_assert_eq(s.page, 4096);
    cr_assert_eq(s.capacity, banner_number(r.out, "\narena: ", "capacity="));
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.growing, 0);
    cr_assert_eq(s.stack_size, banner_number(r.out, "\nstack: ", "size="));
    cr_assert_gt(s.stack_used, 0);
    cr_assert_lt(s.stack_used, s.stack_size / 2);
}

/* --- the experiment ------------------------------------------------------ */

static struct exp_figures fig(const struct qemu_result *r, int table, const char *step)
{
    struct exp_figures f;
    cr_assert(transcript_row(r->out, table, step, &f), "no row %s in table %d:\n%s", step, table,
              r->out);
    return f;
}

static const char *const steps[] = {"1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4",
                                    "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3", "5.1", "5.2",
                                    "5.3", "5.4", "6.1", "6.2", "6.3", "6.4", "6.5"};
static const char *const resets[] = {"1.5", "2.4", "3.4", "4.3", "5.4", "6.2", "6.5"};

static bool is_reset(const char *step)
{
    for (size_t i = 0; i < sizeof resets / sizeof resets[0]; i++)
        if (strcmp(step, resets[i]) == 0)
            return true;
    return false;
}

static void check_table(const struct qemu_result *r, int table)
{
    /* The seed: 8192 keys, hint 8192, 4 KiB pages: 315,392 bytes. */
    struct exp_figures made = fig(r, table, "1.1"), filled = fig(r, table, "1.2"),
                       deleted = fig(r, table, "1.3");
    cr_assert_eq(made.bytes, SEED_BYTES);
    cr_assert_eq(filled.len, 8192);
    cr_assert_eq(filled.bytes, SEED_BYTES);
    cr_assert_eq(filled.in_use, SEED_BYTES);
    cr_assert_eq(filled.watermark, SEED_BYTES);
    cr_assert_eq(deleted.len, 0);
    cr_assert_eq(deleted.bytes, filled.bytes, "deleting all keys must not change bytes");
    cr_assert_eq(deleted.in_use, filled.in_use, "... nor in_use");
    cr_assert_eq(deleted.watermark, filled.watermark, "... nor the watermark");

    /* Every delete step against the fill before it. */
    const char *pairs[][2] = {{"2.2", "2.3"}, {"3.1", "3.2"}, {"4.1", "4.2"}, {"5.2", "5.3"}};
    for (size_t i = 0; i < 4; i++) {
        struct exp_figures f = fig(r, table, pairs[i][0]), d = fig(r, table, pairs[i][1]);
        cr_assert_eq(f.len, 8192);
        cr_assert_eq(f.bytes, SEED_BYTES, "%s", pairs[i][0]);
        cr_assert_eq(d.len, 0);
        cr_assert_eq(d.bytes, f.bytes, "%s", pairs[i][1]);
        cr_assert_eq(d.in_use, f.in_use, "%s", pairs[i][1]);
        cr_assert_eq(d.watermark, f.watermark, "%s", pairs[i][1]);
    }

    /* in_use falls only at a reset, the watermark never. */
    struct exp_figures prev = fig(r, table, steps[0]);
    for (size_t i = 1; i < sizeof steps / sizeof steps[0]; i++) {
        struct exp_figures f = fig(r, table, steps[i]);
        cr_assert_geq(f.watermark, prev.watermark, "watermark fell at %s", steps[i]);
        if (is_reset(steps[i])) {
            cr_assert_eq(f.in_use, 0, "%s", steps[i]);
            cr_assert_eq(f.bytes, 0, "%s", steps[i]);
            cr_assert_lt(f.in_use, prev.in_use, "%s", steps[i]);
            cr_assert_eq(f.watermark, SEED_BYTES, "%s", steps[i]);
        } else {
            cr_assert_geq(f.in_use, prev.in_use, "in_use fell at %s, not a reset", steps[i]);
        }
        prev = f;
    }
    /* runtime.GC() on a map still referenced: nothing moves. */
    cr_assert_eq(fig(r, table, "1.4").in_use, SEED_BYTES);
    cr_assert_eq(fig(r, table, "3.3").in_use, SEED_BYTES);

    /* Sixth: a second map of the same size reuses the pages. */
    struct exp_figures a = fig(r, table, "6.1"), b = fig(r, table, "6.4");
    cr_assert_eq(b.len, 8192);
    cr_assert_eq(b.bytes, SEED_BYTES);
    cr_assert_eq(b.watermark, a.watermark, "the second map moved the watermark");
}

Test(qemu, experiment_figures_at_boot, .timeout = 60)
{
    struct qemu_result r = boot("exit\n");
    check_table(&r, 0);
    char *t = transcript_table(r.out, 0);
    cr_assert_not_null(t);
    cr_assert(strstr(t, "intMap = nil; runtime.GC()"));
    cr_assert(strstr(t, "hmap_reset(&m)"));
    cr_assert(strstr(t, "nothing: no collector"));
    cr_assert(strstr(t, "\ncheck: ok"));
    free(t);
}

/* The boot's table byte for byte against the golden copy (golden/, taken
 * from the firmware's UART): any change to a figure, a label, the spacing or
 * the verdict shows here, not only in the figures check_table reads. */
Test(qemu, experiment_table_matches_the_golden_copy, .timeout = 60)
{
    struct qemu_result r = boot("exit\n");
    char *want = transcript_read_file(TIDEMARK_GOLDEN_TABLE);
    cr_assert_not_null(want, "cannot read %s", TIDEMARK_GOLDEN_TABLE);
    char *t = transcript_table(r.out, 0);
    cr_assert_not_null(t, "no table in:\n%s", r.out);
    cr_assert_str_eq(t, want, "the boot's table differs from %s", TIDEMARK_GOLDEN_TABLE);
    free(t);
    free(want);
}

Test(qemu, demo_prints_the_same_table_again, .timeout = 60)
{
    struct qemu_result r = boot("fill 1000\ndemo\nstats\nexit\n");
    check_table(&r, 1);
    char *t0 = transcript_table(r.out, 0), *t1 = transcript_table(r.out, 1);
    cr_assert_not_null(t1, "demo printed no table");
    cr_assert_str_eq(t1, t0);
    free(t0);
    free(t1);
    /* The demo ran beside the console's map without touching it. */
    struct stats_lines s = stats_n(&r, 0);
    cr_assert_eq(s.len, 1000);
}

/* --- commands ------------------------------------------------------------- */

Test(qemu, every_command, .timeout = 60)
{
    struct qemu_result r = boot("help\n"
                                "put 1 2\n"
                                "get 1\n"
                                "put 0x10 0xffffffffffffffff\n"
                                "get 16\n"
                                "del 1\n"
                                "get 1\n"
                                "fill 8192\n"
                                "stats\n"
                                "delall\n"
                                "stats\n"
                                "reset\n"
                                "stats\n"
                                "fill 1000\n"
                                "clear\n"
                                "stats\n"
                                "fill 20\n"
                                "compact\n"
                                "stats\n"
                                "demo\n"
                                "exit 0\n");
    cr_assert_eq(r.status, 0);
    char *help = answer(&r, "help", 0);
    const char *names[] = {"help", "stats", "make [GEN] [N]", "put K V", "get K",
                           "del K", "fill N", "delall", "clear", "reset",
                           "compact", "demo", "bench", "exit [CODE]",
                           "selftest [N]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[48];
        snprintf(want, sizeof want, "  %s ", names[i]);
        cr_assert(strstr(help, want), "help lacks %s", names[i]);
    }
    free(help);
    assert_answer(&r, "put 1 2", 0, "ok\n");
    assert_answer(&r, "get 1", 0, "2\n");
    assert_answer(&r, "put 0x10 0xffffffffffffffff", 0, "ok\n");
    assert_answer(&r, "get 16", 0, "18446744073709551615\n");
    assert_answer(&r, "del 1", 0, "ok\n");
    assert_answer(&r, "get 1", 1, "ERR get: no such key 1\n");
    assert_answer(&r, "fill 8192", 0, "ok\n");
    assert_answer(&r, "delall", 0, "ok\n");
    assert_answer(&r, "reset", 0, "ok\n");
    assert_answer(&r, "fill 1000", 0, "ok\n");
    assert_answer(&r, "clear", 0, "ok\n");
    assert_answer(&r, "fill 20", 0, "ok\n");
    assert_answer(&r, "compact", 0, "ok\n");
    assert_answer(&r, "exit 0", 0, "ok\n");

    /* The seed story through the console. */
    struct stats_lines filled = stats_n(&r, 0), deleted = stats_n(&r, 1), reset = stats_n(&r, 2);
    cr_assert_eq(filled.len, 8192, "key 16 (put before) is one of 0..8191");
    cr_assert_eq(filled.B, 11);
    cr_assert_eq(deleted.len, 0);
    cr_assert_eq(deleted.bytes, filled.bytes);
    cr_assert_eq(deleted.in_use, filled.in_use);
    cr_assert_eq(deleted.watermark, filled.watermark);
    cr_assert_eq(reset.bytes, 0);
    cr_assert_eq(reset.in_use, 0);
    cr_assert_eq(reset.len, 0);
    cr_assert_eq(reset.watermark, filled.watermark);

    struct stats_lines cleared = stats_n(&r, 3), compacted = stats_n(&r, 4);
    cr_assert_eq(cleared.len, 0);
    cr_assert_gt(cleared.bytes, 0, "clear keeps the bucket array");
    cr_assert_eq(compacted.len, 20);
    cr_assert_lt(compacted.bytes, cleared.bytes, "compact gives the big table back");
    cr_assert(strstr(r.out, "\ncheck: ok"));
    cr_assert_eq(transcript_count(r.out, "seed experiment:"), 2, "demo prints the table");
}

/* The randomized model test on the board itself: the map's fast and
 * general paths, growth, clear, compact and reset against a reference in
 * static arrays, hmap_check every 1024 operations; on this image's width. */
Test(qemu, selftest_on_the_board, .timeout = 90)
{
    const char *script =
        "fill 100\nstats\nselftest 100000\nselftest 7\nstats\nselftest 100001\nexit 0\n";
    struct qemu_result r = boot_with(script, strlen(script), 1, 0, 60);
    cr_assert_eq(r.status, 0, "%s", r.out);
    assert_answer(&r, "selftest 100000", 0, "ok\n");
    assert_answer(&r, "selftest 7", 0, "ok\n");
    char *a = answer(&r, "selftest 100001", 0);
    cr_assert(strncmp(a, "ERR selftest: N '100001' is out of range", 40) == 0, "%s", a);
    free(a);
    /* Its map and arena were its own (the scratch region): the console's
     * map and arena are as before, counters included. */
    struct stats_lines before = stats_n(&r, 0), after = stats_n(&r, 1);
    cr_assert_eq(after.len, 100);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.watermark, before.watermark);
    cr_assert_eq(after.allocs, before.allocs);
}

/* Bad input, each item followed by `stats`: every item answers one ERR and
 * every stats equals the one before the bad input. */
struct item {
    const char *s;
    size_t n; /* bytes: the items may hold NULs */
};
#define ITEM(lit)            \
    {                        \
        lit, sizeof(lit) - 1 \
    }
static const struct item bad_items[] = {
    ITEM("frobnicate\n"),
    ITEM("STATS\n"),
    ITEM("put\n"),
    ITEM("put 1\n"),
    ITEM("put x 1\n"),
    ITEM("put 1 0x\n"),
    ITEM("put 18446744073709551616 1\n"),
    ITEM("put 1 2 3\n"),
    ITEM("get 0x1g\n"),
    ITEM("get 99999999999999999999\n"),
    ITEM("get 424242\n"),
    ITEM("del 424242\n"),
    ITEM("fill -5\n"),
    ITEM("fill 99999999\n"),
    ITEM("exit 256\n"),
    ITEM("exit -1\n"),
    ITEM("trap nothing\n"),
    ITEM("sta\0ts\n"),
    ITEM("\x01stats\n"),
    ITEM("\x1b[A\n"),
    ITEM("st\xc3\xa4ts\n"),
    ITEM("\xff\xfe\n"),
    ITEM("reset\x7f\x7f\x04\n"),
    ITEM("fill 5 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"),
};

Test(qemu, bad_input_answers_err_and_stats_stays_true, .timeout = 60)
{
    char script[8192];
    size_t n = 0;
#define ADD(s, len)                             \
    do {                                        \
        cr_assert_lt(n + (len), sizeof script); \
        memcpy(script + n, (s), (len));         \
        n += (len);                             \
    } while (0)
    ADD("fill 1000\nput 5000 7\nstats\n", 27);
    size_t nitems = sizeof bad_items / sizeof bad_items[0];
    for (size_t i = 0; i < nitems; i++) {
        ADD(bad_items[i].s, bad_items[i].n);
        ADD("stats\n", 6);
    }
    ADD("get 5000\ndelall\nstats\nexit 0\n", 29);
#undef ADD

    struct qemu_result r = boot_with(script, n, 1, 0, 30);
    cr_assert_eq(r.status, 0, "the console must still take exit 0:\n%s", r.out);
    cr_assert_eq(transcript_count_lines(r.out, "ERR "), (int)nitems,
                 "one ERR line per bad item:\n%s", r.out);
    cr_assert_eq(transcript_count_stats(r.out), (int)nitems + 2);
    struct stats_lines base = stats_n(&r, 0);
    cr_assert_eq(base.len, 1001);
    for (size_t i = 0; i < nitems; i++) {
        struct stats_lines s = stats_n(&r, (int)i + 1);
        const char *changed = stats_first_difference(&s, &base, false);
        cr_assert(changed == NULL,
                  "bad item %zu changed %s (in_use %zu->%zu, len %zu->%zu, failed %zu->%zu)",
                  i, changed, base.in_use, s.in_use, base.len, s.len, base.failed, s.failed);
    }
    assert_answer(&r, "get 5000", 0, "7\n");
    struct stats_lines last = stats_n(&r, (int)nitems + 1);
    cr_assert_eq(last.len, 1, "the fill bookkeeping survived the bad input");
    /* Every ERR says what was wrong: a few exact ones. */
    cr_assert(strstr(r.out, "\nERR unknown command 'frobnicate' (try help)\n"));
    cr_assert(strstr(r.out, "\nERR line rejected: it held a NUL byte (^@)\n"));
    cr_assert(strstr(r.out, "\nERR line rejected: it held control byte 0x1b (^[)\n"));
    cr_assert(strstr(r.out, "\nERR line rejected: it held byte 0xc3 (\\xc3), which is not ASCII\n"));
    cr_assert(strstr(r.out, "\nERR line too long: more than 80 characters"));
    cr_assert(strstr(r.out, "\nERR exit: CODE '256' is out of range (0..255)\n"));
    cr_assert(strstr(r.out, "\nERR fill: 99999999 keys cannot fit"));
}

Test(qemu, fill_that_runs_out_of_pages_keeps_what_went_in, .timeout = 180)
{
    /* Far more than fits once the table has to double, less than the
     * up-front ceiling: it stops midway. */
    struct qemu_result r = boot_with("fill 4000000\nstats\nget 0\nget 4000000\nreset\nstats\n"
                                     "fill 8192\nstats\nexit 0\n",
                                     strlen("fill 4000000\nstats\nget 0\nget 4000000\nreset\n"
                                            "stats\nfill 8192\nstats\nexit 0\n"),
                                     1, 0, 150);
    cr_assert_eq(r.status, 0);
    char *a = answer(&r, "fill 4000000", 0);
    unsigned long long got = 0, of = 0, last = 0;
    cr_assert_eq(sscanf(a, "ERR fill: out of pages after %llu of %llu keys (keys 0..%llu kept)",
                        &got, &of, &last),
                 3, "%s", a);
    free(a);
    cr_assert_eq(of, 4000000);
    cr_assert_eq(last + 1, got);
    cr_assert_gt(got, 1000000);
    struct stats_lines s = stats_n(&r, 0);
    cr_assert_eq(s.len, got, "the map holds what the fill said went in");
    cr_assert_gt(s.failed, 0);
    cr_assert_eq(s.growing, 0);
    assert_answer(&r, "get 0", 0, "0\n");
    assert_answer(&r, "get 4000000", 0, "ERR get: no such key 4000000\n");
    struct stats_lines after = stats_n(&r, 1);
    cr_assert_eq(after.in_use, 0);
    cr_assert_eq(after.watermark, s.watermark);
    assert_answer(&r, "fill 8192", 0, "ok\n");
    cr_assert_eq(stats_n(&r, 2).len, 8192);
}

Test(qemu, fill_refusal_quotes_a_fill_that_goes_in, .timeout = 180)
{
    /* On the default arena, the count a refused fill quotes as reached by a
     * fill into an empty map is one: a fresh boot takes that fill whole. */
    struct qemu_result r = boot("fill 100000000\nexit 0\n");
    char *a = answer(&r, "fill 100000000", 0);
    unsigned long long most = 0, reach = 0;
    cr_assert_eq(sscanf(a,
                        "ERR fill: 100000000 keys cannot fit: at most %llu, 8 in every bucket\n"
                        "  a fill into this map, with its hint 0, reaches %llu from empty\n",
                        &most, &reach),
                 2, "%s", a);
    free(a);
    qemu_result_free(&r);
    cr_assert_gt(reach, 100000, "a quote of %llu is too low to mean anything", reach);
    char script[96];
    snprintf(script, sizeof script, "fill %llu\nstats\nexit 0\n", reach);
    r = boot_with(script, strlen(script), 1, 0, 150);
    cr_assert_eq(r.status, 0);
    char cmd[48];
    snprintf(cmd, sizeof cmd, "fill %llu", reach);
    assert_answer(&r, cmd, 0, "ok\n");
    cr_assert_eq(stats_n(&r, 0).len, reach);
    qemu_result_free(&r);
}

/* --- line ends ------------------------------------------------------------ */

Test(qemu, cr_lf_crlf_and_backspace, .timeout = 60)
{
    struct qemu_result r = boot("put 1 10\rput 2 20\nput 3 30\r\n"
                                "gex\bt 3\r"
                                "gex\x7ft 1\r\n"
                                "\r\n\n"
                                "stats\nexit 4\n");
    cr_assert_eq(r.status, 4);
    cr_assert_eq(transcript_count(r.out, "ERR"), 0, "%s", r.out);
    assert_answer(&r, "put 1 10", 0, "ok\n");
    assert_answer(&r, "put 2 20", 0, "ok\n");
    assert_answer(&r, "put 3 30", 0, "ok\n");
    cr_assert(strstr(r.out, "> gex\b \bt 3\n30\n> "), "%s", r.out);
    cr_assert(strstr(r.out, "> gex\b \bt 1\n10\n> "), "%s", r.out);
    cr_assert_eq(stats_n(&r, 0).len, 3);
    /* 8 lines (two of them empty) + exit: 9 prompts; a CRLF never adds one. */
    const char *console = strstr(r.out, "\nconsole:");
    cr_assert_not_null(console);
    cr_assert_eq(transcript_count(console, "> "), 9, "%s", console);
}

Test(qemu, ctrl_c_cancels_and_ctrl_u_erases, .timeout = 60)
{
    struct qemu_result r = boot("put 1 10\n"
                                "reset\x03"
                                "get 1\n"
                                "delall\x15get 1\n"
                                "\x01"
                                "clear\x03stats\nexit 5\n");
    cr_assert_eq(r.status, 5);
    cr_assert_eq(transcript_count(r.out, "ERR"), 0, "%s", r.out);
    cr_assert(strstr(r.out, "> reset^C\n> get 1\n10\n> "), "%s", r.out);
    cr_assert(strstr(r.out, "> delall\b \b\b \b\b \b\b \b\b \b\b \bget 1\n10\n> "), "%s", r.out);
    cr_assert(strstr(r.out, "> ^Aclear^C\n> stats\n"), "the bad byte shown: %s", r.out);
    cr_assert_eq(stats_n(&r, 0).len, 1, "nothing cancelled or erased ran");
}

/* --- exit statuses ---------------------------------------------------------- */

static void exit_case(const char *script, int want)
{
    struct qemu_result r = boot(script);
    cr_assert_eq(r.status, want, "'%s' gave status %d, want %d", script, r.status, want);
    qemu_result_free(&r);
}

Test(qemu, exit_status_is_qemus, .timeout = 120)
{
    exit_case("exit\n", 0);
    exit_case("exit 1\n", 1);
    exit_case("exit 42\n", 42);
    exit_case("exit 0x2a\n", 42);
    exit_case("exit 255\n", 255);
    exit_case("exit 256\nexit 7\n", 7);
}

/* --- traps ------------------------------------------------------------------ */

static uint64_t trap_field(const char *out, const char *key)
{
    const char *p = strstr(out, key);
    cr_assert_not_null(p, "'%s' missing from the trap report:\n%s", key, out);
    return strtoull(p + strlen(key), NULL, 16);
}

static struct qemu_result trap_case(const char *script, int status, const char *name)
{
    struct qemu_result r = boot(script);
    cr_assert_eq(r.status, status, "status %d, want %d:\n%s", r.status, status, r.out);
    char want[128];
    snprintf(want, sizeof want, "\n*** trap: %s (mcause=0x%0*x)\n", name, XLEN_HEX_DIGITS,
             status - 100);
    cr_assert(strstr(r.out, want), "want '%s' in:\n%s", want, r.out);
    snprintf(want, sizeof want, "\n*** stopping: exit status %d\n", status);
    cr_assert(strstr(r.out, want), "want '%s' in:\n%s", want, r.out);
    uint64_t mepc = trap_field(r.out, "*** mepc=");
    cr_assert_geq(mepc, 0x80000000u);
    cr_assert_lt(mepc, banner_number(r.out, "\nimage: ", "end="), "mepc in the code");
    return r;
}

Test(qemu, trap_illegal_instruction, .timeout = 60)
{
    struct qemu_result r = trap_case("trap\n", 102, "illegal instruction");
    cr_assert_eq(trap_field(r.out, " mtval="), 0xc0001073u, "mtval holds the instruction");
}

Test(qemu, trap_load_access_fault, .timeout = 60)
{
    struct qemu_result r = trap_case("trap load\n", 105, "load access fault");
    cr_assert_eq(trap_field(r.out, " mtval="), 0x80000000u + RAM_BYTES, "the byte after RAM");
}

Test(qemu, trap_breakpoint, .timeout = 60)
{
    trap_case("trap ebreak\n", 103, "breakpoint");
}

Test(qemu, trap_stack_overflow_hits_the_guard, .timeout = 60)
{
    struct qemu_result r = trap_case("trap stack\n", 107, "store/AMO access fault");
    uint64_t guard = banner_number(r.out, "\nstack: ", "guard=");
    uint64_t mtval = trap_field(r.out, " mtval=");
    cr_assert_geq(mtval, guard);
    cr_assert_lt(mtval, guard + 4096, "the fault is in the guard page");
}

/* --- harts and RAM ---------------------------------------------------------- */

Test(qemu, smp4_boots_exactly_like_smp1, .timeout = 60)
{
    const char *script = "stats\nfill 5000\nput 1 2\nget 1\nstats\ndemo\nexit 5\n";
    struct qemu_result one = boot_with(script, strlen(script), 1, 0, 20);
    struct qemu_result four = boot_with(script, strlen(script), 4, 0, 20);
    cr_assert_eq(one.status, 5);
    cr_assert_eq(four.status, 5);
    cr_assert_str_eq(four.out, one.out, "-smp 4 printed something else than -smp 1");
}

Test(qemu, refuses_less_ram_than_linked_for, .timeout = 60)
{
    struct qemu_result r = boot_with("stats\nexit\n", 11, 1, TIDEMARK_RAM_MB / 2, 20);
    cr_assert_eq(r.status, 97, "%s", r.out);
    cr_assert(strstr(r.out, "\nERR this image needs RAM"), "%s", r.out);
    cr_assert_null(strstr(r.out, "arena in_use="), "no console on the wrong RAM");
}

/* The arena is the RAM QEMU gives, not the linked size: -m 1G holds a fill
 * of 4,200,000 keys (past the 128 MiB default's reach).  4,200,000 and not
 * 4,000,000: with the console's seed a same-size growth is under way at
 * 4,000,000 (the overflow count passed Go's 2^15 cap), and then delall's
 * deletes finish it and give the old array back; at 4,200,000 none is (the
 * test says so first), so delall must leave bytes exactly as they were.
 * The 64-bit image only: the 32-bit one runs the same code, and CI time
 * counts (about 15 s on an idle machine). */
#if TIDEMARK_XLEN == 64
Test(qemu, one_gib_of_ram_is_one_gib_of_arena, .timeout = 240)
{
    const char *script = "fill 4200000\nstats\ndelall\nstats\nreset\nstats\nexit 0\n";
    struct qemu_result r = boot_with(script, strlen(script), 1, 1024, 200);
    cr_assert_eq(r.status, 0, "%s", r.out);
    cr_assert_eq(banner_number(r.out, "\nram: ", "size="), (size_t)1 << 30);
    size_t arena_size = banner_number(r.out, "\narena: ", "size=");
    cr_assert_gt(arena_size, (size_t)1000 << 20, "the arena is the rest of the 1 GiB");
    assert_answer(&r, "fill 4200000", 0, "ok\n");
    struct stats_lines filled = stats_n(&r, 0), deleted = stats_n(&r, 1), reset = stats_n(&r, 2);
    cr_assert_eq(filled.len, 4200000);
    cr_assert_eq(filled.growing, 0, "a growth under way: delall would finish it");
    cr_assert_eq(deleted.len, 0);
    cr_assert_eq(deleted.bytes, filled.bytes, "delall gave bytes back");
    cr_assert_eq(deleted.in_use, filled.in_use);
    cr_assert_eq(reset.in_use, 0);
    cr_assert_eq(reset.bytes, 0);
    cr_assert_eq(reset.watermark, filled.watermark);
    cr_assert_gt(filled.watermark, (size_t)128 << 20, "more than -m 128M could hold");
}
#endif

/* --- the device tree -------------------------------------------------------- */

/* QEMU writes the device tree it would give the board. */
static uint8_t *qemu_dtb(const char *mem, size_t *len)
{
    char path[] = "/tmp/tidemark-dtb-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char machine[128];
    snprintf(machine, sizeof machine, "virt,dumpdtb=%s", path);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        execlp(TIDEMARK_QEMU, TIDEMARK_QEMU, "-M", machine, "-m", mem, "-bios", "none",
               "-display", "none", (char *)NULL);
        _exit(127);
    }
    int ws;
    waitpid(pid, &ws, 0);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "%s -M %s failed", TIDEMARK_QEMU, machine);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    uint8_t *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    unlink(path);
    return buf;
}

Test(qemu, fdt_reads_the_virt_device_tree, .timeout = 60)
{
    size_t len;
    uint8_t *dtb = qemu_dtb("128M", &len);
    cr_assert_gt(len, 40);
    uint64_t base = 0, size = 0;
    cr_assert_eq(fdt_memory(dtb, &base, &size), FDT_OK);
    cr_assert_eq(base, 0x80000000u);
    cr_assert_eq(size, 128u << 20);
    free(dtb);

    dtb = qemu_dtb("64M", &len);
    cr_assert_eq(fdt_memory(dtb, &base, &size), FDT_OK);
    cr_assert_eq(size, 64u << 20);
    free(dtb);
}

/* --- 80 columns ---------------------------------------------------------------- */

/* Every command help lists, with its documented arguments, and the cases
 * whose figures or words run longest: a big map and its pictures, failures
 * that say why, a refused bench, the demo's table. */
static const char *const every_command[] = {
    "help",
    "stats",
    "make 8192",
    "put 1 2",
    "get 1",
    "del 1",
    "fill 1000000",
    "stats",
    "pages",
    "slots",
    "history",
    "chart",
    "delall",
    "pages",
    "slots",
    "compact",
    "clear",
    "reset",
    "chart",
    "compact",
    "make 0",
    "fill 1800000",
    "fill 100000000",
    "pages",
    "slots",
    "chart",
    "put 99999999 1",
    "history clear",
    "history",
    "demo",
    "bench",
    "selftest 1000",
    "get 424242",
    "del 424242",
    "frobnicate",
    "put\t7\t9",
    /* the Swiss map: its stats, pictures and refusals; the churn */
    "make swiss 0",
    "fill 100000",
    "stats",
    "pages",
    "slots",
    "history",
    "chart",
    "delall",
    "slots",
    "compact",
    "make swiss 100000000000",
    "slide",
    "make bucket 0",
    "exit 0",
};

/* A line the console's contract lets pass 80 columns, where its own
 * key=value figures are long (console.h): stats' lines (the Swiss map's
 * too), slots' and history's. */
static bool key_value_line(const char *l)
{
    static const char *const prefixes[] = {"arena in_use=", "map len=", "swiss len=",
                                           "frag free=", "slots live=", "at="};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(l, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

Test(qemu, every_line_fits_80_columns, .timeout = 240)
{
    char script[1024] = "";
    for (size_t i = 0; i < sizeof every_command / sizeof every_command[0]; i++) {
        strcat(script, every_command[i]);
        strcat(script, "\n");
    }
    struct qemu_result r = boot_with(script, strlen(script), 1, 0, 220);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* Every command help lists is in the script. */
    char *help = answer(&r, "help", 0);
    int listed = 0;
    for (const char *l = strchr(help, '\n') + 1; l[0] == ' ' && l[1] == ' '; l = strchr(l, '\n') + 1) {
        char name[32];
        cr_assert_eq(sscanf(l, " %31s", name), 1);
        bool run = false;
        for (size_t i = 0; i < sizeof every_command / sizeof every_command[0]; i++)
            run |= strncmp(every_command[i], name, strlen(name)) == 0 &&
                   (every_command[i][strlen(name)] == ' ' || every_command[i][strlen(name)] == '\0');
        cr_assert(run, "help lists '%s', which this test does not run", name);
        listed++;
    }
    cr_assert_geq(listed, 19, "%s", help);
    free(help);
    int lines = 0;
    for (const char *l = r.out; *l; lines++) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (n > 0 && l[n - 1] == '\r')
            n--;
        if (!key_value_line(l))
            cr_assert_leq(n, 80, "a line of %zu columns:\n%.*s", n, (int)n, l);
        if (!e)
            break;
        l = e + 1;
    }
    cr_assert_gt(lines, 1000, "the whole transcript was read");
    qemu_result_free(&r);
}
