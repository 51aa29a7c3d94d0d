/* SPDX-License-Identifier: MIT */
/*
 * fast64_broken_export.c - linked with -Wl,--wrap=hmap_get_u64 into
 * hmap_fast64_broken_export, the twin of the fast64 suite that must fail:
 * every call that reaches the exported hmap_get_u64 symbol comes here and
 * gets a value off by one; a lookup the compiler inlined never does.  So
 * exported_lookup_agrees_with_inline fails only if its inline side really
 * is inline, and the check can catch the two copies disagreeing.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hmap.h"

bool __real_hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val);
bool __wrap_hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val);

bool __wrap_hmap_get_u64(struct hmap *m, uint64_t key, uint64_t *val)
{
    bool in = __real_hmap_get_u64(m, key, val);
    if (in && val)
        *val ^= 1;
    return in;
}
