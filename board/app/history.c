/* SPDX-License-Identifier: MIT */
/* history.c - the memory over time, in a ring (see history.h). */
#include "history.h"

#include "swiss_debug.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

/* The next slot of the ring, the oldest dropped when it is full. */
static struct history_entry *next_entry(struct history *h)
{
    struct history_entry *e;
    if (h->n == h->cap) {
        e = &h->e[h->first];
        h->first = (h->first + 1) % h->cap;
        h->dropped++;
    } else {
        e = &h->e[(h->first + h->n) % h->cap];
        h->n++;
    }
    return e;
}

/* The entry's figures, now; an allocation the map is making counted in
 * its bytes (history.h). */
static void take_figures(struct history *h, struct history_entry *e, enum history_event ev,
                         size_t pages)
{
    struct arena_stats as;
    arena_get_stats(h->arena, &as);
    e->seq = h->seq++;
    e->pages = pages;
    e->in_use = as.in_use;
    e->watermark = as.watermark;
    e->event = (uint8_t)ev;
    e->len = e->bytes = 0;
    e->swiss = false;
    if (h->map != NULL) {
        /* Reading the map's figures is safe inside one of its writes (the
         * arena calls the observer from there): it reads fields only. */
        struct hmap_stats ms;
        hmap_get_stats(h->map, &ms);
        e->len = ms.len;
        e->bytes = ms.bytes;
        if (ev == HISTORY_ALLOC && hmap_in_write(h->map))
            e->bytes += pages * as.page_size;
    } else if (h->swiss != NULL) {
        /* As for the bucket map: the Swiss map lets go of a run before
         * giving it back, and every allocation inside one of its writes is
         * its own, counted here as in_use counts it. */
        struct swiss_stats ss;
        swiss_get_stats(h->swiss, &ss);
        e->len = ss.len;
        e->bytes = ss.bytes;
        if (ev == HISTORY_ALLOC && swiss_in_write(h->swiss))
            e->bytes += pages * as.page_size;
        e->swiss = true;
    }
}

void history_record(struct history *h, enum history_event ev, size_t pages, const char *cmd)
{
    struct history_entry *e = next_entry(h);
    take_figures(h, e, ev, pages);
    e->failed = false;
    e->cmd[0] = '\0';
    if (ev == HISTORY_CMD && cmd != NULL)
        snprintf(e->cmd, sizeof e->cmd, "%s", cmd);
}

void history_record_cmd(struct history *h, const char *line, size_t n, bool failed)
{
    struct history_entry *e = next_entry(h);
    take_figures(h, e, HISTORY_CMD, 0);
    e->failed = failed;
    size_t k = 0;
    for (size_t i = 0; i < n && k < HISTORY_CMD_MAX; i++) {
        if (line[i] == ' ' && (k == 0 || e->cmd[k - 1] == ' '))
            continue; /* words one space apart */
        e->cmd[k++] = line[i];
    }
    while (k > 0 && e->cmd[k - 1] == ' ')
        k--;
    e->cmd[k] = '\0';
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
        char line[160];
        int at = snprintf(line, sizeof line,
                          "at=%" PRIu64 " event=%s pages=%zu len=%zu bytes=%zu in_use=%zu "
                          "watermark=%zu",
                          e->seq, history_event_name(e->event), e->pages, e->len, e->bytes,
                          e->in_use, e->watermark);
        const char *gen = e->swiss ? " gen=swiss" : "";
        if (e->event == HISTORY_CMD) {
            /* The line as typed; past HISTORY_CMD_SHOWN characters, only
             * what keeps the entry within 80 columns. */
            const char *tail = e->failed ? " result=ERR" : "";
            size_t n = strlen(e->cmd), used = (size_t)at + 5 + strlen(tail) + strlen(gen);
            size_t room = used < 80 ? 80 - used : 0;
            if (n > HISTORY_CMD_SHOWN && n > room) {
                size_t keep = room > HISTORY_CMD_SHOWN + 3 ? room - 3 : HISTORY_CMD_SHOWN;
                out_printf(write, ctx, "%s cmd=%.*s...%s%s\n", line, (int)keep, e->cmd, tail,
                           gen);
                continue;
            }
            out_printf(write, ctx, "%s cmd=%s%s%s\n", line, e->cmd, tail, gen);
            continue;
        }
        out_printf(write, ctx, "%s%s\n", line, gen);
    }
}
