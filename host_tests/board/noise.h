/* SPDX-License-Identifier: MIT */
/*
 * noise.h - hostile UART input for the firmware's console, from a fixed seed:
 * NUL and 0xFF runs, random bytes, escape sequences, bare CRs and every
 * other line end, lines far longer than the console's line buffer,
 * backspace storms, bytes above 0x7F, other control bytes, and printable
 * garbage that reads like commands but never is one.
 *
 * The guarantee (why noise can never change the map or end the firmware):
 * every command the console knows has an `e`, an `l` or a `t` in its name
 * (help, stats, make, put, get, del, fill, delall, clear, reset, compact,
 * pages, slots, history, chart, demo, slide, bench, exit, selftest, trap; test_hostile.c checks this against `help`), and no
 * noise byte is one of `e l t E L T` (noise_byte_allowed; the upper case too,
 * in case the console ever folds case), except in injected lines.  Backspace
 * only removes characters, so no line the console runs from noise bytes can
 * start with a command name: each one answers ERR (unknown command, bad byte
 * or too long) or, if blank, nothing.  Injected lines are whole lines of
 * exactly `get <K>` or `help`, read-only commands, or one of a few `make`
 * lines that make refuses before it allocates (an unknown generation word,
 * a hint too large): each is written as "\n"
 * (which ends whatever line came before, or is the LF of a CRLF right after
 * a CR that already did), the command, and "\n", so no noise byte before or
 * after can join it.
 */
#ifndef TIDEMARK_NOISE_H
#define TIDEMARK_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one noise_make put in. */
struct noise_stats {
    size_t bytes;        /* total bytes                                   */
    size_t line_ends;    /* CR, and LF not right after a CR               */
    size_t nul, ff;      /* 0x00 and 0xFF bytes                           */
    size_t esc;          /* escape sequences (ESC bytes)                  */
    size_t bare_cr;      /* CRs not followed by LF                        */
    size_t high;         /* bytes 0x80..0xFE                              */
    size_t erase;        /* BS and DEL bytes                              */
    size_t longest_line; /* most bytes between two line-end bytes         */
    size_t long_lines;   /* lines longer than 80 bytes                    */
    size_t injected;     /* injected command lines that change nothing    */
};

/* Bytes noise_make may write past min_bytes (its last segment's). */
#define NOISE_SLACK 32768u

/* True when b may appear in noise outside an injected line. */
bool noise_byte_allowed(unsigned char b);

/*
 * Write at least min_bytes of noise from seed to buf (cap >= min_bytes +
 * NOISE_SLACK), the same bytes for the same seed and min_bytes.  The first
 * segments are always a 16 KiB line, a NUL run, a 0xFF run, an escape
 * sequence and a bare CR, so each kind is there whatever the seed.  Returns
 * the bytes written; fills *st.  The noise ends with a line end.
 */
size_t noise_make(uint64_t seed, size_t min_bytes, char *buf, size_t cap,
                  struct noise_stats *st);

/*
 * Check buf against the guarantee above: every byte outside an injected line
 * is allowed, and every injected line is "\n" "get <decimal>" "\n" or
 * "\n" "help" "\n".  Returns the offset of the first offending byte, or n
 * when all is well.
 */
size_t noise_check(const char *buf, size_t n);

#endif /* TIDEMARK_NOISE_H */
