/* SPDX-License-Identifier: MIT */
/*
 * test_view_chart.c - the chart (view_chart) over synthetic histories: the
 * header, the y labels (top, middle, 0 in KiB or MiB), the x labels under
 * the first and last columns and what a column shows between them, where
 * each series sits and the marks where they meet, one entry, a full ring of
 * 1,024 (the last entry a column of its own, the others 17 to a column, each
 * drawn from its lowest to its highest value), a drop to 0 and a reset at
 * the end that stay visible, a ring that dropped entries, an all-zero
 * chart, no entry; at most 20 lines of 80 columns.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "views_support.h"

static struct history_entry buf[1024];
static struct history h;

/* A history of n entries, seq from seq0, values from the callback. */
static void make(size_t n, uint64_t seq0,
                 void (*fill)(size_t i, size_t *in_use, size_t *bytes, size_t *wm))
{
    memset(&h, 0, sizeof h);
    h.e = buf;
    h.cap = 1024;
    h.n = n;
    for (size_t i = 0; i < n; i++) {
        buf[i] = (struct history_entry){.seq = seq0 + i, .event = HISTORY_CMD, .cmd = "x"};
        h.seq = seq0 + n;
        fill(i, &buf[i].in_use, &buf[i].bytes, &buf[i].watermark);
    }
}

/* The x axis line: left under the first column, right ending under the
 * last of width columns, what a column shows between them. */
static void assert_x_axis(const char *l, const char *left, const char *mid, const char *right,
                          size_t width)
{
    cr_assert_eq(strlen(l), 8 + width, "'%s'", l);
    cr_assert(strncmp(l, "        ", 8) == 0 && strncmp(l + 8, left, strlen(left)) == 0 &&
                  l[8 + strlen(left)] == ' ',
              "'%s'", l);
    cr_assert_str_eq(l + strlen(l) - strlen(right), right, "'%s'", l);
    cr_assert_not_null(strstr(l, mid), "'%s'", l);
}

/* The seed in four steps: make (all 308 KiB), fill, delete (flat), reset
 * (in_use and bytes to 0, the watermark stays). */
static void seed(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    *wm = 315392;
    *in_use = *bytes = i < 3 ? 315392 : 0;
}

Test(view_chart, the_seed_in_four_entries)
{
    make(4, 10, seed);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0), "chart entries=4 at=10..13, y in KiB");
    char top[100] = "   308 |";
    memset(top + 8, '*', 48);
    memset(top + 56, 'w', 16);
    top[72] = '\0';
    cr_assert_str_eq(vs_line(1), top, "%s", vs_out);
    cr_assert_str_eq(vs_line(9), "   154 |");
    cr_assert_str_eq(vs_line(2), "       |");
    char axis[100] = "     0 |";
    memset(axis + 8, '-', 48);
    memset(axis + 56, '+', 16);
    axis[72] = '\0';
    cr_assert_str_eq(vs_line(17), axis, "the corner is the y axis, not a series: %s", vs_out);
    assert_x_axis(vs_line(18), "at=10", "16 columns an entry", "at=13", 64);
    cr_assert(strncmp(vs_line(19), "legend: w watermark  b map bytes  i in_use", 42) == 0);
}

/* Each series on its own row: i at a quarter, b at half, w at the top. */
static void apart(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    (void)i;
    *in_use = 4u << 20;
    *bytes = 8u << 20;
    *wm = 16u << 20;
}

Test(view_chart, distinct_series_and_mib)
{
    make(2, 0, apart);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    vs_lines_checked();
    cr_assert_str_eq(vs_line(0), "chart entries=2 at=0..1, y in MiB");
    cr_assert(strncmp(vs_line(1), "    16 |wwww", 12) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(9), "     8 |bbbb", 12) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(13), "       |iiii", 12) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(17), "     0 |----", 12) == 0, "%s", vs_out);
}

static void flat(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    (void)i;
    *in_use = *bytes = *wm = 0;
}

Test(view_chart, one_entry_and_none)
{
    make(1, 5, flat);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0), "chart entries=1 at=5, y in KiB");
    cr_assert_str_eq(vs_line(1), "       |", "an all-zero chart labels its axis only");
    cr_assert_str_eq(vs_line(9), "       |", "an all-zero chart labels its axis only");
    char axis[100] = "     0 |";
    memset(axis + 8, '*', 64);
    axis[72] = '\0';
    cr_assert_str_eq(vs_line(17), axis, "all three at 0, on the axis");
    cr_assert_str_eq(vs_line(18), "        at=5");
    make(0, 0, flat);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 1);
    cr_assert_str_eq(vs_out, "chart entries=0: nothing recorded yet\n");
}

/* A full ring: the last entry a column of its own (62nd), the 1,023 before
 * it 17 to a column; one spike of in_use at entry 500 shows in column 29
 * only, as a span from the axis to the top. */
static void spike(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    *wm = 1u << 20;
    *bytes = 0;
    *in_use = i == 500 ? 1u << 20 : 0;
}

Test(view_chart, a_full_ring_spans_each_column)
{
    make(1024, 70000, spike);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0), "chart entries=1024 at=70000..71023, y in KiB");
    const char *top = vs_line(1);
    cr_assert_eq(strlen(top), 8 + 62);
    for (size_t c = 0; c < 62; c++)
        cr_assert_eq(top[8 + c], c == 500 / 17 ? '*' : 'w', "column %zu: %s", c, vs_out);
    for (int r = 2; r < 17; r++)
        cr_assert_eq(vs_line(r)[8 + 29], 'i', "row %d: the spike spans: %s", r, vs_out);
    assert_x_axis(vs_line(18), "at=70000", "17 entries a column, lowest..highest", "at=71023",
                  62);
}

/* 65 entries: the last alone, the 64 before it two a column: 33 columns. */
Test(view_chart, just_past_one_column_each)
{
    make(65, 0, seed);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0), "chart entries=65 at=0..64, y in KiB");
    cr_assert_eq(strlen(vs_line(1)), 8 + 33);
    const char *xl = vs_line(18);
    cr_assert_eq(strlen(xl), 8 + 33, "the last label ends under the last column: %s", xl);
    cr_assert(strncmp(xl, "        at=0 ", 13) == 0, "%s", xl);
    cr_assert(strcmp(xl + strlen(xl) - 6, " at=64") == 0, "%s", xl);
}

/* The console's case: a map filled to tens of MiB over 1,023 entries, then
 * reset, the watermark kept.  Folding by the most would end at the top;
 * the right edge must show in_use and bytes at 0 and w where it was. */
static void fill_then_reset(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    *wm = (size_t)60 << 20;
    *in_use = *bytes = i < 1023 ? ((size_t)60 << 20) / 1023 * (i + 1) : 0;
}

Test(view_chart, a_reset_at_the_end_shows_at_the_right_edge)
{
    make(1024, 1385, fill_then_reset);
    h.dropped = 1385;
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0), "chart entries=1024 (first 1385 dropped) at=1385..2408, y in MiB",
                     "the header says the window is not the whole story");
    char top[100], axis[100];
    snprintf(top, sizeof top, "%s", vs_line(1));
    snprintf(axis, sizeof axis, "%s", vs_line(17));
    size_t last = strlen(top) - 1;
    cr_assert_eq(strlen(axis) - 1, last, "%s", vs_out);
    cr_assert_eq(top[last], 'w', "the watermark stays at the top: %s", vs_out);
    cr_assert_eq(axis[last], '+', "in_use and bytes at 0 at the right edge: %s", vs_out);
    for (int r = 2; r < 17; r++)
        cr_assert_leq(strlen(vs_line(r)), last, "row %d: nothing else in the last column", r);
}

/* A drop to 0 in the middle of a folded column still reaches the axis. */
static void dip(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    *wm = *in_use = *bytes = i == 300 ? 0 : (size_t)1 << 20;
    *wm = (size_t)1 << 20;
}

Test(view_chart, a_drop_inside_a_folded_column_reaches_the_axis)
{
    make(1024, 0, dip);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    const char *axis = vs_line(17);
    for (size_t c = 0; c < 62; c++)
        cr_assert_eq(axis[8 + c], c == 300 / 17 ? '+' : '-', "column %zu: %s", c, vs_out);
}
