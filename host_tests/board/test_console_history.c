/* SPDX-License-Identifier: MIT */
/*
 * test_console_history.c - the history agrees with itself and records what
 * was typed. What each prints: docs/console.md; the rig: console_rig.h.
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

/* Every entry since the last check: the map's bytes never above the arena's
 * in_use (the map holds nothing the arena has not handed out), and an
 * allocation the map made (inside fill or put) raises bytes by what it
 * raises in_use, in the same entry. */
static void assert_history_agrees(uint64_t *from, const char *what)
{
    const struct history *h = &R.con.history;
    const struct history_entry *prev = NULL;
    for (size_t i = 0; i < history_len(h); i++) {
        const struct history_entry *e = history_get(h, i);
        if (e->seq < *from) {
            prev = e;
            continue;
        }
        cr_assert_leq(e->bytes, e->in_use, "%s: at=%" PRIu64 " event=%s bytes=%zu in_use=%zu",
                      what, e->seq, history_event_name(e->event), e->bytes, e->in_use);
        if (prev && e->event == HISTORY_ALLOC &&
            (strncmp(what, "fill", 4) == 0 || strncmp(what, "put", 3) == 0))
            cr_assert_eq(e->bytes - prev->bytes, e->in_use - prev->in_use,
                         "%s: at=%" PRIu64 ": in_use rose by %zu, bytes by %zu", what, e->seq,
                         e->in_use - prev->in_use, e->bytes - prev->bytes);
        prev = e;
    }
    *from = h->seq;
}

Test(console_history, history_bytes_never_above_in_use)
{
    rig_console(4u * 1024u * 1024u, true); /* 1023 pages */
    static const char *const lines[] = {
        "fill 20000",
        "delall",
        "compact",
        "make 8192",
        "fill 8192",
        "reset",
        "put 1 1",
        "fill 60000",
        "make 0",
        "fill 30000",
        "compact",
        "clear",
        "fill 25000",
        "fill 200000", /* runs out of pages midway */
        "put 999999 1",
        "compact",
        "reset",
        "make 0",
        "fill 100",
    };
    uint64_t from = 0;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        (void)con_run(lines[i]);
        assert_history_agrees(&from, lines[i]);
    }
}

Test(console_history, history_records_the_typed_line_and_failures)
{
    rig_big();
    assert_ok(con_run("fill   8192"), "fill");
    assert_err(con_run("fill 100000000"), "fill too many");
    assert_err(con_run("get 99999999"), "get absent");
    assert_ok(con_run("put 0x10 7"), "put");
    const char *a = con_run("history");
    cr_assert(strstr(a, " cmd=fill 8192\n"), "the line as typed, one space apart:\n%s", a);
    cr_assert(strstr(a, " cmd=fill 100000000 result=ERR\n"), "a failure marked:\n%s", a);
    cr_assert(strstr(a, " cmd=get 99999999 result=ERR\n"), "%s", a);
    cr_assert(strstr(a, " cmd=put 0x10 7\n"), "%s", a);
    /* A long line is cut, marked, to its first HISTORY_CMD_SHOWN
     * characters when the entry has no more room in 80 columns. */
    con_run("history clear");
    assert_err(con_run("get     0x00000000000000000000000000000000000000000000012345"), "get");
    a = con_run("history");
    cr_assert(strstr(a, " cmd=get 0x000000000000000000... result=ERR\n") != NULL, "%s", a);
}
