/* SPDX-License-Identifier: MIT */
/*
 * test_hash.c - the built-in hash (hmap_hash_bytes).
 * Rules (hmap.h): seeded and 64-bit, "a good hash, not a toy": the same
 * bytes and seed give the same hash, every length is hashed whole, and the
 * bits are spread (chi-square of the top and low bytes, avalanche).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hmap_testlib.h"

Test(hash, seeded_and_deterministic)
{
    uint64_t k = 12345;
    cr_assert_eq(hmap_hash_bytes(&k, 8, 1), hmap_hash_bytes(&k, 8, 1));
    cr_assert_neq(hmap_hash_bytes(&k, 8, 1), hmap_hash_bytes(&k, 8, 2));
    const char s[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    /* Every length is its own input. */
    for (size_t len = 1; len < sizeof s - 1; len++)
        cr_assert_neq(hmap_hash_bytes(s, len, 7),
                      hmap_hash_bytes(s, len + 1, 7), "len %zu", len);
    /* A hash over a byte string must not depend on alignment. */
    char buf[64];
    for (size_t off = 0; off < 8; off++) {
        memcpy(buf + off, s, 20);
        cr_assert_eq(hmap_hash_bytes(buf + off, 20, 9),
                     hmap_hash_bytes(s, 20, 9), "offset %zu", off);
    }
}

/* Inputs that differ only in length (zero bytes) hash apart, and one
 * flipped bit of a 3-, 16- or 128-byte key flips about half the output bits
 * (the map's other key sizes take the same function). */
Test(hash, lengths_and_avalanche)
{
    static const uint8_t zeros[64];
    uint64_t h[65];
    for (size_t len = 0; len <= 64; len++) {
        h[len] = hmap_hash_bytes(zeros, len, 3);
        for (size_t j = 0; j < len; j++)
            cr_assert_neq(h[len], h[j], "zero keys of %zu and %zu bytes "
                                        "collide",
                          j, len);
    }
    static const size_t lens[] = {3, 16, 128};
    struct trng r;
    trng_seed(&r, 8);
    for (size_t li = 0; li < 3; li++) {
        size_t len = lens[li];
        uint8_t key[128];
        double flips = 0;
        int trials = 0;
        for (int i = 0; i < 500; i++) {
            for (size_t b = 0; b < len; b++)
                key[b] = (uint8_t)trng_next(&r);
            uint64_t base = hmap_hash_bytes(key, len, 11);
            for (size_t bit = 0; bit < len * 8; bit += 5) {
                key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                flips += __builtin_popcountll(base ^
                                              hmap_hash_bytes(key, len, 11));
                key[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                trials++;
            }
        }
        double avg = flips / trials;
        TLOG("hash: %zu-byte keys: avalanche %.2f bits of 64\n", len, avg);
        cr_assert(avg > 30.0 && avg < 34.0, "%zu-byte keys: avalanche %.2f",
                  len, avg);
    }
}

/* Sequential keys: no collision among 2^17 of them, top bytes and low bits
 * spread evenly (chi-square well under what a skewed hash gives), and one
 * flipped input bit flips about half the output bits. */
Test(hash, quality)
{
    enum { N = 1 << 17 };
    static uint64_t h[N];
    static unsigned top[256], low[256];
    for (uint64_t k = 0; k < N; k++) {
        h[k] = hmap_hash_bytes(&k, 8, 0x1234);
        top[h[k] >> 56]++;
        low[h[k] & 255]++;
    }
    /* Collisions: sort-free check with a small open-addressing table. */
    static uint64_t tab[N * 2];
    static bool used[N * 2];
    for (size_t i = 0; i < N; i++) {
        size_t j = (size_t)(tmix(h[i]) & (N * 2 - 1));
        while (used[j]) {
            cr_assert_neq(tab[j], h[i], "hash collision among sequential "
                                        "keys");
            j = (j + 1) & (N * 2 - 1);
        }
        used[j] = true;
        tab[j] = h[i];
    }
    double expct = N / 256.0, chi_top = 0, chi_low = 0;
    for (int i = 0; i < 256; i++) {
        chi_top += (top[i] - expct) * (top[i] - expct) / expct;
        chi_low += (low[i] - expct) * (low[i] - expct) / expct;
    }
    /* 255 degrees of freedom: mean 255, sd ~22.6; 400 is > 6 sd. */
    cr_assert(chi_top < 400, "top byte chi-square %.1f", chi_top);
    cr_assert(chi_low < 400, "low byte chi-square %.1f", chi_low);

    double flips = 0;
    int trials = 0;
    struct trng r;
    trng_seed(&r, 5);
    for (int i = 0; i < 2000; i++) {
        uint64_t k = trng_next(&r);
        uint64_t base = hmap_hash_bytes(&k, 8, 77);
        for (int b = 0; b < 64; b += 7) {
            uint64_t k2 = k ^ (1ull << b);
            flips += __builtin_popcountll(base ^ hmap_hash_bytes(&k2, 8, 77));
            trials++;
        }
    }
    double avg = flips / trials;
    TLOG("hash: chi-square top byte %.1f, low byte %.1f (255 dof); "
         "avalanche %.2f bits of 64\n",
         chi_top, chi_low, avg);
    cr_assert(avg > 30.0 && avg < 34.0, "avalanche %.2f bits", avg);
}
