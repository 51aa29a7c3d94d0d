/* SPDX-License-Identifier: MIT */
/*
 * qemu_run.h - boot the firmware under QEMU for a test: feed its UART a
 * script on stdin, collect what it prints, and its exit status, with a
 * timeout after which QEMU is killed.
 *
 * QEMU runs as
 *   <qemu> -M virt -m <ram>M -smp <harts> -bios none -display none
 *          -serial stdio -monitor none -kernel <elf> [extra...]
 * so the UART is the child's stdin/stdout; QEMU's own messages go to its
 * stderr, collected apart.
 */
#ifndef TIDEMARK_QEMU_RUN_H
#define TIDEMARK_QEMU_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct qemu_opts {
    const char *qemu; /* program; NULL: TIDEMARK_QEMU                  */
    const char *elf;  /* firmware; NULL: TIDEMARK_FIRMWARE_ELF         */
    unsigned ram_mb;  /* 0: TIDEMARK_RAM_MB                            */
    unsigned harts;   /* 0: 1                                          */
    double timeout_s; /* 0: QEMU_RUN_DEFAULT_TIMEOUT                   */
    /* More QEMU arguments after the others (e.g. "-icount", "shift=0"),
     * NULL-terminated; NULL: none.  At most QEMU_RUN_MAX_EXTRA. */
    const char *const *extra;
};

#define QEMU_RUN_MAX_EXTRA 8

#define QEMU_RUN_DEFAULT_TIMEOUT 20.0

struct qemu_result {
    char *out; /* UART output, NUL-terminated (malloc'd)        */
    size_t out_len;
    char *err; /* QEMU's stderr, NUL-terminated (malloc'd)      */
    size_t err_len;
    int status;     /* exit status when exited, else -1              */
    int signal;     /* signal that ended it (e.g. SIGKILL), else 0   */
    bool timed_out; /* killed after timeout_s                        */
    double seconds; /* wall time of the run                          */
};

/*
 * Boot, write input (n bytes) to the UART, close stdin, and wait for QEMU
 * to end or for the timeout (then kill it).  Input is written as fast as
 * QEMU reads it: with its UART's FIFO off, QEMU takes a byte from the pipe
 * only when the firmware has read the previous one, so the pipe holds the
 * rest and nothing is dropped.  Returns 0 when QEMU ran (look at *r for how
 * it ended), -1 when it could not be started (errno set; EINVAL for more
 * than QEMU_RUN_MAX_EXTRA extra arguments).  Free *r with qemu_result_free.
 */
int qemu_run(const struct qemu_opts *o, const char *input, size_t n, struct qemu_result *r);

void qemu_result_free(struct qemu_result *r);

/* The firmware path the tests use, and whether it is a readable file. */
const char *qemu_firmware_path(void);
bool qemu_firmware_present(void);

#endif /* TIDEMARK_QEMU_RUN_H */
