# SPDX-License-Identifier: MIT
# tidemark_public_headers(<target> <header>...): make <target> a library a
# consumer uses as tidemark::<name> (<target> is tidemark_<name>), with each
# header included as <tidemark/header>, in all three ways of consuming it:
#   - a subproject (add_subdirectory, FetchContent): the headers are copied
#     into <build>/include/tidemark/, the target's public include directory;
#   - an installed package (find_package, pkg-config): installed under
#     <prefix>/include/tidemark/, the library under <prefix>/lib, the target
#     into the export set that cmake/package.cmake installs.
# The copies keep the headers side by side as installed, so hmap.h's
# #include "arena.h" resolves beside it in the build tree too.  configure_file
# copies again whenever a header changes (it re-runs the configure step).
set(TIDEMARK_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)

function(tidemark_public_headers target)
  if(NOT target MATCHES "^tidemark_(.+)$")
    message(FATAL_ERROR "tidemark_public_headers: '${target}' is not named tidemark_<name>")
  endif()
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${CMAKE_MATCH_1})
  foreach(header IN LISTS ARGN)
    get_filename_component(name ${header} NAME)
    configure_file(${header} ${TIDEMARK_INCLUDE_DIR}/tidemark/${name} COPYONLY)
  endforeach()
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${TIDEMARK_INCLUDE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  if(TIDEMARK_INSTALL)
    install(FILES ${ARGN} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tidemark)
    install(TARGETS ${target} EXPORT tidemarkTargets
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  endif()
endfunction()
