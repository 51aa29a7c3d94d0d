# SPDX-License-Identifier: MIT
# linksize.cmake - the arena and map code a firmware really links (cmake -P):
# the code sections of the arena and hmap archives' objects that a
# --gc-sections link kept, read from its link map (-Wl,-Map).  The
# whole-library figure, every object counted whether linked or not, is
# libsize.cmake's.
#
# Input: -DMAP=<the link map> -DLIBS=<archive file names, comma-separated,
#        e.g. libtidemark_arena.a,libtidemark_hmap.a> [-DWHAT=<what the
#        line names, default arena+hmap: arena+swiss for footprint_swiss>]
#        [-DCHECK=ON: fail when the figure is over CEILING, for the test that
#        holds it there; a 32-bit link map, which has no ceiling, fails too]
#
# GOAL and CEILING, the figure the test holds, for either map:
# cmake/codesize.cmake.
#
# In the map's "Linker script and memory map" part, every input section that
# was kept has a line " <section> 0x<address> 0x<size> <archive>(<object>)",
# with the name alone on the line before when it is long.  .text and .text.*
# count as code; .rodata* and .srodata* are shown apart, as libsize.cmake
# does.
if(NOT EXISTS "${MAP}")
  message(FATAL_ERROR "linksize: no link map at '${MAP}' (build the virt preset first)")
endif()
file(STRINGS "${MAP}" lines)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/codesize.cmake)
set(GOAL ${TIDEMARK_SIZE_GOAL_FOOTPRINT})
set(CEILING ${TIDEMARK_SIZE_CEILING_FOOTPRINT})
string(REPLACE "," ";" LIBS "${LIBS}")
if(NOT WHAT)
  set(WHAT arena+hmap)
endif()

set(in_map OFF)
set(name "")
set(text 0)
set(rodata 0)
set(sections 0)
foreach(line IN LISTS lines)
  if(NOT in_map)
    if(line MATCHES "^Linker script and memory map")
      set(in_map ON)
    endif()
    continue()
  endif()
  set(size "")
  if(line MATCHES "^ (\\.[^ ]+)$")
    set(name "${CMAKE_MATCH_1}")
    continue()
  elseif(line MATCHES "^ (\\.[^ ]+) +0x[0-9a-f]+ +0x([0-9a-f]+) +(.+)$")
    set(name "${CMAKE_MATCH_1}")
    set(size "${CMAKE_MATCH_2}")
    set(from "${CMAKE_MATCH_3}")
  elseif(name AND line MATCHES "^ +0x[0-9a-f]+ +0x([0-9a-f]+) +(.+)$")
    set(size "${CMAKE_MATCH_1}")
    set(from "${CMAKE_MATCH_2}")
  else()
    set(name "")
    continue()
  endif()
  set(ours OFF)
  foreach(lib IN LISTS LIBS)
    string(FIND "${from}" "/${lib}(" at)
    if(NOT at EQUAL -1 OR from MATCHES "^${lib}\\(")
      set(ours ON)
    endif()
  endforeach()
  if(ours)
    math(EXPR n "0x${size}")
    if(name MATCHES "^\\.text(\\..*)?$")
      math(EXPR text "${text} + ${n}")
      if(n GREATER 0)
        math(EXPR sections "${sections} + 1")
      endif()
    elseif(name MATCHES "^\\.s?rodata")
      math(EXPR rodata "${rodata} + ${n}")
    endif()
  endif()
  set(name "")
endforeach()

if(NOT in_map OR sections EQUAL 0)
  message(FATAL_ERROR "linksize: no code of ${LIBS} found in ${MAP}")
endif()
if(text GREATER GOAL)
  set(verdict "over by")
  math(EXPR by "${text} - ${GOAL}")
else()
  set(verdict "met, with room")
  math(EXPR by "${GOAL} - ${text}")
endif()
get_filename_component(file "${MAP}" NAME)
# The goal and the ceiling are the 64-bit image's; a 32-bit link (the map's
# OUTPUT line names elf32-...) is measured against them for reference only.
set(xlen 64)
foreach(line IN LISTS lines)
  if(line MATCHES "^OUTPUT\\(.* elf32-")
    set(xlen 32)
  endif()
endforeach()
if(xlen EQUAL 64)
  set(against "goal <= ${GOAL}: ${verdict} ${by}; the test's ceiling ${CEILING}")
else()
  set(against "the 64-bit image's goal <= ${GOAL}: ${verdict} ${by}; no test holds this figure")
endif()
message("tidemark: ${WHAT} code a minimal firmware links (${file}, --gc-sections): "
        ".text=${text} in ${sections} sections (${against}); read-only data ${rodata} more")
if(CHECK AND xlen EQUAL 32)
  message(FATAL_ERROR "linksize: ${MAP} is a 32-bit link: only the 64-bit figure has a ceiling")
endif()
if(CHECK AND text GREATER CEILING)
  message(FATAL_ERROR "linksize: ${text} bytes of ${WHAT} code linked, over the ceiling "
                      "of ${CEILING} (the goal is ${GOAL})")
endif()
