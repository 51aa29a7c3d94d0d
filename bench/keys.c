/* SPDX-License-Identifier: MIT */
/* keys.c - splitmix64 streams and the shuffle (see keys.h). */
#include "keys.h"

uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void keys_draw(uint64_t *state, uint64_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = splitmix64(state);
}

void keys_shuffle(uint64_t *a, size_t n)
{
    uint64_t r = SHUFFLE_SEED;
    for (size_t i = n > 0 ? n - 1 : 0; i > 0; i--) {
        size_t j = (size_t)(splitmix64(&r) % (uint64_t)(i + 1));
        uint64_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
