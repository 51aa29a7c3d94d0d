/* SPDX-License-Identifier: MIT */
/*
 * instret.h - the hart's instruction counter (minstret), and whether it
 * counts instructions exactly.
 *
 * Under QEMU, minstret counts one per instruction only with -icount shift=0.
 * With -icount shift=N it counts 2^N per instruction (it follows QEMU's
 * virtual clock, 2^N ns an instruction); without -icount it follows the
 * host's clock and varies from run to run.  The timer (CLINT mtime, 10 MHz)
 * follows the same virtual clock, so minstret and mtime advance in the ratio
 * 100:1 under every shift (measured on this image: shift=0, 1 and auto):
 * the ratio tells -icount from no -icount but not shift=0 from shift=1.
 * instret_exact therefore times a loop whose instruction count is known.
 */
#ifndef TIDEMARK_INSTRET_H
#define TIDEMARK_INSTRET_H

#include <stdbool.h>
#include <stdint.h>

/* minstret now. */
uint64_t instret_read(void);

/*
 * True when minstret counted exactly one per instruction over a loop of
 * known length, every time in a few tries (QEMU: -icount shift=0); false
 * otherwise.  Costs about 20,000 instructions; changes nothing.
 */
bool instret_exact(void);

#endif /* TIDEMARK_INSTRET_H */
