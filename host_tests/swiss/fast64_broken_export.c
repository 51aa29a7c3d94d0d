/* SPDX-License-Identifier: MIT */
/*
 * fast64_broken_export.c - linked with -Wl,--wrap=swiss_get_u64 into
 * swiss_fast64_broken_export, the twin of the fast64 suite that must fail:
 * every call that reaches the exported swiss_get_u64 symbol comes here and
 * gets a value off by one; a lookup the compiler inlined never does.  So
 * exported_lookup_agrees_with_inline fails only if its inline side really
 * is inline, and the check can catch the two copies disagreeing.
 */
#include <stdbool.h>
#include <stdint.h>

#include "swiss.h"

bool __real_swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val);
bool __wrap_swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val);

bool __wrap_swiss_get_u64(struct swiss *m, uint64_t key, uint64_t *val)
{
    bool in = __real_swiss_get_u64(m, key, val);
    if (in && val)
        *val ^= 1;
    return in;
}
