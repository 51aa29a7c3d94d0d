/* SPDX-License-Identifier: MIT */
/*
 * cmd_system.c - the console's commands beyond its map: demo (the
 * experiment table again, and scenario 2's pictures), slide (the churn at constant length on both
 * maps), bench (the target benchmark), exit, and the hidden trap (what
 * each answers: console.h).
 */
#include "console_internal.h"

#include "bench.h"
#include "experiment.h"
#include "experiment_views.h"
#include "experiment_swiss.h"

/* The experiment's result is large (a row per step): keep it out of the
 * stack. */
static struct experiment_result demo_result; /* scratch for one demo at a time */

static void cmd_demo(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (!c->cfg.demo_region) {
        console_say(c, "ERR demo: this console has no region for the experiment\n");
        return;
    }
    struct experiment_watch watch;
    experiment_views_watch(&watch);
    (void)experiment_run_watched(c->cfg.demo_region, c->cfg.demo_size, &demo_result, &watch);
    experiment_print(&demo_result, c->cfg.write, c->cfg.ctx);
    console_say(c, "\n");
    experiment_views_print(c->cfg.write, c->cfg.ctx);
}

/* The churn experiment, a sliding window at constant length, on the
 * bench's region (apart from the console's arena, so no figure of it
 * moves), at N keys (default CHURN_BOOT_KEYS).  Named slide, not churn:
 * every command name holds an e, l or t, which the hostile test's noise
 * never types. */
static void cmd_slide(struct console *c, const struct console_word *w, int nargs)
{
    uint64_t n = CHURN_BOOT_KEYS;
    if (nargs == 1 && !console_arg_number(c, "slide", "N", &w[1], CHURN_MAX_KEYS, &n))
        return;
    if (!c->cfg.bench_region) {
        console_say(c, "ERR slide: this console has no region for it (the bench's)\n");
        return;
    }
    if (experiment_churn_region((size_t)n) > c->cfg.bench_size) {
        console_say(c, "ERR slide: %zu keys need a region of %zu bytes, the bench's has %zu\n",
                    (size_t)n, experiment_churn_region((size_t)n), c->cfg.bench_size);
        return;
    }
    (void)experiment_churn_print(c->cfg.bench_region, c->cfg.bench_size, (size_t)n,
                                 c->cfg.write, c->cfg.ctx);
}

/* Every figure `stats` shows of the arena, and of a map with its growth
 * state: equal when neither was touched.  (Field by field: struct padding
 * is not compared.) */
static bool same_arena_figures(const struct arena_stats *a, const struct arena_stats *b)
{
    return a->in_use == b->in_use && a->watermark == b->watermark &&
           a->peak_in_use == b->peak_in_use && a->capacity == b->capacity &&
           a->page_size == b->page_size && a->allocs == b->allocs && a->frees == b->frees &&
           a->failed_allocs == b->failed_allocs && a->resets == b->resets;
}

static bool same_map_figures(const struct hmap_stats *a, const struct hmap_stats *b)
{
    return a->len == b->len && a->B == b->B && a->buckets == b->buckets &&
           a->overflow == b->overflow && a->bytes == b->bytes && a->growing == b->growing &&
           a->old_buckets == b->old_buckets && a->nevacuate == b->nevacuate &&
           a->spare_overflow == b->spare_overflow;
}

static void cmd_bench(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (!c->cfg.instret) {
        console_say(c, "ERR bench: no instruction counter\n");
        return;
    }
    if (!c->cfg.instret_exact) {
        /* Its figures would mean nothing: boot with -icount shift=0, as the
         * run-bench target does.  One line of 80 columns. */
        console_say(c, "ERR bench: the instruction counter is not exact here: run-bench, "
                       "-icount shift=0\n");
        return;
    }
    if (!c->cfg.bench_region) {
        console_say(c, "ERR bench: this console has no region for the bench\n");
        return;
    }
    struct arena_stats before_a, after_a;
    struct hmap_stats before_m, after_m;
    arena_get_stats(c->cfg.arena, &before_a);
    hmap_get_stats(&c->map, &before_m);
    const struct bench_io io = {c->cfg.instret, c->cfg.write, c->cfg.ctx};
    if (bench_run(c->cfg.bench_region, c->cfg.bench_size, &io) != BENCH_OK) {
        c->said_err = true; /* bench_run printed the ERR line */
        return;
    }
    arena_get_stats(c->cfg.arena, &after_a);
    hmap_get_stats(&c->map, &after_m);
    /* `ok` promises the console's figures are untouched: check, do not
     * assume. */
    if (!same_arena_figures(&after_a, &before_a) || !same_map_figures(&after_m, &before_m))
        console_say(c, "ERR bench: a figure of the console's arena or map changed\n");
    else
        console_say(c, "ok\n");
}

static void cmd_exit(struct console *c, const struct console_word *w, int nargs)
{
    uint64_t code = 0;
    if (nargs == 1 && !console_arg_number(c, "exit", "CODE", &w[1], 255, &code))
        return;
    console_say(c, "ok\n");
    c->exited = true;
    c->exit_code = (int)code;
}

/* `trap` exists only where a hook can make one (the board). */
static bool has_trap_hook(const struct console *c)
{
    return c->cfg.trap != NULL;
}

static void cmd_trap(struct console *c, const struct console_word *w, int nargs)
{
    enum console_trap kind = CONSOLE_TRAP_ILLEGAL;
    if (nargs == 1) {
        if (console_word_is(&w[1], "illegal"))
            kind = CONSOLE_TRAP_ILLEGAL;
        else if (console_word_is(&w[1], "load"))
            kind = CONSOLE_TRAP_LOAD;
        else if (console_word_is(&w[1], "ebreak"))
            kind = CONSOLE_TRAP_EBREAK;
        else if (console_word_is(&w[1], "stack"))
            kind = CONSOLE_TRAP_STACK;
        else {
            console_say(c, "ERR trap: unknown kind '%.*s' (illegal, load, ebreak or stack)\n",
                        (int)w[1].n, w[1].s);
            return;
        }
    }
    c->cfg.trap(c->cfg.ctx, kind);
    /* Only a host hook returns. */
    console_say(c, "ok\n");
}

static const struct console_command system_commands[] = {
    {"demo", "", 0, 0, false, NULL, cmd_demo, "the seed experiment again, and its pictures"},
    {"slide", "[N]", 0, 1, false, NULL, cmd_slide,
     "churn: N keys at constant length on both maps"},
    {"bench", "", 0, 0, false, NULL, cmd_bench, "instructions per map operation and page pair"},
    {"exit", "[CODE]", 0, 1, false, NULL, cmd_exit,
     "end with exit status CODE (0..255, default 0)"},
    {"trap", "[KIND]", 0, 1, true, has_trap_hook, cmd_trap,
     "trap on purpose: illegal, load, ebreak, stack"},
};
CONSOLE_COMMAND_SET(console_system_commands, system_commands);
