/* SPDX-License-Identifier: MIT */
/* out.c - see out.h. */
#include "out.h"

#include <stdio.h>

void out_vprintf(out_write_fn write, void *ctx, const char *fmt, va_list ap)
{
    char buf[OUT_PIECE_MAX + 1];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return;
    write(ctx, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void out_printf(out_write_fn write, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(write, ctx, fmt, ap);
    va_end(ap);
}
