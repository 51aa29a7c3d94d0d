# SPDX-License-Identifier: MIT
# configure_sizes.cmake (cmake -P) - configure the virt firmware (the virt
# preset's toolchain) with sizes that cannot work and check each is refused
# with the range that would, and one that can work with a G suffix.
# In: -DSRC=<source tree> -DWORK=<scratch build directory, removed>.
#
# With the default RAM (128 MiB) and stack (16K) the range is 8192 bytes
# (8K) to 133,144,576 bytes (130024K): 128 MiB less the 1 MiB kept for the
# image and the 24 KiB stack block (board/sizes.cmake).

set(failures 0)

# check(<name> OK|FAIL <regex> -D...): configure with the options; OK wants
# success, FAIL wants failure; either way the output must match regex.
function(check name want regex)
  file(REMOVE_RECURSE ${WORK})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${WORK}
            --toolchain ${SRC}/cmake/riscv64-virt.cmake ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX REPLACE "[ \n]+" " " text "${out} ${err}")
  if(want STREQUAL "OK" AND NOT rc EQUAL 0)
    message("FAIL ${name}: configuring with ${ARGN} failed, it should work:\n${err}")
    math(EXPR failures "${failures} + 1")
  elseif(want STREQUAL "FAIL" AND rc EQUAL 0)
    message("FAIL ${name}: configuring with ${ARGN} succeeded, it should be refused")
    math(EXPR failures "${failures} + 1")
  elseif(NOT text MATCHES "${regex}")
    message("FAIL ${name}: the output does not say /${regex}/:\n${text}")
    math(EXPR failures "${failures} + 1")
  else()
    message("ok   ${name}")
  endif()
  set(failures ${failures} PARENT_SCOPE)
endfunction()

set(range "the arena takes 8192 bytes \\(8K\\) at least .* and 133144576 bytes \\(130024K\\) at most")
check(arena_1_byte FAIL "TIDEMARK_ARENA_SIZE=1 \\(1 bytes\\) cannot work.*${range}"
      -DTIDEMARK_ARENA_SIZE=1)
check(arena_below_two_pages FAIL "TIDEMARK_ARENA_SIZE=8191 .*${range}"
      -DTIDEMARK_ARENA_SIZE=8191)
check(arena_1G_in_128M FAIL "TIDEMARK_ARENA_SIZE=1G \\(1073741824 bytes\\) cannot work.*${range}"
      -DTIDEMARK_ARENA_SIZE=1G)
check(arena_one_page_too_many FAIL "${range}" -DTIDEMARK_ARENA_SIZE=130028K)
check(arena_not_a_size FAIL "TIDEMARK_ARENA_SIZE='12Q': expected a number of bytes, optionally with K, M or G"
      -DTIDEMARK_ARENA_SIZE=12Q)
check(stack_1K FAIL "TIDEMARK_STACK_SIZE=1K \\(1024 bytes\\) cannot work.*the stack takes 4096 bytes \\(4K\\) at least"
      -DTIDEMARK_STACK_SIZE=1K)
check(arena_1G_in_2G OK "Generating done" -DTIDEMARK_ARENA_SIZE=1G -DTIDEMARK_RAM_MB=2048)
check(arena_largest OK "Generating done" -DTIDEMARK_ARENA_SIZE=130024K)

file(REMOVE_RECURSE ${WORK})
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} configure check(s) failed")
endif()
