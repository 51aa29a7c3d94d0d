/* SPDX-License-Identifier: MIT */
/*
 * history.h - the memory over time: a ring of entries recorded at every
 * arena allocation, free and reset (as the arena's observer) and at the end
 * of every console command, each with the arena's in_use and watermark and
 * the map's len and bytes at that moment.
 *
 * The ring lives in storage the caller gives (the console's is inside
 * struct console, static on the board), never in the arena it watches:
 * recording reads the arena's and the map's figures and writes only the
 * ring, so it never changes what it records.  When the ring is full the
 * oldest entry makes room and is counted as dropped.
 *
 * An arena event that happens inside a write to the map (a growth taking
 * its new array, an evacuation giving the old one back) records the map's
 * len, and its bytes as they are once the event is done: a run being
 * handed out to the map (hmap_in_write: every allocation then is the
 * map's) counts in the entry's bytes as it does in in_use, although the map
 * links it in only when the arena returns; a run being given back has left
 * the map's bytes already (hmap_get_stats).  So an entry's bytes never
 * exceed its in_use, and a growth raises both in the same entry.
 */
#ifndef TIDEMARK_HISTORY_H
#define TIDEMARK_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "hmap.h"
#include "out.h"
#include "swiss.h"

/* What an entry records. */
enum history_event {
    HISTORY_ALLOC = 1, /* pages handed out (pages = the run's length)   */
    HISTORY_FREE = 2,  /* pages given back (pages = the run's length)   */
    HISTORY_RESET = 3, /* arena_reset (pages = 0)                        */
    HISTORY_CMD = 4    /* a console command ended (pages = 0, cmd set)   */
};

/* Characters of a command line an entry keeps (a longer one is cut), and
 * how many of them history_print always shows. */
#define HISTORY_CMD_MAX 40
#define HISTORY_CMD_SHOWN 24

struct history_entry {
    uint64_t seq;                  /* 0, 1, 2, ... since history_init (never reused) */
    char cmd[HISTORY_CMD_MAX + 1]; /* HISTORY_CMD: the line, "" otherwise */
    bool failed;                   /* HISTORY_CMD: it answered ERR                   */
    size_t pages;                  /* the run's pages for alloc and free, else 0    */
    size_t len, bytes;             /* the map's len and bytes (0 with no map)       */
    size_t in_use, watermark;      /* the arena's, after the event             */
    uint8_t event;                 /* enum history_event                            */
    bool swiss;                    /* len and bytes are a Swiss map's               */
};

struct history {
    struct history_entry *e; /* the ring: cap entries                     */
    size_t cap;
    size_t first;     /* index of the oldest entry                 */
    size_t n;         /* entries held                              */
    uint64_t seq;     /* seq of the next entry                     */
    uint64_t dropped; /* oldest entries overwritten since the last
                         init or clear                             */
    const struct arena *arena;
    const struct hmap *map;    /* NULL: len and bytes are recorded as 0     */
    const struct swiss *swiss; /* instead of map, when not NULL           */
};

/*
 * Start an empty history over buf[0..cap) (cap >= 1) that reads arena a
 * and map m (m may be NULL, and may be set later with history_set_map).
 * It does not attach itself to the arena: pass history_observe and h to
 * arena_set_observer for that.
 */
void history_init(struct history *h, struct history_entry *buf, size_t cap,
                  const struct arena *a, const struct hmap *m);

/* The map whose len and bytes later entries record (NULL: none): a bucket
 * map, or a Swiss map (whose entries history_print marks gen=swiss); each
 * call replaces the map the other named. */
void history_set_map(struct history *h, const struct hmap *m);
void history_set_swiss(struct history *h, const struct swiss *m);

/* Record one entry now.  cmd: for HISTORY_CMD, the command as typed (copied,
 * cut at HISTORY_CMD_MAX characters), else NULL. */
void history_record(struct history *h, enum history_event ev, size_t pages, const char *cmd);

/* Record the end of a command: its line (n characters, not NUL-terminated,
 * runs of spaces kept as one, cut at HISTORY_CMD_MAX) and whether it
 * answered ERR. */
void history_record_cmd(struct history *h, const char *line, size_t n, bool failed);

/* An arena_observer_fn: ctx is the struct history; records the event. */
void history_observe(void *ctx, int event, const void *pages, size_t npages);

/* Forget every entry and the dropped count (seq keeps counting). */
void history_clear(struct history *h);

/* Entries held, and the ith from the oldest (NULL when i >= that). */
size_t history_len(const struct history *h);
const struct history_entry *history_get(const struct history *h, size_t i);

/* "alloc", "free", "reset", "cmd" ("?" for anything else). */
const char *history_event_name(int event);

/*
 * Print
 *   history entries=<n> dropped=<n>
 * then one line per entry, oldest first:
 *   at=<seq> event=<alloc|free|reset|cmd> pages=<n> len=<n> bytes=<n> in_use=<n> watermark=<n>
 * with ` cmd=<line>` at the end of a cmd entry, the command line as typed
 * (its words one space apart): whole up to HISTORY_CMD_SHOWN characters,
 * a longer one cut, `...` after it, where the entry would pass 80 columns
 * (never below HISTORY_CMD_SHOWN); then ` result=ERR` when the command
 * answered ERR; and ` gen=swiss` at the very end while the map was a Swiss
 * map.  At most cap + 1 lines.
 */
void history_print(const struct history *h, out_write_fn write, void *ctx);

#endif /* TIDEMARK_HISTORY_H */
