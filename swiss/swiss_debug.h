/* SPDX-License-Identifier: MIT */
/*
 * swiss_debug.h - looking inside a Swiss map: its arena runs, its tables
 * in directory order, the state of every group's slots, and how far a
 * lookup probes.  For tools that draw the map over its arena (the
 * console's pages and slots views) and that explain its costs (the
 * console's bench); every function here reads only.  swiss.h is the map's
 * API.
 */
#ifndef TIDEMARK_SWISS_DEBUG_H
#define TIDEMARK_SWISS_DEBUG_H

#include <stdbool.h>
#include <stddef.h>

#include "swiss.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What an arena run of the map holds. */
enum swiss_run_kind {
    SWISS_RUN_TABLE = 1,     /* a table: its struct, then its groups      */
    SWISS_RUN_DIRECTORY = 2, /* the directory's table pointers            */
    SWISS_RUN_SMALL = 3      /* the small map's one group                 */
};

/* Called once per run: its first page, its length in pages, its kind. */
typedef void (*swiss_run_fn)(void *ctx, const void *pages, size_t npages, int kind);

/*
 * Call fn(ctx, ...) once for every arena run the map holds: the small
 * map's group, or the directory and then each table in directory order.
 * The runs' pages add up to swiss_get_stats' bytes.  Returns the number of
 * runs (0 for a map holding nothing, or when m or fn is NULL).
 */
size_t swiss_for_each_run(const struct swiss *m, swiss_run_fn fn, void *ctx);

/* One table, as swiss_for_each_table reports it. */
struct swiss_table_info {
    size_t index;   /* its first directory entry                      */
    size_t entries; /* directory entries pointing at it:
                       2^(global_depth - local_depth)                 */
    unsigned local_depth;
    size_t capacity; /* slots                                          */
    size_t groups;   /* capacity / 8                                   */
    size_t used;     /* live slots                                     */
    size_t tombstones;
    size_t growth_left;
    const void *pages; /* its run, and the run's length                  */
    size_t npages;
};

typedef void (*swiss_table_fn)(void *ctx, const struct swiss_table_info *t);

/*
 * Call fn(ctx, ...) for every table, in directory order (each once).
 * Returns the number of tables: 0 for a small map or a map holding nothing.
 */
size_t swiss_for_each_table(const struct swiss *m, swiss_table_fn fn, void *ctx);

/*
 * The table directory entry `index` points at, into *out.  Returns false,
 * with *out zeroed, for a small map, a map holding nothing, or an index
 * past the directory.  The next table in directory order is at
 * out->index + out->entries.
 */
bool swiss_table_at(const struct swiss *m, size_t index, struct swiss_table_info *out);

/* Whether m is inside one of its writes (a put, delete, clear or reset):
 * then every arena allocation is m's own, not yet counted in its bytes.
 * For an arena observer reading the map's figures. */
bool swiss_in_write(const struct swiss *m);

/* Slots by state. */
struct swiss_slot_counts {
    size_t live;       /* holding an entry                                */
    size_t empty;      /* empty (0x80)                                    */
    size_t tombstones; /* deleted (0xFE)                                  */
};

/*
 * Count the slots of group `group` of the table whose first directory
 * entry is `index` (for a small map: index 0, group 0, its one group).
 * Returns true, or false with *out zeroed when there is no such table or
 * group.
 */
bool swiss_group_slots(const struct swiss *m, size_t index, size_t group,
                       struct swiss_slot_counts *out);

/* The slots of every group: live equals swiss_len, the three add up to the
 * map's capacity.  All zero for NULL or a map holding nothing. */
void swiss_slot_totals(const struct swiss *m, struct swiss_slot_counts *out);

/*
 * How many groups a lookup of key reads (the 8-byte calls', and swiss_get's,
 * which reads the same ones but none at all in a map with no entries): 1 in
 * a small map; in a table, the groups of key's probe sequence up to the one
 * holding key or, for an absent key, the first with an empty slot.  Why a lookup costs what it
 * does: each group past the first is one more control word to load and
 * match.  Returns 0, counting no misuse, for NULL m or key, a map holding
 * no group, or while the map is inside one of its writes.
 */
size_t swiss_probe_groups(const struct swiss *m, const void *key);

#ifdef __cplusplus
}
#endif

#endif /* TIDEMARK_SWISS_DEBUG_H */
