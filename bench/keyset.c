/* SPDX-License-Identifier: MIT */
/*
 * keyset.c - the host benchmark's key arrays (see keyset.h).  Host-only: it
 * uses malloc, which the libraries under test never do.
 */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>

int keys_make(struct keyset *ks, size_t n)
{
    *ks = (struct keyset){.n = n};
    ks->present = malloc(n * sizeof *ks->present);
    ks->absent = malloc(n * sizeof *ks->absent);
    ks->fresh = malloc(n * sizeof *ks->fresh);
    ks->shuffled = malloc(n * sizeof *ks->shuffled);
    if (!ks->present || !ks->absent || !ks->fresh || !ks->shuffled) {
        keys_free(ks);
        return -1;
    }
    uint64_t s = KEYS_SEED;
    keys_draw(&s, ks->present, n);
    keys_draw(&s, ks->absent, n);
    keys_draw(&s, ks->fresh, n);
    memcpy(ks->shuffled, ks->present, n * sizeof *ks->shuffled);
    keys_shuffle(ks->shuffled, n);
    return 0;
}

void keys_free(struct keyset *ks)
{
    free(ks->present);
    free(ks->absent);
    free(ks->fresh);
    free(ks->shuffled);
    *ks = (struct keyset){0};
}

/* Fold one word into the digest: xor it in, then one splitmix64 step. */
static uint64_t fold(uint64_t d, uint64_t x)
{
    uint64_t s = d ^ x;
    return splitmix64(&s);
}

uint64_t keys_fingerprint(const struct keyset *ks)
{
    uint64_t d = ks->n;
    const uint64_t *arrays[4] = {ks->present, ks->absent, ks->fresh, ks->shuffled};
    for (int a = 0; a < 4; a++)
        for (size_t i = 0; i < ks->n; i++)
            d = fold(d, arrays[a][i]);
    return d;
}
