/* SPDX-License-Identifier: MIT */
/*
 * test_hash.c - the built-in hash, swiss_hash_bytes: "seeded, 64-bit, over
 * len bytes".  The map takes the directory entry from the top bits, the
 * control byte from the low 7 and the first group from the bits above
 * them, so every output bit must depend on every input bit and on the
 * seed; keys that differ only in length (trailing zero bytes) must hash
 * apart.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "swiss_testlib.h"

Test(hash, deterministic_and_length_aware)
{
    uint8_t k[129] = {0};
    for (size_t len = 1; len <= 128; len++) {
        k[len - 1] = (uint8_t)len;
        cr_assert_eq(swiss_hash_bytes(k, len, 7), swiss_hash_bytes(k, len, 7));
    }
    memset(k, 0, sizeof k);
    for (size_t len = 1; len < 128; len++)
        cr_assert_neq(swiss_hash_bytes(k, len, 7), swiss_hash_bytes(k, len + 1, 7),
                      "zero keys of %zu and %zu bytes collide", len, len + 1);
}

/* Flipping one input bit flips about half the output bits, on average,
 * and never none; a different seed moves about half the bits too. */
Test(hash, avalanche)
{
    static const size_t lens[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 128};
    struct trng r;
    trng_seed(&r, 5);
    uint64_t per_bit[64] = {0};
    size_t trials = 0;
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
        size_t len = lens[l];
        for (int round = 0; round < 20; round++) {
            uint8_t k[128];
            for (size_t i = 0; i < len; i++)
                k[i] = (uint8_t)trng_next(&r);
            uint64_t seed = trng_next(&r);
            uint64_t h = swiss_hash_bytes(k, len, seed);
            for (size_t bit = 0; bit < len * 8; bit++) {
                k[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                uint64_t d = h ^ swiss_hash_bytes(k, len, seed);
                k[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                cr_assert_neq(d, 0, "len %zu: bit %zu does not reach the hash", len, bit);
                for (unsigned o = 0; o < 64; o++)
                    per_bit[o] += d >> o & 1;
                trials++;
            }
            uint64_t ds = h ^ swiss_hash_bytes(k, len, seed ^ 1);
            cr_assert_geq(__builtin_popcountll(ds), 8, "len %zu: the seed barely matters", len);
        }
    }
    /* Each output bit flips in 40%..60% of the trials. */
    for (unsigned o = 0; o < 64; o++) {
        double f = (double)per_bit[o] / (double)trials;
        cr_assert(f > 0.4 && f < 0.6, "output bit %u flips in %.3f of %zu trials", o, f, trials);
    }
}
