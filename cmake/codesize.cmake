# SPDX-License-Identifier: MIT
# codesize.cmake - the code-size goals and the ceiling a test holds, in one
# place.  board/libsize.cmake and board/linksize.cmake include it (they run
# as cmake -P scripts, after every virt link and in board_footprint_size),
# and the lines they print quote these figures, so docs/building.md quotes
# the lines rather than the numbers.
#
# The whole arena and hmap libraries' .text (every object, linked or not):
# a goal the build reports against, held by no test.
set(TIDEMARK_SIZE_GOAL_LIBS 8192)
# The arena and map code a firmware that only makes, fills, looks up,
# deletes from and resets a map really links (board/footprint.c, with
# --gc-sections): the goal, and the ceiling board_footprint_size holds.
# The goal is met, so the ceiling is the goal.
set(TIDEMARK_SIZE_GOAL_FOOTPRINT 6144)
set(TIDEMARK_SIZE_CEILING_FOOTPRINT ${TIDEMARK_SIZE_GOAL_FOOTPRINT})
