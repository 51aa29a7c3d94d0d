# SPDX-License-Identifier: MIT
# The console, the experiment table and the bench: plain C over arena and
# hmap and an output callback, built for the target (the firmware) and for
# the host (the board suites, the console fuzzer).  Included by the root
# CMakeLists.txt in every configuration.
add_library(tidemark_console STATIC
  ${CMAKE_CURRENT_LIST_DIR}/console.c
  ${CMAKE_CURRENT_LIST_DIR}/bench.c
  ${CMAKE_CURRENT_LIST_DIR}/experiment.c
  ${CMAKE_CURRENT_LIST_DIR}/out.c)
target_include_directories(tidemark_console PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(tidemark_console PUBLIC hmap arena)
if(CMAKE_CROSSCOMPILING)
  # picolibc's integer-only printf: nothing here prints floating point.
  target_compile_definitions(tidemark_console PUBLIC PICOLIBC_INTEGER_PRINTF_SCANF)
  # Debug information for gdb (the debug target); it is not loaded.
  target_compile_options(tidemark_console PRIVATE -g)
endif()
