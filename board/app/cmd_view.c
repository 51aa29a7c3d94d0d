/* SPDX-License-Identifier: MIT */
/*
 * cmd_view.c - the console's pictures of its memory: pages (the arena's
 * page map by owner), slots (what the map's slots hold), history (the
 * recorded arena events and commands) and chart (in_use, the map's bytes
 * and the watermark over that history).  What each prints: console.h; how
 * each is drawn: view.h and history.h.  They read only, except `history
 * clear`.
 */
#include "console_internal.h"

#include "view.h"
#include "view_groups.h"

static void cmd_pages(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    struct view_live live = {c->cfg.arena, &c->map, console_swiss(c)};
    struct view_pages_src src;
    view_pages_src_live(&src, &live);
    view_pages(&src, c->cfg.write, c->cfg.ctx);
}

static void cmd_slots(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    if (console_swiss(c) != NULL) {
        struct view_groups_live live = {.map = console_swiss(c)};
        struct view_groups_src src;
        view_groups_src_live(&src, &live);
        view_groups(&src, c->cfg.write, c->cfg.ctx);
        return;
    }
    struct view_live live = {c->cfg.arena, &c->map, NULL};
    struct view_slots_src src;
    view_slots_src_live(&src, &live);
    view_slots(&src, c->cfg.write, c->cfg.ctx);
}

static void cmd_history(struct console *c, const struct console_word *w, int nargs)
{
    if (nargs == 1) {
        if (!console_word_is(&w[1], "clear")) {
            console_say(c, "ERR history: unknown argument '%.*s' (usage: history [clear])\n",
                        (int)w[1].n, w[1].s);
            return;
        }
        history_clear(&c->history);
        console_say(c, "ok\n");
        return;
    }
    history_print(&c->history, c->cfg.write, c->cfg.ctx);
}

static void cmd_chart(struct console *c, const struct console_word *w, int nargs)
{
    (void)w;
    (void)nargs;
    view_chart(&c->history, c->cfg.write, c->cfg.ctx);
}

static const struct console_command view_commands[] = {
    {"pages", "", 0, 0, false, NULL, cmd_pages, "the arena's pages by owner, to the watermark"},
    {"slots", "", 0, 0, false, NULL, cmd_slots, "the map's slots: live, empty, per page or group"},
    {"history", "[clear]", 0, 1, false, NULL, cmd_history,
     "arena events and commands over time; clear empties it"},
    {"chart", "", 0, 0, false, NULL, cmd_chart, "in_use, map bytes and watermark over the history"},
};
CONSOLE_COMMAND_SET(console_view_commands, view_commands);
