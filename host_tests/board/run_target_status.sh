#!/bin/sh
# SPDX-License-Identifier: MIT
# run_target_status.sh ELF - the virt build's `run` target (the build tree
# ELF came from) booted with `exit 5` typed: the build must succeed and end
# with the one line giving the firmware's status, with no make error lines.
elf=$1
tree=$(dirname "$(dirname "$elf")")
if [ ! -f "$tree/CMakeCache.txt" ]; then
  echo "FAIL: $elf is not in a virt build tree (no $tree/CMakeCache.txt)"
  exit 1
fi
out=$(printf 'exit 5\n' | timeout 60 cmake --build "$tree" --target run 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 5
fail=0
if [ "$rc" -ne 0 ]; then
  echo "FAIL: cmake --build --target run ended with status $rc"; fail=1
fi
if [ "$(printf '%s\n' "$out" | grep -c '^tidemark: the firmware ended with exit status 5$')" -ne 1 ]; then
  echo "FAIL: no single line 'tidemark: the firmware ended with exit status 5'"; fail=1
fi
if printf '%s\n' "$out" | grep -q 'Error'; then
  echo "FAIL: make printed error lines"; fail=1
fi
exit $fail
