/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <tidemark/arena.h>
#include <tidemark/hmap.h>

/* Size the region from the map: hint 1000 makes 256 buckets of 144 bytes
 * (8-byte keys and values) plus 16 overflow buckets, 10 pages of 4 KiB;
 * the arena keeps its bitmap in one page more. */
static _Alignas(4096) uint8_t region[11 * 4096];

int main(void)
{
    static const struct hmap_type u64 = {.key_size = 8, .val_size = 8};
    struct arena a;
    struct hmap m;
    struct arena_stats s;
    uint64_t v = 0;

    if (arena_init(&a, region, sizeof region, 4096) != ARENA_OK)
        return 1;
    /* The seed keys the built-in hash; HMAP_ERR_NOMEM: the region is too small. */
    if (hmap_init(&m, &u64, &a, 1000, 0x5eedu) != HMAP_OK)
        return 2;
    for (uint64_t k = 0; k < 1000; k++)
        if (hmap_put_u64(&m, k, k * k) != HMAP_OK)
            return 3;
    for (uint64_t k = 0; k < 1000; k++)
        if (!hmap_get_u64(&m, k, &v) || v != k * k || !hmap_delete_u64(&m, k))
            return 4;
    arena_get_stats(&a, &s); /* deletes free slots, never pages */
    if (hmap_len(&m) != 0 || hmap_get_u64(&m, 1, &v) || s.in_use != 10 * 4096)
        return 5;
    hmap_reset(&m); /* every page back to the arena; the watermark stays */
    arena_get_stats(&a, &s);
    return s.in_use == 0 && s.watermark == 10 * 4096 ? 0 : 6;
}
