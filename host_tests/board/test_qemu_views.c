/* SPDX-License-Identifier: MIT */
/*
 * test_qemu_views.c - the memory pictures on the board, under QEMU, after
 * the seed's `fill 8192`, `delall` and `reset` on the console's map: the
 * `A` and `.` of `pages` against `stats`, the `frag` line against the page
 * map, `slots` (live= and the per-page row), and the last `history` line
 * against `stats`; and that the new commands answer bad arguments with one
 * ERR that changes nothing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_run.h"
#include "transcript.h"

#define PAGE 4096u
/* The seed's map on the 64-bit board: 77 pages (144-byte buckets); the
 * 32-bit board's console map has 140-byte buckets, its experiment 76-byte
 * ones, so there the figures come from stats and the table. */
#define SEED_PAGES_64 77u

static struct qemu_result boot(const char *script, double timeout)
{
    cr_assert(qemu_firmware_present(), "the firmware %s is missing", qemu_firmware_path());
    struct qemu_opts o = {.timeout_s = timeout};
    struct qemu_result r;
    cr_assert_eq(qemu_run(&o, script, strlen(script), &r), 0, "cannot start QEMU: %s",
                 strerror(errno));
    cr_assert(!r.timed_out, "QEMU still running after %.0f s:\n%s", timeout, r.out);
    cr_assert_eq(r.status, 0, "exit status %d:\n%s", r.status, r.out);
    return r;
}

static char *answer(const struct qemu_result *r, const char *cmd, int nth)
{
    char *a = transcript_answer(r->out, cmd, nth);
    cr_assert_not_null(a, "no answer to '%s' (#%d)", cmd, nth);
    return a;
}

/* A `pages` drawing read back: its header figures and one owner character
 * per page below the watermark (folded rows expanded). */
struct drawing {
    size_t total, page, per_char, wm, in_use;
    char owners[40000];
    size_t n;
};

static void read_pages(const char *a, struct drawing *d)
{
    memset(d, 0, sizeof *d);
    cr_assert_eq(sscanf(a, "pages total=%zu page=%zu per_char=%zu watermark_pages=%zu "
                           "in_use_pages=%zu\n",
                        &d->total, &d->page, &d->per_char, &d->wm, &d->in_use),
                 5, "%s", a);
    const char *l = strchr(strchr(a, '\n') + 1, '\n') + 1; /* the figures take two lines */
    while (strncmp(l, "legend: ", 8) != 0) {
        size_t off;
        int used;
        cr_assert_eq(sscanf(l, "%zu %n", &off, &used), 1, "row: %s", l);
        cr_assert_eq(off, d->n * d->per_char, "row offsets follow the pages");
        const char *chars = l + used;
        size_t len = strcspn(chars, " \n");
        size_t times = 1;
        if (chars[len] == ' ')
            cr_assert_eq(sscanf(chars + len, " x%zu", &times), 1);
        for (size_t t = 0; t < times; t++) {
            cr_assert_lt(d->n + len, sizeof d->owners);
            memcpy(d->owners + d->n, chars, len);
            d->n += len;
        }
        l = strchr(l, '\n') + 1;
    }
    char tail[100];
    snprintf(tail, sizeof tail, "above the watermark: %zu pages never touched\n",
             d->total - d->wm);
    cr_assert(strstr(l, tail) != NULL, "%s", a);
}

static size_t count_char(const struct drawing *d, char ch)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->owners[i] == ch;
    return n;
}

/* The frag line's figures as the page map says them (one page a character):
 * free runs of `.` and the untouched pages above the watermark. */
static void assert_frag_matches(const struct drawing *d, const struct stats_lines *s)
{
    cr_assert_eq(d->per_char, 1);
    size_t free_pages = 0, runs = 0, largest = 0, run = 0;
    for (size_t i = 0; i <= d->total; i++) {
        bool is_free = i < d->total && (i >= d->n || d->owners[i] == '.');
        if (is_free) {
            free_pages++;
            run++;
            continue;
        }
        if (run > 0) {
            runs++;
            if (run > largest)
                largest = run;
        }
        run = 0;
    }
    cr_assert_eq(s->frag_free, free_pages * PAGE);
    cr_assert_eq(s->frag_runs, runs);
    cr_assert_eq(s->frag_largest, largest * PAGE);
    cr_assert_eq(s->frag_below, count_char(d, '.') * PAGE);
}

/* `slots` against stats: live= is len, the row has a character per page
 * of the array; after the fill mostly digits, after delall only `.`. */
static void assert_slots(const struct qemu_result *r, int step, const struct stats_lines *s)
{
    char *a = answer(r, "slots", step);
    size_t live, empty, evac, buckets, overflow, bytes, live_bytes;
    cr_assert_eq(sscanf(a, "slots live=%zu empty=%zu evacuated=%zu buckets=%zu overflow=%zu "
                           "bytes=%zu live_bytes=%zu\n",
                        &live, &empty, &evac, &buckets, &overflow, &bytes, &live_bytes),
                 7, "%s", a);
    cr_assert_eq(live, s->len, "step %d", step);
    cr_assert_eq(buckets, s->buckets);
    cr_assert_eq(overflow, s->overflow);
    cr_assert_eq(bytes, s->bytes);
    cr_assert_eq(live_bytes, s->len * 16);
    cr_assert_eq(evac, 0);
    cr_assert_eq(live + empty, 8 * (s->buckets + s->overflow));
    size_t first, pages, k;
    const char *l2 = strchr(a, '\n') + 1;
    cr_assert_eq(sscanf(l2, "array first_page=%zu pages=%zu per_char=%zu\n", &first, &pages, &k),
                 3);
    cr_assert_eq(k, 1);
    size_t digits = 0, dots = 0, other = 0;
    for (const char *l = strchr(l2, '\n') + 1; strncmp(l, "legend: ", 8) != 0;
         l = strchr(l, '\n') + 1) {
        for (const char *p = l + 7; *p != '\n'; p++) {
            if (*p >= '1' && *p <= '9')
                digits++;
            else if (*p == '.')
                dots++;
            else
                other++;
        }
    }
    size_t map_pages = s->bytes / PAGE;
    cr_assert_eq(pages, map_pages, "the array is every page of the seed's map");
    cr_assert_eq(digits + dots + other, pages);
    if (step == 0)
        cr_assert_gt(digits, pages * 9 / 10, "after the fill mostly digits:\n%s", a);
    else
        cr_assert_eq(dots, pages, "no live slot after delall or reset:\n%s", a);
    free(a);
}

/* The last line of `history` (the end of the command before it, which
 * changed nothing since `stats`) says what stats said. */
static void assert_history_ends_at(const struct qemu_result *r, int step,
                                   const struct stats_lines *s)
{
    char *a = answer(r, "history", step);
    size_t entries, dropped;
    cr_assert_eq(sscanf(a, "history entries=%zu dropped=%zu\n", &entries, &dropped), 2);
    cr_assert_eq(transcript_count_lines(a, "at="), (int)entries, "%s", a);
    cr_assert_leq(entries, 1024);
    const char *last = a + strlen(a) - 1;
    while (last > a && last[-1] != '\n')
        last--;
    size_t seq, pages, len, bytes, in_use, wm;
    char cmd[16];
    cr_assert_eq(sscanf(last, "at=%zu event=cmd pages=%zu len=%zu bytes=%zu in_use=%zu "
                              "watermark=%zu cmd=%15s",
                        &seq, &pages, &len, &bytes, &in_use, &wm, cmd),
                 7, "last line: %s", last);
    cr_assert_str_eq(cmd, "slots");
    cr_assert_eq(in_use, s->in_use, "step %d", step);
    cr_assert_eq(wm, s->watermark, "step %d", step);
    cr_assert_eq(len, s->len);
    cr_assert_eq(bytes, s->bytes);
    free(a);
}

static struct drawing drawing_buf;

Test(qemu_views, seed_story_in_pictures, .timeout = 60)
{
    struct qemu_result r = boot("fill 8192\nstats\npages\nslots\nhistory\n"
                                "delall\nstats\npages\nslots\nhistory\n"
                                "reset\nstats\npages\nslots\nhistory\nexit\n",
                                30);
    struct drawing *d = &drawing_buf;
    char *first = NULL;
    for (int step = 0; step < 3; step++) {
        struct stats_lines s;
        cr_assert(transcript_stats(r.out, step, &s));
        char *a = answer(&r, "pages", step);
        read_pages(a, d);
        cr_assert_eq(d->page, PAGE);
        cr_assert_eq(d->wm * PAGE, s.watermark);
        cr_assert_eq(d->in_use * PAGE, s.in_use);
        cr_assert_eq(d->total * PAGE, s.capacity);
        cr_assert_eq(d->n, d->wm, "one character per page up to the watermark");
        if (step < 2)
            cr_assert_gt(s.bytes, 0);
        cr_assert_eq(count_char(d, 'A'), step < 2 ? s.bytes / PAGE : 0, "step %d:\n%s", step, a);
#if TIDEMARK_XLEN == 64
        cr_assert_eq(count_char(d, 'A'), step < 2 ? SEED_PAGES_64 : 0);
#endif
        cr_assert_eq(count_char(d, 'A') * PAGE, s.bytes, "the map's pages are its bytes");
        cr_assert_eq(count_char(d, '.'), d->wm - s.in_use / PAGE, "step %d:\n%s", step, a);
        cr_assert_eq(count_char(d, 'O') + count_char(d, 'v') + count_char(d, '#'), 0);
        assert_frag_matches(d, &s);
        assert_slots(&r, step, &s);
        assert_history_ends_at(&r, step, &s);
        if (step == 0)
            first = a;
        else if (step == 1)
            cr_assert_str_eq(a, first, "delall leaves the drawing as it was");
        if (step != 0)
            free(a);
    }
    free(first);
    qemu_result_free(&r);
}

/* How far a line runs past its start (its length). */
static ptrdiff_t top_line_end(const char *l)
{
    return strchr(l, '\n') - l;
}

/* The chart after the seed story: at most 20 lines; at its right end the
 * watermark on the top row and in_use and bytes, both 0, on the axis. */
Test(qemu_views, chart_after_the_seed_story, .timeout = 60)
{
    struct qemu_result r = boot("fill 8192\ndelall\nreset\nstats\nchart\nexit\n", 30);
    struct stats_lines s;
    cr_assert(transcript_stats(r.out, 0, &s));
    char *a = answer(&r, "chart", 0);
    cr_assert_eq(transcript_count_lines(a, ""), 20, "%s", a);
    cr_assert(strncmp(a, "chart entries=", 14) == 0, "%s", a);
    const char *top = strchr(a, '\n') + 1;
    const char *top_end = strchr(top, '\n');
    char label[32];
    snprintf(label, sizeof label, "%6zu |", (s.watermark + 512) / 1024);
    cr_assert(strncmp(top, label, 8) == 0, "the top is the watermark, %zu bytes:\n%s",
              s.watermark, a);
    cr_assert_eq(top_end[-1], 'w', "the watermark stays at the top after reset:\n%s", a);
    const char *axis = strstr(a, "     0 |");
    cr_assert_not_null(axis);
    cr_assert_eq(strchr(axis, '\n')[-1], '+', "in_use and bytes end at 0:\n%s", a);
    for (const char *l = a; *l; l = strchr(l, '\n') + 1)
        cr_assert_leq(strcspn(l, "\n"), 80);
    free(a);
    qemu_result_free(&r);
}

/* A big map and its reset, the history far past its 1,024 entries: the
 * chart folds many entries a column, and its right edge is still the reset
 * (in_use and bytes on the axis, the watermark at the top), its header
 * saying how many entries the ring dropped. */
Test(qemu_views, chart_after_a_big_fill_and_reset, .timeout = 120)
{
    struct qemu_result r = boot("fill 1000000\nreset\nstats\nchart\nexit\n", 100);
    char *a = answer(&r, "chart", 0);
    cr_assert_eq(transcript_count_lines(a, ""), 20, "%s", a);
    cr_assert(strncmp(a, "chart entries=1024 (first ", 26) == 0, "%s", a);
    const char *top = strchr(a, '\n') + 1;
    cr_assert_eq(strchr(top, '\n')[-1], 'w', "the watermark at the top:\n%s", a);
    const char *axis = strstr(a, "     0 |");
    cr_assert_not_null(axis, "%s", a);
    const char *axis_end = strchr(axis, '\n');
    cr_assert_eq(axis_end[-1], '+', "in_use and bytes at 0 at the right edge:\n%s", a);
    cr_assert_eq(axis_end - axis, top_line_end(top), "the axis as long as the top row:\n%s", a);
    free(a);
    qemu_result_free(&r);
}

/* Over a million operations, a fill that runs out of pages (the map's
 * last doubling no longer fits): the arena's 30,000 pages, most of them
 * under the watermark, drawn a character per several pages; every picture
 * stays within its lines and columns, and the stack within half its size. */
Test(qemu_views, bounded_on_a_full_arena, .timeout = 120)
{
    struct qemu_result r = boot("fill 4000000\nhistory\npages\nslots\nchart\nstats\nexit\n", 90);
    struct stats_lines s;
    cr_assert(transcript_stats(r.out, 0, &s));
    cr_assert_gt(s.capacity / PAGE, 30000);
    cr_assert_gt(s.watermark, s.capacity / 2, "the fill took the watermark past half the arena");
    char *h = answer(&r, "history", 0);
    cr_assert_eq(transcript_count_lines(h, ""), 1025, "a full ring and its first line");
    cr_assert(strncmp(h, "history entries=1024 dropped=", 29) == 0, "%.80s", h);
    free(h);
    static const struct {
        const char *cmd;
        int max_lines;
        const char *key_line;
    } views[] = {{"pages", 36, NULL}, {"slots", 35, "slots live="}, {"chart", 20, NULL}};
    for (size_t v = 0; v < 3; v++) {
        char *a = answer(&r, views[v].cmd, 0);
        int lines = transcript_count_lines(a, "");
        cr_assert_leq(lines, views[v].max_lines, "%s: %d lines:\n%s", views[v].cmd, lines, a);
        for (const char *l = a; *l; l = strchr(l, '\n') + 1)
            if (!views[v].key_line || strncmp(l, views[v].key_line, strlen(views[v].key_line)))
                cr_assert_leq(strcspn(l, "\n"), 80, "%s: %.100s", views[v].cmd, l);
        free(a);
    }
    char *p = answer(&r, "pages", 0);
    struct drawing *d = &drawing_buf;
    read_pages(p, d);
    cr_assert_gt(d->per_char, 1);
    cr_assert_eq(d->n, (d->wm + d->per_char - 1) / d->per_char);
    free(p);
    cr_assert_lt(s.stack_used, s.stack_size / 2, "stack %zu of %zu", s.stack_used, s.stack_size);
    fprintf(stderr, "qemu_views: after fill 4000000 and every view, stack used %zu of %zu\n",
            s.stack_used, s.stack_size);
    qemu_result_free(&r);
}

/* `demo`: after the table again (the boot's, checked in test_qemu.c),
 * scenario 2's chart and its two page maps.  The boot leaves them out, to
 * fit two screens with the Swiss map's table and the churn. */
Test(qemu_views, demo_shows_scenario_2_in_pictures, .timeout = 60)
{
    struct qemu_result r = boot("demo\nexit\n", 30);
    const char *boot_end = strstr(r.out, "\n> demo");
    cr_assert_not_null(boot_end, "%s", r.out);
    const char *first_chart = strstr(r.out, "\nchart entries=");
    cr_assert(first_chart == NULL || first_chart > boot_end, "the boot draws no chart");
    const char *check = strstr(boot_end, "\ncheck: ok");
    cr_assert_not_null(check);
    const char *chart = strstr(check, "\nchart entries=");
    const char *p1 = strstr(check, "\nthe experiment's arena after 2.3 (");
    const char *p2 = strstr(check, "\nthe experiment's arena after 2.4 (");
    /* The pictures end at the next prompt. */
    const char *console = strstr(check, "\n> exit");
    cr_assert(chart && p1 && p2 && console && chart < p1 && p1 < p2 && p2 < console, "%s",
              check);
    struct exp_figures f;
    cr_assert(transcript_row(r.out, 0, "2.3", &f));
    size_t seed_pages = f.bytes / PAGE;
#if TIDEMARK_XLEN == 64
    cr_assert_eq(seed_pages, SEED_PAGES_64);
#endif
    struct drawing *d = &drawing_buf;
    read_pages(strchr(p1 + 1, '\n') + 1, d);
    cr_assert_eq(count_char(d, 'A'), seed_pages, "after the delete every page is the map's");
    cr_assert_eq(d->n, seed_pages);
    read_pages(strchr(p2 + 1, '\n') + 1, d);
    cr_assert_eq(count_char(d, '.'), seed_pages, "after the reset every page is free");
    cr_assert_eq(d->in_use, 0);
    const char *caption = strstr(check, "\nscenario 2 over time: ");
    cr_assert(caption && caption < chart);
    int lines = 0;
    for (const char *l = caption + 1; l < console; l = strchr(l, '\n') + 1, lines++)
        cr_assert_leq(strcspn(l, "\n"), 80);
    cr_assert_leq(lines, 45, "the pictures fit a screen");
    qemu_result_free(&r);
}
