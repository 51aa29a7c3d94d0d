# SPDX-License-Identifier: MIT
# sizes.cmake - the virt firmware's memory options, read and checked at
# configure time, so that a size that cannot work is refused before anything
# is built, with the range that would work.
#
# In:  TIDEMARK_RAM_MB, TIDEMARK_ARENA_SIZE, TIDEMARK_STACK_SIZE (cache
#      options of board/CMakeLists.txt; sizes are bytes with an optional K, M
#      or G suffix, powers of 1024).
# Out: ram_bytes, arena_bytes, stack_bytes; TIDEMARK_IMAGE_RESERVE.
#
# Where the bounds come from (linker/virt.ld lays out RAM as image, guard
# page, stack, trap stack, arena):
#   - the arena's smallest is two pages: arena_init needs its bitmap (padded
#     to a page) and at least one page to hand out, and the console's map
#     allocates nothing until its first put;
#   - its largest is the RAM less the stack block (4 KiB guard, the stack,
#     the 2 KiB trap stack, page-aligned) and less TIDEMARK_IMAGE_RESERVE,
#     the room kept for the image (text, data, bss).  The image's real size
#     is known only after the link; size.cmake fails the build when it
#     outgrows the reserve, so this bound stays true.  The linker script's
#     ASSERT remains the exact check.

# Bytes kept for the image below the stack (about 570 KiB today, half of it
# the experiment's region).
set(TIDEMARK_IMAGE_RESERVE 1048576)
set(tidemark_page 4096)

# tidemark_size_bytes(<out-var> <option-name>): the option's value in bytes.
function(tidemark_size_bytes out name)
  set(text "${${name}}")
  if(NOT text MATCHES "^([0-9]+)([KkMmGg]?)$")
    message(FATAL_ERROR "${name}='${text}': expected a number of bytes, optionally with K, M or G "
                        "(powers of 1024), e.g. 120M")
  endif()
  set(n ${CMAKE_MATCH_1})
  set(unit "${CMAKE_MATCH_2}")
  # CMake's math is 64-bit: refuse what would overflow it before multiplying.
  string(LENGTH "${n}" digits)
  if(digits GREATER 12)
    message(FATAL_ERROR "${name}='${text}': far larger than any RAM")
  endif()
  if(unit MATCHES "[Kk]")
    math(EXPR n "${n} * 1024")
  elseif(unit MATCHES "[Mm]")
    math(EXPR n "${n} * 1024 * 1024")
  elseif(unit MATCHES "[Gg]")
    math(EXPR n "${n} * 1024 * 1024 * 1024")
  endif()
  set(${out} ${n} PARENT_SCOPE)
endfunction()

# tidemark_size_text(<out-var> <bytes>): "<bytes> bytes (<n>K|M|G)" with the
# largest unit that divides it, for messages.
function(tidemark_size_text out bytes)
  set(text "${bytes} bytes")
  foreach(unit G M K)
    if(unit STREQUAL "G")
      set(u 1073741824)
    elseif(unit STREQUAL "M")
      set(u 1048576)
    else()
      set(u 1024)
    endif()
    math(EXPR rest "${bytes} % ${u}")
    if(rest EQUAL 0 AND NOT bytes LESS u)
      math(EXPR n "${bytes} / ${u}")
      set(text "${bytes} bytes (${n}${unit})")
      break()
    endif()
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

if(NOT TIDEMARK_RAM_MB MATCHES "^[0-9]+$" OR TIDEMARK_RAM_MB LESS 2 OR TIDEMARK_RAM_MB GREATER 1048576)
  message(FATAL_ERROR "TIDEMARK_RAM_MB='${TIDEMARK_RAM_MB}': expected a whole number of MiB, 2 or more")
endif()
math(EXPR ram_bytes "${TIDEMARK_RAM_MB} * 1024 * 1024")
tidemark_size_bytes(arena_bytes TIDEMARK_ARENA_SIZE)
tidemark_size_bytes(stack_bytes TIDEMARK_STACK_SIZE)

# The stack: at least a page; at most what leaves the image and the smallest
# arena their room.
math(EXPR stack_min "${tidemark_page}")
math(EXPR stack_max "(${ram_bytes} - ${TIDEMARK_IMAGE_RESERVE} - 2 * ${tidemark_page} - 4096 - 2048) / 16 * 16")
if(stack_bytes LESS stack_min OR stack_bytes GREATER stack_max)
  tidemark_size_text(lo ${stack_min})
  tidemark_size_text(hi ${stack_max})
  message(FATAL_ERROR "TIDEMARK_STACK_SIZE=${TIDEMARK_STACK_SIZE} (${stack_bytes} bytes) cannot work "
                      "with TIDEMARK_RAM_MB=${TIDEMARK_RAM_MB}: the stack takes ${lo} at least and "
                      "${hi} at most")
endif()

# The arena: two pages at least; at most the RAM after the image's reserve
# and the page-aligned stack block.
math(EXPR stack_block "(4096 + (${stack_bytes} + 15) / 16 * 16 + 2048 + ${tidemark_page} - 1) / ${tidemark_page} * ${tidemark_page}")
math(EXPR arena_min "2 * ${tidemark_page}")
math(EXPR arena_max "${ram_bytes} - ${TIDEMARK_IMAGE_RESERVE} - ${stack_block}")
if(arena_bytes LESS arena_min OR arena_bytes GREATER arena_max)
  tidemark_size_text(lo ${arena_min})
  tidemark_size_text(hi ${arena_max})
  tidemark_size_text(reserve ${TIDEMARK_IMAGE_RESERVE})
  message(FATAL_ERROR "TIDEMARK_ARENA_SIZE=${TIDEMARK_ARENA_SIZE} (${arena_bytes} bytes) cannot work "
                      "with TIDEMARK_RAM_MB=${TIDEMARK_RAM_MB} and TIDEMARK_STACK_SIZE=${TIDEMARK_STACK_SIZE}: "
                      "the arena takes ${lo} at least (its bitmap and one page) and ${hi} at most "
                      "(the RAM less ${reserve} kept for the image and ${stack_block} bytes of stack "
                      "with its guard page and the trap stack)")
endif()
