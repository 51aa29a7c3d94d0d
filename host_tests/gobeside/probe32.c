/* SPDX-License-Identifier: MIT */
/*
 * probe32.c - tidemark's figures for gomem's steps on a 32-bit build
 * (gcc -m32 of steps.c, swiss/ and arena/; run under qemu-i386 where the
 * kernel runs no 32-bit programs), for test_steps.c to hold against Go's
 * GOARCH=386 figures.  Prints:
 *
 *   ptr <sizeof(void *)> <SWISS_GO_MAP_BYTES> <SWISS_GO_TABLE_BYTES>
 *   steps <type> <hint> <step> <len> <alloc_bytes> <bytes> <in_use> <small>
 *         <dir_len> <tables> <groups> <group_size>
 *
 * and exits 0, or prints what failed on stderr and exits 1.
 */
#include <stdio.h>

#include "steps.h"

static struct gb_figures figures[GB_TYPES][GB_HINTS][GB_STEPS];

int main(void)
{
    const char *err = gb_run_steps(figures);
    if (err != NULL) {
        fprintf(stderr, "probe32: %s\n", err);
        return 1;
    }
    printf("ptr %zu %u %u\n", sizeof(void *), SWISS_GO_MAP_BYTES, SWISS_GO_TABLE_BYTES);
    for (size_t t = 0; t < GB_TYPES; t++)
        for (size_t h = 0; h < GB_HINTS; h++)
            for (size_t s = 0; s < GB_STEPS; s++) {
                const struct gb_figures *f = &figures[t][h][s];
                printf("steps %s %zu %s %zu %zu %zu %zu %d %zu %zu %zu %zu\n",
                       gb_type_names[t], gb_hints[h], gb_step_names[s], f->s.len,
                       f->s.alloc_bytes, f->s.bytes, f->in_use, (int)f->s.small,
                       f->s.dir_len, f->s.tables, f->s.groups, f->s.group_size);
            }
    return fflush(stdout) == 0 ? 0 : 1;
}
