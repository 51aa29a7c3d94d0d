/* SPDX-License-Identifier: MIT */
/*
 * gobeside.c - see gobeside.h.
 */
#include "gobeside.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int gb_run(const char *cmd, char **out)
{
    *out = NULL;
    fflush(stderr);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return -1;
    struct gb_text t = {0};
    char buf[4096];
    size_t n;
    gb_printf(&t, "%s", "");
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        gb_printf(&t, "%.*s", (int)n, buf);
    int status = pclose(p);
    *out = t.p;
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int gb_gomem(const char *name, const char *args, char **out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' '%s/host_tests/gobeside/gomem.sh' run '%s' %s %s", GB_BASH,
             GB_SOURCE_ROOT, GB_GO_DIR, name, args);
    return gb_run(cmd, out);
}

const char *gb_go_version(const char *out, char *buf, size_t len)
{
    const char *nl = out != NULL ? strchr(out, '\n') : NULL;
    if (out == NULL || strncmp(out, "go ", 3) != 0 || nl == NULL) {
        snprintf(buf, len, "?");
        return buf;
    }
    snprintf(buf, len, "%.*s", (int)(nl - out - 3), out + 3);
    return buf;
}

/* Go 1.26's size classes, bytes an object (internal/runtime/gc/
 * sizeclasses.go, class 1 to 67): a fact of the runtime, copied as figures. */
static const uint16_t go_size_classes[] = {
    8,
    16,
    24,
    32,
    48,
    64,
    80,
    96,
    112,
    128,
    144,
    160,
    176,
    192,
    208,
    224,
    240,
    256,
    288,
    320,
    352,
    384,
    416,
    448,
    480,
    512,
    576,
    640,
    704,
    768,
    896,
    1024,
    1152,
    1280,
    1408,
    1536,
    1792,
    2048,
    2304,
    2688,
    3072,
    3200,
    3456,
    4096,
    4864,
    5376,
    6144,
    6528,
    6784,
    6912,
    8192,
    9472,
    9728,
    10240,
    10880,
    12288,
    13568,
    14336,
    16384,
    18432,
    19072,
    20480,
    21760,
    24576,
    27264,
    28672,
    32768,
};

#define GO_MAX_SMALL 32768u /* maxSmallSize                             */
#define GO_MALLOC_HEADER 8u /* gc.MallocHeaderSize                      */
#define GO_PAGE 8192u       /* pageSize                                 */
#define GO_TINY 16u         /* maxTinySize                              */

size_t gb_go_heap_bytes(size_t size, bool pointers, size_t ptr_size)
{
    if (!pointers && size < GO_TINY)
        return 0;
    /* gc.MinSizeForMallocHeader = goarch.PtrSize * goarch.PtrBits */
    if (pointers && size > ptr_size * 8 * ptr_size && size <= GO_MAX_SMALL - GO_MALLOC_HEADER)
        size += GO_MALLOC_HEADER;
    if (size > GO_MAX_SMALL)
        return (size + GO_PAGE - 1) / GO_PAGE * GO_PAGE;
    for (size_t i = 0; i < sizeof go_size_classes / sizeof go_size_classes[0]; i++)
        if (size <= go_size_classes[i])
            return go_size_classes[i];
    return 0; /* not reached: the last class is GO_MAX_SMALL */
}

void gb_printf(struct gb_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    cr_assert(n >= 0);
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (t->len + (size_t)n + 1 > cap)
            cap *= 2;
        char *p = realloc(t->p, cap);
        cr_assert(p != NULL);
        t->p = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void gb_text_free(struct gb_text *t)
{
    free(t->p);
    *t = (struct gb_text){0};
}

const char *gb_num(size_t v, char *buf)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%zu", v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

void gb_check_docs(const char *name, const char *text)
{
    char path[512], begin[128];
    snprintf(path, sizeof path, "%s/docs/swiss.md", GB_SOURCE_ROOT);
    snprintf(begin, sizeof begin, "<!-- generated: %s -->\n", name);
    const char *end = "<!-- /generated -->";

    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "cannot read %s", path);
    struct gb_text doc = {0};
    char buf[4096];
    size_t n;
    gb_printf(&doc, "%s", "");
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        gb_printf(&doc, "%.*s", (int)n, buf);
    fclose(f);

    const char *from = strstr(doc.p, begin);
    const char *to = from != NULL ? strstr(from, end) : NULL;
    bool same = to != NULL && (size_t)(to - from) - strlen(begin) == strlen(text) &&
                memcmp(from + strlen(begin), text, strlen(text)) == 0;
    gb_text_free(&doc);
    if (same)
        return;

    char out[512];
    snprintf(out, sizeof out, "%s/%s.md", GB_BINARY_DIR, name);
    FILE *g = fopen(out, "w");
    cr_assert(g != NULL, "cannot write %s", out);
    fputs(text, g);
    fclose(g);
    cr_assert_fail("docs/swiss.md: the block '%s' differs from what the test generates "
                   "(%s); to take the generated one: bash host_tests/gobeside/update-docs %s",
                   name, to == NULL ? "no such block" : "its text differs", out);
}
