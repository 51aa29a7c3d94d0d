/* SPDX-License-Identifier: MIT */
/*
 * test_view_chart.c - the chart (view_chart) over synthetic histories: the
 * header, the y labels (top, middle, 0 in KiB or MiB), the x labels under
 * the first and last columns, where each series sits and the marks where
 * they meet, one entry, a full ring of 1,024 (a column per 16 entries, the
 * most of each), no entry; at most 20 lines of 80 columns.
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
        fill(i, &buf[i].in_use, &buf[i].bytes, &buf[i].watermark);
    }
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
    cr_assert_str_eq(vs_line(0), "chart entries=4 at=10..13, 16 columns each, y in KiB");
    char top[100] = "   308 |";
    memset(top + 8, '*', 48);
    memset(top + 56, 'w', 16);
    top[72] = '\0';
    cr_assert_str_eq(vs_line(1), top, "%s", vs_out);
    cr_assert_str_eq(vs_line(9), "   154 |");
    cr_assert_str_eq(vs_line(2), "       |");
    char axis[100] = "     0 +";
    memset(axis + 8, '-', 48);
    memset(axis + 56, '+', 16);
    axis[72] = '\0';
    cr_assert_str_eq(vs_line(17), axis, "%s", vs_out);
    char xl[100];
    snprintf(xl, sizeof xl, "        at=10%*s", 72 - 13, "at=13");
    cr_assert_str_eq(vs_line(18), xl);
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
    cr_assert_str_eq(vs_line(0), "chart entries=2 at=0..1, 32 columns each, y in MiB");
    cr_assert(strncmp(vs_line(1), "    16 |wwww", 12) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(9), "     8 |bbbb", 12) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(13), "       |iiii", 12) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(17), "     0 +----", 12) == 0, "%s", vs_out);
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
    cr_assert_str_eq(vs_line(0), "chart entries=1 at=5..5, 64 columns each, y in KiB");
    char axis[100] = "     0 +";
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

/* A full ring: 16 entries a column, each column the most of its entries:
 * one spike of in_use at entry 500 shows in column 31 only. */
static void spike(size_t i, size_t *in_use, size_t *bytes, size_t *wm)
{
    *wm = 1u << 20;
    *bytes = 0;
    *in_use = i == 500 ? 1u << 20 : 0;
}

Test(view_chart, a_full_ring_takes_the_most_of_each_column)
{
    make(1024, 70000, spike);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0),
                     "chart entries=1024 at=70000..71023, 16 a column (their most), y in KiB");
    const char *top = vs_line(1);
    cr_assert_eq(strlen(top), 72);
    for (size_t c = 0; c < 64; c++)
        cr_assert_eq(top[8 + c], c == 500 / 16 ? '*' : 'w', "column %zu: %s", c, vs_out);
    char xl[100];
    snprintf(xl, sizeof xl, "        at=70000%*s", 72 - 16, "at=71023");
    cr_assert_str_eq(vs_line(18), xl);
}

/* 65 entries: two a column, 33 columns. */
Test(view_chart, just_past_one_column_each)
{
    make(65, 0, seed);
    vs_reset();
    view_chart(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 20);
    cr_assert_str_eq(vs_line(0), "chart entries=65 at=0..64, 2 a column (their most), y in KiB");
    cr_assert_eq(strlen(vs_line(1)), 8 + 33);
    char xl[100];
    snprintf(xl, sizeof xl, "        at=0%*s", 33 - 4, "at=64");
    cr_assert_str_eq(vs_line(18), xl, "the last label ends under the last column");
}
