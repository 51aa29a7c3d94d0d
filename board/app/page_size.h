/* SPDX-License-Identifier: MIT */
/*
 * page_size.h - the page size of every arena the firmware makes: the
 * console's, the experiment's, the bench's scratch arenas and selftest's,
 * and the minimal firmware's.  4 KiB, the page of the board's MMU-less
 * memory map and of the host's, so one page here is one page there.
 */
#ifndef TIDEMARK_PAGE_SIZE_H
#define TIDEMARK_PAGE_SIZE_H

#define TIDEMARK_PAGE_SIZE 4096u

#endif /* TIDEMARK_PAGE_SIZE_H */
