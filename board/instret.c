/* SPDX-License-Identifier: MIT */
/* instret.c - see instret.h. */
#include "instret.h"

#include <stddef.h>

/* Machine mode may read minstret; -misa-spec=2.2 keeps csrr in the base ISA
 * (see cmake/riscv-virt.cmake). */
uint64_t instret_read(void)
{
#if __riscv_xlen == 64
    uint64_t n;
    __asm__ volatile("csrr %0, minstret"
                     : "=r"(n));
    return n;
#else
    /* rv32: the count's halves are two CSRs; read high, low, high again
     * until the high half held still (the low half did not wrap between). */
    uint32_t hi, lo, again;
    do {
        __asm__ volatile("csrr %0, minstreth"
                         : "=r"(hi));
        __asm__ volatile("csrr %0, minstret"
                         : "=r"(lo));
        __asm__ volatile("csrr %0, minstreth"
                         : "=r"(again));
    } while (hi != again);
    return (uint64_t)hi << 32 | lo;
#endif
}

/* minstret across n turns of a two-instruction loop, read on either side:
 * 2n + 1 when every instruction counts one (the loop and the first read).
 * The reads are XLEN wide (unsigned long on both widths): on rv32 only the
 * low half, whose difference over a few thousand instructions is exact
 * modulo 2^32. */
static uint64_t count_loop(unsigned long n)
{
    unsigned long before, after;
    __asm__ volatile("csrr %0, minstret\n"
                     "1: addi %2, %2, -1\n"
                     "bnez %2, 1b\n"
                     "csrr %1, minstret\n"
                     : "=&r"(before), "=&r"(after), "+r"(n));
    return after - before;
}

bool instret_exact(void)
{
    /* Two lengths, so that a counter at a fixed multiple (shift=N) or one
     * that happened to match once (host time) both fail. */
    static const uint64_t turns[] = {1000, 2000, 1000, 2000, 1000, 2000};
    for (size_t i = 0; i < sizeof turns / sizeof turns[0]; i++)
        if (count_loop((unsigned long)turns[i]) != 2 * turns[i] + 1)
            return false;
    return true;
}
