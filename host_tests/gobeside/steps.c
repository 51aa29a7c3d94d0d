/* SPDX-License-Identifier: MIT */
/*
 * steps.c - the steps of steps.h on tidemark's Swiss map.
 */
#include "steps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"

const char *const gb_type_names[GB_TYPES] = {"int", "uint64"};
const size_t gb_hints[GB_HINTS] = {0, 8, 9, 64, 1024, 8192, 100000};
const char *const gb_step_names[GB_STEPS] = {"make", "fill", "delete", "clear", "nil"};

#define PAGE 4096u
/* The largest step, hint 100,000, holds about 2.4 MB; hint 0's growths
 * free what they replace. */
#define ARENA_BYTES ((size_t)16 << 20)

static char failure[160];

static const char *fail(const char *what, size_t type, size_t hint, long code)
{
    snprintf(failure, sizeof failure, "%s (map[%s]%s, hint %zu): %ld", what,
             gb_type_names[type], gb_type_names[type], hint, code);
    return failure;
}

/* Key i of the type: a pointer-wide int, or a uint64. */
static int put(struct swiss *m, size_t type, size_t i)
{
    if (type == 1)
        return swiss_put_u64(m, (uint64_t)i, (uint64_t)i);
    intptr_t k = (intptr_t)i;
    return swiss_put(m, &k, &k);
}

static bool del(struct swiss *m, size_t type, size_t i)
{
    if (type == 1)
        return swiss_delete_u64(m, (uint64_t)i);
    intptr_t k = (intptr_t)i;
    return swiss_delete(m, &k);
}

static void record(const struct swiss *m, const struct arena *a, struct gb_figures *f)
{
    struct arena_stats as;
    swiss_get_stats(m, &f->s);
    arena_get_stats(a, &as);
    f->in_use = as.in_use;
}

const char *gb_run_steps(struct gb_figures out[GB_TYPES][GB_HINTS][GB_STEPS])
{
    void *region = malloc(ARENA_BYTES);
    if (region == NULL)
        return "no memory for the arena";
    const char *err = NULL;
    for (size_t type = 0; type < GB_TYPES && err == NULL; type++) {
        for (size_t h = 0; h < GB_HINTS && err == NULL; h++) {
            size_t hint = gb_hints[h], n = hint == 0 ? 8192 : hint;
            struct arena a;
            struct swiss m;
            int rc = arena_init(&a, region, ARENA_BYTES, PAGE);
            if (rc != 0) {
                err = fail("arena_init", type, hint, rc);
                break;
            }
            struct swiss_type t = {
                .key_size = type == 1 ? sizeof(uint64_t) : sizeof(intptr_t),
                .val_size = type == 1 ? sizeof(uint64_t) : sizeof(intptr_t),
            };
            rc = swiss_init(&m, &t, &a, hint, 0x676f6265736964ull + h);
            if (rc != 0) {
                err = fail("swiss_init", type, hint, rc);
                break;
            }
            struct gb_figures *f = out[type][h];
            record(&m, &a, &f[0]);
            for (size_t i = 0; i < n && err == NULL; i++)
                if ((rc = put(&m, type, i)) != 0)
                    err = fail("put", type, hint, rc);
            record(&m, &a, &f[1]);
            for (size_t i = 0; i < n && err == NULL; i++)
                if (!del(&m, type, i))
                    err = fail("delete found no key", type, hint, (long)i);
            record(&m, &a, &f[2]);
            swiss_clear(&m);
            record(&m, &a, &f[3]);
            for (size_t s = 0; s < 4 && err == NULL; s++)
                if (f[s].s.len != (s == 1 ? n : 0))
                    err = fail(s == 1 ? "len after the fill" : "len not 0", type, hint,
                               (long)f[s].s.len);
            if (err == NULL && (rc = swiss_check(&m)) != 0)
                err = fail("swiss_check", type, hint, rc);
            swiss_reset(&m);
            record(&m, &a, &f[4]);
        }
    }
    free(region);
    return err;
}
