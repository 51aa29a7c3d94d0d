/* SPDX-License-Identifier: MIT */
/*
 * test_history.c - the history ring (history.h): entries oldest first, the
 * wrap when full and the dropped count, clear, the line format, the arena
 * observer's events with the figures after each, and that recording changes
 * nothing it records (the same workload gives the same arena and map with
 * and without a history attached).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "map_u64.h"
#include "views_support.h"

#define PS 4096u

static struct arena arena;
static void *region;

static void rig(size_t pages)
{
    region = aligned_alloc(PS, pages * PS + PS);
    cr_assert_eq(arena_init(&arena, region, pages * PS + PS, PS), 0);
}

Test(history, records_and_prints_oldest_first)
{
    rig(64);
    struct history_entry buf[8];
    struct history h;
    history_init(&h, buf, 8, &arena, NULL);
    arena_set_observer(&arena, history_observe, &h);
    void *p = arena_alloc_pages(&arena, 3);
    history_record(&h, HISTORY_CMD, 0, "put");
    cr_assert_eq(arena_free_pages(&arena, p, 3), 0);
    arena_reset(&arena);
    cr_assert_eq(history_len(&h), 4);
    vs_reset();
    history_print(&h, vs_sink, NULL);
    cr_assert_str_eq(vs_out,
                     "history entries=4 dropped=0\n"
                     "at=0 event=alloc pages=3 len=0 bytes=0 in_use=12288 watermark=12288\n"
                     "at=1 event=cmd pages=0 len=0 bytes=0 in_use=12288 watermark=12288 cmd=put\n"
                     "at=2 event=free pages=3 len=0 bytes=0 in_use=0 watermark=12288\n"
                     "at=3 event=reset pages=0 len=0 bytes=0 in_use=0 watermark=0\n");
    cr_assert_null(history_get(&h, 4));
    free(region);
}

Test(history, the_ring_wraps_and_counts_what_it_dropped)
{
    rig(8);
    struct history_entry buf[5];
    struct history h;
    history_init(&h, buf, 5, &arena, NULL);
    for (int i = 0; i < 12; i++)
        history_record(&h, HISTORY_CMD, 0, "stats");
    cr_assert_eq(history_len(&h), 5);
    cr_assert_eq(h.dropped, 7);
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(history_get(&h, i)->seq, 7 + i, "oldest first after the wrap");
    vs_reset();
    history_print(&h, vs_sink, NULL);
    cr_assert_eq(vs_lines_checked(), 6);
    cr_assert_str_eq(vs_line(0), "history entries=5 dropped=7");
    cr_assert(strncmp(vs_line(1), "at=7 event=cmd ", 15) == 0, "%s", vs_out);
    cr_assert(strncmp(vs_line(5), "at=11 event=cmd ", 16) == 0, "%s", vs_out);

    history_clear(&h);
    cr_assert_eq(history_len(&h), 0);
    cr_assert_eq(h.dropped, 0);
    history_record(&h, HISTORY_CMD, 0, "history");
    cr_assert_eq(history_get(&h, 0)->seq, 12, "seq keeps counting after clear");
    vs_reset();
    history_print(&h, vs_sink, NULL);
    cr_assert_str_eq(vs_line(0), "history entries=1 dropped=0");
    free(region);
}

/* The figures of each entry are those after the event; with a map, its
 * len and bytes (settled at the cmd entry). */
Test(history, entries_carry_the_map_and_arena_figures)
{
    rig(400);
    static struct history_entry buf[1024];
    struct history h;
    struct hmap m;
    cr_assert_eq(hmap_init(&m, &map_u64_type, &arena, 0, 1), 0);
    history_init(&h, buf, 1024, &arena, &m);
    arena_set_observer(&arena, history_observe, &h);
    for (uint64_t k = 0; k < 8192; k++)
        cr_assert_eq(hmap_put_u64(&m, k, k), 0);
    history_record(&h, HISTORY_CMD, 0, "fill");
    size_t n = history_len(&h);
    cr_assert_gt(n, 10);
    struct arena_stats as;
    arena_get_stats(&arena, &as);
    const struct history_entry *last = history_get(&h, n - 1);
    cr_assert_eq(last->len, 8192);
    cr_assert_eq(last->bytes, 315392);
    cr_assert_eq(last->in_use, as.in_use);
    cr_assert_eq(last->watermark, as.watermark);
    size_t allocs = 0, frees = 0, in_use = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const struct history_entry *e = history_get(&h, i);
        cr_assert(e->event == HISTORY_ALLOC || e->event == HISTORY_FREE);
        cr_assert_str_empty(e->cmd, "entry %zu: only cmd entries carry a line", i);
        if (e->event == HISTORY_ALLOC) {
            allocs++;
            in_use += e->pages * PS;
        } else {
            frees++;
            in_use -= e->pages * PS;
        }
        cr_assert_eq(e->in_use, in_use, "entry %zu: in_use after the event", i);
    }
    cr_assert_eq(allocs, as.allocs);
    cr_assert_eq(frees, as.frees);
    hmap_reset(&m);
    free(region);
}

/* The same workload with and without a history: the arena and the map end
 * exactly alike. */
static void workload(struct arena *a, struct hmap *m, struct arena_stats *as,
                     struct hmap_stats *ms)
{
    cr_assert_eq(hmap_init(m, &map_u64_type, a, 0, 9), 0);
    for (uint64_t k = 0; k < 20000; k++)
        cr_assert_eq(hmap_put_u64(m, k * 7, k), 0);
    for (uint64_t k = 0; k < 20000; k += 2)
        cr_assert(hmap_delete_u64(m, k * 7));
    void *other = arena_alloc_pages(a, 5);
    cr_assert_eq(hmap_compact(m), 0);
    cr_assert_eq(arena_free_pages(a, other, 5), 0);
    cr_assert_eq(hmap_check(m), 0);
    arena_get_stats(a, as);
    hmap_get_stats(m, ms);
}

Test(history, recording_changes_nothing_it_records)
{
    rig(2000);
    struct arena_stats a1, a2;
    struct hmap_stats m1, m2;
    struct hmap m;
    workload(&arena, &m, &a1, &m1);
    free(region);

    rig(2000);
    static struct history_entry buf[16];
    struct history h;
    history_init(&h, buf, 16, &arena, &m);
    arena_set_observer(&arena, history_observe, &h);
    workload(&arena, &m, &a2, &m2);
    cr_assert_gt(h.dropped, 0, "the ring wrapped during the workload");
    cr_assert(memcmp(&a1, &a2, sizeof a1) == 0, "the arena differs with a history");
    cr_assert_eq(m1.len, m2.len);
    cr_assert_eq(m1.bytes, m2.bytes);
    cr_assert_eq(m1.B, m2.B);
    cr_assert_eq(m1.overflow, m2.overflow);
    cr_assert_eq(m1.shrinks, m2.shrinks);
    free(region);
}
