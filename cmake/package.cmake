# SPDX-License-Identifier: MIT
# The package a consumer finds after `cmake --install <build> --prefix P`:
#   P/include/tidemark/   arena.h, hmap.h (and hmap_probe.h, which it includes),
#                         swiss.h (and swiss_probe.h), version.h
#   P/lib/                libtidemark_arena.a, libtidemark_hmap.a,
#                         libtidemark_swiss.a (rv64 ones from the virt build)
#   P/lib/cmake/tidemark/ tidemarkConfig.cmake, its version file
#                         (SameMajorVersion) and the exported targets
#   P/lib/pkgconfig/      tidemark.pc
# Included by the root CMakeLists.txt after the libraries' folders.
include(CMakePackageConfigHelpers)

# <tidemark/version.h>: with the libraries' other headers, from project().
configure_file(${CMAKE_CURRENT_LIST_DIR}/version.h.in
               ${TIDEMARK_INCLUDE_DIR}/tidemark/version.h @ONLY)

if(NOT TIDEMARK_INSTALL)
  return()
endif()

set(tidemark_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tidemark)
install(FILES ${TIDEMARK_INCLUDE_DIR}/tidemark/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tidemark)
install(EXPORT tidemarkTargets NAMESPACE tidemark::
        DESTINATION ${tidemark_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tidemarkConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tidemarkConfig.cmake
  INSTALL_DESTINATION ${tidemark_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tidemarkConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tidemarkConfig.cmake
              ${PROJECT_BINARY_DIR}/tidemarkConfigVersion.cmake
        DESTINATION ${tidemark_cmake_dir})

# tidemark.pc: the prefix relative to the file (lib/pkgconfig -> ../..), and
# the poison define the CMake targets carry too.
file(RELATIVE_PATH tidemark_pc_to_prefix
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" tidemark_pc_to_prefix "${tidemark_pc_to_prefix}")
string(REGEX REPLACE "/$" "" tidemark_pc_to_prefix "${tidemark_pc_to_prefix}")
set(tidemark_pc_cflags "")
if(TIDEMARK_ARENA_POISON)
  set(tidemark_pc_cflags " -DARENA_POISON=1")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/tidemark.pc.in
               ${PROJECT_BINARY_DIR}/tidemark.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tidemark.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
