/* SPDX-License-Identifier: MIT */
/*
 * qemu_run.c - spawn QEMU with pipes on its stdin, stdout and stderr, and a
 * deadline (see qemu_run.h).  POSIX (fork, exec, poll), host tests only.
 */
#define _POSIX_C_SOURCE 200809L
#include "qemu_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef TIDEMARK_QEMU
#define TIDEMARK_QEMU "qemu-system-riscv64"
#endif
#ifndef TIDEMARK_FIRMWARE_ELF
#error "TIDEMARK_FIRMWARE_ELF must come from the build"
#endif
#ifndef TIDEMARK_RAM_MB
#define TIDEMARK_RAM_MB 128
#endif

const char *qemu_firmware_path(void)
{
    return TIDEMARK_FIRMWARE_ELF;
}

bool qemu_firmware_present(void)
{
    return access(TIDEMARK_FIRMWARE_ELF, R_OK) == 0;
}

struct buf {
    char *p;
    size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_nonblock(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void qemu_result_free(struct qemu_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

int qemu_run(const struct qemu_opts *o, const char *input, size_t n, struct qemu_result *r)
{
    static const struct qemu_opts defaults = {0};
    if (!o)
        o = &defaults;
    const char *qemu = o->qemu ? o->qemu : TIDEMARK_QEMU;
    const char *elf = o->elf ? o->elf : TIDEMARK_FIRMWARE_ELF;
    unsigned ram = o->ram_mb ? o->ram_mb : TIDEMARK_RAM_MB;
    unsigned harts = o->harts ? o->harts : 1;
    double timeout = o->timeout_s > 0 ? o->timeout_s : QEMU_RUN_DEFAULT_TIMEOUT;

    memset(r, 0, sizeof *r);
    r->status = -1;
    struct buf out = {0}, err = {0};

    char mem[32], smp[32];
    snprintf(mem, sizeof mem, "%uM", ram);
    snprintf(smp, sizeof smp, "%u", harts);
    char *argv[18 + QEMU_RUN_MAX_EXTRA + 1] = {
        (char *)qemu,
        "-M",
        "virt",
        "-m",
        mem,
        "-smp",
        smp,
        "-bios",
        "none",
        "-display",
        "none",
        "-serial",
        "stdio",
        "-monitor",
        "none",
        "-kernel",
        (char *)elf,
    };
    size_t argc = 17;
    for (size_t i = 0; o->extra && o->extra[i]; i++) {
        if (i == QEMU_RUN_MAX_EXTRA) {
            errno = EINVAL;
            return -1;
        }
        argv[argc++] = (char *)o->extra[i];
    }
    argv[argc] = NULL;

    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) != 0)
        return -1;
    if (pipe(out_pipe) != 0) {
        close(in_pipe[0]);
        close(in_pipe[1]);
        return -1;
    }
    if (pipe(err_pipe) != 0) {
        close(in_pipe[0]);
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(out_pipe[1]);
        return -1;
    }

    double start = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(in_pipe[0]);
        close(in_pipe[1]);
        close(out_pipe[0]);
        close(out_pipe[1]);
        close(err_pipe[0]);
        close(err_pipe[1]);
        execvp(qemu, argv);
        dprintf(2, "qemu_run: cannot run %s: %s\n", qemu, strerror(errno));
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    /* A QEMU that dies before reading all the input must not kill us. */
    signal(SIGPIPE, SIG_IGN);

    int wfd = in_pipe[1];
    if (n == 0) {
        close(wfd);
        wfd = -1;
    } else {
        set_nonblock(wfd);
    }
    int ofd = out_pipe[0], efd = err_pipe[0];
    size_t sent = 0;

    while (ofd >= 0 || efd >= 0) {
        double left = start + timeout - now_s();
        if (left <= 0) {
            kill(pid, SIGKILL);
            r->timed_out = true;
            break;
        }
        struct pollfd p[3];
        int np = 0, iw = -1, io = -1, ie = -1;
        if (wfd >= 0) {
            p[np] = (struct pollfd){.fd = wfd, .events = POLLOUT};
            iw = np++;
        }
        if (ofd >= 0) {
            p[np] = (struct pollfd){.fd = ofd, .events = POLLIN};
            io = np++;
        }
        if (efd >= 0) {
            p[np] = (struct pollfd){.fd = efd, .events = POLLIN};
            ie = np++;
        }
        int ms = (int)(left * 1000) + 1;
        if (poll(p, (nfds_t)np, ms) < 0) {
            if (errno == EINTR)
                continue;
            kill(pid, SIGKILL);
            break;
        }
        if (iw >= 0 && p[iw].revents) {
            ssize_t k = write(wfd, input + sent, n - sent);
            if (k > 0)
                sent += (size_t)k;
            if ((k < 0 && errno != EAGAIN) || sent == n || (p[iw].revents & (POLLERR | POLLHUP))) {
                close(wfd);
                wfd = -1;
            }
        }
        char chunk[4096];
        if (io >= 0 && p[io].revents) {
            ssize_t k = read(ofd, chunk, sizeof chunk);
            if (k > 0)
                buf_add(&out, chunk, (size_t)k);
            else if (k == 0 || errno != EINTR) {
                close(ofd);
                ofd = -1;
            }
        }
        if (ie >= 0 && p[ie].revents) {
            ssize_t k = read(efd, chunk, sizeof chunk);
            if (k > 0)
                buf_add(&err, chunk, (size_t)k);
            else if (k == 0 || errno != EINTR) {
                close(efd);
                efd = -1;
            }
        }
    }
    if (wfd >= 0)
        close(wfd);
    if (ofd >= 0)
        close(ofd);
    if (efd >= 0)
        close(efd);

    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(ws))
        r->status = WEXITSTATUS(ws);
    else if (WIFSIGNALED(ws))
        r->signal = WTERMSIG(ws);
    r->seconds = now_s() - start;

    buf_add(&out, "", 0);
    buf_add(&err, "", 0);
    r->out = out.p;
    r->out_len = out.len;
    r->err = err.p;
    r->err_len = err.len;
    return 0;
}
