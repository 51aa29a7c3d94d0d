/* SPDX-License-Identifier: MIT */
/* history.c - the memory over time, in a ring (see history.h). */
#include "history.h"

#include <inttypes.h>

void history_init(struct history *h, struct history_entry *buf, size_t cap,
                  const struct arena *a, const struct hmap *m)
{
    *h = (struct history){.e = buf, .cap = cap, .arena = a, .map = m};
}

void history_set_map(struct history *h, const struct hmap *m)
{
    h->map = m;
    h->swiss = NULL;
}

void history_set_swiss(struct history *h, const struct swiss *m)
{
    h->map = NULL;
    h->swiss = m;
}

void history_record(struct history *h, enum history_event ev, size_t pages, const char *cmd)
{
    struct arena_stats as;
    arena_get_stats(h->arena, &as);
    struct history_entry *e;
    if (h->n == h->cap) {
        e = &h->e[h->first];
        h->first = (h->first + 1) % h->cap;
        h->dropped++;
    } else {
        e = &h->e[(h->first + h->n) % h->cap];
        h->n++;
    }
    *e = (struct history_entry){
        .seq = h->seq++,
        .cmd = ev == HISTORY_CMD ? cmd : NULL,
        .pages = pages,
        .in_use = as.in_use,
        .watermark = as.watermark,
        .event = (uint8_t)ev,
    };
    if (h->map != NULL) {
        /* Reading the map's figures is safe inside one of its writes (the
         * arena calls the observer from there): it reads fields only. */
        struct hmap_stats ms;
        hmap_get_stats(h->map, &ms);
        e->len = ms.len;
        e->bytes = ms.bytes;
    } else if (h->swiss != NULL) {
        /* The Swiss map lets go of a run before giving it back and links
         * a new one only after the arena handed it out, so its figures
         * read from inside one of its writes count no page the arena
         * does not. */
        struct swiss_stats ss;
        swiss_get_stats(h->swiss, &ss);
        e->len = ss.len;
        e->bytes = ss.bytes;
        e->swiss = true;
    }
}

void history_observe(void *ctx, int event, const void *pages, size_t npages)
{
    (void)pages;
    enum history_event ev = event == ARENA_EVENT_ALLOC  ? HISTORY_ALLOC
                            : event == ARENA_EVENT_FREE ? HISTORY_FREE
                                                        : HISTORY_RESET;
    history_record(ctx, ev, ev == HISTORY_RESET ? 0 : npages, NULL);
}

void history_clear(struct history *h)
{
    h->first = 0;
    h->n = 0;
    h->dropped = 0;
}

size_t history_len(const struct history *h)
{
    return h->n;
}

const struct history_entry *history_get(const struct history *h, size_t i)
{
    if (i >= h->n)
        return NULL;
    return &h->e[(h->first + i) % h->cap];
}

const char *history_event_name(int event)
{
    switch (event) {
    case HISTORY_ALLOC: return "alloc";
    case HISTORY_FREE: return "free";
    case HISTORY_RESET: return "reset";
    case HISTORY_CMD: return "cmd";
    default: return "?";
    }
}

void history_print(const struct history *h, out_write_fn write, void *ctx)
{
    out_printf(write, ctx, "history entries=%zu dropped=%" PRIu64 "\n", h->n, h->dropped);
    for (size_t i = 0; i < h->n; i++) {
        const struct history_entry *e = history_get(h, i);
        out_printf(write, ctx,
                   "at=%" PRIu64 " event=%s pages=%zu len=%zu bytes=%zu in_use=%zu watermark=%zu"
                   "%s%s%s\n",
                   e->seq, history_event_name(e->event), e->pages, e->len, e->bytes, e->in_use,
                   e->watermark, e->cmd ? " cmd=" : "", e->cmd ? e->cmd : "",
                   e->swiss ? " gen=swiss" : "");
    }
}
