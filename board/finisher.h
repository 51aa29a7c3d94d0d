/* SPDX-License-Identifier: MIT */
/*
 * finisher.h - QEMU virt's test finisher (sifive_test at 0x100000): the way
 * the firmware ends QEMU with an exit status.
 *
 * Exit status seen by the host:
 *   0          for code 0
 *   code & 255 for any other code, except that a non-zero code whose low
 *              8 bits are 0 (256, 512, ...) gives 255: a failure must never
 *              read as success.
 * Statuses the firmware itself uses:
 *   0..255   `exit [CODE]` at the console (main returns the code);
 *   96       main: the arena or the console could not be set up;
 *   97       main: QEMU gave less RAM than the image was linked for;
 *   98       the trap handler: a trap inside the trap handler (trap.h);
 *   99       the trap handler: an interrupt, which the firmware never enables;
 *   100..163 the trap handler: 100 + the exception code (trap.h).
 * A status of 96 or more from `exit` reads like one of these; the `***` or
 * `ERR` lines on the UART tell them apart.
 */
#ifndef TIDEMARK_FINISHER_H
#define TIDEMARK_FINISHER_H

/* Physical address of the sifive_test device on virt. */
#define FINISHER_BASE 0x100000UL

/* End QEMU with the status above.  Never returns (if the write somehow does
 * not stop QEMU, the hart waits forever). */
__attribute__((noreturn)) void finisher_exit(int code);

/* The status finisher_exit(code) gives the host (see above). */
int finisher_status(int code);

#endif /* TIDEMARK_FINISHER_H */
