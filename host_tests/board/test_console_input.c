/* SPDX-License-Identifier: MIT */
/*
 * test_console_input.c - bad input (one ERR, nothing changed), line ends and
 * line editing. What each prints: docs/console.md; the rig: console_rig.h.
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

/* Lines that must each answer one ERR and change nothing. */
static const char *const bad_lines[] = {
    "frobnicate",
    "STATS",
    "Put 1 2",
    "put",
    "put 1",
    "put x 1",
    "put 1 x",
    "put 1 0x",
    "put 0x 1",
    "put -1 1",
    "put 1 +2",
    "put 18446744073709551616 1",
    "put 1 18446744073709551616",
    "put 1 2 3",
    "get",
    "get 1 2",
    "get 0x1g",
    "get 99999999999999999999",
    "get 424242",
    "del",
    "del 424242",
    "del 1 2",
    "del 1.0",
    "fill",
    "fill x",
    "fill -5",
    "fill 1 2",
    "fill 99999999999",
    "fill 18446744073709551616",
    "make x",
    "make 1 2",
    "make 18446744073709551616",
    "make swiss x",
    "make bucket 1 2",
    "make swissy 1",
    "make swiss 18446744073709551615",
    "make swiss 18446744073709551616",
    "delall 1",
    "clear 1",
    "reset now",
    "compact 1",
    "demo 1",
    "help me",
    "stats 1",
    "exit 256",
    "exit 0x100",
    "exit -1",
    "exit 1 2",
    "trap nothing",
};

Test(console_input, every_bad_line_answers_one_err_and_changes_nothing)
{
    rig_big();
    assert_ok(con_run("fill 1000"), "fill");
    assert_ok(con_run("put 5000 7"), "put");
    struct stats_lines base = con_stats();
    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
        const char *a = con_run(bad_lines[i]);
        assert_err(a, bad_lines[i]);
        struct stats_lines now = con_stats();
        assert_same_stats(&base, &now, bad_lines[i]);
        cr_assert(!console_exited(&R.con), "%s", bad_lines[i]);
    }
    /* The fill bookkeeping is intact too: delall still removes 0..999. */
    assert_ok(con_run("delall"), "delall");
    cr_assert_eq(con_stats().len, 1);
}

Test(console_input, err_messages_say_what_was_wrong)
{
    rig_big();
    cr_assert_str_eq(con_run("frobnicate"), "ERR unknown command 'frobnicate' (try help)\n");
    cr_assert_str_eq(con_run("put 1"), "ERR put: missing argument (usage: put K V)\n");
    cr_assert_str_eq(con_run("get 1 2"), "ERR get: too many arguments (usage: get K)\n");
    cr_assert_str_eq(con_run("put x 1"),
                     "ERR put: K 'x' is not a number (decimal, or hex after 0x)\n");
    cr_assert_str_eq(con_run("put 1 18446744073709551616"),
                     "ERR put: V '18446744073709551616' is out of range "
                     "(0..18446744073709551615)\n");
    cr_assert_str_eq(con_run("exit 256"), "ERR exit: CODE '256' is out of range (0..255)\n");
    cr_assert_str_eq(con_run("stats now"), "ERR stats: too many arguments (usage: stats)\n");
}

/* Feed raw bytes as one line; expect exactly: the line's echo, want_echo
 * when given (a bad byte in its visible form, never raw), one ERR line, a
 * prompt; and nothing changed. */
static void bad_bytes_echo_case(const char *bytes, size_t n, const char *want_echo,
                                const char *want_err)
{
    struct stats_lines base = con_stats();
    const char *o = con_send(bytes, n);
    char *copy = strdup(o);
    if (want_echo)
        cr_assert(strncmp(copy, want_echo, strlen(want_echo)) == 0 &&
                      copy[strlen(want_echo)] == '\n',
                  "echo '%s', want '%s'", copy, want_echo);
    const char *err = strstr(copy, "ERR ");
    cr_assert(err, "no ERR for bad bytes: '%s'", copy);
    cr_assert_eq(transcript_count(copy, "ERR "), 1, "exactly one ERR: '%s'", copy);
    const char *nl = strchr(err, '\n');
    cr_assert(nl && strcmp(nl + 1, "> ") == 0, "one ERR line, then the prompt: '%s'", copy);
    if (want_err)
        cr_assert(strncmp(err, want_err, strlen(want_err)) == 0, "got '%s' want '%s'", err,
                  want_err);
    for (const char *p = copy; *p; p++)
        cr_assert((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\b',
                  "a bad byte was echoed: 0x%02x", (unsigned char)*p);
    free(copy);
    struct stats_lines now = con_stats();
    assert_same_stats(&base, &now, "bad bytes");
}

static void bad_bytes_case(const char *bytes, size_t n, const char *want_err)
{
    bad_bytes_echo_case(bytes, n, NULL, want_err);
}

Test(console_input, control_and_non_ascii_bytes_reject_the_line)
{
    rig_big();
    assert_ok(con_run("fill 10"), "fill");
    /* Each bad byte is echoed in a visible form, so the user sees why the
     * line is rejected, and the ERR names it both ways. */
    bad_bytes_echo_case("sta\0ts\n", 7, "sta^@ts", "ERR line rejected: it held a NUL byte (^@)\n");
    bad_bytes_echo_case("\x01stats\n", 7, "^Astats",
                        "ERR line rejected: it held control byte 0x01 (^A)\n");
    bad_bytes_echo_case("put\t7\t9\n", 8, "put^I7^I9",
                        "ERR line rejected: it held control byte 0x09 (^I)\n");
    bad_bytes_echo_case("\x1b[A\n", 4, "^[[A", "ERR line rejected: it held control byte 0x1b (^[)\n");
    bad_bytes_echo_case("st\xc3\xa4ts\n", 7, "st\\xc3\\xa4ts",
                        "ERR line rejected: it held byte 0xc3 (\\xc3), which is not ASCII\n");
    bad_bytes_case("\xff\n", 2, "ERR line rejected: it held byte 0xff");
    bad_bytes_case("\x80 reset\n", 8, "ERR line rejected: it held byte 0x80");
    bad_bytes_case("reset\x7f\x7f\x7f\x7f\x7f\x04\n", 12, "ERR line rejected: it held control byte 0x04");
    /* A bad byte is not taken back by backspace: the line stays rejected,
     * and so does its echo. */
    bad_bytes_echo_case("delall\x02\x08\n", 9, "delall^B",
                        "ERR line rejected: it held control byte 0x02 (^B)\n");
    cr_assert_eq(con_stats().len, 10, "nothing ran");
}

Test(console_input, long_line_answers_once_and_is_discarded)
{
    rig_big();
    char line[1100];
    memset(line, 'a', sizeof line);
    /* "reset" then a long tail: must not reset anything. */
    memcpy(line, "fill 5 ", 7);
    line[sizeof line - 1] = '\n';
    bad_bytes_case(line, sizeof line, "ERR line too long: more than 80 characters");
    cr_assert_eq(con_stats().len, 0, "the long line's command did not run");
    /* Backspaces after the overflow do not bring the line back. */
    char l2[CONSOLE_LINE_MAX + 10];
    memset(l2, 'b', sizeof l2);
    memcpy(l2 + CONSOLE_LINE_MAX + 1, "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\n", 9);
    bad_bytes_case(l2, sizeof l2, "ERR line too long");
    /* The console keeps working. */
    assert_ok(con_run("put 1 1"), "put after long lines");
}

Test(console_input, line_of_exactly_the_maximum_runs)
{
    rig_big();
    char line[CONSOLE_LINE_MAX + 1];
    /* "put 1 " + zeros + "7" = 80 characters */
    memset(line, '0', CONSOLE_LINE_MAX);
    memcpy(line, "put 1 ", 6);
    line[CONSOLE_LINE_MAX - 1] = '7';
    line[CONSOLE_LINE_MAX] = '\0';
    cr_assert_eq(strlen(line), CONSOLE_LINE_MAX);
    assert_ok(con_run(line), "80-character line");
    cr_assert_str_eq(con_run("get 1"), "7\n");
    /* One more character is too long. */
    char longer[CONSOLE_LINE_MAX + 3];
    memcpy(longer, line, CONSOLE_LINE_MAX);
    longer[CONSOLE_LINE_MAX] = '8';
    longer[CONSOLE_LINE_MAX + 1] = '\n';
    bad_bytes_case(longer, CONSOLE_LINE_MAX + 2, "ERR line too long");
    cr_assert_str_eq(con_run("get 1"), "7\n");
}

Test(console_input, cr_lf_and_crlf_each_end_one_line)
{
    rig_big();
    const char *o = con_sends("put 1 10\rput 2 20\nput 3 30\r\nstats\r\n");
    char *copy = strdup(o);
    cr_assert_eq(transcript_count(copy, "ok\n"), 3, "%s", copy);
    cr_assert_eq(transcript_count(copy, "> "), 4, "one prompt per line, no empty command: %s",
                 copy);
    cr_assert_null(strstr(copy, "ERR"), "%s", copy);
    struct stats_lines s;
    cr_assert(transcript_stats(copy, 0, &s));
    cr_assert_eq(s.len, 3);
    free(copy);
    /* Echo: each line end is echoed as one "\n". */
    o = con_sends("get 2\r\n");
    cr_assert_str_eq(o, "get 2\n20\n> ");
}

Test(console_input, empty_lines_and_bare_line_ends_just_prompt)
{
    rig_big();
    cr_assert_str_eq(con_sends("\n"), "\n> ");
    cr_assert_str_eq(con_sends("\r"), "\n> ");
    cr_assert_str_eq(con_sends("\n"), "", "the LF of a CRLF split over two feeds is swallowed");
    cr_assert_str_eq(con_sends("\r\r\n"), "\n> \n> ");
    cr_assert_str_eq(con_sends("\n\r"), "\n> \n> ", "LF then CR is two line ends");
    cr_assert_str_eq(con_sends("    \n"), "    \n> ");
}

Test(console_input, backspace_and_delete_erase)
{
    rig_big();
    assert_ok(con_run("put 4 44"), "put");
    cr_assert_str_eq(con_sends("gex\bt 4\n"), "gex\b \bt 4\n44\n> ");
    cr_assert_str_eq(con_sends("gex\x7ft 4\n"), "gex\b \bt 4\n44\n> ");
    /* Backspace on an empty line prints nothing and erases nothing. */
    cr_assert_str_eq(con_sends("\b\x7f\b"), "");
    cr_assert_str_eq(con_sends("get 4\n"), "get 4\n44\n> ");
    /* Erase a whole command and type another. */
    cr_assert_str_eq(con_sends("reset\b\b\b\b\bget 4\n"),
                     "reset\b \b\b \b\b \b\b \b\b \bget 4\n44\n> ");
    cr_assert_eq(con_stats().len, 1);
}

Test(console_input, ctrl_c_cancels_the_line_and_prompts_again)
{
    rig_big();
    assert_ok(con_run("put 4 44"), "put");
    cr_assert_str_eq(con_sends("reset\x03"), "reset^C\n> ");
    cr_assert_eq(con_stats().len, 1, "the cancelled reset did not run");
    /* On an empty line: a fresh prompt. */
    cr_assert_str_eq(con_sends("\x03"), "^C\n> ");
    /* It cancels a line already rejected (a bad byte, too long) as well:
     * no ERR, and the next line runs. */
    cr_assert_str_eq(con_sends("\x01reset\x03get 4\n"), "^Areset^C\n> get 4\n44\n> ");
    char l[CONSOLE_LINE_MAX + 10];
    memset(l, 'a', sizeof l);
    l[sizeof l - 1] = '\x03';
    const char *o = con_send(l, sizeof l);
    cr_assert_eq(strlen(o), CONSOLE_LINE_MAX + 5, "the line's echo, ^C, a new line and prompt: %s", o);
    cr_assert_str_eq(o + CONSOLE_LINE_MAX, "^C\n> ");
    cr_assert_str_eq(con_sends("get 4\n"), "get 4\n44\n> ");
    /* After a CR, a ^C then an LF: the LF ends an empty line of its own. */
    cr_assert_str_eq(con_sends("get 4\r\x03\n"), "get 4\n44\n> ^C\n> \n> ");
    cr_assert_eq(con_stats().len, 1);
}

Test(console_input, ctrl_u_erases_the_line)
{
    rig_big();
    assert_ok(con_run("put 4 44"), "put");
    cr_assert_str_eq(con_sends("reset\x15"), "reset\b \b\b \b\b \b\b \b\b \b");
    cr_assert_str_eq(con_sends("get 4\n"), "get 4\n44\n> ", "the erased reset did not run");
    /* On an empty line it prints nothing. */
    cr_assert_str_eq(con_sends("\x15"), "");
    /* A line with a bad byte, erased, is a new line: the next text runs;
     * the bad byte's visible form is rubbed out with the rest. */
    cr_assert_str_eq(con_sends("\x02"
                               "del\x15get 4\n"),
                     "^Bdel\b \b\b \b\b \b\b \b\b \bget 4\n44\n> ");
    /* Erasing a line that ran too long (its echo stopped at the maximum). */
    char l[CONSOLE_LINE_MAX + 10];
    memset(l, 'a', sizeof l);
    l[sizeof l - 1] = '\x15';
    const char *o = con_send(l, sizeof l);
    cr_assert_eq(strlen(o), CONSOLE_LINE_MAX + 3 * CONSOLE_LINE_MAX, "%s", o);
    cr_assert_str_eq(con_sends("get 4\n"), "get 4\n44\n> ");
    cr_assert_eq(con_stats().len, 1);
}

Test(console_input, run_line_checks_like_feed)
{
    rig_big();
    R.mark = R.len;
    cr_assert(console_run_line(&R.con, "put 9 99", 8));
    cr_assert_str_eq(R.out + R.mark, "ok\n");
    R.mark = R.len;
    cr_assert(console_run_line(&R.con, "get\x01 9", 6));
    cr_assert_str_eq(R.out + R.mark, "ERR line rejected: it held control byte 0x01 (^A)\n");
    char longl[CONSOLE_LINE_MAX + 1];
    memset(longl, ' ', sizeof longl);
    R.mark = R.len;
    cr_assert(console_run_line(&R.con, longl, sizeof longl));
    cr_assert(strncmp(R.out + R.mark, "ERR line too long", 17) == 0);
    R.mark = R.len;
    cr_assert(!console_run_line(&R.con, "exit 3", 6));
    cr_assert_eq(console_exit_code(&R.con), 3);
}
