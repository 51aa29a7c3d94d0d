/* SPDX-License-Identifier: MIT */
/*
 * finisher.c - end QEMU through the sifive_test device, and picolibc's
 * _exit on top of it, so that main's return value (crt0-hosted calls
 * exit(main())) and `exit CODE` become QEMU's exit status.
 *
 * The device takes one 32-bit write: 0x5555 ends QEMU with status 0,
 * (code << 16) | 0x3333 ends it with status code.
 */
#include "finisher.h"

#include <stdint.h>

#define FINISHER_PASS 0x5555u
#define FINISHER_FAIL 0x3333u

int finisher_status(int code)
{
    if (code == 0)
        return 0;
    int status = code & 0xff;
    return status != 0 ? status : 255;
}

void finisher_exit(int code)
{
    volatile uint32_t *dev = (volatile uint32_t *)FINISHER_BASE;
    int status = finisher_status(code);
    *dev = status == 0 ? FINISHER_PASS : (((uint32_t)status << 16) | FINISHER_FAIL);
    for (;;)
        __asm__ volatile("wfi");
}

/* picolibc's exit() ends here, after running atexit handlers.  stdio is
 * unbuffered (board/uart.c), so nothing is left to flush. */
void _exit(int code);
void _exit(int code)
{
    finisher_exit(code);
}
