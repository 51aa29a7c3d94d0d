/* SPDX-License-Identifier: MIT */
/*
 * swiss.h - the Go runtime's Swiss-table map (Go 1.24 and later,
 * internal/runtime/maps), in C, taking every byte it uses from a page arena.
 *
 * The layout and the rules are Go 1.26's, so the memory figures are Go's:
 *
 *   - A group holds 8 slots: a control word (one byte a slot: empty 0x80,
 *     deleted 0xFE, or the low 7 bits of a live key's hash), then 8 slots of
 *     key then value.  With 8-byte keys and values a group is 136 bytes.
 *   - A map of up to 8 entries is one group and nothing else (the "small
 *     map"); a hint of 8 or less allocates nothing until the first put.
 *   - Beyond 8 entries the map is a directory of tables (extendible
 *     hashing): a table is a power-of-two array of groups, 1024 slots at
 *     most, probed quadratically by group, filled to 7/8 (growth_left).  A
 *     full table doubles; a full 1024-slot table splits in two, and the
 *     directory doubles when the table's local depth reaches the global one.
 *   - Delete empties a slot when its group still has an empty slot, else it
 *     leaves a tombstone, which still counts against the table's load.  An
 *     insert that finds the table full first prunes tombstones that no
 *     probe sequence needs (Go 1.25's rule); only if that frees too little
 *     does the table grow.
 *   - Nothing shrinks: no table, group or directory entry is ever given back
 *     by delete or clear.  Only swiss_reset (Go's `m = nil` and a GC) does.
 *
 * docs/swiss.md sets these figures beside the real Go 1.26 runtime's.
 *
 * Keys and values are copied in, up to SWISS_MAX_KEY / SWISS_MAX_VAL bytes
 * each.  Not thread-safe; best-effort misuse detection (Go's `writing`
 * flag) turns a write that re-enters a write into an error.
 */
#ifndef TIDEMARK_SWISS_H
#define TIDEMARK_SWISS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The map and an iteration over it; their layout is at the end of this
 * header, private.  A table lives inside its own arena run. */
struct swiss;
struct swiss_iter;
struct swiss_table;

/*
 * Error codes.  Every int-returning function returns 0 or one of these.  The
 * values are hmap.h's where the meaning is the same, so one switch serves
 * both maps.
 */
enum {
    SWISS_OK = 0,
    SWISS_ERR_ARG = -1,     /* NULL map, type, arena, key or value          */
    SWISS_ERR_SIZE = -2,    /* key_size 0 or > SWISS_MAX_KEY, val_size >
                               SWISS_MAX_VAL, or a hint too large to size    */
    SWISS_ERR_NOMEM = -3,   /* the arena had no pages for the operation      */
    SWISS_ERR_BUSY = -4,    /* a write re-entered a write (from a hash or
                               equal callback): refused, nothing changed     */
    SWISS_ERR_CHANGED = -5, /* iterator: the map's tables were replaced
                               (a growth, split, reset) since it began       */

    /* What swiss_check reports when an invariant is broken. */
    SWISS_BROKEN_COUNT = -20,       /* live slots differ from len, or deleted
                                       ones from a table's tombstones        */
    SWISS_BROKEN_CTRL = -21,        /* a control byte is neither empty,
                                       deleted, nor its key's H2             */
    SWISS_BROKEN_PLACEMENT = -22,   /* a key in a table its hash does not
                                       select, or past a group with an empty
                                       slot on its probe sequence            */
    SWISS_BROKEN_DUPLICATE = -23,   /* a key is stored twice                 */
    SWISS_BROKEN_GROWTH_LEFT = -24, /* used + growth_left + tombstones differ
                                       from the table's load limit           */
    SWISS_BROKEN_TOMBSTONE = -25,   /* a tombstone in the small map, or in a
                                       group that has an empty slot          */
    SWISS_BROKEN_DIRECTORY = -26,   /* a table not covering 2^(global-local)
                                       aligned entries from its index, local
                                       depth above global, or a bad length   */
    SWISS_BROKEN_CAPACITY = -27,    /* a capacity not a power of two in
                                       [8, 1024], or a group count off       */
    SWISS_BROKEN_PAGES = -28        /* runs held disagree with the bytes
                                       counted or with the arena             */
};

/* Go's constants (internal/runtime/maps, internal/abi). */
#define SWISS_GROUP_SLOTS 8           /* abi.MapGroupSlots                     */
#define SWISS_MAX_TABLE_CAPACITY 1024 /* maxTableCapacity                    */
#define SWISS_LOAD_NUM 7              /* maxAvgGroupLoad: a table fills to 7/8 */
#define SWISS_MAX_KEY 128             /* larger keys and values Go stores      */
#define SWISS_MAX_VAL 128             /* indirectly; tidemark refuses them     */

/*
 * What Go's runtime allocates besides the groups, on this target's pointer
 * width (amd64 for 64-bit targets, 386 for 32-bit ones): a table struct and
 * the Map header.  alloc_bytes counts the former; the header is the caller's
 * own struct swiss in C, so alloc_bytes leaves it out (docs/swiss.md).
 */
#define SWISS_GO_TABLE_BYTES (sizeof(void *) == 8 ? 32u : 24u)
#define SWISS_GO_MAP_BYTES (sizeof(void *) == 8 ? 48u : 32u)

/*
 * How keys are hashed and compared.  key_size and val_size are fixed per map.
 * hash == NULL: the built-in seeded 64-bit hash over key_size bytes.
 * equal == NULL: byte comparison over key_size bytes.
 * A custom pair must agree: equal keys hash equally under every seed.
 */
struct swiss_type {
    size_t key_size, val_size;
    uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
    bool (*equal)(const void *a, const void *b, size_t len);
};

/* What swiss_get_stats reports.  bytes is the figure the Go experiment is
 * about: arena bytes the map holds, in whole pages; alloc_bytes is what Go's
 * runtime would have asked its allocator for, for the same map. */
struct swiss_stats {
    size_t len;            /* live entries                                   */
    size_t tables;         /* tables (0 for a small map or none)             */
    unsigned global_depth; /* log2 of the directory's length                 */
    size_t dir_len;        /* directory entries (0 without tables)           */
    size_t groups;         /* groups in all tables, or 1 for a small map     */
    size_t capacity;       /* slots: 8 a group                               */
    size_t tombstones;     /* deleted slots still counted against the load   */
    size_t growth_left;    /* inserts into empty slots before the tables
                              would have to prune or grow                    */
    size_t bytes;          /* arena bytes held: whole pages                  */
    size_t alloc_bytes;    /* Go's requested bytes: directory, table structs
                              and groups arrays, or the small map's group    */
    bool small;            /* the map is one group without tables            */
    size_t group_size;     /* bytes per group: 8 + 8 * (key + value)          */

    size_t grows;     /* tables doubled                                 */
    size_t splits;    /* 1024-slot tables split in two                  */
    size_t dir_grows; /* directory doublings                            */
    size_t prunes;    /* tombstone prunes that freed slots              */
    size_t misuse;    /* re-entrant writes refused, reads failed        */
};

/*
 * Make *m an empty map of type *t over arena a, sized for hint entries as
 * Go's make(map[K]V, hint) sizes it: with hint <= 8 nothing is allocated
 * (the first put takes one group); above, the directory has the next power
 * of two of ceil(hint * 8/7 / 1024) entries, each a table of (hint * 8/7) /
 * entries slots rounded up to a power of two (hint 8192: 16 tables of 1024
 * slots), all allocated now.
 *
 * Returns 0; SWISS_ERR_ARG if m, t or a is NULL; SWISS_ERR_SIZE for a
 * key_size of 0 or over 128, a val_size over 128 (0 is allowed: a set), or a
 * hint whose directory or groups would not fit in a size_t;
 * SWISS_ERR_NOMEM if the arena cannot hold them.  On failure *m is not a
 * map and the arena holds the same pages (an allocation it refused still
 * counts in its failed_allocs).  *t is copied.
 */
int swiss_init(struct swiss *m, const struct swiss_type *t, struct arena *a,
               size_t hint, uint64_t seed);

/*
 * Insert key with val, or overwrite the value of an existing key.
 *
 * Returns 0; SWISS_ERR_ARG if m or key is NULL, or val is NULL while
 * val_size is not 0; SWISS_ERR_NOMEM if a growth needed pages the arena could
 * not give: every entry is as it was, and the map holds the same pages
 * unless this put had already split a table once and one half took all of
 * its entries (then the halves are kept: possible only with a hash that
 * sends 897 keys to the same top bits); SWISS_ERR_BUSY if called from
 * inside a write on the same map (nothing changes).  key and val may point
 * into this map (an iterator's key, swiss_get's value): they are copied
 * before a growth can move them or give their pages back.
 */
int swiss_put(struct swiss *m, const void *key, const void *val);

/*
 * The stored value for key, or NULL when key is absent (or m is mid-write:
 * a re-entrant read, counted as misuse).  The pointer stays valid until the
 * next put of a new key, clear or reset, which may move or empty the slot;
 * in a small map holding 8 entries, until any put: Go's PutSlot makes the
 * first table before it looks for the key, so an overwrite there moves
 * every entry too (tidemark keeps Go's allocations).
 */
void *swiss_get(struct swiss *m, const void *key);

/*
 * Delete key.  Returns true when the key was there.  Frees nothing: the
 * slot becomes empty when its group has another empty slot, else a
 * tombstone.  When the map becomes empty its hash is reseeded (Go's rule).
 * key may point into this map.  Returns false, changing nothing, when key
 * is absent, m or key is NULL, or when called from inside a write.
 */
bool swiss_delete(struct swiss *m, const void *key);

/* Live entries (0 for NULL). */
size_t swiss_len(const struct swiss *m);

/*
 * The 8-byte calls (Go's runtime_fast64.go), with the contracts of
 * swiss_put / swiss_get / swiss_delete.  Only for a map whose key_size and
 * val_size are both 8 and which uses the built-in hash and equality; on
 * any other map they return SWISS_ERR_SIZE / false.  swiss_get_u64 copies
 * the value to *val when val is not NULL.  It is defined inline
 * (swiss_probe.h), so that a caller's compiler may fold the lookup into the
 * caller; the library exports it too, for callers that do not inline it or
 * take its address.
 *
 * SWISS_INLINE is C99's `inline`, and nothing under GNU89 inline rules (gcc
 * -std=gnu89 or -fgnu89-inline, where an inline definition in a header
 * would put a copy in every file): there a file gets only this
 * declaration, and its calls go to the library's copy.
 */
#if defined(__GNUC_GNU_INLINE__) && !defined(__cplusplus)
#define SWISS_INLINE
#else
#define SWISS_INLINE inline
#endif
int swiss_put_u64(struct swiss *m, uint64_t key, uint64_t val);
SWISS_INLINE bool swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val);
bool swiss_delete_u64(struct swiss *m, uint64_t key);

/*
 * Empty the map as Go 1.26's clear(m): every slot of every table empty (the
 * tombstones too), every table, group and the directory kept, so no byte
 * goes back to the arena.  Reseeds.  A map that is empty without
 * tombstones is left as it is.  Does nothing from inside a write.
 */
void swiss_clear(struct swiss *m);

/*
 * Give every page back to the arena and leave the map empty, as if just
 * initialised with the same type, hint and arena, except that nothing is
 * allocated until the next put (which then sizes the tables as the hint
 * asks), and that the pruning setting and swiss_stats' counters carry over.
 * Reseeds.  Does nothing from inside a write.
 */
void swiss_reset(struct swiss *m);

/*
 * Turn Go 1.25's tombstone pruning on (the default) or off.  Off, a table
 * full of live entries and tombstones always grows or splits, as in Go
 * 1.24 (golang/go#70886): churn at a constant length then grows the map
 * without bound.  Beyond Go, for showing what pruning holds down.
 */
void swiss_set_pruning(struct swiss *m, bool on);

/* Fill *out with the map's figures.  Changes nothing. */
void swiss_get_stats(const struct swiss *m, struct swiss_stats *out);

/*
 * Begin an iteration over m.  Each entry present from the start to the end
 * of the iteration is visited exactly once, in an order chosen by a
 * per-iteration start (do not rely on it).  As in Go, the loop may delete
 * entries (a deleted entry not yet reached is not visited), overwrite
 * values, clear the map, or insert keys (which may or may not be visited).
 * A write that replaces a table (a growth, a split, the small map's first
 * table, a reset) ends the iteration: Go keeps the old table alive for the
 * iterator, tidemark has given its pages back.  Then swiss_iter_next
 * returns false and swiss_iter_error gives SWISS_ERR_CHANGED.
 */
void swiss_iter_init(struct swiss_iter *it, struct swiss *m);

/*
 * Step to the next entry: true with *key and *val pointing at it (valid
 * until the next write), or false when the iteration is over or was ended.
 * key or val may be NULL when not wanted.
 */
bool swiss_iter_next(struct swiss_iter *it, const void **key, void **val);

/* 0, or SWISS_ERR_CHANGED if the iteration was ended by a write. */
int swiss_iter_error(const struct swiss_iter *it);

/*
 * Check every invariant: each table's capacity and groups, control bytes
 * against their keys' hashes, each key reachable from its probe start in
 * the table its hash selects, no key twice, used and growth_left against
 * the live slots and tombstones, tombstones only in groups without an
 * empty slot (never in the small map), the directory's coverage, and the
 * pages held.  Returns 0 or the SWISS_BROKEN_* code of the first that
 * broke.  Changes nothing; costs a pass over every slot and a hash per key.
 */
int swiss_check(const struct swiss *m);

/* The built-in hash: seeded, 64-bit, over len bytes. */
uint64_t swiss_hash_bytes(const void *key, size_t len, uint64_t seed);

/* Text for a SWISS_* code ("out of memory", ...); "unknown" otherwise. */
const char *swiss_strerror(int code);

/* --- private layout ----------------------------------------------------------
 * Complete here only so that a caller can own a map or an iterator
 * statically.  Every field is private: read a map through the functions
 * above.  A zeroed struct swiss is not a map: call swiss_init.
 */
struct swiss {
    /* What every 8-byte call reads first, together. */
    struct swiss_table **dir; /* the directory, or NULL (see below)            */
    uint64_t hash_key;        /* the seed premixed for the 8-byte hash          */
    uint64_t hash_mul;        /* the 8-byte hash's multiplier, SW_HASH_MUL, and */
    uint64_t swar_lsb;        /* 0x01 in every byte, and                        */
    uint64_t slot_offsets;    /* U64_OFFSETS: constants the 8-byte calls load in
                                 one instruction from here, where a 64-bit
                                 constant costs two                         */
    uint64_t u64_gate;        /* bits 0-5: dir_shift, DIR_TOP - global_depth (see
                                 table_for); bit 63 (U64_SHUT): the 8-byte
                                 calls may not take their fast paths (not
                                 their map, no tables, or a write under
                                 way).  One load gives a fast path both.   */
    bool general;             /* not the 8-byte calls' map: other sizes, or the
                                 caller's hash or equal                       */
    bool writing;             /* a write is in progress (Go's m.writing)        */
    bool tombstone_possible;  /* a delete may have left a tombstone since the
                                 last clear (Go's m.tombstonePossible)       */
    bool pruning;             /* Go 1.25's tombstone pruning is on              */
    size_t used;              /* live entries                                   */

    struct arena *arena;
    uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
    bool (*equal)(const void *a, const void *b, size_t len);
    size_t key_size, val_size;
    size_t slot_size;  /* key_size + val_size                            */
    size_t group_size; /* 8 + 8 * slot_size                              */
    uint64_t seed;     /* the hash seed (reseeded when len falls to 0)   */
    size_t hint;       /* the init hint: reset sizes the next put by it  */

    /* Exactly one of: nothing (both NULL), the small map's one group, or
     * the directory dir of dir_len = 2^global_depth table pointers. */
    uint8_t *small;
    size_t dir_len;
    size_t dir_pages; /* the directory's run                            */
    unsigned global_depth;

    size_t layout;                           /* bumped whenever a table is replaced; iterators
                                                compare it                                     */
    size_t grows, splits, dir_grows, prunes; /* counts, for stats           */
    size_t misuse;                           /* writes refused or reads failed as re-entrant   */
};

/* A table: one arena run, this struct at its start, then its groups from
 * SW_TABLE_HEAD bytes in (swiss_probe.h), so that the 8-byte calls find a
 * group from the table pointer the directory holds. */
struct swiss_table {
    uint8_t *groups;    /* group 0: SW_TABLE_HEAD bytes into the table's run */
    size_t group_mask;  /* groups - 1                                       */
    size_t mask7;       /* group_mask << 7, the 8-byte paths' probe mask:
                           hash & mask7 is the first group times 128        */
    size_t capacity;    /* slots: 8 * groups, a power of two, 8..1024       */
    size_t tombstones;  /* deleted slots: live ones are the load limit less
                           growth_left and these (table_used)               */
    size_t growth_left; /* empty slots an insert may still take before the
                           table must prune or grow (Go's growthLeft)       */
    size_t index;       /* first directory entry pointing here              */
    size_t pages;       /* length of the run                                */
    unsigned local_depth;
};

/* An iteration in progress; start it with swiss_iter_init. */
struct swiss_iter {
    struct swiss *m;
    size_t layout;      /* m->layout when the iteration began             */
    size_t dir_pos;     /* directory entry of the table being walked      */
    size_t dir_seen;    /* directory entries covered by finished tables   */
    size_t slot;        /* slots of the current table (or group) walked   */
    size_t slot_offset; /* the walk's start inside a table, from the seed */
    bool done;
    int err; /* SWISS_ERR_CHANGED once a table was replaced    */
};

#ifdef __cplusplus
}
#endif

#include "swiss_probe.h" /* swiss_get_u64's inline definition */

#endif /* TIDEMARK_SWISS_H */
