/* SPDX-License-Identifier: MIT */
/*
 * trap.h - what the firmware does on a trap (an exception or an interrupt).
 *
 * The firmware expects none: machine-mode interrupts stay off and nothing is
 * meant to fault.  So the trap entry (board/start.S) switches to a stack of
 * its own and calls trap_report(), which prints on the UART, without stdio,
 *
 *   *** trap: <cause name> (mcause=0x<hex>)
 *   *** mepc=0x<hex> mtval=0x<hex> sp=0x<hex>
 * (each register in as many hex digits as it is wide: 16 on rv64, 8 on rv32)
 *   *** stopping: exit status <n>
 *
 * and ends QEMU with exit status BOARD_STATUS_TRAP_BASE + the exception
 * code, BOARD_STATUS_INTERRUPT for an interrupt, or BOARD_STATUS_TRAP_NESTED
 * for a trap inside trap_report, after which nothing more is printed
 * (status.h).
 *
 * A stack overflow hits the guard page below the stack (a locked PMP entry,
 * see start.S): a store/load access fault with mtval in that page.
 */
#ifndef TIDEMARK_TRAP_H
#define TIDEMARK_TRAP_H

#include <stdint.h>

#include "status.h"

/* Name of a trap cause ("illegal instruction", ...), or "unknown". */
const char *trap_cause_name(uintptr_t mcause);

/* Exit status for a trap with this mcause (see above). */
int trap_status(uintptr_t mcause);

/* Called by the trap entry with the CSRs and sp, each XLEN bits (uintptr_t
 * on both widths); prints and ends QEMU.  Never returns. */
__attribute__((noreturn)) void trap_report(uintptr_t mcause, uintptr_t mepc, uintptr_t mtval,
                                           uintptr_t sp);

/* Deliberate traps, for the console's hidden `trap` command (and its tests):
 * each ends in trap_report. */
__attribute__((noreturn)) void trap_illegal_instruction(void);
/* A load from ram_end, the first address past the RAM QEMU gave (nothing
 * is mapped there on virt): a load access fault with mtval = ram_end. */
__attribute__((noreturn)) void trap_load_past_ram(uintptr_t ram_end);
__attribute__((noreturn)) void trap_stack_overflow(void);
__attribute__((noreturn)) void trap_breakpoint(void);

#endif /* TIDEMARK_TRAP_H */
