# SPDX-License-Identifier: MIT
# Toolchain file: bare-metal riscv64 (rv64imac, lp64) for QEMU's virt board,
# with picolibc (the virt and virt-debug presets).  What both widths share,
# the Debug build type's flags included: riscv-virt.cmake.
set(TIDEMARK_XLEN 64)
set(TIDEMARK_TARGET_ARCH "-march=rv64imac -mabi=lp64")
include(${CMAKE_CURRENT_LIST_DIR}/riscv-virt.cmake)
