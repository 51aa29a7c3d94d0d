/* SPDX-License-Identifier: MIT */
/*
 * views_support.h - what the renderer suites share: an output buffer that
 * the views write into, line counting and the 80-column check, and a
 * synthetic page source (one owner character per page, from a string).
 */
#ifndef TIDEMARK_VIEWS_SUPPORT_H
#define TIDEMARK_VIEWS_SUPPORT_H

#include <stddef.h>

#include "view.h"

/* Everything written so far (NUL-terminated); cleared by vs_reset. */
extern char *vs_out;
void vs_reset(void);
void vs_sink(void *ctx, const char *s, size_t n);

/* Lines of vs_out; fails the test if any is wider than VIEW_COLS, holds a
 * byte outside printable ASCII, or the output does not end with "\n". */
int vs_lines_checked(void);

/* The same, but lines starting with key_line (a key=value line in a
 * documented format that may pass 80 columns) are not held to the width. */
int vs_lines_checked_except(const char *key_line);

/* The nth line (from 0) of vs_out, without its "\n" (static buffer). */
const char *vs_line(int nth);

/* A page source over owners[0..strlen): '.', 'A', 'O', 'v', '#' per page,
 * the watermark at its end, total pages total. */
void vs_pages_src(struct view_pages_src *s, const char *owners, size_t total);

/* A real arena of 4 KiB pages over a fresh heap region of `pages` pages
 * (the arena's bitmap takes the first); vs_arena_free gives the region
 * back.  One at a time. */
struct arena *vs_arena(size_t pages);
void vs_arena_free(void);

#endif /* TIDEMARK_VIEWS_SUPPORT_H */
