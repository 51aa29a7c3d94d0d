# SPDX-License-Identifier: MIT
# Toolchain file: bare-metal riscv64 for QEMU's virt board, with picolibc.
#
# rv64imac / lp64 is a multilib Debian's picolibc ships.  -misa-spec=2.2 keeps
# the CSR instructions (csrr, csrw) in the base ISA, as GCC 12's default spec
# moved them into Zicsr, and rv64imac_zicsr has no picolibc multilib.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE riscv64-unknown-elf-size CACHE FILEPATH "size")

set(TIDEMARK_TARGET_FLAGS
    "-march=rv64imac -mabi=lp64 -mcmodel=medany -misa-spec=2.2 --specs=picolibc.specs")
# Compile flags only: CMake repeats CMAKE_C_FLAGS on the link line, and gcc
# refuses to read picolibc.specs twice ("attempt to rename spec 'link'").
set(CMAKE_C_FLAGS_INIT "${TIDEMARK_TARGET_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${TIDEMARK_TARGET_FLAGS}")

# No host libraries or programs: compile checks must not try to run a binary.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
