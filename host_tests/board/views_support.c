/* SPDX-License-Identifier: MIT */
/* views_support.c - see views_support.h. */
#include "views_support.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *vs_out;
static size_t vs_len, vs_cap;

void vs_reset(void)
{
    vs_len = 0;
    if (vs_out)
        vs_out[0] = '\0';
}

void vs_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    if (vs_len + n + 1 > vs_cap) {
        vs_cap = (vs_len + n + 1) * 2;
        vs_out = realloc(vs_out, vs_cap);
        cr_assert_not_null(vs_out);
    }
    memcpy(vs_out + vs_len, s, n);
    vs_len += n;
    vs_out[vs_len] = '\0';
}

int vs_lines_checked(void)
{
    return vs_lines_checked_except(NULL);
}

int vs_lines_checked_except(const char *key_line)
{
    cr_assert(vs_len > 0 && vs_out[vs_len - 1] == '\n', "output must end with a line end");
    int lines = 0;
    size_t col = 0;
    bool exempt = key_line && strncmp(vs_out, key_line, strlen(key_line)) == 0;
    for (size_t i = 0; i < vs_len; i++) {
        unsigned char ch = (unsigned char)vs_out[i];
        if (ch == '\n') {
            lines++;
            col = 0;
            exempt = key_line && strncmp(vs_out + i + 1, key_line, strlen(key_line)) == 0;
            continue;
        }
        cr_assert(ch >= 0x20 && ch <= 0x7e, "byte 0x%02x at %zu is not printable ASCII", ch, i);
        col++;
        if (!exempt)
            cr_assert_leq(col, VIEW_COLS, "line %d is wider than %d columns:\n%s", lines + 1,
                          VIEW_COLS, vs_out);
    }
    return lines;
}

const char *vs_line(int nth)
{
    static char buf[4096];
    const char *p = vs_out;
    for (int i = 0; i < nth && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    cr_assert(p && *p, "no line %d in:\n%s", nth, vs_out);
    size_t n = strcspn(p, "\n");
    cr_assert_lt(n, sizeof buf);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

static const char *src_owners;

static void census_string(void *ctx, size_t first, size_t n, size_t count[VIEW_OWNERS])
{
    (void)ctx;
    cr_assert_leq(first + n, strlen(src_owners), "census past the watermark");
    for (size_t i = first; i < first + n; i++) {
        const char *at = strchr(".AOv#", src_owners[i]);
        cr_assert_not_null(at);
        count[at - ".AOv#"]++;
    }
}

void vs_pages_src(struct view_pages_src *s, const char *owners, size_t total)
{
    src_owners = owners;
    size_t used = 0;
    for (const char *p = owners; *p; p++)
        used += *p != '.';
    *s = (struct view_pages_src){
        .total_pages = total,
        .page_size = 4096,
        .watermark_pages = strlen(owners),
        .in_use_pages = used,
        .census = census_string,
        .ctx = NULL,
    };
}

static struct arena vs_arena_state;
static void *vs_region;

struct arena *vs_arena(size_t pages)
{
    vs_region = aligned_alloc(4096, pages * 4096);
    cr_assert_not_null(vs_region);
    cr_assert_eq(arena_init(&vs_arena_state, vs_region, pages * 4096, 4096), 0);
    return &vs_arena_state;
}

void vs_arena_free(void)
{
    free(vs_region);
    vs_region = NULL;
}
