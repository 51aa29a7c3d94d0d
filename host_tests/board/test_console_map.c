/* SPDX-License-Identifier: MIT */
/*
 * test_console_map.c - the map's commands: put, get, del, fill, delall,
 * clear, reset, compact, make, and what each says when pages run out. What
 * each prints: docs/console.md; the rig: console_rig.h.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_rig.h"
#include "experiment.h"

Test(console_map, put_get_del)
{
    rig_big();
    assert_ok(con_run("put 1 2"), "put");
    cr_assert_str_eq(con_run("get 1"), "2\n");
    assert_ok(con_run("put 1 3"), "overwrite");
    cr_assert_str_eq(con_run("get 1"), "3\n");
    assert_ok(con_run("put 0xff 0x10"), "hex");
    cr_assert_str_eq(con_run("get 255"), "16\n");
    assert_ok(con_run("put 18446744073709551615 0xffffffffffffffff"), "max");
    cr_assert_str_eq(con_run("get 0xffffffffffffffff"), "18446744073709551615\n");
    cr_assert_eq(con_stats().len, 3);

    assert_ok(con_run("del 1"), "del");
    const char *a = con_run("get 1");
    cr_assert_str_eq(a, "ERR get: no such key 1\n");
    a = con_run("del 1");
    cr_assert_str_eq(a, "ERR del: no such key 1\n");
    cr_assert_eq(con_stats().len, 2);
}

/*
 * Found by fuzz_console: a `del` of an absent key during a growth used to do
 * a step of evacuation (as Go's delete does) and so changed the map's
 * figures while answering ERR.  An ERR must change nothing.
 */
Test(console_map, del_absent_key_mid_growth_changes_nothing)
{
    rig_big();
    assert_ok(con_run("fill 833"), "fill"); /* 833 > 6.5 * 128: a doubling starts */
    struct hmap_stats before, after;
    hmap_get_stats(console_map(&R.con), &before);
    cr_assert(before.growing, "fill 833 should leave a growth under way");
    cr_assert_str_eq(con_run("del 100000"), "ERR del: no such key 100000\n");
    hmap_get_stats(console_map(&R.con), &after);
    cr_assert_eq(after.nevacuate, before.nevacuate, "ERR del did grow work");
    cr_assert_eq(after.growing, before.growing);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.len, before.len);
    assert_ok(con_run("del 5"), "a present key still goes");
    cr_assert_eq(con_stats().len, 832);
}

/* The frag line against the arena line: every handed-out page lies below
 * the watermark, so the free bytes below it are watermark - in_use. */
static void assert_frag_agrees(const struct stats_lines *s, const char *what)
{
    cr_assert_eq(s->frag_free, s->capacity - s->in_use, "%s: free", what);
    cr_assert_eq(s->frag_below, s->watermark - s->in_use, "%s: free below the watermark", what);
    cr_assert_leq(s->frag_largest, s->frag_free, "%s", what);
    cr_assert_geq(s->frag_largest, s->capacity - s->watermark, "%s: the untouched top", what);
    cr_assert_geq(s->frag_runs, 1, "%s", what);
}

Test(console_map, frag_line_follows_fill_delall_reset)
{
    rig_big();
    assert_ok(con_run("fill 8192"), "fill");
    struct stats_lines f = con_stats();
    assert_frag_agrees(&f, "fill 8192");
    /* The growths left holes below the watermark: more than one free run. */
    cr_assert_gt(f.frag_runs, 1);
    cr_assert_gt(f.frag_below, 0);
    assert_ok(con_run("delall"), "delall");
    struct stats_lines d = con_stats();
    assert_frag_agrees(&d, "delall");
    cr_assert_eq(d.frag_free, f.frag_free, "delete frees no page");
    cr_assert_eq(d.frag_runs, f.frag_runs);
    assert_ok(con_run("reset"), "reset");
    struct stats_lines r = con_stats();
    assert_frag_agrees(&r, "reset");
    cr_assert_eq(r.frag_runs, 1, "every page free: one run");
    cr_assert_eq(r.frag_largest, r.capacity);
    cr_assert_eq(r.frag_below, r.watermark, "reusable, but still under the watermark");
}

/* The seed's story on the console's map: fill keys 0..8191 (after
 * `make 8192` when hint: Go's make(map, 8192)), delall, reset. */
static void seed_story(bool hint)
{
    rig_big();
    struct stats_lines m = con_stats();
    if (hint) {
        assert_ok(con_run("make 8192"), "make 8192");
        m = con_stats();
        cr_assert_eq(m.len, 0);
        cr_assert_eq(m.B, 11);
        cr_assert_eq(m.bytes, 315392, "make(map, 8192): 77 pages before any put");
        cr_assert_eq(m.in_use, m.bytes);
        cr_assert_eq(m.watermark, m.bytes);
    }
    assert_ok(con_run("fill 8192"), "fill");
    struct stats_lines f = con_stats();
    cr_assert_eq(f.len, 8192);
    cr_assert_eq(f.B, 11);
    cr_assert_eq(f.bytes, 315392, "the seed's 8192 keys take 77 pages");
    cr_assert_eq(f.in_use, f.bytes);
    if (hint)
        cr_assert_eq(f.watermark, m.watermark, "a map made for 8192 keys does not grow");
    for (uint64_t k = 0; k < 8192; k += 1021)
        cr_assert_eq(get_value(k), k, "fill puts value = key");
    cr_assert_str_eq(con_run("get 8192"), "ERR get: no such key 8192\n");

    assert_ok(con_run("delall"), "delall");
    struct stats_lines d = con_stats();
    cr_assert_eq(d.len, 0);
    cr_assert_eq(d.bytes, f.bytes, "delete frees nothing");
    cr_assert_eq(d.in_use, f.in_use);
    cr_assert_eq(d.watermark, f.watermark);

    assert_ok(con_run("reset"), "reset");
    struct stats_lines r = con_stats();
    cr_assert_eq(r.bytes, 0);
    cr_assert_eq(r.in_use, 0, "only reset gives the pages back");
    cr_assert_eq(r.watermark, f.watermark, "the watermark stays");
    cr_assert_eq(r.buckets, 0);
}

Test(console_map, fill_delall_reset_tell_the_seed_story)
{
    seed_story(false);
}

Test(console_map, make_8192_allocates_the_array_at_once_then_the_seed_story)
{
    seed_story(true);
}

Test(console_map, make_replaces_the_map_and_gives_its_pages_back)
{
    rig_big();
    assert_ok(con_run("fill 1000"), "fill");
    assert_ok(con_run("make 0"), "make 0");
    struct stats_lines s = con_stats();
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.bytes, 0, "make 0 allocates nothing yet, as Go's make(map)");
    cr_assert_eq(s.in_use, 0, "the old map's pages went back");
    cr_assert_str_eq(con_run("get 5"), "ERR get: no such key 5\n");
    /* The fill bookkeeping went with the old map. */
    assert_ok(con_run("put 3 3"), "put");
    assert_ok(con_run("delall"), "delall");
    cr_assert_str_eq(con_run("get 3"), "3\n");
    assert_ok(con_run("make 100"), "make 100");
    s = con_stats();
    cr_assert_eq(s.len, 0);
    cr_assert_eq(s.B, 4, "100 entries at 6.5 a bucket need 16 buckets");
    cr_assert_eq(s.in_use, s.bytes);
}

/* A map whose entries need the table it has (compact would rebuild it at
 * the same size, to drop its overflow chunks) says so, not only that pages
 * ran out. */
Test(console_map, compact_that_cannot_shrink_says_so)
{
    rig_console(64 * PAGE + PAGE, true);
    assert_ok(con_run("fill 3300"), "fill");
    cr_assert_eq(con_stats().B, 9);
    void *hog;
    while ((hog = arena_alloc_pages(&R.arena, 1)) != NULL)
        ;
    const char *a = con_run("compact");
    assert_err(a, "compact, no smaller");
    cr_assert_str_eq(a, "ERR compact: out of pages; 3300 entries need this size (the map is "
                        "unchanged)\n"
                        "  needed a run of 20 pages for the new bucket array;\n"
                        "  the largest free run is 0 pages (0 bytes free in all)\n");
}

Test(console_map, make_without_room_changes_nothing)
{
    /* 64 pages: the 3000 keys' map (B = 9, 21 pages) fits, a second table
     * for 8192 entries (77 pages) does not. */
    rig_console(64 * PAGE + PAGE, true);
    assert_ok(con_run("fill 3000"), "fill");
    struct stats_lines before = con_stats();
    /* The why: the new map's own request (a failed hmap_init still names
     * it) against the arena's largest free run. */
    cr_assert_str_eq(con_run("make 8192"),
                     "ERR make: out of pages for 8192 entries (the map is unchanged)\n"
                     "  needed a run of 77 pages for the new bucket array;\n"
                     "  the largest free run is 23 pages (176128 bytes free in all)\n");
    /* Nothing changed but the one refused allocation, which is counted. */
    struct stats_lines want = before;
    want.failed++;
    struct stats_lines after = con_stats();
    assert_same_stats(&want, &after, "a refused make");
    for (uint64_t k = 0; k < 3000; k += 311)
        cr_assert_eq(get_value(k), k);
    /* The fill bookkeeping is intact: delall still removes 0..2999. */
    assert_ok(con_run("delall"), "delall");
    cr_assert_eq(con_stats().len, 0);
}

Test(console_map, make_too_big_to_size_changes_nothing)
{
    rig_console(64 * PAGE + PAGE, true);
    assert_ok(con_run("fill 300"), "fill");
    struct stats_lines before = con_stats();
    /* Tables for these would not fit in a size_t: refused before any
     * allocation, so not even failed_allocs moves. */
    cr_assert_str_eq(con_run("make 18446744073709551615"),
                     "ERR make: 18446744073709551615 entries are too many to size "
                     "(the map is unchanged)\n");
    cr_assert_str_eq(con_run("make 0x7fffffffffffffff"),
                     "ERR make: 9223372036854775807 entries are too many to size "
                     "(the map is unchanged)\n");
    struct stats_lines after = con_stats();
    assert_same_stats(&before, &after, "a make too big to size");
    assert_ok(con_run("delall"), "delall");
    cr_assert_eq(con_stats().len, 0);
}

Test(console_map, delall_deletes_only_what_fill_put)
{
    rig_big();
    assert_ok(con_run("put 1000000 5"), "put");
    assert_ok(con_run("fill 100"), "fill");
    assert_ok(con_run("fill 50"), "smaller fill");
    cr_assert_eq(con_stats().len, 101);
    assert_ok(con_run("delall"), "delall");
    cr_assert_eq(con_stats().len, 1, "keys 0..99 gone, the put one stays");
    cr_assert_str_eq(con_run("get 1000000"), "5\n");
    assert_ok(con_run("delall"), "delall again");
    cr_assert_eq(con_stats().len, 1);
    assert_ok(con_run("fill 0"), "fill 0");
    cr_assert_eq(con_stats().len, 1);
}

Test(console_map, clear_keeps_the_bucket_array)
{
    rig_big();
    assert_ok(con_run("fill 1000"), "fill");
    struct stats_lines f = con_stats();
    assert_ok(con_run("clear"), "clear");
    struct stats_lines c = con_stats();
    cr_assert_eq(c.len, 0);
    cr_assert_eq(c.B, f.B);
    cr_assert_eq(c.buckets, f.buckets);
    cr_assert_gt(c.bytes, 0);
    cr_assert_leq(c.bytes, f.bytes);
    /* clear forgets the fill too: delall has nothing to delete. */
    assert_ok(con_run("put 3 3"), "put");
    assert_ok(con_run("delall"), "delall");
    cr_assert_str_eq(con_run("get 3"), "3\n");
}

Test(console_map, compact_shrinks_a_deleted_map)
{
    rig_big();
    assert_ok(con_run("fill 20000"), "fill");
    for (int k = 0; k < 19990; k++) {
        /* delete most keys through the console's map directly: 19990 lines
         * would only slow the test down */
        cr_assert(hmap_delete_u64(console_map(&R.con), (uint64_t)k));
    }
    struct stats_lines before = con_stats();
    cr_assert_eq(before.len, 10);
    assert_ok(con_run("compact"), "compact");
    struct stats_lines after = con_stats();
    cr_assert_eq(after.len, 10);
    cr_assert_lt(after.bytes, before.bytes);
    cr_assert_lt(after.in_use, before.in_use);
    cr_assert_eq(after.watermark, before.watermark);
    for (uint64_t k = 19990; k < 20000; k++)
        cr_assert_eq(get_value(k), k);
}

Test(console_map, compact_without_room_changes_nothing)
{
    /* 64 pages: a map of 3000 keys fits once, not twice. */
    rig_console(64 * PAGE + PAGE, true);
    assert_ok(con_run("fill 3000"), "fill");
    for (uint64_t k = 0; k < 2990; k++)
        cr_assert(hmap_delete_u64(console_map(&R.con), k));
    /* Take the free pages, so the new table cannot be built. */
    void *hog = NULL;
    size_t hogged = 0;
    while ((hog = arena_alloc_pages(&R.arena, 1)) != NULL)
        hogged++;
    (void)hogged;
    struct stats_lines before = con_stats();
    const char *a = con_run("compact");
    assert_err(a, "compact without room");
    struct stats_lines after = con_stats();
    cr_assert_eq(after.len, before.len);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.watermark, before.watermark);
    cr_assert_gt(after.failed, before.failed, "the refused allocation is counted");
    for (uint64_t k = 2990; k < 3000; k++)
        cr_assert_eq(get_value(k), k);
}

Test(console_map, fill_too_large_is_refused_before_it_starts)
{
    rig_big();
    assert_ok(con_run("fill 10"), "fill");
    struct stats_lines before = con_stats();
    /* 8 MiB of 144-byte buckets hold at most 465,800 keys. */
    const char *a = con_run("fill 1000000");
    assert_err(a, "fill 1000000");
    cr_assert(strstr(a, "cannot fit"), "%s", a);
    struct stats_lines after = con_stats();
    assert_same_stats(&before, &after, "a refused fill");
    a = con_run("fill 0xffffffffffffffff");
    assert_err(a, "fill max");
    after = con_stats();
    assert_same_stats(&before, &after, "a refused fill");
}

Test(console_map, fill_refusal_quotes_what_a_fill_from_empty_reaches)
{
    rig_big();
    const char *a = con_run("fill 100000000");
    unsigned long long n, most, reach;
    unsigned long long hint;
    cr_assert_eq(sscanf(a,
                        "ERR fill: %llu keys cannot fit: at most %llu, 8 in every bucket\n"
                        "  a fill into this map, with its hint %llu, reaches %llu from empty\n",
                        &n, &most, &hint, &reach),
                 4, "%s", a);
    cr_assert_eq(hint, 0);
    cr_assert_eq(n, 100000000);
    cr_assert_gt(reach, 1000, "%s", a);
    cr_assert_lt(reach, most);
    /* The quote is honest: into the empty map, that fill goes in whole. */
    char line[64];
    snprintf(line, sizeof line, "fill %llu", reach);
    assert_ok(con_run(line), line);
    cr_assert_eq(con_stats().len, reach);
    /* It is a figure of the arena and the map's settings, not of what the
     * map holds: the same with the map full. */
    char again[256];
    snprintf(again, sizeof again, "%s", con_run("fill 100000000"));
    cr_assert_str_eq(again, a, "the quote moved with the map's contents");
}

/* A map made with a hint reaches another figure (it skips the small
 * tables); the refusal names the hint it assumed, and reset keeps it. */
Test(console_map, fill_refusal_names_the_hint_it_assumed)
{
    rig_big();
    char at_boot[256], after_make[256];
    snprintf(at_boot, sizeof at_boot, "%s", con_run("fill 100000000"));
    cr_assert(strstr(at_boot, "with its hint 0, reaches "), "%s", at_boot);
    assert_ok(con_run("make 8192"), "make");
    snprintf(after_make, sizeof after_make, "%s", con_run("fill 100000000"));
    cr_assert(strstr(after_make, "with its hint 8192, reaches "), "%s", after_make);
    assert_ok(con_run("reset"), "reset");
    cr_assert_str_eq(con_run("fill 100000000"), after_make, "reset keeps make's hint");
    cr_assert(strstr(con_run("stats"), " growing=0 hint=8192\n"), "stats shows the hint");
    unsigned long long reach;
    cr_assert_eq(sscanf(strstr(after_make, "reaches "), "reaches %llu", &reach), 1);
    char line[64];
    snprintf(line, sizeof line, "fill %llu", reach);
    assert_ok(con_run(line), line);
}

Test(console_map, fill_that_runs_out_keeps_what_went_in)
{
    /* 40 pages: 8000 keys pass the up-front ceiling (8872) but need a table
     * of 72 pages. */
    rig_console(40 * PAGE, true);
    const char *a = con_run("fill 8000");
    assert_err(a, "fill 8000 on 40 pages");
    unsigned long long got = 0, of = 0, last = 0;
    cr_assert_eq(sscanf(a, "ERR fill: out of pages after %llu of %llu keys (keys 0..%llu kept)",
                        &got, &of, &last),
                 3, "%s", a);
    cr_assert_eq(of, 8000);
    cr_assert_eq(last, got - 1);
    /* Why: the growth's array (the map's own figure) against the arena. */
    unsigned long long need = 0, largest = 0, free_bytes = 0;
    const char *why = strchr(a, '\n') + 1;
    cr_assert_eq(sscanf(why,
                        "  needed a run of %llu pages for the new bucket array;\n"
                        "  the largest free run is %llu pages (%llu bytes free in all)\n",
                        &need, &largest, &free_bytes),
                 3, "%s", a);
    cr_assert_eq(need, hmap_last_request_pages(console_map(&R.con)));
    cr_assert_gt(need, largest, "%s", a);
    cr_assert_eq(need, 20, "B = 8's array, 256 + 16 buckets of 144 bytes: %s", a);
    struct stats_lines s = con_stats();
    cr_assert_eq(s.len, got, "says how many went in");
    cr_assert_gt(s.failed, 0);
    cr_assert_eq(get_value(got - 1), got - 1);
    char line[64];
    snprintf(line, sizeof line, "get %llu", got);
    assert_err(con_run(line), "the key after the last");
    /* The map still works, and delall removes what the fill put. */
    assert_ok(con_run("delall"), "delall");
    cr_assert_eq(con_stats().len, 0);
    assert_ok(con_run("reset"), "reset");
    cr_assert_eq(con_stats().in_use, 0);
    assert_ok(con_run("fill 100"), "fill after reset");
}

Test(console_map, put_without_pages_changes_nothing)
{
    rig_console(2 * PAGE, true); /* bitmap + one page: room for the first bucket only */
    assert_ok(con_run("put 1 1"), "first put");
    struct stats_lines before = con_stats();
    int k = 2;
    const char *a = NULL;
    /* Fill the one bucket (8 slots) and go on until a put needs a page. */
    for (; k < 100; k++) {
        char line[32];
        snprintf(line, sizeof line, "put %d %d", k, k);
        a = con_run(line);
        if (strcmp(a, "ok\n") != 0)
            break;
        before = con_stats();
    }
    cr_assert_lt(k, 100, "some put must run out of pages");
    cr_assert_str_eq(a, "ERR put: out of pages (the map is unchanged)\n"
                        "  needed a run of 1 page for the new bucket array;\n"
                        "  the largest free run is 0 pages (0 bytes free in all)\n");
    struct stats_lines after = con_stats();
    cr_assert_eq(after.len, before.len);
    cr_assert_eq(after.bytes, before.bytes);
    cr_assert_eq(after.in_use, before.in_use);
    cr_assert_eq(after.failed, before.failed + 1);
    cr_assert_eq(get_value(1), 1);
}
