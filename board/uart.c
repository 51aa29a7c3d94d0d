/* SPDX-License-Identifier: MIT */
/*
 * uart.c - NS16550A UART0 of QEMU's virt board, polled; picolibc's standard
 * streams on it.
 *
 * Registers used (byte offsets from UART0_BASE):
 *   0 RBR (read) / THR (write) / DLL (when LCR.DLAB)
 *   1 IER / DLM (when LCR.DLAB)
 *   2 FCR (write; left alone, see uart_init)
 *   3 LCR
 *   5 LSR: bit 0 data ready, bit 5 transmit holding register empty
 */
#include "uart.h"

#include <stdint.h>
#include <stdio.h>

#define REG_RBR 0
#define REG_THR 0
#define REG_DLL 0
#define REG_IER 1
#define REG_DLM 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_LSR 5

#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

static inline volatile uint8_t *reg(unsigned off)
{
    return (volatile uint8_t *)(UART0_BASE + off);
}

void uart_init(void)
{
    *reg(REG_IER) = 0;
    /* The divisor means nothing to QEMU; set one anyway (38400 baud from the
     * 1.8432 MHz clock) so the register state is that of real hardware. */
    *reg(REG_LCR) = LCR_DLAB;
    *reg(REG_DLL) = 3;
    *reg(REG_DLM) = 0;
    *reg(REG_LCR) = LCR_8N1;
    /* FCR is not written: turning the FIFOs on makes the UART (QEMU's
     * included) clear them, which would drop a byte that arrived before this
     * point, e.g. the first byte of a script piped in at boot.  Without the
     * FIFO the receiver holds one byte, and QEMU hands it the next only once
     * it has been read, so polling loses nothing. */
}

void uart_putc(char c)
{
    while ((*reg(REG_LSR) & LSR_THR_EMPTY) == 0) {
    }
    *reg(REG_THR) = (uint8_t)c;
}

void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        uart_putc(s[i]);
}

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

int uart_getc(void)
{
    while ((*reg(REG_LSR) & LSR_DATA_READY) == 0) {
    }
    return *reg(REG_RBR);
}

/* picolibc stdio: one unbuffered read/write stream for all three. */
static int stdio_put(char c, FILE *f)
{
    (void)f;
    uart_putc(c);
    return (unsigned char)c;
}

static int stdio_get(FILE *f)
{
    (void)f;
    return uart_getc();
}

static FILE uart_stream = FDEV_SETUP_STREAM(stdio_put, stdio_get, NULL, _FDEV_SETUP_RW);

FILE *const stdin = &uart_stream;
FILE *const stdout = &uart_stream;
FILE *const stderr = &uart_stream;
