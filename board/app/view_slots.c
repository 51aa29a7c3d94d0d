/* SPDX-License-Identifier: MIT */
/*
 * view_slots.c - what the map's slots hold, page by page of its bucket
 * array (view.h): the picture of a delete, which empties slots and gives
 * back no page.  The live source reads the map through hmap_slot_totals and
 * hmap_array_page_slots; the bucket layout stays inside hmap/.
 */
#include "view.h"

char view_slots_char(size_t live, size_t slots)
{
    if (live == 0 || slots == 0)
        return '.';
    if (live >= slots)
        return 'F';
    size_t tenths = (live * 10 + slots - 1) / slots;
    return (char)('0' + (tenths > 9 ? 9 : tenths));
}

void view_slots(const struct view_slots_src *s, out_write_fn write, void *ctx)
{
    size_t n = s->array_pages;
    size_t cap = (size_t)VIEW_ROW_CHARS * VIEW_MAX_ROWS;
    size_t k = n <= cap ? 1 : (n + cap - 1) / cap;
    out_printf(write, ctx,
               "slots live=%zu empty=%zu evacuated=%zu buckets=%zu overflow=%zu bytes=%zu "
               "live_bytes=%zu\n",
               s->live, s->empty, s->evacuated, s->buckets, s->overflow, s->bytes, s->live_bytes);
    out_printf(write, ctx, "array first_page=%zu pages=%zu per_char=%zu\n", s->array_first, n, k);
    struct view_rows rows;
    view_rows_begin(&rows, write, ctx, s->array_first, k);
    for (size_t p = 0; p < n; p += k) {
        size_t live = 0, slots = 0;
        s->page_slots(s->ctx, p, n - p < k ? n - p : k, &live, &slots);
        view_rows_put(&rows, view_slots_char(live, slots));
    }
    view_rows_end(&rows);
    out_printf(write, ctx,
               "legend: 1-9 tenths of the slots live (rounded up)  F all live  . none live\n");
}

static void page_slots_live(void *ctx, size_t first, size_t n, size_t *live, size_t *slots)
{
    const struct view_live *v = ctx;
    *live = *slots = 0;
    for (size_t p = first; p < first + n; p++) {
        struct hmap_slot_counts c;
        hmap_array_page_slots(v->map, p, &c);
        *live += c.live;
        *slots += c.live + c.empty + c.evacuated;
    }
}

void view_slots_src_live(struct view_slots_src *s, struct view_live *live)
{
    struct hmap_slot_counts c;
    struct hmap_stats ms;
    hmap_slot_totals(live->map, &c);
    hmap_get_stats(live->map, &ms);
    size_t pages = hmap_array_pages(live->map);
    size_t first = pages ? arena_page_index(live->arena, hmap_array_start(live->map)) : 0;
    *s = (struct view_slots_src){
        .live = c.live,
        .empty = c.empty,
        .evacuated = c.evacuated,
        .buckets = ms.buckets,
        .overflow = ms.overflow,
        .bytes = ms.bytes,
        .live_bytes = ms.len * hmap_entry_size(live->map),
        .array_first = first,
        .array_pages = pages,
        .page_slots = page_slots_live,
        .ctx = live,
    };
}
