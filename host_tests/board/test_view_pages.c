/* SPDX-License-Identifier: MIT */
/*
 * test_view_pages.c - the page map (view_pages) against synthetic arenas:
 * the owner characters, the header and the last lines, scaling to at most
 * VIEW_MAX_ROWS rows, majority per character, row folding, 80 columns; and
 * the live source over a real arena and map (owners from hmap_for_each_run,
 * anything else `#`).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_u64.h"
#include "views_support.h"

static char *repeat(const char *parts[], const size_t counts[], int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += strlen(parts[i]) * counts[i];
    char *s = malloc(len + 1), *p = s;
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < counts[i]; k++, p += strlen(parts[i]))
            memcpy(p, parts[i], strlen(parts[i]));
    *p = '\0';
    return s;
}

Test(view_pages, one_character_per_page_by_owner)
{
    struct view_pages_src s;
    vs_pages_src(&s, "AAOv#..A", 100);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 5);
    cr_assert_str_eq(vs_out,
                     "pages total=100 page=4096 per_char=1\n"
                     "      watermark_pages=8 in_use_pages=6\n"
                     "     0 AAOv#..A\n"
                     "legend: A array  O old array  v overflow chunk  # other  . free  "
                     "xN: N rows\n"
                     "above the watermark: 92 pages never touched\n");
}

Test(view_pages, nothing_below_the_watermark)
{
    struct view_pages_src s;
    vs_pages_src(&s, "", 30);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 4);
    cr_assert_str_eq(vs_line(0), "pages total=30 page=4096 per_char=1");
    cr_assert_str_eq(vs_line(1), "      watermark_pages=0 in_use_pages=0");
    cr_assert_str_eq(vs_line(3), "above the watermark: 30 pages never touched");
}

Test(view_pages, identical_rows_fold_into_one_line)
{
    const char *parts[] = {"A", ".", "v"};
    size_t counts[] = {64 * 5, 64 * 2 + 10, 1};
    char *o = repeat(parts, counts, 3);
    struct view_pages_src s;
    vs_pages_src(&s, o, 1000);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 7, "%s", vs_out);
    char want[100];
    memset(want, 0, sizeof want);
    strcpy(want, "     0 ");
    memset(want + 7, 'A', 64);
    strcat(want, " x5");
    cr_assert_str_eq(vs_line(2), want);
    memset(want + 7, '.', 64);
    want[71] = '\0';
    strcat(want, " x2");
    memcpy(want, "   320", 6);
    cr_assert_str_eq(vs_line(3), want);
    cr_assert_str_eq(vs_line(4), "   448 ..........v");
    free(o);
}

Test(view_pages, rows_that_differ_do_not_fold)
{
    const char *parts[] = {"A", "#", "A"};
    size_t counts[] = {64, 1, 127};
    char *o = repeat(parts, counts, 3);
    struct view_pages_src s;
    vs_pages_src(&s, o, 1000);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 7, "%s", vs_out);
    for (int i = 2; i <= 4; i++)
        cr_assert_null(strstr(vs_line(i), " x"), "no two consecutive rows are the same:\n%s",
                       vs_out);
    free(o);
}

/* 30,000+ pages under the watermark: a character per k pages, k the
 * smallest that fits VIEW_MAX_ROWS rows of 64; majority owner per cell. */
Test(view_pages, a_high_watermark_scales_to_32_rows)
{
    size_t wm = 30719;
    char *o = malloc(wm + 1);
    for (size_t i = 0; i < wm; i++)
        o[i] = i < 20000 ? (i % 3 == 0 ? '.' : 'A') : (i < 25000 ? '#' : '.');
    o[wm] = '\0';
    struct view_pages_src s;
    vs_pages_src(&s, o, 30719);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    int lines = vs_lines_checked();
    cr_assert_leq(lines, VIEW_MAX_ROWS + 4, "%s", vs_out);
    size_t k = (wm + 2047) / 2048; /* 15 */
    char head[128];
    snprintf(head, sizeof head,
             "pages total=30719 page=4096 per_char=%zu\n      watermark_pages=30719 in_use_pages=%zu",
             k, s.in_use_pages);
    char got[128];
    snprintf(got, sizeof got, "%s\n", vs_line(0));
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s", vs_line(1));
    cr_assert_str_eq(got, head);
    /* Cells of pages 0..19994: two thirds A, one third free: `A`.  The
     * first cells past 25000 are all free: `.`. */
    cr_assert_eq(vs_line(2)[7], 'A');
    size_t cells = (wm + k - 1) / k, rows_seen = 0, chars = 0;
    for (int i = 2; i < lines - 2; i++) {
        const char *l = vs_line(i);
        size_t n = strcspn(l + 7, " ");
        const char *x = strstr(l, " x");
        size_t times = x ? strtoul(x + 2, NULL, 10) : 1;
        rows_seen += times;
        chars += n * times;
    }
    cr_assert_eq(chars, cells, "one character per %zu pages", k);
    cr_assert_leq(rows_seen, VIEW_MAX_ROWS);
    cr_assert(strchr(vs_out, '#') != NULL);
    free(o);
}

Test(view_pages, majority_and_ties_per_character)
{
    /* 64 * 32 + 2 pages: k = 2.  Cells: "A." -> A, ".." -> ., "#A" -> A
     * (tie: A first), "v#" -> v, "O." -> O, "##" -> #. */
    size_t wm = 64 * 32 + 2;
    char *o = malloc(wm + 1);
    memset(o, '.', wm);
    memcpy(o, "A...#Av#O.##", 12);
    o[wm] = '\0';
    struct view_pages_src s;
    vs_pages_src(&s, o, wm);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    vs_lines_checked();
    cr_assert(strncmp(vs_line(2), "     0 A.AvO#....", 17) == 0, "%s", vs_out);
    cr_assert(strstr(vs_line(0), " per_char=2") != NULL);
    free(o);
}

/* The live source: a real arena with a map and another owner's run. */
Test(view_pages, live_source_names_the_owners)
{
    struct arena *a = vs_arena(256);
    void *other = arena_alloc_pages(a, 3);
    struct hmap m;
    cr_assert_eq(hmap_init(&m, &map_u64_type, a, 8192, 1), 0);
    cr_assert_eq(arena_free_pages(a, other, 1), 0);
    struct view_live live = {a, &m, NULL};
    struct view_pages_src s;
    view_pages_src_live(&s, &live);
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    vs_lines_checked();
    cr_assert_str_eq(vs_line(0), "pages total=255 page=4096 per_char=1");
    cr_assert_str_eq(vs_line(1), "      watermark_pages=80 in_use_pages=79");
    cr_assert_str_eq(vs_line(2), "     0 .##AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    cr_assert_str_eq(vs_line(3), "    64 AAAAAAAAAAAAAAAA");
    /* Without the map every handed-out page is another owner's. */
    live.map = NULL;
    vs_reset();
    view_pages(&s, vs_sink, NULL);
    cr_assert(strncmp(vs_line(3), "    64 ################", 23) == 0, "%s", vs_out);
    hmap_reset(&m);
    vs_arena_free();
}
