/* SPDX-License-Identifier: MIT */
/*
 * keys.c - splitmix64 key sets and the shuffle (see keys.h).  Host-only: it
 * uses malloc, which the libraries under test never do.
 */
#include "keys.h"

#include <stdlib.h>

uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

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
    for (size_t i = 0; i < n; i++)
        ks->present[i] = splitmix64(&s);
    for (size_t i = 0; i < n; i++)
        ks->absent[i] = splitmix64(&s);
    for (size_t i = 0; i < n; i++)
        ks->fresh[i] = splitmix64(&s);

    for (size_t i = 0; i < n; i++)
        ks->shuffled[i] = ks->present[i];
    uint64_t r = SHUFFLE_SEED;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(splitmix64(&r) % (uint64_t)(i + 1));
        uint64_t t = ks->shuffled[i];
        ks->shuffled[i] = ks->shuffled[j];
        ks->shuffled[j] = t;
    }
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
