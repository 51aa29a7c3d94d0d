/* SPDX-License-Identifier: MIT */
/*
 * console_line.c - the console's line editor: bytes in, echo, line ends,
 * backspace, and the rejection of lines that are too long or hold a byte
 * that is not printable ASCII (the rules are in console.h).  A line that
 * passes goes to console_dispatch.
 *
 * Invariants:
 *   - c->len <= CONSOLE_LINE_MAX and c->line[0..len) holds only 0x20..0x7E;
 *   - a line is dispatched only when it has neither too_long nor bad_byte.
 */
#include "console_internal.h"

static void echo(struct console *c, const char *s, size_t n)
{
    c->cfg.write(c->cfg.ctx, s, n);
}

/* A byte the line may not hold, in the form a terminal's user knows: ^@
 * .. ^_ for the control bytes (a tab is ^I, an arrow key's ESC ^[), \xNN
 * above 0x7E.  Returns the characters written to out (at most 4). */
static size_t visible_form(unsigned char b, char out[4])
{
    static const char hex[] = "0123456789abcdef";
    if (b < 0x20) {
        out[0] = '^';
        out[1] = (char)(b + 0x40);
        return 2;
    }
    out[0] = '\\';
    out[1] = 'x';
    out[2] = hex[b >> 4];
    out[3] = hex[b & 15];
    return 4;
}

static void reject_bad_byte(struct console *c, unsigned char b)
{
    char v[4];
    int n = (int)visible_form(b, v);
    if (b == 0)
        console_say(c, "ERR line rejected: it held a NUL byte (^@)\n");
    else if (b < 0x20 || b == 0x7f)
        console_say(c, "ERR line rejected: it held control byte 0x%02x (%.*s)\n", b, n, v);
    else
        console_say(c, "ERR line rejected: it held byte 0x%02x (%.*s), which is not ASCII\n", b,
                    n, v);
}

static void reject_too_long(struct console *c)
{
    console_say(c, "ERR line too long: more than %d characters; the whole line was discarded\n",
                CONSOLE_LINE_MAX);
}

/* Forget the line being typed, its rejection included. */
static void clear_line(struct console *c)
{
    c->len = 0;
    c->shown = 0;
    c->too_long = false;
    c->bad_byte = false;
}

static void end_line(struct console *c)
{
    echo(c, "\n", 1);
    if (c->too_long)
        reject_too_long(c);
    else if (c->bad_byte)
        reject_bad_byte(c, c->first_bad);
    else
        console_dispatch(c, c->line, c->len);

    clear_line(c);
    if (!c->exited)
        console_prompt(c);
}

/* Ctrl-C, as a shell: the line is dropped unrun, and a fresh prompt. */
static void cancel_line(struct console *c)
{
    echo(c, "^C\n", 3);
    clear_line(c);
    console_prompt(c);
}

/* Ctrl-U, as a shell: the line is erased, on the screen too (its echo is
 * c->shown characters: the kept ones and the visible forms of rejected
 * bytes; a line that ran too long stopped echoing there). */
static void erase_line(struct console *c)
{
    for (size_t i = 0; i < c->shown; i++)
        echo(c, "\b \b", 3);
    clear_line(c);
}

bool console_feed(struct console *c, unsigned char b)
{
    if (c->exited)
        return false;

    bool after_cr = c->after_cr;
    c->after_cr = false;

    if (b == '\r') {
        c->after_cr = true;
        end_line(c);
    } else if (b == '\n') {
        if (!after_cr)
            end_line(c);
    } else if (b == CONSOLE_CTRL_C) {
        cancel_line(c);
    } else if (b == CONSOLE_CTRL_U) {
        erase_line(c);
    } else if (b == 0x08 || b == 0x7f) {
        /* A rejected line stays rejected, and its echo as it is: what is
         * on the screen is what got it rejected. */
        if (c->len > 0 && !c->too_long && !c->bad_byte) {
            c->len--;
            c->shown--;
            echo(c, "\b \b", 3);
        }
    } else if (b < 0x20 || b > 0x7e) {
        if (!c->bad_byte) {
            c->bad_byte = true;
            c->first_bad = b;
        }
        /* Shown, so the user sees why the line will be rejected (`put^I7`,
         * an arrow key's `^[[A`); not kept.  Within the line's columns: a
         * flood of them echoes no more than a line's worth. */
        if (!c->too_long && c->shown < CONSOLE_LINE_MAX) {
            char v[4];
            size_t n = visible_form(b, v);
            echo(c, v, n);
            c->shown += n;
        }
    } else if (c->len < CONSOLE_LINE_MAX) {
        if (!c->too_long) {
            c->line[c->len++] = (char)b;
            c->shown++;
            echo(c, (const char *)&b, 1);
        }
    } else {
        c->too_long = true;
    }
    return !c->exited;
}

bool console_feed_bytes(struct console *c, const void *bytes, size_t n)
{
    const unsigned char *p = bytes;
    bool running = !c->exited;
    for (size_t i = 0; i < n && running; i++)
        running = console_feed(c, p[i]);
    return running;
}

bool console_run_line(struct console *c, const char *line, size_t n)
{
    if (c->exited)
        return false;
    if (n > CONSOLE_LINE_MAX) {
        reject_too_long(c);
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)line[i];
        if (b < 0x20 || b > 0x7e) {
            reject_bad_byte(c, b);
            return true;
        }
    }
    console_dispatch(c, line, n);
    return !c->exited;
}
