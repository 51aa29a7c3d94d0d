/* SPDX-License-Identifier: MIT */
/*
 * test_view_slots.c - the slots picture (view_slots) against synthetic maps:
 * the digit rule (tenths rounded up, 1 for one live slot, F for all, . for
 * none), the two header lines, offsets in arena pages, scaling and folding,
 * 80 columns; and the live source over a real map before and after its
 * keys are deleted.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_u64.h"
#include "views_support.h"

Test(view_slots, the_digit_rule)
{
    cr_assert_eq(view_slots_char(0, 224), '.');
    cr_assert_eq(view_slots_char(1, 224), '1');
    cr_assert_eq(view_slots_char(10, 100), '1');
    cr_assert_eq(view_slots_char(11, 100), '2');
    cr_assert_eq(view_slots_char(50, 100), '5');
    cr_assert_eq(view_slots_char(51, 100), '6');
    cr_assert_eq(view_slots_char(90, 100), '9');
    cr_assert_eq(view_slots_char(99, 100), '9');
    cr_assert_eq(view_slots_char(100, 100), 'F');
    cr_assert_eq(view_slots_char(0, 0), '.');
}

/* Live slots per page, 224 slots a page (28 buckets of 8). */
static const size_t *page_live;

static void page_slots(void *ctx, size_t first, size_t n, size_t *live, size_t *slots)
{
    (void)ctx;
    *live = *slots = 0;
    for (size_t p = first; p < first + n; p++) {
        *live += page_live[p];
        *slots += 224;
    }
}

static struct view_slots_src src(const size_t *live, size_t pages, size_t first)
{
    page_live = live;
    size_t sum = 0;
    for (size_t i = 0; i < pages; i++)
        sum += live[i];
    return (struct view_slots_src){
        .live = sum,
        .empty = pages * 224 - sum,
        .buckets = pages * 28,
        .bytes = pages * 4096,
        .live_bytes = sum * 16,
        .array_first = first,
        .array_pages = pages,
        .page_slots = page_slots,
    };
}

Test(view_slots, header_rows_and_legend)
{
    static const size_t live[] = {0, 1, 112, 224, 200, 23};
    struct view_slots_src s = src(live, 6, 80);
    vs_reset();
    view_slots(&s, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked_except("slots live="), 4);
    cr_assert_str_eq(vs_out,
                     "slots live=560 empty=784 evacuated=0 buckets=168 overflow=0 bytes=24576 "
                     "live_bytes=8960\n"
                     "array first_page=80 pages=6 per_char=1\n"
                     "    80 .15F92\n"
                     "legend: 1-9 tenths of the slots live (rounded up)  F all live  . none live\n");
}

Test(view_slots, no_array)
{
    struct view_slots_src s = src(NULL, 0, 0);
    vs_reset();
    view_slots(&s, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked_except("slots live="), 3);
    cr_assert_str_eq(vs_line(1), "array first_page=0 pages=0 per_char=1");
}

/* An array of 9,000 pages, as after a fill of a million keys: a character
 * per 5 pages, at most 32 rows; an empty array folds to a few lines. */
Test(view_slots, a_large_array_scales_and_folds)
{
    size_t n = 9000;
    size_t *live = calloc(n, sizeof *live);
    struct view_slots_src s = src(live, n, 100);
    vs_reset();
    view_slots(&s, vs_sink, NULL);
    int lines = vs_lines_checked_except("slots live=");
    cr_assert_str_eq(vs_line(1), "array first_page=100 pages=9000 per_char=5");
    cr_assert_leq(lines, 2 + 3 + 1, "all `.`: rows fold:\n%s", vs_out);
    char want[100] = "   100 ";
    memset(want + 7, '.', 64);
    strcat(want, " x28");
    cr_assert_str_eq(vs_line(2), want, "%s", vs_out);
    for (size_t i = 0; i < n; i++)
        live[i] = (i * 7) % 225;
    vs_reset();
    view_slots(&s, vs_sink, NULL);
    cr_assert_leq(vs_lines_checked_except("slots live="), VIEW_MAX_ROWS + 3);
    free(live);
}

/* A real map: the seed's fill shows digits, deleting every key all `.`
 * while the pages stay; the figures agree with the map's. */
Test(view_slots, live_source_before_and_after_delete)
{
    struct arena *a = vs_arena(256);
    struct hmap m;
    cr_assert_eq(hmap_init(&m, &map_u64_type, a, 8192, 1), 0);
    for (uint64_t k = 0; k < 8192; k++)
        cr_assert_eq(hmap_put_u64(&m, k, k), 0);
    struct view_live v = {a, &m, NULL};
    struct view_slots_src s;
    view_slots_src_live(&s, &v);
    vs_reset();
    view_slots(&s, vs_sink, NULL);
    vs_lines_checked_except("slots live=");
    struct hmap_stats ms;
    hmap_get_stats(&m, &ms);
    size_t ovf = ms.overflow;
    cr_assert_gt(ovf, 0);
    char want0[200];
    snprintf(want0, sizeof want0,
             "slots live=8192 empty=%zu evacuated=0 buckets=2048 overflow=%zu bytes=315392 "
             "live_bytes=131072",
             8 * (2048 + ovf) - 8192, ovf);
    cr_assert_str_eq(vs_line(0), want0);
    cr_assert_str_eq(vs_line(1), "array first_page=0 pages=77 per_char=1");
    size_t digits = 0;
    for (const char *p = vs_line(2) + 7; *p; p++)
        digits += *p >= '1' && *p <= '9';
    cr_assert_geq(digits, 60, "%s", vs_out);
    for (uint64_t k = 0; k < 8192; k++)
        cr_assert(hmap_delete_u64(&m, k));
    view_slots_src_live(&s, &v);
    vs_reset();
    view_slots(&s, vs_sink, NULL);
    snprintf(want0, sizeof want0,
             "slots live=0 empty=%zu evacuated=0 buckets=2048 overflow=%zu bytes=315392 "
             "live_bytes=0",
             8 * (2048 + ovf), ovf);
    cr_assert_str_eq(vs_line(0), want0, "delete unlinks no overflow bucket");
    char want[100] = "     0 ";
    memset(want + 7, '.', 64);
    cr_assert_str_eq(vs_line(2), want);
    cr_assert_str_eq(vs_line(3), "    64 .............");
    hmap_reset(&m);
    vs_arena_free();
}
