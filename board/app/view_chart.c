/* SPDX-License-Identifier: MIT */
/*
 * view_chart.c - in_use, the map's bytes and the watermark over a recorded
 * history, as an ASCII chart (view.h).  The levels of each column are
 * worked out once (three small arrays), then printed row by row from the
 * top; nothing else is kept.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "history.h"
#include "view.h"

enum {
    SERIES_I = 1,
    SERIES_B = 2,
    SERIES_W = 4,
};

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

/*
 * How the entries spread over the columns.  With more entries than
 * columns, the last entry has the last column to itself (so the right edge
 * is always where the memory is now, a reset's drop included) and the
 * others fold, per_col to a column, into the columns before it.
 */
struct xscale {
    size_t n;        /* entries                                           */
    size_t per_col;  /* entries a folded column shows (1: none folds)     */
    size_t cols_per; /* columns an entry takes (1 when per_col > 1)       */
    size_t width;    /* columns used                                      */
};

static struct xscale xscale_for(size_t n)
{
    struct xscale x = {.n = n, .per_col = 1, .cols_per = 1};
    if (n <= VIEW_CHART_COLS) {
        x.cols_per = VIEW_CHART_COLS / n;
        x.width = n * x.cols_per;
    } else {
        size_t rest = n - 1;
        x.per_col = (rest + VIEW_CHART_COLS - 2) / (VIEW_CHART_COLS - 1);
        x.width = (rest + x.per_col - 1) / x.per_col + 1;
    }
    return x;
}

/* Entries [*lo, *hi) that column c shows. */
static void column_entries(const struct xscale *x, size_t c, size_t *lo, size_t *hi)
{
    if (x->per_col == 1) {
        *lo = c / x->cols_per;
        *hi = *lo + 1;
    } else if (c + 1 == x->width) {
        *lo = x->n - 1;
        *hi = x->n;
    } else {
        *lo = c * x->per_col;
        *hi = *lo + x->per_col < x->n - 1 ? *lo + x->per_col : x->n - 1;
    }
}

/* The y label of plot row r (empty for most rows).  An all-zero chart
 * (top 0) labels its axis only. */
static void y_label(char (*buf)[24], uint8_t r, size_t top, size_t unit)
{
    (*buf)[0] = '\0';
    if (top != 0 && (r == VIEW_CHART_ROWS || r == VIEW_CHART_ROWS / 2)) {
        size_t v = (size_t)((uint64_t)top * r / VIEW_CHART_ROWS);
        snprintf(*buf, sizeof *buf, "%zu", (v + unit / 2) / unit);
    } else if (r == 0) {
        snprintf(*buf, sizeof *buf, "0");
    }
}

/* A series' rows in one column: the lowest and the highest of its values. */
struct span {
    uint8_t lo, hi;
};

static bool on(const struct span *s, int r)
{
    return r >= s->lo && r <= s->hi;
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
    struct span si[VIEW_CHART_COLS], sb[VIEW_CHART_COLS], sw[VIEW_CHART_COLS];
    for (size_t c = 0; c < x.width; c++) {
        size_t lo, hi;
        column_entries(&x, c, &lo, &hi);
        size_t i_lo = SIZE_MAX, i_hi = 0, b_lo = SIZE_MAX, b_hi = 0, w_lo = SIZE_MAX, w_hi = 0;
        for (size_t i = lo; i < hi; i++) {
            const struct history_entry *e = history_get(h, i);
            i_lo = e->in_use < i_lo ? e->in_use : i_lo;
            i_hi = e->in_use > i_hi ? e->in_use : i_hi;
            b_lo = e->bytes < b_lo ? e->bytes : b_lo;
            b_hi = e->bytes > b_hi ? e->bytes : b_hi;
            w_lo = e->watermark < w_lo ? e->watermark : w_lo;
            w_hi = e->watermark > w_hi ? e->watermark : w_hi;
        }
        si[c] = (struct span){level(i_lo, top), level(i_hi, top)};
        sb[c] = (struct span){level(b_lo, top), level(b_hi, top)};
        sw[c] = (struct span){level(w_lo, top), level(w_hi, top)};
    }

    uint64_t first = history_get(h, 0)->seq, last = history_get(h, n - 1)->seq;
    char dropped[48] = "", range[48];
    if (h->dropped > 0)
        snprintf(dropped, sizeof dropped, " (first %" PRIu64 " dropped)", h->dropped);
    if (n == 1)
        snprintf(range, sizeof range, "%" PRIu64, first);
    else
        snprintf(range, sizeof range, "%" PRIu64 "..%" PRIu64, first, last);
    out_printf(write, ctx, "chart entries=%zu%s at=%s, y in %s\n", n, dropped, range,
               mib ? "MiB" : "KiB");

    char line[VIEW_COLS + 1];
    for (int r = VIEW_CHART_ROWS; r >= 0; r--) {
        char label[24];
        y_label(&label, (uint8_t)r, top, unit);
        /* The axes are `|` and `-`: no series' character. */
        size_t at = (size_t)snprintf(line, sizeof line, "%6s |", label);
        for (size_t c = 0; c < x.width; c++) {
            unsigned set = (on(&si[c], r) ? SERIES_I : 0) | (on(&sb[c], r) ? SERIES_B : 0) |
                           (on(&sw[c], r) ? SERIES_W : 0);
            line[at++] = cell_char(set, r == 0);
        }
        while (at > 0 && line[at - 1] == ' ')
            at--;
        line[at++] = '\n';
        write(ctx, line, at);
    }

    /* The x axis: the first entry's seq under the first column, the last's
     * ending under the last column, and between them what a column is. */
    char left[32], right[32], mid[64];
    int ln = snprintf(left, sizeof left, "at=%" PRIu64, first);
    int rn = snprintf(right, sizeof right, "at=%" PRIu64, last);
    if (x.per_col > 1)
        snprintf(mid, sizeof mid, "%zu entries a column, lowest..highest", x.per_col);
    else
        snprintf(mid, sizeof mid, "%zu column%s an entry", x.cols_per,
                 x.cols_per == 1 ? "" : "s");
    size_t end = 8 + x.width, at = 8 + (size_t)ln;
    memset(line, ' ', sizeof line);
    memcpy(line + 8, left, (size_t)ln);
    if (n > 1 && end >= at + 1 + (size_t)rn) {
        size_t room = end - (size_t)rn - at, mn = strlen(mid);
        if (room >= mn + 2)
            memcpy(line + at + (room - mn) / 2, mid, mn);
        memcpy(line + end - (size_t)rn, right, (size_t)rn);
        at = end;
    }
    line[at++] = '\n';
    write(ctx, line, at);
    out_printf(write, ctx, "legend: w watermark  b map bytes  i in_use  + b and i  * w and b or i\n");
}
