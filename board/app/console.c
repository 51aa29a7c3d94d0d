/* SPDX-License-Identifier: MIT */
/*
 * console.c - the console's set-up and state: init, the prompt, exit status,
 * its map, and the one output helper its files share (see console.h; the
 * line editor is console_line.c, the commands console_dispatch.c and
 * cmd_*.c).
 */
#include "console_internal.h"

#include <stdarg.h>
#include <string.h>

#include "map_u64.h"
#include "out.h"

void console_say(struct console *c, const char *fmt, ...)
{
    /* Every failure answers a line starting `ERR ` (console.h): the history
     * marks the command's entry from it. */
    if (fmt[0] == 'E' && fmt[1] == 'R' && fmt[2] == 'R' && fmt[3] == ' ')
        c->said_err = true;
    va_list ap;
    va_start(ap, fmt);
    out_vprintf(c->cfg.write, c->cfg.ctx, fmt, ap);
    va_end(ap);
}

int console_init(struct console *c, const struct console_config *cfg)
{
    if (!c || !cfg || !cfg->write || !cfg->arena)
        return CONSOLE_ERR_ARG;
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    if (hmap_init(&c->map, &map_u64_type, cfg->arena, CONSOLE_MAP_HINT, CONSOLE_MAP_SEED) !=
        HMAP_OK)
        return CONSOLE_ERR_MAP;
    history_init(&c->history, c->history_buf, CONSOLE_HISTORY_ENTRIES, cfg->arena, &c->map);
    arena_set_observer(cfg->arena, history_observe, &c->history);
    return CONSOLE_OK;
}

const char *console_strerror(int err)
{
    switch (err) {
    case CONSOLE_OK:
        return "ok";
    case CONSOLE_ERR_ARG:
        return "a NULL console, config, write hook or arena";
    case CONSOLE_ERR_MAP:
        return "the console's map could not be made on the arena";
    default:
        return "unknown console error";
    }
}

void console_prompt(struct console *c)
{
    c->cfg.write(c->cfg.ctx, "> ", 2);
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

struct swiss *console_swiss(struct console *c)
{
    return c->gen == CONSOLE_GEN_SWISS ? &c->swiss : NULL;
}
