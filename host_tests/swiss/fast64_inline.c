/* SPDX-License-Identifier: MIT */
/*
 * fast64_inline.c - the inline side of fast64.exported_lookup_agrees_with_
 * inline.  CMake compiles this file at -O2 in every build, the sanitizer
 * build (-O0) included: at -O0 GCC inlines nothing, so a call here would
 * reach the library's copy and the test would compare that copy with
 * itself.  At -O2 the header's definition is folded in here, which the
 * test's broken-export twin (fast64_broken_export.c) proves: it changes
 * only what the exported symbol answers, and the test must then fail.
 */
#include "fast64_inline.h"

/* flatten: inlined whatever GCC's size limits say, which the sanitizers'
 * checks make the lookup exceed (-Winline: max-inline-insns-single). */
__attribute__((flatten)) bool inline_get_u64(struct swiss *m, uint64_t key, uint64_t *val)
{
    return swiss_get_u64(m, key, val);
}
