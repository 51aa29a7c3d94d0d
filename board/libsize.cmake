# SPDX-License-Identifier: MIT
# libsize.cmake - print the code size of the arena and hmap libraries as
# built for the target (cmake -P, after the firmware's link, so at the
# firmware's optimisation level), against the goal for arena + hmap .text
# (cmake/codesize.cmake).
# Input: -DSIZE=<riscv64-unknown-elf-size> -DARENA_LIB=<libtidemark_arena.a>
#        -DHMAP_LIB=<libtidemark_hmap.a>
#
# `size -A` lists every section of every object in an archive.  .text counts
# the code sections (.text and .text.*); the read-only data (.rodata*,
# .srodata*: string literals, constants) is what Berkeley `size`'s text
# column adds on top, shown apart.  Every object of both archives counts,
# whether or not the firmware links it.
set(text 0)
set(rodata 0)
set(objects "")
foreach(lib ${ARENA_LIB} ${HMAP_LIB})
  execute_process(COMMAND ${SIZE} -A -d ${lib} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "libsize: ${SIZE} -A ${lib} failed")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  set(member "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^([^ ]+)\\.obj +\\(ex ")
      set(member ${CMAKE_MATCH_1})
      set(member_text_${member} 0)
      list(APPEND objects ${member})
    elseif(member AND line MATCHES "^(\\.[A-Za-z0-9_.]+) +([0-9]+)")
      set(name ${CMAKE_MATCH_1})
      set(n ${CMAKE_MATCH_2})
      if(name MATCHES "^\\.text(\\..*)?$")
        math(EXPR text "${text} + ${n}")
        math(EXPR member_text_${member} "${member_text_${member}} + ${n}")
      elseif(name MATCHES "^\\.s?rodata")
        math(EXPR rodata "${rodata} + ${n}")
      endif()
    endif()
  endforeach()
endforeach()

set(detail "")
foreach(member IN LISTS objects)
  string(APPEND detail " ${member}=${member_text_${member}}")
endforeach()
math(EXPR both "${text} + ${rodata}")
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/codesize.cmake)
set(goal ${TIDEMARK_SIZE_GOAL_LIBS})
if(text GREATER goal)
  set(verdict "over by")
  math(EXPR by "${text} - ${goal}")
else()
  set(verdict "met, with room")
  math(EXPR by "${goal} - ${text}")
endif()
message("tidemark: arena+hmap .text=${text} (goal <= ${goal}: ${verdict} ${by}); "
        "read-only data ${rodata} more (size's text column: ${both}); .text by object:${detail}")
