/* SPDX-License-Identifier: MIT */
/*
 * fdt.c - the /memory node of a flattened device tree (see fdt.h).
 *
 * Format facts used (Devicetree Specification, "Flattened Devicetree
 * Format"): a big-endian header (magic 0xd00dfeed, totalsize,
 * off_dt_struct, off_dt_strings, ..., size_dt_strings at word 8,
 * size_dt_struct at word 9); the structure block is a sequence of 32-bit
 * tokens: BEGIN_NODE (1) + NUL-terminated name padded to 4, END_NODE (2),
 * PROP (3) + len + nameoff + value padded to 4, NOP (4), END (9).
 */
#include "fdt.h"

#include <stdbool.h>
#include <string.h>

#define FDT_MAGIC 0xd00dfeedu
#define TOK_BEGIN_NODE 1u
#define TOK_END_NODE 2u
#define TOK_PROP 3u
#define TOK_NOP 4u
#define TOK_END 9u

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A number of cells (1 or 2) at p. */
static uint64_t cells(const uint8_t *p, uint32_t n)
{
    return n == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

/* Length of the NUL-terminated string at p, or max if no NUL in max bytes
 * (strnlen is POSIX, not C11). */
static size_t bounded_len(const uint8_t *p, size_t max)
{
    size_t n = 0;
    while (n < max && p[n] != 0)
        n++;
    return n;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

int fdt_memory(const void *blob, uint64_t *base, uint64_t *size)
{
    const uint8_t *b = blob;
    if (!b || be32(b) != FDT_MAGIC)
        return FDT_ERR_HEADER;
    uint32_t total = be32(b + 4);
    uint32_t off_struct = be32(b + 8), off_strings = be32(b + 12);
    uint32_t size_strings = be32(b + 32), size_struct = be32(b + 36);
    if (total < 40 || off_struct > total || size_struct > total - off_struct ||
        off_strings > total || size_strings > total - off_strings)
        return FDT_ERR_HEADER;

    const uint8_t *s = b + off_struct;
    const uint8_t *strings = b + off_strings;
    size_t pos = 0, end = size_struct;
    int depth = 0;
    bool in_memory = false;
    uint32_t addr_cells = 2, size_cells = 1;

    while (pos + 4 <= end) {
        uint32_t tok = be32(s + pos);
        pos += 4;
        if (tok == TOK_BEGIN_NODE) {
            const uint8_t *name = s + pos;
            size_t n = bounded_len(name, end - pos);
            if (n == end - pos)
                return FDT_ERR_STRUCT;
            pos += pad4(n + 1);
            depth++;
            in_memory = depth == 2 && (n == 6 || (n > 6 && name[6] == '@')) &&
                        memcmp(name, "memory", 6) == 0;
        } else if (tok == TOK_END_NODE) {
            if (depth == 0)
                return FDT_ERR_STRUCT;
            depth--;
            in_memory = false;
        } else if (tok == TOK_PROP) {
            if (pos + 8 > end)
                return FDT_ERR_STRUCT;
            uint32_t len = be32(s + pos), nameoff = be32(s + pos + 4);
            pos += 8;
            if (len > end - pos || nameoff >= size_strings)
                return FDT_ERR_STRUCT;
            const char *pname = (const char *)strings + nameoff;
            size_t maxname = size_strings - nameoff;
            const uint8_t *val = s + pos;
            pos += pad4(len);
            if (depth == 1 && len == 4 && strncmp(pname, "#address-cells", maxname) == 0)
                addr_cells = be32(val);
            else if (depth == 1 && len == 4 && strncmp(pname, "#size-cells", maxname) == 0)
                size_cells = be32(val);
            else if (in_memory && strncmp(pname, "reg", maxname) == 0) {
                if (addr_cells < 1 || addr_cells > 2 || size_cells < 1 || size_cells > 2 ||
                    len < 4 * (addr_cells + size_cells))
                    return FDT_ERR_NO_MEMORY;
                *base = cells(val, addr_cells);
                *size = cells(val + 4 * addr_cells, size_cells);
                return FDT_OK;
            }
        } else if (tok == TOK_NOP) {
            continue;
        } else if (tok == TOK_END) {
            break;
        } else {
            return FDT_ERR_STRUCT;
        }
    }
    return FDT_ERR_NO_MEMORY;
}
