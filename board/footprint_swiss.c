/* SPDX-License-Identifier: MIT */
/*
 * footprint_swiss.c - footprint.c's firmware on the Swiss-table map: it
 * calls exactly arena_init, swiss_init, swiss_put_u64, swiss_get_u64,
 * swiss_delete_u64 and swiss_reset, so that, linked with --gc-sections, it
 * carries the arena and swiss code such a firmware pays for
 * (board/linksize.cmake measures it from the link map).
 *
 * It also runs: booted like tidemark.elf, it checks every answer and ends
 * QEMU with status 0, or with the number of the first check that failed.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "swiss.h"
#include "app/page_size.h"

/* The arena region, from linker/virt.ld. */
extern uint8_t __arena_start[], __arena_end[];

/* Enough keys to pass through the small map, table doublings and splits
 * with directory doublings, so that all of that runs as well as links. */
#define KEYS 5000u

int main(void);
int main(void)
{
    static const struct swiss_type u64 = {.key_size = 8, .val_size = 8};
    struct arena a;
    struct swiss m;

    if (arena_init(&a, __arena_start, (size_t)(__arena_end - __arena_start), TIDEMARK_PAGE_SIZE) != ARENA_OK)
        return 1;
    if (swiss_init(&m, &u64, &a, 0, 0x666f6f747072696eull) != SWISS_OK)
        return 2;
    for (uint64_t k = 0; k < KEYS; k++)
        if (swiss_put_u64(&m, k, ~k) != SWISS_OK)
            return 3;
    for (uint64_t k = 0; k < KEYS; k++) {
        uint64_t v;
        if (!swiss_get_u64(&m, k, &v) || v != ~k)
            return 4;
    }
    /* Delete the even keys: the odd ones stay, the even ones are gone. */
    for (uint64_t k = 0; k < KEYS; k += 2)
        if (!swiss_delete_u64(&m, k))
            return 5;
    for (uint64_t k = 0; k < KEYS; k++)
        if (swiss_get_u64(&m, k, NULL) != (k % 2 == 1))
            return 6;
    swiss_reset(&m);
    if (swiss_get_u64(&m, 1, NULL) || swiss_put_u64(&m, 1, 2) != SWISS_OK)
        return 7;
    return 0;
}
