/* SPDX-License-Identifier: MIT */
/*
 * test_hostile.c - the firmware under QEMU against hostile UART input:
 * 64 KiB and more of noise from a fixed seed (noise.h), piped in
 * as fast as QEMU takes it, between valid commands.
 *
 *   hostile.survives_noise  valid commands, `stats`, the noise, valid
 *       commands again (the pictures pages, slots, history and chart among
 *       them), a final `stats` and `exit 0`.  The firmware still
 *       answers; the final `stats` arena and map lines are exactly the ones
 *       before the noise; QEMU exits 0; a prompt came back for every line
 *       end sent; and the whole console transcript is, byte for byte, what
 *       the same console code prints on the host for the same input (only
 *       the stack figures differ).  That checks the UART at full pipe speed
 *       on every byte that leaves a trace: each line end, each character
 *       echoed (the first 80 of a line), each erase, and the first bad byte
 *       of a rejected line (named in its ERR).  Bytes past the 80th of an
 *       over-long line, and bad bytes after a line's first, leave none by
 *       design: a loss among them could not be seen (measured: about a
 *       quarter of single-byte drops at random offsets in this noise change
 *       the transcript; among bytes in the first 80 of a line, about 70%).
 *   hostile.uart_loses_no_byte_at_full_speed  64 KiB of lines every byte of
 *       which leaves a trace (printable, at most 80 a line, so each is
 *       echoed), compared byte for byte with the host console's transcript:
 *       the UART path itself, with nothing the console discards.
 *   hostile.stack_stays_under_half  the stack's high-water mark after the
 *       boot (the seed experiment ran), after the noise, and after a
 *       100,000-key fill and the four pictures (pages, slots, history,
 *       chart): each below half the stack, printed.
 *
 * Why the noise cannot change the map or end the firmware is noise.h's
 * guarantee; noise_check verifies the bytes keep it, and the first test
 * checks that every command `help` lists has one of the letters the noise
 * never holds.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "noise.h"
#include "qemu_run.h"
#include "transcript.h"

#define NOISE_SEED 0x686f7374696c6531ULL /* fixed: the same bytes every run */
#define NOISE_MIN (64u * 1024u)
#define ARENA_PAGE 4096u

static char noise[NOISE_MIN + NOISE_SLACK];

/* A growable byte buffer. */
struct bytes {
    char *p;
    size_t n, cap;
};

static void add(struct bytes *b, const void *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        cr_assert_not_null(b->p);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void adds(struct bytes *b, const char *s)
{
    add(b, s, strlen(s));
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t make_noise(struct noise_stats *st)
{
    size_t n = noise_make(NOISE_SEED, NOISE_MIN, noise, sizeof noise, st);
    cr_assert_geq(n, NOISE_MIN);
    cr_assert_lt(n, sizeof noise, "noise_make filled the whole buffer: raise NOISE_SLACK");
    size_t bad = noise_check(noise, n);
    cr_assert_eq(bad, n, "noise byte %zu (0x%02x) breaks the guarantee of noise.h", bad,
                 bad < n ? (unsigned char)noise[bad] : 0);
    /* Every kind noise.h promises is there. */
    cr_assert_gt(st->nul, 0);
    cr_assert_gt(st->ff, 0);
    cr_assert_gt(st->esc, 0);
    cr_assert_gt(st->bare_cr, 0);
    cr_assert_gt(st->longest_line, 100 * CONSOLE_LINE_MAX, "a line far longer than the buffer");
    return n;
}

static struct qemu_result boot(const char *script, size_t n, double timeout)
{
    cr_assert(qemu_firmware_present(), "the firmware %s is missing: build the virt preset first",
              qemu_firmware_path());
    struct qemu_opts o = {.timeout_s = timeout};
    struct qemu_result r;
    cr_assert_eq(qemu_run(&o, script, n, &r), 0, "cannot start QEMU: %s", strerror(errno));
    cr_assert(!r.timed_out, "QEMU still running after %.0f s (killed); last output:\n%s", timeout,
              r.out_len > 2000 ? r.out + r.out_len - 2000 : r.out);
    cr_assert_eq(r.signal, 0, "QEMU died of signal %d; stderr:\n%s", r.signal, r.err);
    return r;
}

/* Prompts the console prints for n bytes: one for each line end (CR, and LF
 * unless right after CR; the input starts at a line start) and one for each
 * Ctrl-C, which cancels the line and prompts again. */
static size_t line_ends(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == CONSOLE_CTRL_C ||
            (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')))
            k++;
    return k;
}

/* The console's part of the UART output: everything after main's
 * "console: ..." line. */
static const char *console_part(const struct qemu_result *r)
{
    const char *c = strstr(r->out, "\nconsole: ");
    cr_assert_not_null(c, "no console line in:\n%s", r->out);
    c = strchr(c + 1, '\n');
    cr_assert_not_null(c);
    return c + 1;
}

/* Copy of s with the figures of every "stack used=" line blanked out: the
 * host console has no stack to measure. */
static char *without_stack_figures(const char *s)
{
    struct bytes b = {0};
    adds(&b, "");
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s + 1) : strlen(s);
        if (strncmp(s, "stack used=", 11) == 0)
            adds(&b, "stack used=- size=-\n");
        else
            add(&b, s, len);
        s += len;
    }
    return b.p;
}

/* --- the host replay ------------------------------------------------------------ */

static void host_sink(void *ctx, const char *s, size_t n)
{
    add(ctx, s, n);
}

/* What the console (board/app) prints on the host for the same input, over an arena
 * of the board's size (so `stats` reads the same), from its first prompt. */
static char *host_transcript(const char *script, size_t n, size_t arena_bytes)
{
    void *region = aligned_alloc(ARENA_PAGE, arena_bytes);
    cr_assert_not_null(region);
    struct arena a;
    cr_assert_eq(arena_init(&a, region, arena_bytes, ARENA_PAGE), 0);
    struct bytes out = {0};
    adds(&out, "");
    struct console_config cfg = {.write = host_sink, .ctx = &out, .arena = &a};
    static struct console c;
    cr_assert_eq(console_init(&c, &cfg), 0);
    console_prompt(&c);
    console_feed_bytes(&c, script, n);
    cr_assert(console_exited(&c), "the host console did not reach exit");
    free(region);
    return out.p;
}

static size_t banner_arena_size(const char *out)
{
    const char *l = strstr(out, "\narena: ");
    cr_assert_not_null(l);
    const char *k = strstr(l, " size=");
    cr_assert_not_null(k);
    return (size_t)strtoull(k + 6, NULL, 10);
}

/* Report the first difference between the board's and the host's text. */
static void assert_same_text(const char *board, const char *host)
{
    size_t i = 0;
    while (board[i] && board[i] == host[i])
        i++;
    if (board[i] == host[i])
        return;
    size_t from = i > 120 ? i - 120 : 0;
    cr_assert_fail("the board's transcript differs from the host console's at byte %zu "
                   "(board %zu bytes, host %zu):\n--- board:\n%.240s\n--- host:\n%.240s",
                   i, strlen(board), strlen(host), board + from, host + from);
}

/* --- the tests ------------------------------------------------------------------ */

static const char before_noise[] = "stats\nfill 1000\nput 5000 7\ndel 3\nstats\n";
/* The pictures after the noise, compared byte for byte with the host
 * console's, on the 64-bit board only: the host replay is a 64-bit console,
 * whose map has 144-byte buckets where the 32-bit board's has 140, so its
 * slots, its pages and the bytes it records differ there.  The stack test
 * below runs them on both boards, test_qemu_views.c checks them on both. */
#if TIDEMARK_XLEN == 64
#define PICTURES "pages\nslots\nhistory\nchart\n"
#else
#define PICTURES ""
#endif
static const char after_noise[] = "get 5000\nget 3\nput 5000 7\nget 999\nhelp\n" PICTURES
                                  "stats\nexit 0\n";

/* Every command help lists (and the hidden trap) has a letter the noise never
 * holds: otherwise noise.h's guarantee would not hold. */
static void assert_commands_have_forbidden_letters(const struct qemu_result *r)
{
    char *help = transcript_answer(r->out, "help", 0);
    cr_assert_not_null(help);
    int names = 0;
    for (const char *l = help; (l = strstr(l, "\n  ")) != NULL; l++) {
        const char *w = l + 3;
        size_t len = strcspn(w, " \n");
        bool has = false;
        for (size_t i = 0; i < len; i++)
            has |= !noise_byte_allowed((unsigned char)w[i]);
        cr_assert(has, "command '%.*s' has none of e, l, t: noise could run it; change noise.h",
                  (int)len, w);
        names++;
    }
    cr_assert_geq(names, 13, "help listed %d commands:\n%s", names, help);
    free(help);
    cr_assert(!noise_byte_allowed('t'), "trap (hidden) must be out of the noise's reach");
}

Test(hostile, survives_noise, .timeout = 90)
{
    struct noise_stats st;
    size_t nn = make_noise(&st);
    struct bytes script = {0};
    adds(&script, before_noise);
    add(&script, noise, nn);
    adds(&script, after_noise);

    struct qemu_result r = boot(script.p, script.n, 60);
    cr_assert_eq(r.status, 0, "QEMU must end with status 0 after exit 0; tail:\n%s",
                 r.out_len > 2000 ? r.out + r.out_len - 2000 : r.out);

    /* Three stats: at boot, before the noise, at the end. */
    cr_assert_eq(transcript_count_stats(r.out), 3);
    struct stats_lines s0, before, after;
    cr_assert(transcript_stats(r.out, 0, &s0));
    cr_assert(transcript_stats(r.out, 1, &before));
    cr_assert(transcript_stats(r.out, 2, &after));
    cr_assert_eq(before.len, 1000, "fill 1000, put 5000, del 3");
    cr_assert_eq(before.growing, 0, "no growth under way, so the overwrite after the noise "
                                    "cannot move anything");
    /* The arena, map and frag lines, exactly (the stack's figures may rise). */
    const char *changed = stats_first_difference(&after, &before, false);
    cr_assert(changed == NULL,
              "the noise changed %s: in_use %zu->%zu watermark %zu->%zu allocs "
              "%zu->%zu failed %zu->%zu len %zu->%zu bytes %zu->%zu",
              changed, before.in_use, after.in_use, before.watermark, after.watermark, before.allocs,
              after.allocs, before.failed, after.failed, before.len, after.len, before.bytes,
              after.bytes);

    /* Still answering, correctly, after the noise. */
    const char *con = console_part(&r);
    const char *tail = strstr(con, "> get 5000\n7\n> get 3\nERR get: no such key 3\n"
                                   "> put 5000 7\nok\n> get 999\n999\n> help\ncommands");
    cr_assert_not_null(tail, "the valid commands after the noise were not answered; tail:\n%s",
                       r.out_len > 2000 ? r.out + r.out_len - 2000 : r.out);
    cr_assert(strstr(tail, "\n> exit 0\nok\n") != NULL);
    assert_commands_have_forbidden_letters(&r);

    /* Not one byte lost: a prompt for every line end sent ... */
    size_t ends = line_ends(script.p, script.n);
    cr_assert_eq((size_t)transcript_count_lines(con, "> "), ends,
                 "prompts %d, line ends and Ctrl-Cs sent %zu: the UART lost or added one",
                 transcript_count_lines(con, "> "), ends);
    /* ... and every echo and answer as the host console prints them. */
    char *host = host_transcript(script.p, script.n, banner_arena_size(r.out));
    char *b = without_stack_figures(con), *h = without_stack_figures(host);
    assert_same_text(b, h);

    size_t errs = (size_t)transcript_count_lines(con, "ERR ");
    fprintf(stderr,
            "hostile: %zu noise bytes (%zu line ends, %zu bare CR, %zu NUL, %zu 0xFF, %zu ESC, "
            "%zu above 0x7F, %zu BS/DEL, longest line %zu, %zu lines over 80, %zu read-only "
            "commands inside) in a %zu-byte script: %zu ERR lines, figures unchanged, "
            "transcript byte-exact, %.1f s\n",
            st.bytes, st.line_ends, st.bare_cr, st.nul, st.ff, st.esc, st.high, st.erase,
            st.longest_line, st.long_lines, st.injected, script.n, errs, r.seconds);
    cr_assert_gt(errs, 500, "the noise must have been seen as many bad lines");
    free(b);
    free(h);
    free(host);
    free(script.p);
    qemu_result_free(&r);
}

/* Lines of 1..CONSOLE_LINE_MAX printable bytes the noise may hold (so none
 * is a command), each ended by LF: every byte is echoed. */
static size_t visible_lines(char *buf, size_t min_bytes, uint64_t seed)
{
    size_t n = 0;
    while (n < min_bytes) {
        size_t len = 1 + (size_t)(splitmix(&seed) % CONSOLE_LINE_MAX);
        for (size_t i = 0; i < len; i++) {
            unsigned char b;
            do
                b = (unsigned char)(0x20 + splitmix(&seed) % 95);
            while (!noise_byte_allowed(b));
            buf[n++] = (char)b;
        }
        buf[n++] = '\n';
    }
    return n;
}

Test(hostile, uart_loses_no_byte_at_full_speed, .timeout = 90)
{
    size_t nn = visible_lines(noise, NOISE_MIN, NOISE_SEED + 1);
    struct bytes script = {0};
    add(&script, noise, nn);
    adds(&script, "exit 0\n");
    struct qemu_result r = boot(script.p, script.n, 60);
    cr_assert_eq(r.status, 0);
    const char *con = console_part(&r);
    char *host = host_transcript(script.p, script.n, banner_arena_size(r.out));
    assert_same_text(con, host);
    size_t lines = line_ends(noise, nn);
    cr_assert_eq((size_t)transcript_count_lines(con, "ERR "), lines, "one ERR per line");
    fprintf(stderr, "hostile: %zu bytes in %zu lines, every one echoed, transcript byte-exact, "
                    "%.1f s\n",
            nn, lines, r.seconds);
    free(host);
    free(script.p);
    qemu_result_free(&r);
}

Test(hostile, stack_stays_under_half, .timeout = 90)
{
    struct noise_stats st;
    size_t nn = make_noise(&st);
    struct bytes script = {0};
    adds(&script, "stats\n");
    add(&script, noise, nn);
    adds(&script, "stats\nfill 100000\npages\nslots\nhistory\nchart\nstats\nexit 0\n");

    struct qemu_result r = boot(script.p, script.n, 60);
    cr_assert_eq(r.status, 0);
    cr_assert_eq(transcript_count_stats(r.out), 3);
    static const char *const after[] = {"the boot (seed experiment)", "the hostile input",
                                        "a 100,000-key fill and pages, slots, history, chart"};
    size_t used[3], size = 0;
    for (int i = 0; i < 3; i++) {
        struct stats_lines s;
        cr_assert(transcript_stats(r.out, i, &s));
        used[i] = s.stack_used;
        size = s.stack_size;
        cr_assert_gt(s.stack_size, 0);
        cr_assert_gt(s.stack_used, 0);
        cr_assert_lt(s.stack_used, s.stack_size / 2, "after %s the stack used %zu of %zu bytes",
                     after[i], s.stack_used, s.stack_size);
        if (i == 2)
            cr_assert_eq(s.len, 100000);
    }
    fprintf(stderr,
            "stack high-water (bytes of %zu; half is %zu): after the boot (seed experiment) %zu, "
            "after the hostile input %zu, after a 100,000-key fill and the four views %zu\n",
            size, size / 2, used[0], used[1], used[2]);
    free(script.p);
    qemu_result_free(&r);
}
