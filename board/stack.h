/* SPDX-License-Identifier: MIT */
/*
 * stack.h - the main stack's size and its high-water mark.
 *
 * start.S fills the whole stack with STACK_PAINT before any C runs; a word
 * that no longer holds the pattern has been written.  Scanning up from the
 * bottom for the first such word gives the deepest the stack has ever been
 * (like FreeRTOS's uxTaskGetStackHighWaterMark).  A value that happens to
 * equal the pattern would be missed; with a 64-bit pattern that is
 * negligible, and it can only make the figure smaller by that one word's
 * depth if the deepest word written were exactly the pattern.
 */
#ifndef TIDEMARK_STACK_H
#define TIDEMARK_STACK_H

/* start.S includes this header too (through the C preprocessor): the
 * pattern is written once, as its two 32-bit halves (bare numbers, which the
 * assembler of either width takes), and as an unsigned 64-bit constant for
 * C.  A 64-bit start-up stores it whole, a 32-bit one half by half (low half
 * first: little-endian), so the stack reads the same 64-bit words on both. */
#define STACK_PAINT_LO 0x52535441
#define STACK_PAINT_HI 0x57415445

/* What start.S paints every 8 bytes of the stack with: "ATSREATW" as bytes. */
#ifndef __ASSEMBLER__
#define STACK_PAINT (((unsigned long long)STACK_PAINT_HI << 32) | STACK_PAINT_LO)
#endif

#ifndef __ASSEMBLER__
#include <stddef.h>

/* Bytes of the main stack (from the linker script). */
size_t board_stack_size(void);

/* Most bytes of the main stack ever used since boot: a multiple of 8. */
size_t board_stack_used(void);
#endif

#endif /* TIDEMARK_STACK_H */
