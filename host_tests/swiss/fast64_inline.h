/* SPDX-License-Identifier: MIT */
/*
 * fast64_inline.h - swiss_get_u64 as a caller's compiler inlines it, for
 * the test that holds the inline definition (swiss_probe.h) and the
 * library's exported copy to the same answers.
 */
#ifndef TIDEMARK_SWISS_FAST64_INLINE_H
#define TIDEMARK_SWISS_FAST64_INLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "swiss.h"

/* swiss_get_u64(m, key, val), with the header's definition inlined here
 * (fast64_inline.c is always compiled at -O2). */
bool inline_get_u64(struct swiss *m, uint64_t key, uint64_t *val);

#endif /* TIDEMARK_SWISS_FAST64_INLINE_H */
