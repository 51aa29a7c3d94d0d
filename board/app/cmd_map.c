/* SPDX-License-Identifier: MIT */
/*
 * cmd_map.c - the console's commands on its map and the figures it shows:
 * stats, make, put, get, del, fill, delall, clear, reset, compact (what
 * each answers: console.h).  The map is either generation of Go's map, the
 * bucket map (hmap) or the Swiss map (swiss), as the last `make` chose;
 * each command does the same thing on either.
 *
 * Every command checks all of its arguments before it touches the map, so an
 * ERR answer means nothing changed (except where console.h says).
 */
#include "console_internal.h"

#include <inttypes.h>

#include "map_u64.h"

static const struct swiss_type swiss_u64_type = {.key_size = 8, .val_size = 8};

static bool swiss_now(const struct console *c)
{
    return c->gen == CONSOLE_GEN_SWISS;
}

/* The 8-byte calls of whichever map is current.  The error codes are the
 * same values in both libraries (swiss.h). */
static int map_put(struct console *c, uint64_t k, uint64_t v)
{
    return swiss_now(c) ? swiss_put_u64(&c->swiss, k, v) : hmap_put_u64(&c->map, k, v);
}

static bool map_get(struct console *c, uint64_t k, uint64_t *v)
{
    return swiss_now(c) ? swiss_get_u64(&c->swiss, k, v) : hmap_get_u64(&c->map, k, v);
}

static bool map_delete(struct console *c, uint64_t k)
{
    return swiss_now(c) ? swiss_delete_u64(&c->swiss, k) : hmap_delete_u64(&c->map, k);
}

static const char *map_strerror(const struct console *c, int rc)
{
    return swiss_now(c) ? swiss_strerror(rc) : hmap_strerror(rc);
}

/* Give every page of the current map back (before another takes its
 * place). */
static void map_drop(struct console *c)
{
    if (swiss_now(c))
        swiss_reset(&c->swiss);
    else
        hmap_reset(&c->map);
}

static void cmd_stats(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    struct arena_stats as;
    struct arena_frag af;
    struct hmap_stats ms;
    arena_get_stats(c->cfg.arena, &as);
    arena_get_frag(c->cfg.arena, &af);
    hmap_get_stats(&c->map, &ms);
    size_t used = 0, size = 0;
    if (c->cfg.stack)
        c->cfg.stack(c->cfg.ctx, &used, &size);
    console_say(c,
                "arena in_use=%zu watermark=%zu peak=%zu capacity=%zu page=%zu allocs=%zu frees=%zu "
                "failed=%zu\n",
                as.in_use, as.watermark, as.peak_in_use, as.capacity, as.page_size, as.allocs, as.frees,
                as.failed_allocs);
    if (swiss_now(c)) {
        struct swiss_stats ss;
        swiss_get_stats(&c->swiss, &ss);
        console_say(c,
                    "swiss len=%zu tables=%zu depth=%u groups=%zu capacity=%zu tombstones=%zu "
                    "bytes=%zu alloc_bytes=%zu\n",
                    ss.len, ss.tables, ss.global_depth, ss.groups, ss.capacity, ss.tombstones,
                    ss.bytes, ss.alloc_bytes);
    } else {
        console_say(c,
                    "map len=%zu B=%u buckets=%zu overflow=%zu bytes=%zu growing=%d hint=%zu\n",
                    ms.len, ms.B, ms.buckets, ms.overflow, ms.bytes, ms.growing ? 1 : 0, ms.hint);
    }
    console_say(c, "stack used=%zu size=%zu\n", used, size);
    console_say(c, "frag free=%zu largest_free=%zu free_runs=%zu free_below_watermark=%zu\n",
                af.free, af.largest_free, af.free_runs, af.free_below_watermark);
}

/* The two lines under an ERR for want of pages: what map m last asked the
 * arena for (hmap_last_request_pages: the map's own figure; m NULL for the
 * Swiss map, which keeps none: then only the second line) and what the
 * arena had.  A refused request is never a failed search of free pages
 * alone: the largest free run says whether the pages were there but
 * scattered. */
static void say_why_no_pages(struct console *c, const struct hmap *m)
{
    struct arena_frag f;
    arena_get_frag(c->cfg.arena, &f);
    size_t page = arena_page_size(c->cfg.arena);
    size_t want = m ? hmap_last_request_pages(m) : 0;
    if (m == NULL)
        ; /* the Swiss map keeps no record of its last request */
    else if (want == SIZE_MAX)
        console_say(c, "  needed a bucket array too large to count in pages;\n");
    else
        console_say(c, "  needed a run of %zu page%s for %s;\n", want, want == 1 ? "" : "s",
                    hmap_last_request_kind(m) == HMAP_RUN_OVERFLOW ? "an overflow chunk"
                                                                   : "the new bucket array");
    console_say(c, "  the largest free run is %zu page%s (%zu bytes free in all)\n",
                f.largest_free / page, f.largest_free / page == 1 ? "" : "s", f.free);
}

/* The bucket map when it is current (say_why_no_pages reads its last
 * request), else NULL. */
static const struct hmap *current_bucket_map(const struct console *c)
{
    return swiss_now(c) ? NULL : &c->map;
}

static void cmd_put(struct console *c, const struct console_word *w, int nargs)
{
    (void)nargs;
    uint64_t k, v;
    if (!console_arg_number(c, "put", "K", &w[1], UINT64_MAX, &k) ||
        !console_arg_number(c, "put", "V", &w[2], UINT64_MAX, &v))
        return;
    int rc = map_put(c, k, v);
    if (rc == HMAP_ERR_NOMEM) {
        console_say(c, "ERR put: out of pages (the map is unchanged)\n");
        say_why_no_pages(c, current_bucket_map(c));
    } else if (rc != 0)
        console_say(c, "ERR put: %s\n", map_strerror(c, rc));
    else
        console_say(c, "ok\n");
}

static void cmd_get(struct console *c, const struct console_word *w, int nargs)
{
    (void)nargs;
    uint64_t k, v;
    if (!console_arg_number(c, "get", "K", &w[1], UINT64_MAX, &k))
        return;
    if (map_get(c, k, &v))
        console_say(c, "%" PRIu64 "\n", (uint64_t)v);
    else
        console_say(c, "ERR get: no such key %" PRIu64 "\n", (uint64_t)k);
}

static void cmd_del(struct console *c, const struct console_word *w, int nargs)
{
    (void)nargs;
    uint64_t k;
    if (!console_arg_number(c, "del", "K", &w[1], UINT64_MAX, &k))
        return;
    /* Look first: a delete of an absent key still does a step of any
     * growth under way (as Go's does), and an ERR must change nothing. */
    if (!map_get(c, k, NULL)) {
        console_say(c, "ERR del: no such key %" PRIu64 "\n", (uint64_t)k);
        return;
    }
    (void)map_delete(c, k);
    console_say(c, "ok\n");
}

/*
 * More than the arena could hold with every slot full (the bucket map: 8 a
 * bucket; the Swiss map: 7 a group, Go's load) can never fit: refused
 * before the fill starts, with one ERR (and, for the bucket map, what a
 * fill from empty reaches).  Returns true when it refused.
 */
static bool fill_cannot_fit(struct console *c, uint64_t n)
{
    struct arena_stats as;
    arena_get_stats(c->cfg.arena, &as);
    if (swiss_now(c)) {
        struct swiss_stats ss;
        swiss_get_stats(&c->swiss, &ss);
        uint64_t most = (uint64_t)(as.capacity / ss.group_size) * SWISS_LOAD_NUM;
        if (n <= most)
            return false;
        console_say(c,
                    "ERR fill: %" PRIu64 " keys cannot fit: at most %" PRIu64
                    ", 7 in every group of %zu bytes\n",
                    (uint64_t)n, most, ss.group_size);
        return true;
    }
    uint64_t most = (uint64_t)hmap_entries_upper_bound(&c->map, as.capacity);
    if (n <= most)
        return false;
    /* What a fill reaches depends on the arena and on the map's own
     * settings (its hint: a map made with one skips the small tables), not
     * on what the map holds now: say which. */
    struct hmap_stats ms;
    hmap_get_stats(&c->map, &ms);
    console_say(c,
                "ERR fill: %" PRIu64 " keys cannot fit: at most %" PRIu64
                ", 8 in every bucket\n",
                (uint64_t)n, most);
    console_say(c, "  a fill into this map, with its hint %zu, reaches %zu from empty\n",
                ms.hint, hmap_entries_fit(&c->map, as.capacity));
    return true;
}

static void cmd_fill(struct console *c, const struct console_word *w, int nargs)
{
    (void)nargs;
    uint64_t n;
    if (!console_arg_number(c, "fill", "N", &w[1], SIZE_MAX, &n))
        return;
    if (fill_cannot_fit(c, n))
        return;
    for (uint64_t i = 0; i < n; i++) {
        int rc = map_put(c, i, i);
        if (rc != 0) {
            if (i > c->filled)
                c->filled = i;
            if (rc == HMAP_ERR_NOMEM && i > 0)
                console_say(c,
                            "ERR fill: out of pages after %" PRIu64 " of %" PRIu64
                            " keys (keys 0..%" PRIu64 " kept)\n",
                            (uint64_t)i, (uint64_t)n, (uint64_t)(i - 1));
            else if (rc == HMAP_ERR_NOMEM)
                console_say(c,
                            "ERR fill: out of pages after 0 of %" PRIu64
                            " keys (nothing inserted)\n",
                            (uint64_t)n);
            if (rc == HMAP_ERR_NOMEM)
                say_why_no_pages(c, current_bucket_map(c));
            else
                console_say(c, "ERR fill: %s after %" PRIu64 " of %" PRIu64 " keys\n",
                            map_strerror(c, rc), (uint64_t)i, (uint64_t)n);
            return;
        }
    }
    if (n > c->filled)
        c->filled = n;
    console_say(c, "ok\n");
}

static void cmd_delall(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    for (uint64_t i = 0; i < c->filled; i++)
        (void)map_delete(c, i);
    c->filled = 0;
    console_say(c, "ok\n");
}

static void cmd_clear(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (swiss_now(c))
        swiss_clear(&c->swiss);
    else
        hmap_clear(&c->map);
    c->filled = 0;
    console_say(c, "ok\n");
}

static void cmd_reset(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    map_drop(c);
    c->filled = 0;
    console_say(c, "ok\n");
}

static void cmd_compact(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (swiss_now(c)) {
        console_say(c, "ERR compact: a Swiss map never shrinks, in Go or here (reset it)\n");
        return;
    }
    int rc = hmap_compact(&c->map);
    if (rc == HMAP_ERR_NOMEM) {
        /* A table no smaller than the one the map has is no compaction:
         * say so rather than only that pages ran out. */
        size_t want = hmap_last_request_pages(&c->map), have = hmap_array_pages(&c->map);
        size_t len = hmap_len(&c->map);
        if (hmap_last_request_kind(&c->map) == HMAP_RUN_ARRAY && want > have)
            console_say(c, "ERR compact: out of pages; %zu entries need a larger table: it "
                           "would grow\n",
                        len);
        else if (hmap_last_request_kind(&c->map) == HMAP_RUN_ARRAY && want == have)
            console_say(c, "ERR compact: out of pages; %zu entries need this size (the map is "
                           "unchanged)\n",
                        len);
        else
            console_say(c, "ERR compact: out of pages for the new table (the map is unchanged)\n");
        say_why_no_pages(c, &c->map);
    } else if (rc != 0)
        console_say(c, "ERR compact: %s\n", hmap_strerror(rc));
    else
        console_say(c, "ok\n");
}

/* Say why a make failed; the map is unchanged.  fresh: the bucket map
 * that failed to init (it names its request), NULL for a Swiss map. */
static void make_refused(struct console *c, int rc, uint64_t n, const struct hmap *fresh,
                         const char *why)
{
    /* SWISS_ERR_NOMEM and SWISS_ERR_SIZE are the same values */
    if (rc == HMAP_ERR_NOMEM) {
        console_say(c, "ERR make: out of pages for %" PRIu64 " entries (the map is unchanged)\n",
                    n);
        say_why_no_pages(c, fresh);   /* a failed init still names its request */
    } else if (rc == HMAP_ERR_SIZE) { /* the type is fixed: only the hint can be */
        console_say(c, "ERR make: %" PRIu64 " entries are too many to size (the map is unchanged)\n",
                    n);
    } else {
        console_say(c, "ERR make: %s (the map is unchanged)\n", why);
    }
}

/*
 * Go's make(map[uint64]uint64, N), of the generation named (bucket or
 * swiss; without the word, the current one; without N, hint 0).  The new
 * map is made beside the old one, so a make that cannot get its pages
 * leaves the old map as it was; only then do the old map's pages go back.
 * Neither struct holds a pointer to itself, so the new one can be copied
 * into place.
 */
static void cmd_make(struct console *c, const struct console_word *w, int nargs)
{
    enum console_gen gen = c->gen;
    int at = 1;
    if (nargs >= 1 && console_word_is(&w[1], "bucket")) {
        gen = CONSOLE_GEN_BUCKET;
        at = 2;
    } else if (nargs >= 1 && console_word_is(&w[1], "swiss")) {
        gen = CONSOLE_GEN_SWISS;
        at = 2;
    } else if (nargs == 2) {
        console_say(c, "ERR make: unknown generation '%.*s' (bucket or swiss)\n", (int)w[1].n,
                    w[1].s);
        return;
    }
    uint64_t n = 0;
    if (nargs >= at && !console_arg_number(c, "make", "N", &w[at], SIZE_MAX, &n))
        return;
    if (nargs > at) {
        console_say(c, "ERR make: too many arguments (usage: make [bucket|swiss] [N])\n");
        return;
    }
    if (gen == CONSOLE_GEN_SWISS) {
        struct swiss fresh;
        int rc = swiss_init(&fresh, &swiss_u64_type, c->cfg.arena, (size_t)n, CONSOLE_MAP_SEED);
        if (rc != 0) {
            make_refused(c, rc, n, NULL, swiss_strerror(rc));
            return;
        }
        map_drop(c);
        c->swiss = fresh;
        history_set_swiss(&c->history, &c->swiss);
    } else {
        struct hmap fresh;
        int rc = hmap_init(&fresh, &map_u64_type, c->cfg.arena, (size_t)n, CONSOLE_MAP_SEED);
        if (rc != 0) {
            make_refused(c, rc, n, &fresh, hmap_strerror(rc));
            return;
        }
        map_drop(c);
        c->map = fresh;
        history_set_map(&c->history, &c->map);
    }
    c->gen = gen;
    c->filled = 0;
    console_say(c, "ok\n");
}

static const struct console_command map_commands[] = {
    {"stats", "", 0, 0, false, NULL, cmd_stats, "arena, map, stack and fragmentation figures"},
    {"make", "[GEN] [N]", 0, 2, false, NULL, cmd_make,
     "a new map for N entries; GEN: bucket or swiss"},
    {"put", "K V", 2, 2, false, NULL, cmd_put, "insert key K with value V, or overwrite it"},
    {"get", "K", 1, 1, false, NULL, cmd_get, "print K's value"},
    {"del", "K", 1, 1, false, NULL, cmd_del, "delete K (its slot stays allocated)"},
    {"fill", "N", 1, 1, false, NULL, cmd_fill, "put keys 0..N-1 with value = key, as the seed"},
    {"delall", "", 0, 0, false, NULL, cmd_delall, "delete the keys fill put"},
    {"clear", "", 0, 0, false, NULL, cmd_clear, "empty the map, keep its buckets (Go's clear)"},
    {"reset", "", 0, 0, false, NULL, cmd_reset, "give all its pages back; keeps make's hint"},
    {"compact", "", 0, 0, false, NULL, cmd_compact,
     "bucket map: rebuild at the smallest, not below the hint"},
};
CONSOLE_COMMAND_SET(console_map_commands, map_commands);
