/* SPDX-License-Identifier: MIT */
/*
 * test_console_setup.c - the console's set-up, numbers, help and stats
 * lines, and the shape of every answer. What each prints: docs/console.md;
 * the rig: console_rig.h.
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

Test(console_setup, init_rejects_missing_parts)
{
    struct console c;
    struct arena a;
    struct console_config cfg = {.write = rig_sink, .ctx = &R, .arena = &a};
    cr_assert_eq(console_init(NULL, &cfg), CONSOLE_ERR_ARG);
    cr_assert_eq(console_init(&c, NULL), CONSOLE_ERR_ARG);
    cfg.write = NULL;
    cr_assert_eq(console_init(&c, &cfg), CONSOLE_ERR_ARG);
    cfg.write = rig_sink;
    cfg.arena = NULL;
    cr_assert_eq(console_init(&c, &cfg), CONSOLE_ERR_ARG);
    cr_assert_str_eq(console_strerror(CONSOLE_ERR_ARG),
                     "a NULL console, config, write hook or arena");
}

Test(console_setup, fresh_map_holds_nothing)
{
    rig_big();
    struct stats_lines s = con_stats();
    cr_assert_eq(s.in_use, 0);
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, 0);
    cr_assert_eq(s.buckets, 0);
    cr_assert_eq(s.page, 4096);
    cr_assert_eq(s.stack_used, 1234);
    cr_assert_eq(s.stack_size, 16384);
}

static int parse(const char *s, uint64_t *v)
{
    return console_parse_u64(s, strlen(s), v);
}

Test(console_setup, numbers_decimal_and_hex)
{
    uint64_t v = 77;
    cr_assert_eq(parse("0", &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(parse("42", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(parse("007", &v), 0, "leading zeros are decimal, not octal");
    cr_assert_eq(v, 7);
    cr_assert_eq(parse("0x2a", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(parse("0X2A", &v), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(parse("0xDeadBeef", &v), 0);
    cr_assert_eq(v, 0xdeadbeefu);
    cr_assert_eq(parse("18446744073709551615", &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(parse("0xffffffffffffffff", &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(parse("0x0000000000000000000001", &v), 0);
    cr_assert_eq(v, 1);
    cr_assert_eq(parse("00000000000000000000000000000000000000009", &v), 0);
    cr_assert_eq(v, 9);
}

Test(console_setup, numbers_malformed_or_out_of_range)
{
    uint64_t v = 77;
    const char *bad[] = {"", "0x", "0X", "x1", "-1", "+1", " 1", "1 ", "12a", "0x1g", "1.5",
                         "0b101", "1e3", "٣", "0x-1", "99999999999999999999x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(parse(bad[i], &v), CONSOLE_NUM_BAD, "'%s' must be malformed", bad[i]);
        cr_assert_eq(v, 77, "'%s' changed *out", bad[i]);
    }
    const char *range[] = {"18446744073709551616", "99999999999999999999",
                           "0x10000000000000000", "0xffffffffffffffff0"};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
        cr_assert_eq(parse(range[i], &v), CONSOLE_NUM_RANGE, "'%s' must be out of range",
                     range[i]);
        cr_assert_eq(v, 77);
    }
    /* Only n bytes are read. */
    cr_assert_eq(console_parse_u64("123456", 3, &v), 0);
    cr_assert_eq(v, 123);
}

Test(console_setup, help_lists_the_commands_but_not_trap)
{
    rig_big();
    const char *a = con_run("help");
    const char *names[] = {"help", "stats", "make [GEN] [N]", "put K V", "get K",
                           "del K", "fill N", "delall", "clear", "reset",
                           "compact", "demo", "bench", "exit [CODE]"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char want[48];
        snprintf(want, sizeof want, "\n  %s ", names[i]);
        cr_assert(strstr(a, want), "help does not list '%s': %s", names[i], a);
    }
    cr_assert_null(strstr(a, "trap"), "trap is hidden");
    cr_assert_eq(transcript_count_lines(a, "ERR"), 0, "help is not an error");
}

Test(console_setup, stats_lines_exact)
{
    rig_big();
    const char *a = con_run("stats");
    cr_assert_str_eq(a, "arena in_use=0 watermark=0 peak=0 capacity=8384512 page=4096 allocs=0 "
                        "frees=0 failed=0\n"
                        "map len=0 B=0 buckets=0 overflow=0 bytes=0 growing=0 hint=0\n"
                        "stack used=1234 size=16384\n"
                        "frag free=8384512 largest_free=8384512 free_runs=1 "
                        "free_below_watermark=0\n");
}

Test(console_setup, stats_without_stack_hook_prints_zero)
{
    rig_console(BIG_ARENA, false);
    struct stats_lines s = con_stats();
    cr_assert_eq(s.stack_used, 0);
    cr_assert_eq(s.stack_size, 0);
}

Test(console_setup, spaces_around_words)
{
    rig_big();
    assert_ok(con_run("   put    7     8   "), "extra spaces");
    cr_assert_str_eq(con_run(" get 7"), "8\n");
}

Test(console_setup, every_answer_is_ok_a_value_or_err)
{
    /* A run of every command: apart from help, stats and demo, each answer
     * is one line, "ok", a number, or "ERR ...". */
    rig_big();
    const char *lines[] = {"put 1 2", "get 1", "del 1", "get 1", "fill 300", "delall",
                           "fill 10", "clear", "fill 10", "compact", "reset", "compact",
                           "put 0x10 0x20", "get 16", "exit 300"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *a = con_run(lines[i]);
        const char *nl = strchr(a, '\n');
        cr_assert(nl && nl[1] == '\0', "'%s' answered more than one line: '%s'", lines[i], a);
        char *end;
        (void)strtoull(a, &end, 10);
        bool number = end != a && *end == '\n';
        cr_assert(strcmp(a, "ok\n") == 0 || number || strncmp(a, "ERR ", 4) == 0,
                  "'%s' answered '%s'", lines[i], a);
    }
}
