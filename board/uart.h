/* SPDX-License-Identifier: MIT */
/*
 * uart.h - the NS16550A UART of QEMU's virt board (UART0 at 0x10000000),
 * polled, no interrupts, and picolibc's stdin/stdout/stderr on top of it.
 *
 * Polling keeps the firmware single-threaded: output waits for room in the
 * transmitter, input waits for a byte.  Under QEMU neither loses data: QEMU
 * hands the UART a host byte only when the receiver has room for it.
 */
#ifndef TIDEMARK_UART_H
#define TIDEMARK_UART_H

#include <stddef.h>

/* Physical address of UART0 on virt. */
#define UART0_BASE 0x10000000UL

/* Set 8 data bits, no parity, one stop bit, interrupts off; the FIFOs are
 * left as they are (off after reset) so no received byte is dropped.
 * Safe to call more than once. */
void uart_init(void);

/* Send one byte, waiting until the transmitter has room. */
void uart_putc(char c);

/* Send n bytes, in order. */
void uart_write(const char *s, size_t n);

/* Send a NUL-terminated string. */
void uart_puts(const char *s);

/* The next received byte (0..255), waiting for one to arrive. */
int uart_getc(void);

#endif /* TIDEMARK_UART_H */
