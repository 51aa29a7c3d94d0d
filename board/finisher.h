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
 * The statuses the firmware itself uses: status.h.
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
