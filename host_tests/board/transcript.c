/* SPDX-License-Identifier: MIT */
/* transcript.c - see transcript.h. */
#include "transcript.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *nth_occurrence(const char *text, const char *needle, int nth)
{
    const char *p = text;
    for (;;) {
        p = strstr(p, needle);
        if (!p)
            return NULL;
        if (nth-- == 0)
            return p;
        p += strlen(needle);
    }
}

/* Copy the line at p (without its "\n") into buf; return the next line. */
static const char *take_line(const char *p, char *buf, size_t cap)
{
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return e ? e + 1 : p + strlen(p);
}

static const char *nth_line_start(const char *text, const char *prefix, int nth)
{
    size_t pl = strlen(prefix);
    const char *p = text;
    while (*p) {
        if (strncmp(p, prefix, pl) == 0 && nth-- == 0)
            return p;
        const char *e = strchr(p, '\n');
        if (!e)
            break;
        p = e + 1;
    }
    return NULL;
}

bool transcript_stats(const char *text, int nth, struct stats_lines *s)
{
    const char *p = nth_line_start(text, "arena in_use=", nth);
    if (!p)
        return false;
    char l1[512], l2[512], l3[512], l4[512], again[512];
    p = take_line(p, l1, sizeof l1);
    p = take_line(p, l2, sizeof l2);
    p = take_line(p, l3, sizeof l3);
    take_line(p, l4, sizeof l4);

    if (sscanf(l1,
               "arena in_use=%zu watermark=%zu peak=%zu capacity=%zu page=%zu allocs=%zu "
               "frees=%zu failed=%zu",
               &s->in_use, &s->watermark, &s->peak, &s->capacity, &s->page, &s->allocs,
               &s->frees, &s->failed) != 8)
        return false;
    snprintf(again, sizeof again,
             "arena in_use=%zu watermark=%zu peak=%zu capacity=%zu page=%zu allocs=%zu "
             "frees=%zu failed=%zu",
             s->in_use, s->watermark, s->peak, s->capacity, s->page, s->allocs, s->frees,
             s->failed);
    if (strcmp(again, l1) != 0)
        return false;

    if (sscanf(l2, "map len=%zu B=%zu buckets=%zu overflow=%zu bytes=%zu growing=%zu hint=%zu",
               &s->len, &s->B, &s->buckets, &s->overflow, &s->bytes, &s->growing,
               &s->hint) != 7 ||
        s->growing > 1)
        return false;
    snprintf(again, sizeof again,
             "map len=%zu B=%zu buckets=%zu overflow=%zu bytes=%zu growing=%zu hint=%zu", s->len,
             s->B, s->buckets, s->overflow, s->bytes, s->growing, s->hint);
    if (strcmp(again, l2) != 0)
        return false;

    if (sscanf(l3, "stack used=%zu size=%zu", &s->stack_used, &s->stack_size) != 2)
        return false;
    snprintf(again, sizeof again, "stack used=%zu size=%zu", s->stack_used, s->stack_size);
    if (strcmp(again, l3) != 0)
        return false;

    if (sscanf(l4, "frag free=%zu largest_free=%zu free_runs=%zu free_below_watermark=%zu",
               &s->frag_free, &s->frag_largest, &s->frag_runs, &s->frag_below) != 4)
        return false;
    snprintf(again, sizeof again,
             "frag free=%zu largest_free=%zu free_runs=%zu free_below_watermark=%zu",
             s->frag_free, s->frag_largest, s->frag_runs, s->frag_below);
    return strcmp(again, l4) == 0;
}

const char *stats_first_difference(const struct stats_lines *a, const struct stats_lines *b,
                                   bool with_stack)
{
#define SAME(field)           \
    if (a->field != b->field) \
        return #field;
    /* The fields in the order the stats lines print them. */
    /* clang-format off */
    SAME(in_use) SAME(watermark) SAME(peak) SAME(capacity) SAME(page) SAME(allocs) SAME(frees)
    SAME(failed)
    SAME(len) SAME(B) SAME(buckets) SAME(overflow) SAME(bytes) SAME(growing)
    SAME(frag_free) SAME(frag_largest) SAME(frag_runs) SAME(frag_below)
    if (with_stack) {
        SAME(stack_used) SAME(stack_size)
    }
    /* clang-format on */
#undef SAME
    return NULL;
}

int transcript_count_stats(const char *text)
{
    return transcript_count_lines(text, "arena in_use=");
}

char *transcript_answer(const char *text, const char *cmd, int nth)
{
    size_t cl = strlen(cmd);
    char *needle = malloc(cl + 4);
    if (!needle)
        return NULL;
    memcpy(needle, "> ", 2);
    memcpy(needle + 2, cmd, cl);
    memcpy(needle + 2 + cl, "\n", 2);
    const char *p = nth_occurrence(text, needle, nth);
    free(needle);
    if (!p)
        return NULL;
    p += cl + 3;
    const char *e = p;
    for (;;) {
        if (strncmp(e, "> ", 2) == 0 && (e == text || e[-1] == '\n'))
            break;
        const char *nl = strchr(e, '\n');
        if (!nl) {
            e += strlen(e);
            break;
        }
        e = nl + 1;
    }
    size_t n = (size_t)(e - p);
    char *a = malloc(n + 1);
    if (!a)
        return NULL;
    memcpy(a, p, n);
    a[n] = '\0';
    return a;
}

int transcript_count(const char *text, const char *needle)
{
    int n = 0;
    while ((text = strstr(text, needle)) != NULL) {
        n++;
        text += strlen(needle);
    }
    return n;
}

int transcript_count_lines(const char *text, const char *prefix)
{
    int n = 0;
    while (nth_line_start(text, prefix, n))
        n++;
    return n;
}

char *transcript_table(const char *text, int nth)
{
    const char *p = nth_line_start(text, "seed experiment:", nth);
    if (!p)
        return NULL;
    const char *c = strstr(p, "\ncheck: ");
    if (!c)
        return NULL;
    /* The verdict may take two lines: up to the first line that is neither
     * "check:" nor indented. */
    const char *e = strchr(c + 1, '\n');
    while (e && e[1] == ' ')
        e = strchr(e + 1, '\n');
    e = e ? e + 1 : c + strlen(c);
    size_t n = (size_t)(e - p);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    memcpy(t, p, n);
    t[n] = '\0';
    return t;
}

bool transcript_row(const char *text, int nth_table, const char *step, struct exp_figures *f)
{
    char *table = transcript_table(text, nth_table);
    if (!table)
        return false;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%s ", step);
    const char *p = nth_line_start(table, prefix, 0);
    bool ok = false;
    if (p) {
        char line[256];
        take_line(p, line, sizeof line);
        /* The last four fields. */
        size_t v[4];
        int found = 0;
        char *end = line + strlen(line);
        while (found < 4 && end > line) {
            while (end > line && end[-1] == ' ')
                end--;
            char *start = end;
            while (start > line && start[-1] != ' ')
                start--;
            char *stop;
            unsigned long long x = strtoull(start, &stop, 10);
            if (stop != end || start == end)
                break;
            v[3 - found++] = (size_t)x;
            end = start;
        }
        if (found == 4) {
            f->len = v[0];
            f->bytes = v[1];
            f->in_use = v[2];
            f->watermark = v[3];
            ok = true;
        }
    }
    free(table);
    return ok;
}

char *transcript_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - 1 - n, f);
        if (n < cap - 1)
            break;
        cap *= 2;
        char *bigger = realloc(buf, cap);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (!buf || failed) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}
