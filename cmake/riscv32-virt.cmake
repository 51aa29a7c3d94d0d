# SPDX-License-Identifier: MIT
# Toolchain file: bare-metal riscv32 (rv32imac, ilp32) for QEMU's virt board,
# with picolibc's rv32imac/ilp32 multilib (the virt32 preset).  What both
# widths share: riscv-virt.cmake.
set(TIDEMARK_XLEN 32)
set(TIDEMARK_TARGET_ARCH "-march=rv32imac -mabi=ilp32")
include(${CMAKE_CURRENT_LIST_DIR}/riscv-virt.cmake)
