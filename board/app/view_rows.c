/* SPDX-License-Identifier: MIT */
/*
 * view_rows.c - rows of a page drawing, with identical consecutive rows
 * folded (view.h).  A finished row is held back until the next one shows
 * whether it repeats; only then is it printed, with ` x<r>` when it stands
 * for r rows.  Only full rows fold: the last, shorter row never matches.
 */
#include <string.h>

#include "view.h"

static void print_held(struct view_rows *r)
{
    if (r->held_count == 0)
        return;
    if (r->held_count > 1)
        out_printf(r->write, r->ctx, "%6zu %.*s x%zu\n", r->held_first, (int)r->held_len,
                   r->held, r->held_count);
    else
        out_printf(r->write, r->ctx, "%6zu %.*s\n", r->held_first, (int)r->held_len, r->held);
    r->held_count = 0;
}

/* The row being filled is finished: fold it into the held one, or print
 * the held one and hold it instead. */
static void finish_row(struct view_rows *r)
{
    if (r->len == 0)
        return;
    if (r->held_count > 0 && r->held_len == r->len && memcmp(r->held, r->row, r->len) == 0) {
        r->held_count++;
    } else {
        print_held(r);
        memcpy(r->held, r->row, r->len);
        r->held_len = r->len;
        r->held_first = r->row_first;
        r->held_count = 1;
    }
    r->len = 0;
}

void view_rows_begin(struct view_rows *r, out_write_fn write, void *ctx, size_t first,
                     size_t step)
{
    memset(r, 0, sizeof *r);
    r->write = write;
    r->ctx = ctx;
    r->next_first = first;
    r->step = step;
}

void view_rows_put(struct view_rows *r, char ch)
{
    if (r->len == 0)
        r->row_first = r->next_first;
    r->row[r->len++] = ch;
    r->next_first += r->step;
    if (r->len == VIEW_ROW_CHARS)
        finish_row(r);
}

void view_rows_end(struct view_rows *r)
{
    finish_row(r);
    print_held(r);
}
