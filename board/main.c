/* SPDX-License-Identifier: MIT */
/*
 * main.c - the tidemark firmware: banner, the seed experiment's table and
 * scenario 2 in pictures, then the console on the UART until `exit`.
 *
 * Reached from picolibc's crt0-hosted (after board/start.S), which calls
 * exit(main()), so main's return value becomes QEMU's exit status through
 * _exit and the test finisher (board/finisher.c).
 *
 * Exit statuses: status.h.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "bench.h"
#include "console.h"
#include "experiment.h"
#include "experiment_swiss.h"
#include "fdt.h"
#include "instret.h"
#include "page_size.h"
#include "stack.h"
#include "status.h"
#include "trap.h"
#include "uart.h"

#ifndef TIDEMARK_VERSION
#error "TIDEMARK_VERSION must come from the build (CMake's PROJECT_VERSION)"
#endif


/* Linker script symbols (linker/virt.ld): only their addresses mean anything. */
extern uint8_t __ram_start[], __ram_end[];
extern uint8_t __arena_start[], __arena_end[];
extern uint8_t __bss_end[];
extern uint8_t __stack_guard[], __stack_bottom[];

static struct arena arena;
static struct console console;
static struct experiment_result boot_table;
static uintptr_t ram_end; /* past the RAM QEMU gave: `trap load` reads it */

/* The experiment's own region (experiment.h): apart from the console's
 * arena, so the table reads the same at boot and at every `demo`. */
static uint8_t experiment_region[EXPERIMENT_REGION_SIZE] __attribute__((aligned(TIDEMARK_PAGE_SIZE)));

static void uart_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    uart_write(s, n);
}

static void stack_figures(void *ctx, size_t *used, size_t *size)
{
    (void)ctx;
    *used = board_stack_used();
    *size = board_stack_size();
}

/* The instruction counter for `bench` (instret.h: exact only under QEMU's
 * -icount shift=0, which main checks once at boot). */
static uint64_t read_instret(void *ctx)
{
    (void)ctx;
    return instret_read();
}

static void deliberate_trap(void *ctx, enum console_trap kind)
{
    (void)ctx;
    switch (kind) {
    case CONSOLE_TRAP_ILLEGAL:
        trap_illegal_instruction();
    case CONSOLE_TRAP_LOAD:
        trap_load_past_ram(ram_end);
    case CONSOLE_TRAP_EBREAK:
        trap_breakpoint();
    case CONSOLE_TRAP_STACK:
        trap_stack_overflow();
    }
}

/* The device tree QEMU passed in a1 (start.S kept it in mscratch). */
static const void *boot_dtb(void)
{
    uintptr_t p;
    __asm__ volatile("csrr %0, mscratch"
                     : "=r"(p));
    return (const void *)p;
}

/* The RAM QEMU gave, from the device tree's /memory node. */
struct ram {
    uintptr_t base;
    uintptr_t end; /* one past the last byte the arena may use */
    uint64_t size; /* as the device tree says (may pass 4 GiB on rv64) */
};

/*
 * Learn the RAM from the device tree and refuse to run on less than the
 * image needs: its code and data, the stack and the arena's linked size
 * (TIDEMARK_ARENA_SIZE, the floor), which end at __arena_end.  An unreadable
 * device tree is only a warning: then the RAM is what the image was linked
 * for (TIDEMARK_RAM_MB).  On rv32 the arena stops at the top of the address
 * space, whatever lies beyond.  Returns 0 or -1 (the reason printed).
 */
static int find_ram(struct ram *r)
{
    uint64_t base = 0, size = 0;
    uintptr_t need_lo = (uintptr_t)__ram_start, need_hi = (uintptr_t)__arena_end;
    int rc = fdt_memory(boot_dtb(), &base, &size);
    if (rc != FDT_OK) {
        printf("warning: no memory node in the device tree (%d); assuming the linked %" PRIuPTR
               " bytes\n",
               rc, (uintptr_t)(__ram_end - __ram_start));
        *r = (struct ram){need_lo, (uintptr_t)__ram_end, (uint64_t)(__ram_end - __ram_start)};
        return 0;
    }
    uint64_t end = base + size;
    uint64_t top = (uint64_t)UINTPTR_MAX - (TIDEMARK_PAGE_SIZE - 1); /* the last whole page's end */
    if (end > top)
        end = top;
    if (base > need_lo || end < need_hi) {
        printf("ERR this image needs RAM 0x%" PRIxPTR "..0x%" PRIxPTR
               " but QEMU gave 0x%" PRIx64 "..0x%" PRIx64 ": boot it with -m %" PRIuPTR "M\n",
               need_lo, need_hi, base, base + size, ((need_hi - need_lo) + (1u << 20) - 1) >> 20);
        return -1;
    }
    *r = (struct ram){(uintptr_t)base, (uintptr_t)end, size};
    return 0;
}

int main(void)
{
    uart_init();

    printf("tidemark %s: Go's map memory, byte by byte, on bare metal\n", TIDEMARK_VERSION);
    printf("board: QEMU riscv%d virt, machine mode, hart 0 (other harts parked), picolibc\n",
           __riscv_xlen);
    struct ram ram;
    if (find_ram(&ram) != 0)
        return BOARD_STATUS_RAM_TOO_SMALL;
    ram_end = (uintptr_t)(ram.base + ram.size);
    printf("ram: base=0x%08" PRIxPTR " size=%" PRIu64 " (%" PRIu64 " MiB, from the device tree)\n",
           ram.base, ram.size, ram.size >> 20);

    /* The arena's region: everything from its linked start to the end of
     * the RAM (the linked size is the least it gets).  The device tree QEMU
     * put near the top of RAM was read above, before the arena touches it.
     * The top BENCH_REGION_BYTES of the region are the bench's own, so that
     * `bench` moves no figure of the console's arena; a region too small
     * for both is all the console's, and `bench` says it has none. */
    size_t region_size = (size_t)(ram.end - (uintptr_t)__arena_start);
    size_t arena_size = region_size;
    uint8_t *bench_region = NULL;
    if (region_size >= BENCH_REGION_BYTES + 2 * TIDEMARK_PAGE_SIZE) {
        arena_size = region_size - BENCH_REGION_BYTES;
        bench_region = __arena_start + arena_size;
    }
    int rc = arena_init(&arena, __arena_start, arena_size, TIDEMARK_PAGE_SIZE);
    if (rc != 0) {
        printf("ERR arena_init: %s\n", arena_strerror(rc));
        return BOARD_STATUS_SETUP_FAILED;
    }
    struct arena_stats as;
    arena_get_stats(&arena, &as);
    printf("image: base=0x%08" PRIxPTR " end=0x%08" PRIxPTR "\n", (uintptr_t)__ram_start,
           (uintptr_t)__bss_end);
    printf("stack: base=0x%08" PRIxPTR " size=%zu guard=0x%08" PRIxPTR " (4096 bytes, faults)\n",
           (uintptr_t)__stack_bottom, board_stack_size(), (uintptr_t)__stack_guard);
    /* Each line within 80 columns: the figures first, what they mean on a
     * line of its own. */
    printf("arena: base=0x%08" PRIxPTR " size=%zu page=%zu capacity=%zu\n"
           "       (%zu MiB: the RAM above the stack, but the bench's)\n",
           (uintptr_t)__arena_start, arena_size, as.page_size, as.capacity, arena_size >> 20);
    bool exact = instret_exact();
    if (bench_region)
        printf("bench: base=0x%08" PRIxPTR " size=%u (its own: the top of the arena's region)\n"
               "       instruction counter %s\n",
               (uintptr_t)bench_region, BENCH_REGION_BYTES,
               exact ? "exact (-icount shift=0)" : "not exact (bench refuses)");
    else
        printf("bench: no region (the arena's region is smaller than %u bytes)\n",
               BENCH_REGION_BYTES + 2 * TIDEMARK_PAGE_SIZE);
    printf("\n");

    /* The boot prints both generations' tables and the churn, which fit two
     * screens; scenario 2's pictures are `demo`'s. */
    (void)experiment_run(experiment_region, sizeof experiment_region, &boot_table);
    experiment_print(&boot_table, uart_sink, NULL);
    printf("\n");
    (void)experiment_swiss_print(experiment_region, sizeof experiment_region, uart_sink, NULL);
    printf("\n");
    if (bench_region && experiment_churn_region(CHURN_BOOT_KEYS) <= BENCH_REGION_BYTES) {
        (void)experiment_churn_print(bench_region, BENCH_REGION_BYTES, CHURN_BOOT_KEYS,
                                     uart_sink, NULL);
        printf("\n");
    }

    struct console_config cfg = {
        .write = uart_sink,
        .ctx = NULL,
        .arena = &arena,
        .stack = stack_figures,
        .instret = read_instret,
        .instret_exact = exact,
        .bench_region = bench_region,
        .bench_size = bench_region ? BENCH_REGION_BYTES : 0,
        .trap = deliberate_trap,
        .demo_region = experiment_region,
        .demo_size = sizeof experiment_region,
    };
    rc = console_init(&console, &cfg);
    if (rc != 0) {
        printf("ERR console_init: %s\n", console_strerror(rc));
        return BOARD_STATUS_SETUP_FAILED;
    }
    printf("console: type help for the commands; exit [CODE] ends QEMU\n");
    console_prompt(&console);
    while (console_feed(&console, (unsigned char)uart_getc())) {
    }
    return console_exit_code(&console);
}
