/* SPDX-License-Identifier: MIT */
/*
 * test_console_system.c - the system commands: demo, bench without a
 * counter, exit, trap, selftest. What each prints: docs/console.md; the rig:
 * console_rig.h.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_rig.h"
#include "experiment.h"

Test(console_system, bench_without_a_counter_is_an_error)
{
    /* This rig gives no instruction counter (test_bench.c covers bench with
     * one). */
    rig_big();
    cr_assert_str_eq(con_run("fill 50"), "ok\n");
    struct stats_lines before = con_stats();
    cr_assert_str_eq(con_run("bench"), "ERR bench: no instruction counter\n");
    cr_assert_str_eq(con_run("bench now"), "ERR bench: too many arguments (usage: bench)\n");
    struct stats_lines after = con_stats();
    assert_same_stats(&before, &after, "bench without a counter");
}

Test(console_system, demo_prints_the_experiment_table)
{
    rig_big();
    const char *a = con_run("demo");
    char *first = strdup(a);
    cr_assert(strstr(a, "seed experiment:"), "%s", a);
    cr_assert(strstr(a, "check: ok"), "%s", a);
    struct exp_figures f;
    cr_assert(transcript_row(a, 0, "1.2", &f));
    cr_assert_eq(f.bytes, 315392);
    /* The demo runs on its own region: the console's figures stay. */
    struct stats_lines s = con_stats();
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.watermark, 0);
    cr_assert_eq(s.allocs, 0);
    /* And it reads the same every time. */
    a = con_run("demo");
    cr_assert_str_eq(a, first);
    free(first);
}

Test(console_system, demo_without_region_is_an_error)
{
    rig_console(BIG_ARENA, false);
    assert_err(con_run("demo"), "demo without region");
}

Test(console_system, exit_codes)
{
    rig_big();
    assert_err(con_run("exit 256"), "exit 256");
    cr_assert(!console_exited(&R.con));
    assert_err(con_run("exit -1"), "exit -1");
    assert_err(con_run("exit 1 2"), "exit 1 2");
    assert_err(con_run("exit x"), "exit x");
    cr_assert(!console_exited(&R.con));
    cr_assert_str_eq(con_run("exit 0xff"), "ok\n");
    cr_assert(console_exited(&R.con));
    cr_assert_eq(console_exit_code(&R.con), 255);
    /* After exit: nothing more is read or printed. */
    cr_assert_str_eq(con_sends("stats\n"), "");
    cr_assert(!console_feed(&R.con, 'x'));
    cr_assert(!console_run_line(&R.con, "stats", 5));
    cr_assert_str_eq(R.out + R.mark, "");
}

Test(console_system, exit_default_is_zero)
{
    rig_big();
    cr_assert_str_eq(con_run("exit"), "ok\n");
    cr_assert(console_exited(&R.con));
    cr_assert_eq(console_exit_code(&R.con), 0);
}

Test(console_system, exit_one_and_decimal_255)
{
    rig_big();
    cr_assert_str_eq(con_run("exit 255"), "ok\n");
    cr_assert_eq(console_exit_code(&R.con), 255);
    rig_big();
    cr_assert_str_eq(con_run("exit 1"), "ok\n");
    cr_assert_eq(console_exit_code(&R.con), 1);
}

Test(console_system, trap_calls_the_hook)
{
    rig_big();
    assert_ok(con_run("trap"), "trap");
    assert_ok(con_run("trap illegal"), "trap illegal");
    assert_ok(con_run("trap load"), "trap load");
    assert_ok(con_run("trap ebreak"), "trap ebreak");
    assert_ok(con_run("trap stack"), "trap stack");
    assert_err(con_run("trap nothing"), "trap nothing");
    assert_err(con_run("trap load 2"), "trap load 2");
    cr_assert_eq(R.ntraps, 5);
    cr_assert_eq(R.traps[0], CONSOLE_TRAP_ILLEGAL);
    cr_assert_eq(R.traps[1], CONSOLE_TRAP_ILLEGAL);
    cr_assert_eq(R.traps[2], CONSOLE_TRAP_LOAD);
    cr_assert_eq(R.traps[3], CONSOLE_TRAP_EBREAK);
    cr_assert_eq(R.traps[4], CONSOLE_TRAP_STACK);
}

Test(console_system, trap_is_unknown_without_a_hook)
{
    rig_console(BIG_ARENA, false);
    cr_assert_str_eq(con_run("trap"), "ERR unknown command 'trap' (try help)\n");
}

/* selftest on the host: the same command the boards run (test_qemu.c runs
 * it on both images). */
Test(console_system, selftest_answers_ok_and_leaves_the_map)
{
    rig_big();
    assert_ok(con_run("fill 300"), "fill");
    struct stats_lines before = con_stats();
    assert_ok(con_run("selftest"), "selftest");
    assert_ok(con_run("selftest 50000"), "selftest 50000");
    assert_ok(con_run("selftest 0"), "selftest 0");
    assert_err(con_run("selftest 100001"), "selftest over the limit");
    assert_err(con_run("selftest x"), "selftest x");
    struct stats_lines after = con_stats();
    cr_assert_eq(after.len, 300);
    cr_assert_eq(after.bytes, before.bytes);
    assert_same_stats(&before, &after, "selftest runs on the scratch region");
}
