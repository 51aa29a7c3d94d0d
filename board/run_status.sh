#!/bin/sh
# SPDX-License-Identifier: MIT
# run_status.sh QEMU-COMMAND... - how the virt build's run targets start
# QEMU: run it, then say in one line what status it ended with (the
# firmware's exit status, through the test finisher), and succeed.
#
# Returning the status instead would make make print four "Error N" lines
# of its own and end with status 2, the firmware's status lost among them.
# scripts/run and plain QEMU hand the status on as their own exit status.
"$@"
rc=$?
case $rc in
  9[6-9] | 1[0-9][0-9] | 2[0-9][0-9]) why=" (an exit CODE, or a failure: see \"Exit statuses\" in the README)" ;;
  *) why="" ;;
esac
echo "tidemark: the firmware ended with exit status $rc$why"
