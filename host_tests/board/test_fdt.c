/* SPDX-License-Identifier: MIT */
/*
 * test_fdt.c - the device tree reader the firmware uses to check its RAM,
 * on blobs built here, well-formed and broken.  (QEMU's own virt device
 * tree is read in test_qemu.c, with the suites that need QEMU.)
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "fdt.h"

/* --- a tiny FDT writer ---------------------------------------------------- */

struct blob {
    uint8_t s[1024];
    size_t sl;
    char str[256];
    size_t strl;
};

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void tok(struct blob *b, uint32_t t)
{
    put32(b->s + b->sl, t);
    b->sl += 4;
}

static void node(struct blob *b, const char *name)
{
    tok(b, 1);
    size_t n = strlen(name) + 1;
    memcpy(b->s + b->sl, name, n);
    b->sl += (n + 3) & ~(size_t)3;
}

static void prop(struct blob *b, const char *name, const uint32_t *cells, size_t ncells)
{
    tok(b, 3);
    tok(b, (uint32_t)(ncells * 4));
    tok(b, (uint32_t)b->strl);
    size_t n = strlen(name) + 1;
    memcpy(b->str + b->strl, name, n);
    b->strl += n;
    for (size_t i = 0; i < ncells; i++)
        tok(b, cells[i]);
}

/* Header (40 bytes) + struct + strings into out; returns the size. */
static size_t finish(struct blob *b, uint8_t *out)
{
    size_t off_struct = 40, off_strings = 40 + b->sl, total = off_strings + b->strl;
    memset(out, 0, 40);
    put32(out, 0xd00dfeed);
    put32(out + 4, (uint32_t)total);
    put32(out + 8, (uint32_t)off_struct);
    put32(out + 12, (uint32_t)off_strings);
    put32(out + 32, (uint32_t)b->strl);
    put32(out + 36, (uint32_t)b->sl);
    memcpy(out + off_struct, b->s, b->sl);
    memcpy(out + off_strings, b->str, b->strl);
    return total;
}

static uint32_t cells2[] = {2}, cells1[] = {1};

Test(fdt, memory_node_with_two_cells)
{
    struct blob b = {0};
    uint8_t out[2048];
    node(&b, "");
    prop(&b, "#address-cells", cells2, 1);
    prop(&b, "#size-cells", cells2, 1);
    node(&b, "cpus");
    node(&b, "memory@0"); /* depth 2: not the top-level memory node */
    uint32_t wrong[] = {0, 1, 0, 1};
    prop(&b, "reg", wrong, 4);
    tok(&b, 2);
    tok(&b, 2);
    tok(&b, 4); /* NOP */
    node(&b, "memory@80000000");
    uint32_t reg[] = {0, 0x80000000u, 0, 0x08000000u};
    prop(&b, "device_type", reg, 1);
    prop(&b, "reg", reg, 4);
    tok(&b, 2);
    tok(&b, 2);
    tok(&b, 9);
    finish(&b, out);
    uint64_t base = 1, size = 1;
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_OK);
    cr_assert_eq(base, 0x80000000u);
    cr_assert_eq(size, 128u << 20);
}

Test(fdt, one_cell_sizes_and_plain_memory_name)
{
    struct blob b = {0};
    uint8_t out[2048];
    node(&b, "");
    prop(&b, "#address-cells", cells1, 1);
    prop(&b, "#size-cells", cells1, 1);
    node(&b, "memoryx"); /* not "memory" nor "memory@..." */
    uint32_t bad[] = {1, 2};
    prop(&b, "reg", bad, 2);
    tok(&b, 2);
    node(&b, "memory");
    uint32_t reg[] = {0x40000000u, 0x01000000u};
    prop(&b, "reg", reg, 2);
    tok(&b, 2);
    tok(&b, 2);
    tok(&b, 9);
    finish(&b, out);
    uint64_t base = 0, size = 0;
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_OK);
    cr_assert_eq(base, 0x40000000u);
    cr_assert_eq(size, 0x01000000u);
}

Test(fdt, broken_blobs_are_refused)
{
    uint64_t base = 7, size = 7;
    uint8_t zero[64] = {0};
    cr_assert_eq(fdt_memory(NULL, &base, &size), FDT_ERR_HEADER);
    cr_assert_eq(fdt_memory(zero, &base, &size), FDT_ERR_HEADER);

    struct blob b = {0};
    uint8_t out[2048];
    node(&b, "");
    tok(&b, 2);
    tok(&b, 9);
    size_t total = finish(&b, out);
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_ERR_NO_MEMORY);

    /* Offsets past totalsize. */
    put32(out + 4, (uint32_t)total - 8);
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_ERR_HEADER);

    /* An unknown token. */
    struct blob c = {0};
    node(&c, "");
    tok(&c, 77);
    finish(&c, out);
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_ERR_STRUCT);

    /* A property longer than the structure block. */
    struct blob d = {0};
    node(&d, "");
    tok(&d, 3);
    tok(&d, 4000);
    tok(&d, 0);
    finish(&d, out);
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_ERR_STRUCT);

    /* END_NODE without a node. */
    struct blob e = {0};
    tok(&e, 2);
    finish(&e, out);
    cr_assert_eq(fdt_memory(out, &base, &size), FDT_ERR_STRUCT);

    cr_assert_eq(base, 7, "failures leave *base alone");
    cr_assert_eq(size, 7);
}
