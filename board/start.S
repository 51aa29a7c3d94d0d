/* SPDX-License-Identifier: MIT */
/*
 * start.S - the first instructions of the firmware, and the trap entry.
 *
 * With `-bios none`, QEMU starts every hart at 0x80000000 in machine mode
 * with a0 = hart id and a1 = the device tree's address.  The linker script
 * puts _tidemark_entry at that address.
 *
 * Hart 0 runs the firmware; every other hart parks in a wfi loop before it
 * touches memory, so `-smp 4` boots exactly like `-smp 1`.  Machine-mode
 * interrupts stay disabled (mstatus.MIE is 0 at reset and nothing sets it),
 * so a parked hart never leaves the loop.
 *
 * Hart 0, before any C runs:
 *   1. mtvec = tidemark_trap_entry, so any fault from here on is reported
 *      (board/trap.c) instead of hanging;
 *   2. mscratch = a1, the device tree address, for main to find (picolibc's
 *      crt0 calls main(0, NULL), and .bss is zeroed after this point);
 *   3. PMP entry 0, locked, no permissions, over the 4 KiB guard page below
 *      the stack: a locked entry binds machine mode too, so a stack overflow
 *      faults (store/load access fault, mtval in the guard page) instead of
 *      silently overwriting .bss;
 *   4. the stack is painted with STACK_PAINT, so board_stack_used() can find
 *      the deepest word ever written (the high-water mark);
 *   5. jump to picolibc's _start (crt0-hosted): it sets sp = __stack and gp,
 *      copies .data, zeroes .tbss/.bss, sets tp, runs the constructors and
 *      calls exit(main(0, NULL)).
 *
 * Code that runs before gp is set must not be relaxed to gp-relative
 * addressing, hence `.option norelax`.
 *
 * The same source assembles for rv64 and rv32 (__riscv_xlen): only the
 * stack paint's stores differ.  The CSRs read here are XLEN wide on both,
 * and so are the trap_report arguments (trap.h).
 */

#include "stack.h" /* STACK_PAINT_LO, STACK_PAINT_HI */

/* pmpcfg: L (0x80) | A = NAPOT (0x18) | R = W = X = 0 */
#define PMP_LOCKED_NAPOT_NONE 0x98
/* NAPOT pmpaddr for a 4 KiB region at base: (base >> 2) | (4096 / 8 - 1). */
#define PMP_NAPOT_4K_MASK 0x1ff

    .section .text.tidemark.entry, "ax", @progbits
    .option push
    .option norelax
    .globl _tidemark_entry
    .type _tidemark_entry, @function
_tidemark_entry:
    csrr    t0, mhartid
    bnez    t0, park

    la      t0, tidemark_trap_entry
    csrw    mtvec, t0
    csrw    mscratch, a1

    la      t0, __stack_guard
    srli    t0, t0, 2
    ori     t0, t0, PMP_NAPOT_4K_MASK
    csrw    pmpaddr0, t0
    li      t0, PMP_LOCKED_NAPOT_NONE
    csrw    pmpcfg0, t0

    la      t0, __stack_bottom
    la      t1, __stack
#if __riscv_xlen == 64
    li      t2, (STACK_PAINT_HI << 32) | STACK_PAINT_LO
1:  sd      t2, 0(t0)
#else
    li      t2, STACK_PAINT_LO
    li      t3, STACK_PAINT_HI
1:  sw      t2, 0(t0)
    sw      t3, 4(t0)
#endif
    addi    t0, t0, 8
    bltu    t0, t1, 1b

    j       _start

park:
    wfi
    j       park
    .size _tidemark_entry, . - _tidemark_entry

/*
 * Trap entry (mtvec direct mode: 4-byte aligned).  The firmware never
 * expects a trap, so this never returns: it switches to the trap stack (the
 * main stack may be what overflowed), makes sure gp is right (the trap may
 * come before crt0 set it), and hands mcause, mepc, mtval and the sp at the
 * trap to trap_report(), which prints them and ends QEMU.
 */
    .text
    .balign 4
    .globl tidemark_trap_entry
    .type tidemark_trap_entry, @function
tidemark_trap_entry:
    mv      a3, sp
    la      sp, __trap_stack_top
    la      gp, __global_pointer$
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    trap_report
1:  wfi
    j       1b
    .size tidemark_trap_entry, . - tidemark_trap_entry
    .option pop
