/* SPDX-License-Identifier: MIT */
/*
 * console.c - line editor, parser and commands of the firmware's console
 * (see console.h for what each command answers).
 *
 * Invariants:
 *   - c->len <= CONSOLE_LINE_MAX and c->line[0..len) holds only 0x20..0x7E;
 *   - a command runs only from a line with neither too_long nor bad_byte;
 *   - every command checks all of its arguments before it changes anything,
 *     so an ERR answer means nothing changed (except where console.h says).
 */
#include "console.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "experiment.h"
#include "out.h"

#define MAX_WORDS 4 /* a command and at most three arguments */

/* --- output -------------------------------------------------------------- */

static void write_raw(struct console *c, const char *s, size_t n)
{
    c->cfg.write(c->cfg.ctx, s, n);
}

static void say(struct console *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print one formatted piece (out.h: cut at OUT_PIECE_MAX, never overrun). */
static void say(struct console *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(c->cfg.write, c->cfg.ctx, fmt, ap);
    va_end(ap);
}

static void experiment_write(void *ctx, const char *s, size_t n)
{
    write_raw(ctx, s, n);
}

/* --- numbers ------------------------------------------------------------- */

static int digit_value(char ch, unsigned base)
{
    unsigned v;
    if (ch >= '0' && ch <= '9')
        v = (unsigned)(ch - '0');
    else if (base == 16 && ch >= 'a' && ch <= 'f')
        v = (unsigned)(ch - 'a') + 10;
    else if (base == 16 && ch >= 'A' && ch <= 'F')
        v = (unsigned)(ch - 'A') + 10;
    else
        return -1;
    return v < base ? (int)v : -1;
}

int console_parse_u64(const char *s, size_t n, uint64_t *out)
{
    unsigned base = 10;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        n -= 2;
    }
    if (n == 0)
        return CONSOLE_NUM_BAD;

    /* Check the form first, so "99999999999999999999x" is malformed rather
     * than out of range. */
    for (size_t i = 0; i < n; i++)
        if (digit_value(s[i], base) < 0)
            return CONSOLE_NUM_BAD;

    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)digit_value(s[i], base);
        if (v > (UINT64_MAX - d) / base)
            return CONSOLE_NUM_RANGE;
        v = v * base + d;
    }
    *out = v;
    return CONSOLE_NUM_OK;
}

/* --- commands ------------------------------------------------------------ */

struct word {
    const char *s;
    size_t n;
};

struct command {
    const char *name;
    const char *args;   /* usage after the name, "" for none            */
    int min_args, max_args;
    bool hidden;        /* not listed by help                           */
    void (*run)(struct console *c, const struct word *w, int nargs);
    const char *help;
};

static void cmd_help(struct console *c, const struct word *w, int nargs);

/* Parse argument w (named what, for messages) as a number no greater than
 * max.  On failure answers ERR and returns false. */
static bool arg_number(struct console *c, const char *cmd, const char *what, const struct word *w,
                       uint64_t max, uint64_t *out)
{
    uint64_t v;
    int rc = console_parse_u64(w->s, w->n, &v);
    if (rc == CONSOLE_NUM_BAD) {
        say(c, "ERR %s: %s '%.*s' is not a number (decimal, or hex after 0x)\n", cmd, what,
            (int)w->n, w->s);
        return false;
    }
    if (rc == CONSOLE_NUM_RANGE || v > max) {
        say(c, "ERR %s: %s '%.*s' is out of range (0..%" PRIu64 ")\n", cmd, what, (int)w->n, w->s,
            (uint64_t)max);
        return false;
    }
    *out = v;
    return true;
}

static void cmd_stats(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    struct arena_stats as;
    struct hmap_stats ms;
    arena_get_stats(c->cfg.arena, &as);
    hmap_get_stats(&c->map, &ms);
    size_t used = 0, size = 0;
    if (c->cfg.stack)
        c->cfg.stack(c->cfg.ctx, &used, &size);
    say(c,
        "arena in_use=%zu watermark=%zu peak=%zu capacity=%zu page=%zu allocs=%zu frees=%zu "
        "failed=%zu\n",
        as.in_use, as.watermark, as.peak_in_use, as.capacity, as.page_size, as.allocs, as.frees,
        as.failed_allocs);
    say(c, "map len=%zu B=%u buckets=%zu overflow=%zu bytes=%zu growing=%d\n", ms.len, ms.B,
        ms.buckets, ms.overflow, ms.bytes, ms.growing ? 1 : 0);
    say(c, "stack used=%zu size=%zu\n", used, size);
}

static void cmd_put(struct console *c, const struct word *w, int nargs)
{
    (void)nargs;
    uint64_t k, v;
    if (!arg_number(c, "put", "K", &w[1], UINT64_MAX, &k) ||
        !arg_number(c, "put", "V", &w[2], UINT64_MAX, &v))
        return;
    int rc = hmap_put_u64(&c->map, k, v);
    if (rc == HMAP_ERR_NOMEM)
        say(c, "ERR put: out of pages (the map is unchanged)\n");
    else if (rc != 0)
        say(c, "ERR put: %s\n", hmap_strerror(rc));
    else
        say(c, "ok\n");
}

static void cmd_get(struct console *c, const struct word *w, int nargs)
{
    (void)nargs;
    uint64_t k, v;
    if (!arg_number(c, "get", "K", &w[1], UINT64_MAX, &k))
        return;
    if (hmap_get_u64(&c->map, k, &v))
        say(c, "%" PRIu64 "\n", (uint64_t)v);
    else
        say(c, "ERR get: no such key %" PRIu64 "\n", (uint64_t)k);
}

static void cmd_del(struct console *c, const struct word *w, int nargs)
{
    (void)nargs;
    uint64_t k;
    if (!arg_number(c, "del", "K", &w[1], UINT64_MAX, &k))
        return;
    /* Look first: a delete of an absent key still does a step of any
     * growth under way (as Go's does), and an ERR must change nothing. */
    if (!hmap_get_u64(&c->map, k, NULL)) {
        say(c, "ERR del: no such key %" PRIu64 "\n", (uint64_t)k);
        return;
    }
    (void)hmap_delete_u64(&c->map, k);
    say(c, "ok\n");
}

/* The most entries the arena could hold even if every bucket were full:
 * a fill of more is refused before it starts. */
static uint64_t fill_ceiling(struct console *c)
{
    struct arena_stats as;
    arena_get_stats(c->cfg.arena, &as);
    return (uint64_t)hmap_entries_upper_bound(&c->map, as.capacity);
}

static void cmd_fill(struct console *c, const struct word *w, int nargs)
{
    (void)nargs;
    uint64_t n;
    if (!arg_number(c, "fill", "N", &w[1], SIZE_MAX, &n))
        return;
    uint64_t ceiling = fill_ceiling(c);
    if (n > ceiling) {
        say(c, "ERR fill: %" PRIu64 " keys cannot fit: the arena holds at most %" PRIu64 " (8 in every bucket)\n",
            (uint64_t)n, (uint64_t)ceiling);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        int rc = hmap_put_u64(&c->map, i, i);
        if (rc != 0) {
            if (i > c->filled)
                c->filled = i;
            if (rc == HMAP_ERR_NOMEM && i > 0)
                say(c, "ERR fill: out of pages after %" PRIu64 " of %" PRIu64 " keys (keys 0..%" PRIu64 " kept)\n",
                    (uint64_t)i, (uint64_t)n, (uint64_t)(i - 1));
            else if (rc == HMAP_ERR_NOMEM)
                say(c, "ERR fill: out of pages after 0 of %" PRIu64 " keys (nothing inserted)\n",
                    (uint64_t)n);
            else
                say(c, "ERR fill: %s after %" PRIu64 " of %" PRIu64 " keys\n", hmap_strerror(rc),
                    (uint64_t)i, (uint64_t)n);
            return;
        }
    }
    if (n > c->filled)
        c->filled = n;
    say(c, "ok\n");
}

static void cmd_delall(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    for (uint64_t i = 0; i < c->filled; i++)
        (void)hmap_delete_u64(&c->map, i);
    c->filled = 0;
    say(c, "ok\n");
}

static void cmd_clear(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    hmap_clear(&c->map);
    c->filled = 0;
    say(c, "ok\n");
}

static void cmd_reset(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    hmap_reset(&c->map);
    c->filled = 0;
    say(c, "ok\n");
}

static void cmd_compact(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    int rc = hmap_compact(&c->map);
    if (rc == HMAP_ERR_NOMEM)
        say(c, "ERR compact: out of pages for the new table (the map is unchanged)\n");
    else if (rc != 0)
        say(c, "ERR compact: %s\n", hmap_strerror(rc));
    else
        say(c, "ok\n");
}

/* The experiment's result is large (a row per step): keep it out of the
 * stack. */
static struct experiment_result demo_result; /* scratch for one demo at a time */

static void cmd_demo(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (!c->cfg.demo_region) {
        say(c, "ERR demo: this console has no region for the experiment\n");
        return;
    }
    (void)experiment_run(c->cfg.demo_region, c->cfg.demo_size, &demo_result);
    experiment_print(&demo_result, experiment_write, c);
}

static void bench_write(void *ctx, const char *s, size_t n)
{
    write_raw(ctx, s, n);
}

static uint64_t bench_instret(void *ctx)
{
    struct console *c = ctx;
    return c->cfg.instret(c->cfg.ctx);
}

/* The figures `stats` shows of a map, and its growth state: equal when the
 * map was not touched.  (Field by field: struct padding is not compared.) */
static bool same_map_figures(const struct hmap_stats *a, const struct hmap_stats *b)
{
    return a->len == b->len && a->B == b->B && a->buckets == b->buckets &&
           a->overflow == b->overflow && a->bytes == b->bytes && a->growing == b->growing &&
           a->old_buckets == b->old_buckets && a->nevacuate == b->nevacuate &&
           a->spare_overflow == b->spare_overflow;
}

static void cmd_bench(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (!c->cfg.instret) {
        say(c, "ERR bench: no instruction counter\n");
        return;
    }
    struct arena_stats before_a, after_a;
    struct hmap_stats before_m, after_m;
    arena_get_stats(c->cfg.arena, &before_a);
    hmap_get_stats(&c->map, &before_m);
    const struct bench_io io = {bench_instret, bench_write, c};
    if (bench_run(c->cfg.arena, &io) != BENCH_OK)
        return; /* bench_run printed the ERR line */
    arena_get_stats(c->cfg.arena, &after_a);
    hmap_get_stats(&c->map, &after_m);
    /* `ok` promises the map and in_use are untouched: check, do not assume. */
    if (after_a.in_use != before_a.in_use || !same_map_figures(&after_m, &before_m))
        say(c, "ERR bench: the console's map or the arena's in_use changed\n");
    else
        say(c, "ok\n");
}

static void cmd_exit(struct console *c, const struct word *w, int nargs)
{
    uint64_t code = 0;
    if (nargs == 1 && !arg_number(c, "exit", "CODE", &w[1], 255, &code))
        return;
    say(c, "ok\n");
    c->exited = true;
    c->exit_code = (int)code;
}

static bool word_is(const struct word *w, const char *s)
{
    return w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

static void cmd_trap(struct console *c, const struct word *w, int nargs)
{
    enum console_trap kind = CONSOLE_TRAP_ILLEGAL;
    if (nargs == 1) {
        if (word_is(&w[1], "illegal"))
            kind = CONSOLE_TRAP_ILLEGAL;
        else if (word_is(&w[1], "load"))
            kind = CONSOLE_TRAP_LOAD;
        else if (word_is(&w[1], "ebreak"))
            kind = CONSOLE_TRAP_EBREAK;
        else if (word_is(&w[1], "stack"))
            kind = CONSOLE_TRAP_STACK;
        else {
            say(c, "ERR trap: unknown kind '%.*s' (illegal, load, ebreak or stack)\n",
                (int)w[1].n, w[1].s);
            return;
        }
    }
    c->cfg.trap(c->cfg.ctx, kind);
    /* Only a host hook returns. */
    say(c, "ok\n");
}

static const struct command commands[] = {
    {"help", "", 0, 0, false, cmd_help, "this list"},
    {"stats", "", 0, 0, false, cmd_stats, "arena, map and stack figures"},
    {"put", "K V", 2, 2, false, cmd_put, "insert key K with value V, or overwrite it"},
    {"get", "K", 1, 1, false, cmd_get, "print K's value"},
    {"del", "K", 1, 1, false, cmd_del, "delete K (its slot stays allocated)"},
    {"fill", "N", 1, 1, false, cmd_fill, "put keys 0..N-1 with value = key, as the seed"},
    {"delall", "", 0, 0, false, cmd_delall, "delete the keys fill put"},
    {"clear", "", 0, 0, false, cmd_clear, "empty the map, keep its buckets (Go's clear)"},
    {"reset", "", 0, 0, false, cmd_reset, "give all the map's pages back to the arena"},
    {"compact", "", 0, 0, false, cmd_compact, "rebuild the map at the smallest size"},
    {"demo", "", 0, 0, false, cmd_demo, "run the seed experiment again"},
    {"bench", "", 0, 0, false, cmd_bench, "instructions per map operation and page pair"},
    {"exit", "[CODE]", 0, 1, false, cmd_exit, "end with exit status CODE (0..255, default 0)"},
    {"trap", "[KIND]", 0, 1, true, cmd_trap, "trap on purpose: illegal, load, ebreak, stack"},
};
static const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

static void cmd_help(struct console *c, const struct word *w, int nargs)
{
    (void)w;
    (void)nargs;
    say(c, "commands (numbers: decimal or 0x hex; keys and values 0..2^64-1):\n");
    for (size_t i = 0; i < ncommands; i++) {
        const struct command *k = &commands[i];
        if (k->hidden)
            continue;
        char usage[24];
        snprintf(usage, sizeof usage, "%s%s%s", k->name, k->args[0] ? " " : "", k->args);
        say(c, "  %-12s %s\n", usage, k->help);
    }
    say(c, "answers: ok, a value, or a line starting with ERR; stats prints three lines\n");
}

static const struct command *find_command(const struct console *c, const struct word *w)
{
    for (size_t i = 0; i < ncommands; i++) {
        if (!word_is(w, commands[i].name))
            continue;
        if (commands[i].run == cmd_trap && !c->cfg.trap)
            return NULL;
        return &commands[i];
    }
    return NULL;
}

/* Run a line known to hold only printable ASCII. */
static void run_line(struct console *c, const char *line, size_t n)
{
    struct word w[MAX_WORDS];
    int nw = 0;
    size_t i = 0;
    for (;;) {
        while (i < n && line[i] == ' ')
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && line[i] != ' ')
            i++;
        if (nw == MAX_WORDS) {
            nw++; /* too many: counted, not stored */
            break;
        }
        w[nw].s = line + start;
        w[nw].n = i - start;
        nw++;
    }
    if (nw == 0)
        return;

    const struct command *k = find_command(c, &w[0]);
    if (!k) {
        say(c, "ERR unknown command '%.*s' (try help)\n", (int)w[0].n, w[0].s);
        return;
    }
    int nargs = nw - 1;
    const char *sep = k->args[0] ? " " : "";
    if (nargs < k->min_args) {
        say(c, "ERR %s: missing argument (usage: %s%s%s)\n", k->name, k->name, sep, k->args);
        return;
    }
    if (nargs > k->max_args) {
        say(c, "ERR %s: too many arguments (usage: %s%s%s)\n", k->name, k->name, sep, k->args);
        return;
    }
    k->run(c, w, nargs);
}

/* --- line editing -------------------------------------------------------- */

static void reject_bad_byte(struct console *c, unsigned char b)
{
    if (b == 0)
        say(c, "ERR line rejected: it held a NUL byte\n");
    else if (b < 0x20 || b == 0x7f)
        say(c, "ERR line rejected: it held control byte 0x%02x\n", b);
    else
        say(c, "ERR line rejected: it held byte 0x%02x, which is not ASCII\n", b);
}

static void end_line(struct console *c)
{
    write_raw(c, "\n", 1);
    if (c->too_long)
        say(c, "ERR line too long: more than %d characters; the whole line was discarded\n",
            CONSOLE_LINE_MAX);
    else if (c->bad_byte)
        reject_bad_byte(c, c->first_bad);
    else
        run_line(c, c->line, c->len);

    c->len = 0;
    c->too_long = false;
    c->bad_byte = false;
    if (!c->exited)
        console_prompt(c);
}

bool console_feed(struct console *c, unsigned char b)
{
    if (c->exited)
        return false;

    bool after_cr = c->after_cr;
    c->after_cr = false;

    if (b == '\r') {
        c->after_cr = true;
        end_line(c);
    } else if (b == '\n') {
        if (!after_cr)
            end_line(c);
    } else if (b == 0x08 || b == 0x7f) {
        if (c->len > 0 && !c->too_long) {
            c->len--;
            write_raw(c, "\b \b", 3);
        }
    } else if (b < 0x20 || b > 0x7e) {
        if (!c->bad_byte) {
            c->bad_byte = true;
            c->first_bad = b;
        }
    } else if (c->len < CONSOLE_LINE_MAX) {
        if (!c->too_long) {
            c->line[c->len++] = (char)b;
            write_raw(c, (const char *)&b, 1);
        }
    } else {
        c->too_long = true;
    }
    return !c->exited;
}

bool console_feed_bytes(struct console *c, const void *bytes, size_t n)
{
    const unsigned char *p = bytes;
    bool running = !c->exited;
    for (size_t i = 0; i < n && running; i++)
        running = console_feed(c, p[i]);
    return running;
}

bool console_run_line(struct console *c, const char *line, size_t n)
{
    if (c->exited)
        return false;
    if (n > CONSOLE_LINE_MAX) {
        say(c, "ERR line too long: more than %d characters; the whole line was discarded\n",
            CONSOLE_LINE_MAX);
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)line[i];
        if (b < 0x20 || b > 0x7e) {
            reject_bad_byte(c, b);
            return true;
        }
    }
    run_line(c, line, n);
    return !c->exited;
}

/* --- set-up -------------------------------------------------------------- */

static const struct hmap_type console_map_type = {8, 8, NULL, NULL};

int console_init(struct console *c, const struct console_config *cfg)
{
    if (!c || !cfg || !cfg->write || !cfg->arena)
        return HMAP_ERR_ARG;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    return hmap_init(&c->map, &console_map_type, cfg->arena, CONSOLE_MAP_HINT, CONSOLE_MAP_SEED);
}

void console_prompt(struct console *c)
{
    write_raw(c, "> ", 2);
}

bool console_exited(const struct console *c)
{
    return c->exited;
}

int console_exit_code(const struct console *c)
{
    return c->exit_code;
}

struct hmap *console_map(struct console *c)
{
    return &c->map;
}
