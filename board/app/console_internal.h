/* SPDX-License-Identifier: MIT */
/*
 * console_internal.h - what the console's own files share: the command
 * table's entry, the command sets, and the helpers every command uses.
 * Nothing outside the console's files includes it (console.h is the public
 * header).
 *
 * Adding commands: write them in a file of their kind (cmd_<kind>.c), each
 * as `static void cmd_x(struct console *c, const struct console_word *w,
 * int nargs)`, list them in one `const struct console_command_set`, declare
 * that set below and add it to the table in console_dispatch.c, where the
 * order of the sets is the order `help` lists them.  The dispatcher has
 * already checked the argument count against min_args/max_args when run is
 * called; a command checks every argument before it changes anything, so an
 * ERR answer means nothing changed.
 */
#ifndef TIDEMARK_CONSOLE_INTERNAL_H
#define TIDEMARK_CONSOLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"

/* Words a line may hold: a command and at most three arguments. */
#define CONSOLE_MAX_WORDS 4

/* One word of a command line: n bytes at s, no spaces, not NUL-terminated. */
struct console_word {
    const char *s;
    size_t n;
};

struct console_command {
    const char *name;
    const char *args; /* usage after the name, "" for none            */
    int min_args, max_args;
    bool hidden; /* not listed by help                           */
    /* NULL: always there; else the command exists only while this says
     * so (an unavailable command is unknown, as if not in the table). */
    bool (*available)(const struct console *c);
    /* w[0] is the command's name, w[1..nargs] its arguments. */
    void (*run)(struct console *c, const struct console_word *w, int nargs);
    const char *help; /* help's one-line description                  */
};

/* A group of commands from one file. */
struct console_command_set {
    const struct console_command *commands;
    size_t n;
};

/* Define the set NAME over the array ARRAY (in the same file). */
#define CONSOLE_COMMAND_SET(name, array) \
    const struct console_command_set name = {array, sizeof(array) / sizeof((array)[0])}

extern const struct console_command_set console_map_commands;      /* cmd_map.c    */
extern const struct console_command_set console_system_commands;   /* cmd_system.c */
extern const struct console_command_set console_selftest_commands; /* cmd_selftest.c */
extern const struct console_command_set console_view_commands;     /* cmd_view.c   */

/* Print one formatted piece through cfg.write (out.h: cut at
 * OUT_PIECE_MAX, never overrun).  console.c. */
void console_say(struct console *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run a line known to hold only 0x20..0x7E and at most CONSOLE_LINE_MAX
 * characters: split it into words, find the command, check the argument
 * count, run it (or answer ERR).  An empty line does nothing.
 * console_dispatch.c. */
void console_dispatch(struct console *c, const char *line, size_t n);

/* Parse argument w (named what in messages of command cmd) as a number no
 * greater than max.  Returns true and sets *out; on failure answers one ERR
 * line and returns false (*out unchanged).  console_dispatch.c. */
bool console_arg_number(struct console *c, const char *cmd, const char *what,
                        const struct console_word *w, uint64_t max, uint64_t *out);

/* Whether word w is exactly s.  console_dispatch.c. */
bool console_word_is(const struct console_word *w, const char *s);

/* The table's i-th command, hidden ones included, in help's order; NULL
 * past the last.  For the test that holds docs/console.md to the table.
 * console_dispatch.c. */
const struct console_command *console_command_at(size_t i);

#endif /* TIDEMARK_CONSOLE_INTERNAL_H */
