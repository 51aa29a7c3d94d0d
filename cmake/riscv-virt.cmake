# SPDX-License-Identifier: MIT
# The part of the toolchain files both widths share: bare metal on QEMU's
# virt board, with picolibc, through Debian's riscv64-unknown-elf-gcc (which
# builds rv32 too).  Included by riscv64-virt.cmake and riscv32-virt.cmake
# after they set TIDEMARK_XLEN (64 or 32) and TIDEMARK_TARGET_ARCH, the
# -march/-mabi pair of a multilib Debian's picolibc ships.
#
# -misa-spec=2.2 keeps the CSR instructions (csrr, csrw) in the base ISA, as
# GCC 12's default spec moved them into Zicsr, and rv*imac_zicsr has no
# picolibc multilib.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv${TIDEMARK_XLEN})

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE riscv64-unknown-elf-size CACHE FILEPATH "size")

# -ffunction-sections -fdata-sections: one section per function and object,
# so that a firmware linked with --gc-sections keeps only what it reaches
# (board/footprint.c is one); without that flag the link keeps them all.
set(TIDEMARK_TARGET_FLAGS
    "${TIDEMARK_TARGET_ARCH} -mcmodel=medany -misa-spec=2.2 --specs=picolibc.specs -ffunction-sections -fdata-sections")
# Compile flags only: CMake repeats CMAKE_C_FLAGS on the link line, and gcc
# refuses to read picolibc.specs twice ("attempt to rename spec 'link'").
set(CMAKE_C_FLAGS_INIT "${TIDEMARK_TARGET_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${TIDEMARK_TARGET_FLAGS}")

# The Debug build type (the virt-debug preset) is for source-level debugging
# with gdb: -Og keeps variables and the order of lines, -g3 adds macros,
# frame pointers keep every frame's caller reachable.  Source paths are
# recorded relative to the source tree, so gdb run from it finds them, and
# its output reads the same in every clone.
get_filename_component(tidemark_source "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
# (Cache entries, not the _INIT variables: CMake appends its own -g to those,
# which would bring -g3 back down to -g2.)
set(CMAKE_C_FLAGS_DEBUG "-Og -g3 -fno-omit-frame-pointer -ffile-prefix-map=${tidemark_source}/="
    CACHE STRING "C flags of the Debug build type (virt-debug preset)")
set(CMAKE_ASM_FLAGS_DEBUG "-g3 -ffile-prefix-map=${tidemark_source}/="
    CACHE STRING "Assembler flags of the Debug build type (virt-debug preset)")

# No host libraries or programs: compile checks must not try to run a binary.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
