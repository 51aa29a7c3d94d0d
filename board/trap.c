/* SPDX-License-Identifier: MIT */
/*
 * trap.c - report a trap on the UART and end QEMU (see trap.h).
 *
 * Uses only uart_putc: stdio might be what was running when the trap came.
 */
#include "trap.h"

#include <stdbool.h>

#include "finisher.h"
#include "uart.h"

/* mcause's top bit (XLEN - 1) marks an interrupt. */
#define XLEN_BITS (sizeof(uintptr_t) * 8)
#define MCAUSE_INTERRUPT ((uintptr_t)1 << (XLEN_BITS - 1))

/* Exception codes of the privileged spec (1.12). */
static const char *const exception_names[] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store/AMO address misaligned",
    [7] = "store/AMO access fault",
    [8] = "environment call from U-mode",
    [9] = "environment call from S-mode",
    [11] = "environment call from M-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store/AMO page fault",
};

static const char *const interrupt_names[] = {
    [1] = "supervisor software interrupt",
    [3] = "machine software interrupt",
    [5] = "supervisor timer interrupt",
    [7] = "machine timer interrupt",
    [9] = "supervisor external interrupt",
    [11] = "machine external interrupt",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *trap_cause_name(uintptr_t mcause)
{
    uintptr_t code = mcause & ~MCAUSE_INTERRUPT;
    const char *name = NULL;
    if (mcause & MCAUSE_INTERRUPT) {
        if (code < COUNT(interrupt_names))
            name = interrupt_names[code];
    } else if (code < COUNT(exception_names)) {
        name = exception_names[code];
    }
    return name ? name : "unknown";
}

int trap_status(uintptr_t mcause)
{
    if (mcause & MCAUSE_INTERRUPT)
        return BOARD_STATUS_INTERRUPT;
    uintptr_t code = mcause & 63; /* codes 0..63 keep the status in 100..163 */
    return BOARD_STATUS_TRAP_BASE + (int)code;
}

/* v in hex, as many digits as a register is wide. */
static void put_hex(uintptr_t v)
{
    uart_putc('0');
    uart_putc('x');
    for (int i = (int)XLEN_BITS / 4 - 1; i >= 0; i--)
        uart_putc("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

static void put_dec(unsigned v)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        uart_putc(buf[--n]);
}

static volatile bool in_trap;

void trap_report(uintptr_t mcause, uintptr_t mepc, uintptr_t mtval, uintptr_t sp)
{
    if (in_trap)
        finisher_exit(BOARD_STATUS_TRAP_NESTED);
    in_trap = true;

    int status = trap_status(mcause);
    uart_puts("\n*** trap: ");
    uart_puts(trap_cause_name(mcause));
    uart_puts(" (mcause=");
    put_hex(mcause);
    uart_puts(")\n*** mepc=");
    put_hex(mepc);
    uart_puts(" mtval=");
    put_hex(mtval);
    uart_puts(" sp=");
    put_hex(sp);
    uart_puts("\n*** stopping: exit status ");
    put_dec((unsigned)status);
    uart_putc('\n');
    finisher_exit(status);
}

/* --- deliberate traps ---------------------------------------------------- */

void trap_illegal_instruction(void)
{
    /* `unimp` (csrrw zero, cycle, zero): writing the read-only cycle CSR is
     * illegal; QEMU puts the instruction's bits, 0xc0001073, in mtval. */
    __asm__ volatile(".4byte 0xc0001073");
    __builtin_unreachable();
}

void trap_load_past_ram(uintptr_t ram_end)
{
    volatile uint8_t *p = (volatile uint8_t *)ram_end;
    (void)*p;
    __builtin_unreachable();
}

void trap_breakpoint(void)
{
    __asm__ volatile("ebreak");
    __builtin_unreachable();
}

/* Recursion with a frame the compiler cannot drop, until the stack reaches
 * the guard page.  The volatile limit (never reached) keeps the compiler
 * from proving the recursion infinite. */
static volatile unsigned recurse_limit = ~0u;

static unsigned recurse(volatile uint8_t *prev, unsigned depth)
{
    volatile uint8_t frame[256];
    if (depth == recurse_limit)
        return 0;
    frame[0] = (uint8_t)depth;
    frame[255] = prev ? prev[0] : 0;
    return recurse(frame, depth + 1) + frame[255];
}

void trap_stack_overflow(void)
{
    (void)recurse(NULL, 0);
    __builtin_unreachable();
}
