/* SPDX-License-Identifier: MIT */
/*
 * status.h - the exit statuses the firmware ends QEMU with, one list
 * (docs/console.md quotes it).  The host sees them through the test
 * finisher (finisher.h) as QEMU's own exit status.
 *
 *   0..255   `exit [CODE]` at the console: main returns the code;
 *   the rest, from 96 on, the firmware's own failures below.
 * A status of 96 or more from `exit` reads like one of these; the `***` or
 * `ERR` lines on the UART tell them apart.
 */
#ifndef TIDEMARK_STATUS_H
#define TIDEMARK_STATUS_H

enum board_status {
    /* main: the arena or the console could not be set up (a build problem) */
    BOARD_STATUS_SETUP_FAILED = 96,
    /* main: QEMU gave less RAM than the image needs (its code, data and
     * stack, plus the arena's linked size) */
    BOARD_STATUS_RAM_TOO_SMALL = 97,
    /* the trap handler: a trap inside trap_report (trap.h) */
    BOARD_STATUS_TRAP_NESTED = 98,
    /* the trap handler: an interrupt, which the firmware never enables */
    BOARD_STATUS_INTERRUPT = 99,
    /* the trap handler: this + the exception code (mcause 0..63 gives
     * 100..163; e.g. 102 illegal instruction, 105 load access fault, 107
     * store access fault) */
    BOARD_STATUS_TRAP_BASE = 100
};

#endif /* TIDEMARK_STATUS_H */
