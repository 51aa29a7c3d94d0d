/* SPDX-License-Identifier: MIT */
/*
 * transcript.h - read a console transcript (what the console printed, its
 * echo of the input included), as a script driving the firmware would.
 *
 * Shape of a transcript: a prompt "> ", the echo of a command line, "\n",
 * the answer (zero or more lines), the next prompt, and so on.
 */
#ifndef TIDEMARK_TRANSCRIPT_H
#define TIDEMARK_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>

/* The four lines of `stats`, field by field. */
struct stats_lines {
    size_t in_use, watermark, peak, capacity, page, allocs, frees, failed;
    size_t len, B, buckets, overflow, bytes, growing, hint;
    size_t frag_free, frag_largest, frag_runs, frag_below;
    size_t stack_used, stack_size;
};

/*
 * Parse the nth (from 0) `arena in_use=` line of text and the three lines
 * after it.  True only when all four lines are exactly in the documented
 * format (re-printing the parsed figures gives back each line byte for
 * byte), growing is 0 or 1, and the lines are consecutive.
 */
bool transcript_stats(const char *text, int nth, struct stats_lines *s);

/*
 * The name of the first field ("in_use", "len", ...) whose figure differs
 * between a and b, or NULL when they agree.  The stack figures count only
 * with with_stack: the stack's high-water mark may rise between two stats
 * that should otherwise read the same.
 */
const char *stats_first_difference(const struct stats_lines *a, const struct stats_lines *b,
                                   bool with_stack);

/* How many `arena in_use=` lines text holds. */
int transcript_count_stats(const char *text);

/*
 * The answer to the nth (from 0) occurrence of the command line cmd: the
 * text after "> " cmd "\n" up to the next prompt "> " at the start of a
 * line (or the end of text).  NULL when there is no such occurrence.
 * The result is malloc'd.
 */
char *transcript_answer(const char *text, const char *cmd, int nth);

/* Occurrences of needle in text (not overlapping). */
int transcript_count(const char *text, const char *needle);

/* Lines of text starting with prefix. */
int transcript_count_lines(const char *text, const char *prefix);

/* Figures of one experiment table row: the line starting with "<step> "
 * (the nth table in text, from 0); its last four fields are len, bytes,
 * in_use and watermark.  False when there is no such row. */
struct exp_figures {
    size_t len, bytes, in_use, watermark;
};
bool transcript_row(const char *text, int nth_table, const char *step, struct exp_figures *f);

/* The nth (from 0) experiment table: from its "seed experiment:" line to
 * its "check:" verdict's end (malloc'd), or NULL. */
char *transcript_table(const char *text, int nth);

/* The whole file at path, NUL-terminated (malloc'd), or NULL when it cannot
 * be read. */
char *transcript_read_file(const char *path);

#endif /* TIDEMARK_TRANSCRIPT_H */
