# SPDX-License-Identifier: MIT
# size.cmake - print the firmware's text/data/bss sizes (cmake -P, after the
# link).  Input: -DSIZE=<riscv64-unknown-elf-size> -DELF=<image>
# [-DRESERVE=<bytes>: fail when the image is larger, see sizes.cmake].
#
# `size` in its default (Berkeley) form would count the stack and the arena
# as bss, as they are NOBITS sections too; here they are shown apart, as
# memory the image reserves, not memory it occupies.
execute_process(COMMAND ${SIZE} -A -d ${ELF}
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "size: ${SIZE} -A ${ELF} failed")
endif()

set(text 0)
set(data 0)
set(bss 0)
set(stack 0)
set(arena 0)
string(REPLACE "\n" ";" lines "${out}")
foreach(line IN LISTS lines)
  if(line MATCHES "^(\\.[A-Za-z0-9_.]+) +([0-9]+) +([0-9]+)")
    set(name ${CMAKE_MATCH_1})
    set(n ${CMAKE_MATCH_2})
    if(name MATCHES "^\\.(text|rodata)$")
      math(EXPR text "${text} + ${n}")
    elseif(name MATCHES "^\\.(data|tdata)$")
      math(EXPR data "${data} + ${n}")
    elseif(name MATCHES "^\\.(bss|tbss)$")
      math(EXPR bss "${bss} + ${n}")
    elseif(name STREQUAL ".stack")
      set(stack ${n})
    elseif(name STREQUAL ".arena")
      set(arena ${n})
    endif()
  endif()
endforeach()
get_filename_component(file ${ELF} NAME)
message("${file}: text=${text} data=${data} bss=${bss} (text includes rodata; "
        "reserved beyond the image: stack=${stack} with its guard and trap stack, arena=${arena})")
# sizes.cmake's largest arena keeps RESERVE bytes for the image: an image
# that outgrows it would make that bound a lie.
math(EXPR image "${text} + ${data} + ${bss}")
if(RESERVE AND image GREATER RESERVE)
  file(REMOVE ${ELF})
  message(FATAL_ERROR "${file}: the image takes ${image} bytes, more than the ${RESERVE} that "
                      "board/sizes.cmake keeps for it (TIDEMARK_IMAGE_RESERVE): raise that")
endif()
