/* SPDX-License-Identifier: MIT */
/*
 * fdt.h - just enough of a flattened device tree reader to learn how much
 * RAM QEMU gave the board (the /memory node's reg), so the firmware can
 * refuse to run when it was linked for more RAM than it has.
 *
 * Plain C over a byte buffer: no hardware, builds on the host.
 */
#ifndef TIDEMARK_FDT_H
#define TIDEMARK_FDT_H

#include <stddef.h>
#include <stdint.h>

enum {
    FDT_OK = 0,
    FDT_ERR_HEADER = -1,   /* no FDT magic, or offsets outside totalsize   */
    FDT_ERR_STRUCT = -2,   /* the structure block is malformed             */
    FDT_ERR_NO_MEMORY = -3 /* no top-level memory node with a usable reg   */
};

/*
 * Find the first top-level node named "memory" or "memory@..." and return
 * the base and size of its first reg entry, read with the root's
 * #address-cells and #size-cells (1 or 2 each; 2 and 1 by default as the
 * spec says).  Returns FDT_OK, or an FDT_ERR_* code (then *base and *size
 * are unchanged).  Reads at most the blob's totalsize bytes.
 */
int fdt_memory(const void *blob, uint64_t *base, uint64_t *size);

#endif /* TIDEMARK_FDT_H */
