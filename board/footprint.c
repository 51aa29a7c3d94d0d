/* SPDX-License-Identifier: MIT */
/*
 * footprint.c - the smallest firmware that uses the map as a user would:
 * make an arena and a map of 8-byte keys and values, fill it, look keys up,
 * delete some, reset it.  It calls exactly arena_init, hmap_init,
 * hmap_put_u64, hmap_get_u64, hmap_delete_u64 and hmap_reset, so that,
 * linked with --gc-sections, it carries the arena and map code a firmware
 * like it really pays for (board/linksize.cmake measures it from the link
 * map; the whole libraries' figure is board/libsize.cmake's).
 *
 * It also runs: booted like tidemark.elf, it checks every answer and ends
 * QEMU with status 0, or with the number of the first check that failed.
 * Nothing is printed, so no stdio is linked.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "hmap.h"
#include "app/page_size.h"

/* The arena region, from linker/virt.ld. */
extern uint8_t __arena_start[], __arena_end[];

/* Enough keys to grow the map from nothing through several doublings, so
 * that the growth code runs as well as links. */
#define KEYS 5000u

int main(void);
int main(void)
{
    static const struct hmap_type u64 = {.key_size = 8, .val_size = 8};
    struct arena a;
    struct hmap m;

    if (arena_init(&a, __arena_start, (size_t)(__arena_end - __arena_start), TIDEMARK_PAGE_SIZE) != ARENA_OK)
        return 1;
    if (hmap_init(&m, &u64, &a, 0, 0x666f6f747072696eull) != HMAP_OK)
        return 2;
    for (uint64_t k = 0; k < KEYS; k++)
        if (hmap_put_u64(&m, k, ~k) != HMAP_OK)
            return 3;
    for (uint64_t k = 0; k < KEYS; k++) {
        uint64_t v;
        if (!hmap_get_u64(&m, k, &v) || v != ~k)
            return 4;
    }
    /* Delete the even keys: the odd ones stay, the even ones are gone. */
    for (uint64_t k = 0; k < KEYS; k += 2)
        if (!hmap_delete_u64(&m, k))
            return 5;
    for (uint64_t k = 0; k < KEYS; k++)
        if (hmap_get_u64(&m, k, NULL) != (k % 2 == 1))
            return 6;
    hmap_reset(&m);
    if (hmap_get_u64(&m, 1, NULL) || hmap_put_u64(&m, 1, 2) != HMAP_OK)
        return 7;
    return 0;
}
