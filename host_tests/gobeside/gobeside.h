/* SPDX-License-Identifier: MIT */
/*
 * gobeside.h - what the gobeside tests share: running gomem (the Go side)
 * and the 32-bit probe, Go 1.26's allocation sizes, text for the tables,
 * and the check that docs/swiss.md carries the tables as generated.
 */
#ifndef GOBESIDE_H
#define GOBESIDE_H

#include <stdbool.h>
#include <stddef.h>

/* Figures quoted go to stderr with this prefix (ctest -V, or the binary run
 * by hand). */
#define GLOG(...) (fprintf(stderr, "[gobeside] " __VA_ARGS__), fflush(stderr))

/* What gomem.sh run exits with besides 0 and other failures. */
#define GB_NO_GO 3   /* no Go of the version needed: go-find's line printed */
#define GB_NO_QEMU 4 /* no qemu-i386 for a 386 binary                       */

/*
 * Run cmd with /bin/sh, its stdout into *out (malloc'd, NUL-terminated,
 * the caller frees it), its stderr to ours.  Returns its exit status, or
 * -1 when it could not be run or did not exit normally.
 */
int gb_run(const char *cmd, char **out);

/* gomem.sh run NAME ARGS (NAME: swiss-amd64, swiss-386, bucket-amd64),
 * as gb_run. */
int gb_gomem(const char *name, const char *args, char **out);

/* The first line of a gomem output ("go go1.26.8 amd64"), without "go ",
 * into buf; "?" when there is none. */
const char *gb_go_version(const char *out, char *buf, size_t len);

/*
 * The bytes Go 1.26's heap gives an allocation of size bytes (HeapAlloc
 * counts them), on a platform of ptr_size-byte pointers: an object with
 * pointers over ptr_size * 8 * ptr_size bytes (512 on amd64, 128 on 386)
 * and at most 32 KiB - 8 carries an 8-byte malloc header; then up to 32 KiB
 * it takes its size class (internal/runtime/gc/sizeclasses.go), beyond it
 * whole 8 KiB pages.  Objects without pointers under 16 bytes would go to
 * the tiny allocator, which this model does not cover: 0 for them.
 */
size_t gb_go_heap_bytes(size_t size, bool pointers, size_t ptr_size);

/* A growing text. */
struct gb_text {
    char *p;
    size_t len, cap;
};
void gb_printf(struct gb_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gb_text_free(struct gb_text *t);

/* v with thousands separators ("295,600"), in buf (at least 32 bytes). */
const char *gb_num(size_t v, char *buf);

/*
 * Assert (Criterion) that docs/swiss.md holds text between
 * "<!-- generated: NAME -->" and "<!-- /generated -->".  When it does not,
 * writes text to <build>/host_tests/gobeside/NAME.md and fails, naming the
 * script that puts it in (host_tests/gobeside/update-docs).
 */
void gb_check_docs(const char *name, const char *text);

#endif /* GOBESIDE_H */
