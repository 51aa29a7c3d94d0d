#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plot/tests/test_seed.sh - run scripts/plot for real into a temporary folder
# and check what it wrote: seed.csv against the seed's story (plot/check.awk:
# n = 8192, a sample every 256 operations, Go and tidemark within 8 KiB; the
# Swiss map's rows too, which must be there where a Go >= 1.24 is), and
# seed.png is a PNG (its 8-byte signature), not the pixels.
#   bash plot/tests/test_seed.sh
# Takes the same environment as scripts/plot (TIDEMARK_FIRMWARE_ELF,
# TIDEMARK_RAM_MB, TIDEMARK_PLOT_BUILD, TIDEMARK_QEMU).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s)
bash "$root/scripts/plot" "$out"
echo "test_seed: scripts/plot took $(($(date +%s) - start)) s"
awk -v n=8192 -v every=256 -v tol=8192 -f "$root/plot/check.awk" "$out/seed.csv" | tee "$out/check.txt"
# Where a Go with the Swiss map is found, its side must be in the CSV too.
if bash "$root/scripts/go-find" swiss >/dev/null 2>&1 && ! grep -q "both generations" "$out/check.txt"; then
  echo "test_seed: a Go >= 1.24 is here, but seed.csv has no Swiss rows" >&2
  exit 1
fi
sig=$(head -c 8 "$out/seed.png" | od -An -tx1 | tr -d ' \n')
if [ "$sig" != "89504e470d0a1a0a" ]; then
  echo "test_seed: seed.png does not start with the PNG signature (got $sig)" >&2
  exit 1
fi
leftover=$(find "$out" -name '.seed.*')
if [ -n "$leftover" ]; then
  echo "test_seed: temporary files left behind: $leftover" >&2
  exit 1
fi
echo "test_seed: ok"
