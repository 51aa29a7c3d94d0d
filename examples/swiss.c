/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <tidemark/arena.h>
#include <tidemark/swiss.h>

/* Size the region from the map: hint 1000 makes a directory of 2 tables of
 * 1024 slots (128 groups of 136 bytes, 5 pages each) and the directory's
 * page, 11 pages of 4 KiB; the arena keeps its bitmap in one page more. */
static _Alignas(4096) uint8_t region[12 * 4096];

int main(void)
{
    static const struct swiss_type u64 = {.key_size = 8, .val_size = 8};
    struct arena a;
    struct swiss m;
    struct arena_stats s;
    uint64_t v = 0;

    if (arena_init(&a, region, sizeof region, 4096) != ARENA_OK)
        return 1;
    /* The seed keys the built-in hash; SWISS_ERR_NOMEM: the region is too small. */
    if (swiss_init(&m, &u64, &a, 1000, 0x5eedu) != SWISS_OK)
        return 2;
    for (uint64_t k = 0; k < 1000; k++)
        if (swiss_put_u64(&m, k, k * k) != SWISS_OK)
            return 3;
    for (uint64_t k = 0; k < 1000; k++)
        if (!swiss_get_u64(&m, k, &v) || v != k * k || !swiss_delete_u64(&m, k))
            return 4;
    arena_get_stats(&a, &s); /* deletes free slots, never pages */
    if (swiss_len(&m) != 0 || swiss_get_u64(&m, 1, &v) || s.in_use != 11 * 4096)
        return 5;
    swiss_reset(&m); /* every page back to the arena; the watermark stays */
    arena_get_stats(&a, &s);
    return s.in_use == 0 && s.watermark == 11 * 4096 ? 0 : 6;
}
