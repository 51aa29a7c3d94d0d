/* SPDX-License-Identifier: MIT */
/*
 * view_chart.c - in_use, the map's bytes and the watermark over a recorded
 * history, as an ASCII chart (view.h).  The levels of each column are
 * worked out once (three small arrays), then printed row by row from the
 * top; nothing else is kept.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "history.h"
#include "view.h"

enum { SERIES_I = 1, SERIES_B = 2, SERIES_W = 4 };

/* The cell's character for the set of series on it. */
static char cell_char(unsigned set, int on_axis)
{
    static const char chars[8] = {' ', 'i', 'b', '+', 'w', '*', '*', '*'};
    if (set == 0)
        return on_axis ? '-' : ' ';
    return chars[set];
}

/* The row (0 = the axis .. VIEW_CHART_ROWS) nearest v on a scale to top. */
static uint8_t level(size_t v, size_t top)
{
    if (top == 0 || v == 0)
        return 0;
    uint64_t l = ((uint64_t)v * VIEW_CHART_ROWS + top / 2) / top;
    if (l == 0)
        l = 1;
    return (uint8_t)(l > VIEW_CHART_ROWS ? VIEW_CHART_ROWS : l);
}

/* How the entries spread over the columns. */
struct xscale {
    size_t n;        /* entries                                         */
    size_t per_col;  /* entries a column shows (1 when each has several) */
    size_t cols_per; /* columns an entry takes (1 when per_col > 1)      */
    size_t width;    /* columns used                                    */
};

static struct xscale xscale_for(size_t n)
{
    struct xscale x = {.n = n, .per_col = 1, .cols_per = 1};
    if (n <= VIEW_CHART_COLS) {
        x.cols_per = VIEW_CHART_COLS / n;
        x.width = n * x.cols_per;
    } else {
        x.per_col = (n + VIEW_CHART_COLS - 1) / VIEW_CHART_COLS;
        x.width = (n + x.per_col - 1) / x.per_col;
    }
    return x;
}

/* Entries [*lo, *hi) that column c shows. */
static void column_entries(const struct xscale *x, size_t c, size_t *lo, size_t *hi)
{
    if (x->per_col == 1) {
        *lo = c / x->cols_per;
        *hi = *lo + 1;
    } else {
        *lo = c * x->per_col;
        *hi = *lo + x->per_col < x->n ? *lo + x->per_col : x->n;
    }
}

/* The y label of plot row r (empty for most rows). */
static void y_label(char (*buf)[24], uint8_t r, size_t top, size_t unit)
{
    (*buf)[0] = '\0';
    if (r == VIEW_CHART_ROWS || r == VIEW_CHART_ROWS / 2) {
        size_t v = (size_t)((uint64_t)top * r / VIEW_CHART_ROWS);
        snprintf(*buf, sizeof *buf, "%zu", (v + unit / 2) / unit);
    } else if (r == 0) {
        snprintf(*buf, sizeof *buf, "0");
    }
}

void view_chart(const struct history *h, out_write_fn write, void *ctx)
{
    size_t n = history_len(h);
    if (n == 0) {
        out_printf(write, ctx, "chart entries=0: nothing recorded yet\n");
        return;
    }
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        const struct history_entry *e = history_get(h, i);
        size_t m = e->watermark > e->in_use ? e->watermark : e->in_use;
        if (e->bytes > m)
            m = e->bytes;
        if (m > top)
            top = m;
    }
    int mib = top >= ((size_t)10 << 20);
    size_t unit = mib ? (size_t)1 << 20 : 1024;

    struct xscale x = xscale_for(n);
    uint8_t li[VIEW_CHART_COLS], lb[VIEW_CHART_COLS], lw[VIEW_CHART_COLS];
    for (size_t c = 0; c < x.width; c++) {
        size_t lo, hi, vi = 0, vb = 0, vw = 0;
        column_entries(&x, c, &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            const struct history_entry *e = history_get(h, i);
            vi = e->in_use > vi ? e->in_use : vi;
            vb = e->bytes > vb ? e->bytes : vb;
            vw = e->watermark > vw ? e->watermark : vw;
        }
        li[c] = level(vi, top);
        lb[c] = level(vb, top);
        lw[c] = level(vw, top);
    }

    uint64_t first = history_get(h, 0)->seq, last = history_get(h, n - 1)->seq;
    const char *units = mib ? "MiB" : "KiB";
    if (x.per_col > 1)
        out_printf(write, ctx,
                   "chart entries=%zu at=%" PRIu64 "..%" PRIu64 ", %zu a column (their most), "
                   "y in %s\n",
                   n, first, last, x.per_col, units);
    else
        out_printf(write, ctx,
                   "chart entries=%zu at=%" PRIu64 "..%" PRIu64 ", %zu column%s each, y in %s\n",
                   n, first, last, x.cols_per, x.cols_per == 1 ? "" : "s", units);

    char line[VIEW_COLS + 1];
    for (int r = VIEW_CHART_ROWS; r >= 0; r--) {
        char label[24];
        y_label(&label, (uint8_t)r, top, unit);
        size_t at = (size_t)snprintf(line, sizeof line, "%6s %c", label, r == 0 ? '+' : '|');
        for (size_t c = 0; c < x.width; c++) {
            unsigned set = (li[c] == r ? SERIES_I : 0) | (lb[c] == r ? SERIES_B : 0) |
                           (lw[c] == r ? SERIES_W : 0);
            line[at++] = cell_char(set, r == 0);
        }
        while (at > 0 && line[at - 1] == ' ')
            at--;
        line[at++] = '\n';
        write(ctx, line, at);
    }

    /* The x axis: the first entry's seq under the first column, the last's
     * ending under the last column. */
    char right[24];
    int rn = snprintf(right, sizeof right, "at=%" PRIu64, last);
    size_t at = (size_t)snprintf(line, sizeof line, "        at=%" PRIu64, first);
    size_t end = 8 + x.width;
    if (n > 1 && rn > 0 && end >= at + 1 + (size_t)rn) {
        memset(line + at, ' ', end - (size_t)rn - at);
        memcpy(line + end - (size_t)rn, right, (size_t)rn);
        at = end;
    }
    line[at++] = '\n';
    write(ctx, line, at);
    out_printf(write, ctx, "legend: w watermark  b map bytes  i in_use  + b and i  * w and b or i\n");
}
