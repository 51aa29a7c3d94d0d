/* SPDX-License-Identifier: MIT */
/*
 * out.h - formatted output through a write callback, for the console, the
 * experiment table and the bench, which print to the UART on the board and
 * to a buffer in the host tests.  out_write_fn is the one type of every
 * write hook they take.
 */
#ifndef TIDEMARK_OUT_H
#define TIDEMARK_OUT_H

#include <stdarg.h>
#include <stddef.h>

/* Where output goes: n bytes at s (not NUL-terminated). */
typedef void (*out_write_fn)(void *ctx, const char *s, size_t n);

/* The longest piece one call prints; a longer one is cut there, never
 * overrun.  Every caller's pieces are one line, far shorter. */
#define OUT_PIECE_MAX 255

/* Format like printf and hand the result to write(ctx, ...).  An encoding
 * error prints nothing. */
void out_printf(out_write_fn write, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void out_vprintf(out_write_fn write, void *ctx, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif /* TIDEMARK_OUT_H */
