/* SPDX-License-Identifier: MIT */
/* stack.c - see stack.h. */
#include "stack.h"

#include <stdint.h>

/* Linker script symbols: only their addresses mean anything. */
extern uint64_t __stack_bottom[];
extern uint64_t __stack[];

size_t board_stack_size(void)
{
    return (size_t)((uintptr_t)__stack - (uintptr_t)__stack_bottom);
}

size_t board_stack_used(void)
{
    const volatile uint64_t *w = __stack_bottom;
    const volatile uint64_t *top = __stack;
    while (w < top && *w == STACK_PAINT)
        w++;
    return (size_t)((uintptr_t)top - (uintptr_t)w);
}
