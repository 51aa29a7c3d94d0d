/* SPDX-License-Identifier: MIT */
/*
 * console_dispatch.c - the console's command table: splitting a line into
 * words, finding the command, checking its argument count, parsing numbers,
 * and `help`, which lists the table.
 *
 * The table is a list of command sets, one per file of commands
 * (console_internal.h says how to add one); help lists them in this order.
 */
#include "console_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void cmd_help(struct console *c, const struct console_word *w, int nargs);

static const struct console_command help_commands[] = {
    {"help", "", 0, 0, false, NULL, cmd_help, "this list"},
};
static CONSOLE_COMMAND_SET(help_set, help_commands);

/* Every command, set by set, in the order help lists them. */
static const struct console_command_set *const command_sets[] = {
    &help_set,
    &console_map_commands,
    &console_view_commands,
    &console_system_commands,
    &console_selftest_commands,
};
#define NSETS (sizeof command_sets / sizeof command_sets[0])

/* --- numbers and words ---------------------------------------------------- */

static int digit_value(char ch, unsigned base)
{
    unsigned v;
    if (ch >= '0' && ch <= '9')
        v = (unsigned)(ch - '0');
    else if (base == 16 && ch >= 'a' && ch <= 'f')
        v = (unsigned)(ch - 'a') + 10;
    else if (base == 16 && ch >= 'A' && ch <= 'F')
        v = (unsigned)(ch - 'A') + 10;
    else
        return -1;
    return v < base ? (int)v : -1;
}

int console_parse_u64(const char *s, size_t n, uint64_t *out)
{
    unsigned base = 10;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        n -= 2;
    }
    if (n == 0)
        return CONSOLE_NUM_BAD;

    /* Check the form first, so "99999999999999999999x" is malformed rather
     * than out of range. */
    for (size_t i = 0; i < n; i++)
        if (digit_value(s[i], base) < 0)
            return CONSOLE_NUM_BAD;

    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)digit_value(s[i], base);
        if (v > (UINT64_MAX - d) / base)
            return CONSOLE_NUM_RANGE;
        v = v * base + d;
    }
    *out = v;
    return CONSOLE_NUM_OK;
}

bool console_arg_number(struct console *c, const char *cmd, const char *what,
                        const struct console_word *w, uint64_t max, uint64_t *out)
{
    uint64_t v;
    int rc = console_parse_u64(w->s, w->n, &v);
    if (rc == CONSOLE_NUM_BAD) {
        console_say(c, "ERR %s: %s '%.*s' is not a number (decimal, or hex after 0x)\n", cmd,
                    what, (int)w->n, w->s);
        return false;
    }
    if (rc == CONSOLE_NUM_RANGE || v > max) {
        console_say(c, "ERR %s: %s '%.*s' is out of range (0..%" PRIu64 ")\n", cmd, what,
                    (int)w->n, w->s, (uint64_t)max);
        return false;
    }
    *out = v;
    return true;
}

bool console_word_is(const struct console_word *w, const char *s)
{
    return w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

/* --- the table ------------------------------------------------------------ */

static void cmd_help(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    console_say(c, "commands (numbers: decimal or 0x hex; keys and values 0..2^64-1):\n");
    for (size_t s = 0; s < NSETS; s++) {
        for (size_t i = 0; i < command_sets[s]->n; i++) {
            const struct console_command *k = &command_sets[s]->commands[i];
            if (k->hidden)
                continue;
            char usage[24];
            snprintf(usage, sizeof usage, "%s%s%s", k->name, k->args[0] ? " " : "", k->args);
            console_say(c, "  %-16s %s\n", usage, k->help);
        }
    }
    console_say(c, "answers: ok, a value, or a line starting with ERR; stats prints four lines\n");
}

static const struct console_command *find_command(const struct console *c,
                                                  const struct console_word *w)
{
    for (size_t s = 0; s < NSETS; s++) {
        for (size_t i = 0; i < command_sets[s]->n; i++) {
            const struct console_command *k = &command_sets[s]->commands[i];
            if (!console_word_is(w, k->name))
                continue;
            if (k->available && !k->available(c))
                return NULL;
            return k;
        }
    }
    return NULL;
}

void console_dispatch(struct console *c, const char *line, size_t n)
{
    struct console_word w[CONSOLE_MAX_WORDS];
    int nw = 0;
    size_t i = 0;
    for (;;) {
        while (i < n && line[i] == ' ')
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && line[i] != ' ')
            i++;
        if (nw == CONSOLE_MAX_WORDS) {
            nw++; /* too many: counted, not stored */
            break;
        }
        w[nw].s = line + start;
        w[nw].n = i - start;
        nw++;
    }
    if (nw == 0)
        return;

    const struct console_command *k = find_command(c, &w[0]);
    if (!k) {
        console_say(c, "ERR unknown command '%.*s' (try help)\n", (int)w[0].n, w[0].s);
        return;
    }
    int nargs = nw - 1;
    const char *sep = k->args[0] ? " " : "";
    if (nargs < k->min_args) {
        console_say(c, "ERR %s: missing argument (usage: %s%s%s)\n", k->name, k->name, sep,
                    k->args);
        return;
    }
    if (nargs > k->max_args) {
        console_say(c, "ERR %s: too many arguments (usage: %s%s%s)\n", k->name, k->name, sep,
                    k->args);
        return;
    }
    c->said_err = false;
    k->run(c, w, nargs);
    /* The end of every command that ran (ERR answers too, marked) is in the
     * history, with the line as typed. */
    history_record_cmd(&c->history, line, n, c->said_err);
}

const struct console_command *console_command_at(size_t i)
{
    for (size_t s = 0; s < NSETS; s++) {
        if (i < command_sets[s]->n)
            return &command_sets[s]->commands[i];
        i -= command_sets[s]->n;
    }
    return NULL;
}
