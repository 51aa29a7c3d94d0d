/* SPDX-License-Identifier: MIT */
/*
 * swiss_hash.c - the built-in seeded hash, and the map's seed sequence.
 *
 * Eight bytes at a time, each word folded into the state with the same
 * multiply-fold the 8-byte keys use (sw_hash_u64, swiss_internal.h: the
 * 128-bit product's halves xored, built from 32-bit products where there is
 * no 128-bit type), so a key hashes alike on every target.  The length
 * goes into the start so that keys that differ only by trailing zero bytes
 * hash apart.  The top bits pick the directory entry, the low 7 the control
 * byte and the bits from 7 up the first group: every output bit depends on
 * every input bit after the last round.
 */
#include "swiss_internal.h"

#define SEED_MIX 0x9e3779b97f4a7c15ull /* 2^64 / golden ratio: an odd step */

uint64_t sw_hash_key_of(uint64_t seed)
{
    return sw_hash_u64(seed, SEED_MIX);
}

/* Up to 7 bytes as a little-endian word. */
static uint64_t load_tail(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint64_t swiss_hash_bytes(const void *key, size_t len, uint64_t seed)
{
    const uint8_t *p = key;
    uint64_t hash_key = sw_hash_key_of(seed);
    if (len == 8) { /* the 8-byte calls' hash, so both routes agree */
        uint64_t k;
        memcpy(&k, p, sizeof k);
        return sw_hash_u64(k, hash_key);
    }
    uint64_t h = hash_key ^ ((uint64_t)len * SEED_MIX);
    size_t n = len;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        h = sw_hash_u64(w, h);
        p += 8;
        n -= 8;
    }
    if (n > 0)
        h = sw_hash_u64(load_tail(p, n), h);
    return sw_hash_u64(h, hash_key);
}

uint64_t sw_key_hash(const struct swiss *m, const void *key)
{
    if (!m->general) {
        uint64_t k;
        memcpy(&k, key, sizeof k);
        return sw_hash_u64(k, m->hash_key);
    }
    if (m->hash != NULL)
        return m->hash(key, m->key_size, m->seed);
    return swiss_hash_bytes(key, m->key_size, m->seed);
}

/* Go draws a new seed from the runtime's random source; tidemark steps its
 * own sequence, so a run from a fixed seed repeats exactly. */
void sw_reseed(struct swiss *m)
{
    m->seed = sw_hash_u64(m->seed + SEED_MIX, SEED_MIX);
    m->hash_key = sw_hash_key_of(m->seed);
}
