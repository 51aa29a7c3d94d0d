/* SPDX-License-Identifier: MIT */
/*
 * swiss_stats.c - the map's figures (swiss_get_stats) and the error texts.
 * Reads only.
 */
#include "swiss_internal.h"

void swiss_get_stats(const struct swiss *m, struct swiss_stats *out)
{
    size_t page = arena_page_size(m->arena);
    *out = (struct swiss_stats){
        .len = m->used,
        .global_depth = m->global_depth,
        .dir_len = m->dir_len,
        .small = m->small != NULL,
        .group_size = m->group_size,
        .grows = m->grows,
        .splits = m->splits,
        .dir_grows = m->dir_grows,
        .prunes = m->prunes,
        .misuse = m->misuse,
    };
    if (m->small != NULL) {
        out->groups = 1;
        out->capacity = SLOTS;
        out->growth_left = SLOTS - m->used;
        out->bytes = arena_pages_for(m->arena, m->group_size) * page;
        out->alloc_bytes = m->group_size; /* Go's newGroups(typ, 1) */
        return;
    }
    if (m->dir == NULL)
        return;
    /* Go's live allocations: the directory's pointers, then per table its
     * struct and its groups array. */
    out->bytes = m->dir_pages * page;
    out->alloc_bytes = m->dir_len * sizeof(void *);
    for (size_t i = 0; i < m->dir_len; i += dir_span(m, m->dir[i])) {
        const struct swiss_table *t = m->dir[i];
        out->tables++;
        out->groups += t->group_mask + 1;
        out->capacity += t->capacity;
        out->tombstones += t->tombstones;
        out->growth_left += t->growth_left;
        out->bytes += t->pages * page;
        out->alloc_bytes += SWISS_GO_TABLE_BYTES + (t->group_mask + 1) * m->group_size;
    }
}

const char *swiss_strerror(int code)
{
    switch (code) {
    case SWISS_OK: return "ok";
    case SWISS_ERR_ARG: return "NULL argument";
    case SWISS_ERR_SIZE: return "key or value size out of range, or hint too large to size";
    case SWISS_ERR_NOMEM: return "out of memory: the arena has no pages";
    case SWISS_ERR_BUSY: return "map written from inside a write";
    case SWISS_ERR_CHANGED: return "map's tables replaced during iteration";
    case SWISS_BROKEN_COUNT: return "broken: count";
    case SWISS_BROKEN_CTRL: return "broken: control byte";
    case SWISS_BROKEN_PLACEMENT: return "broken: key unreachable from its probe start";
    case SWISS_BROKEN_DUPLICATE: return "broken: duplicate key";
    case SWISS_BROKEN_GROWTH_LEFT: return "broken: growth_left";
    case SWISS_BROKEN_TOMBSTONE: return "broken: tombstone where none belongs";
    case SWISS_BROKEN_DIRECTORY: return "broken: directory";
    case SWISS_BROKEN_CAPACITY: return "broken: table capacity";
    case SWISS_BROKEN_PAGES: return "broken: pages held";
    default: return "unknown";
    }
}
