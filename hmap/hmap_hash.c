/* SPDX-License-Identifier: MIT */
/*
 * hmap_hash.c - the built-in seeded hash over any number of bytes.
 *
 * Eight bytes at a time, each word folded into the state with a 64x64->128
 * multiply (hm_mix64); the length goes into the final round so that keys that
 * differ only by trailing zero bytes hash apart.  An 8-byte key takes the
 * hash_u64 route, the same function the fast paths inline.
 */
#include "hmap_internal.h"

/* Up to 7 bytes as a little-endian word (the host and rv64 are both LE). */
static uint64_t load_tail(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint64_t hm_key_hash(const struct hmap *m, const void *key)
{
    if (m->fast64) { /* the fast paths' hash, from the premixed seed */
        uint64_t k;
        memcpy(&k, key, sizeof k);
        return hm_hash_u64_keyed(k, m->hash_key, m->hash_mul);
    }
    if (m->hash != NULL)
        return m->hash(key, m->key_size, m->seed);
    return hmap_hash_bytes(key, m->key_size, m->seed);
}

uint64_t hmap_hash_bytes(const void *key, size_t len, uint64_t seed)
{
    const uint8_t *p = key;
    if (len == 8) {
        uint64_t k;
        memcpy(&k, p, sizeof k);
        return hash_u64(k, seed);
    }
    uint64_t h = seed ^ HASH_K0;
    size_t n = len;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        h = hm_mix64(h ^ w, HASH_K1);
        p += 8;
        n -= 8;
    }
    if (n > 0)
        h = hm_mix64(h ^ load_tail(p, n), HASH_K2);
    return hm_mix64(h ^ (uint64_t)len, HASH_K3 ^ seed);
}
