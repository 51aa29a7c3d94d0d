#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# plot/tests/test_check.sh - plot/check.awk accepts seed_small.csv (a
# hand-made seed.csv with n = 12 keys, a sample every 4 operations, figures
# within 1024 bytes) and refuses every copy of it that breaks one of its
# rules, with a message naming that rule: so the CTest case that runs
# scripts/plot can fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { awk -v n=12 -v every=4 -v tol=1024 -f "$here/../check.awk" "$@"; }

check "$here/seed_small.csv" >"$tmp/out" || bad "the good file was refused: $(cat "$tmp/out")"
grep -q "the bucket map (no Swiss rows)" "$tmp/out" || bad "the bucket-only file: $(cat "$tmp/out")"

# The same rows again as the Swiss map's (Go 1.26), beside the bucket
# map's: both generations, and the Swiss map's own rules.
{
  cat "$here/seed_small.csv"
  sed -n '2,$p' "$here/seed_small.csv" | sed -e 's/,go1\.19\.8,bucket$/,go1.26.8,swiss/' -e 's/,,bucket$/,,swiss/'
} >"$tmp/both.csv"
check "$tmp/both.csv" >"$tmp/out" || bad "the two-generation file was refused: $(cat "$tmp/out")"
grep -q "both generations" "$tmp/out" || bad "the two-generation file: $(cat "$tmp/out")"
# A Swiss map holding an eighth more than Go's heap is the page rounding;
# more is not.
sed -e 's/^\(tidemark,nohint,fill,12,cmd,,,\)4096,\(.*,swiss\)$/\18192,\2/' "$tmp/both.csv" >"$tmp/swiss_apart.csv"
if check "$tmp/swiss_apart.csv" >"$tmp/out" 2>&1 || ! grep -q "swiss nohint: after fill" "$tmp/out"; then
  bad "swiss_apart: $(cat "$tmp/out")"
fi
sed -e 's/,swiss$/,hash/' "$tmp/both.csv" >"$tmp/bad_gen.csv"
if check "$tmp/bad_gen.csv" >"$tmp/out" 2>&1 || ! grep -q "not a row" "$tmp/out"; then
  bad "bad_gen: $(cat "$tmp/out")"
fi

# refused NAME EXPECTED-MESSAGE SED-SCRIPT
refused() {
  local name=$1 want=$2 script=$3
  sed -e "$script" "$here/seed_small.csv" >"$tmp/$name.csv"
  if cmp -s "$tmp/$name.csv" "$here/seed_small.csv"; then
    bad "$name: the edit changed nothing"; return
  fi
  if check "$tmp/$name.csv" >"$tmp/out" 2>&1; then
    bad "$name: accepted"
  elif ! grep -qF -- "$want" "$tmp/out"; then
    bad "$name: refused, but not for '$want': $(cat "$tmp/out")"
  fi
}
refused header       "header is"                  '1s/heap_alloc/heap/'
refused no_go        "no go rows"                 '/^go,nohint,/d'
refused no_tidemark  "no tidemark rows"           '/^tidemark,hint,/d'
refused make_apart   "after make Go 6000"         's/^go,hint,make,0,gc,4200,/go,hint,make,0,gc,6000,/'
refused fill_apart   "after fill Go 9000"         's/^go,nohint,fill,12,gc,4300,/go,nohint,fill,12,gc,9000,/'
refused go_del_moved "Go's heap moved"            's/^go,hint,delete,20,sample,4264,/go,hint,delete,20,sample,2000,/'
refused tm_del_moved "tidemark's bytes moved"     's/^tidemark,hint,delete,20,cmd,,,4096,/tidemark,hint,delete,20,cmd,,,0,/'
refused nil_not_back "after nil + GC Go's heap"   's/^go,nohint,nil,24,gc,16,/go,nohint,nil,24,gc,4300,/'
refused in_use_kept  "after reset tidemark's in_use is 4096" 's/^tidemark,hint,nil,24,cmd,,,0,0,/tidemark,hint,nil,24,cmd,,,0,4096,/'
refused reset_moved_wm "the reset moved"          's/^tidemark,nohint,nil,24,cmd,,,0,0,8192/tidemark,nohint,nil,24,cmd,,,0,0,12288/'
refused sys_falls    "Go's sys fell"              's/^go,nohint,delete,20,sample,4300,65536/go,nohint,delete,20,sample,4300,0/'
refused wm_falls     "watermark fell"             's/^tidemark,nohint,delete,20,cmd,,,4096,4096,8192/tidemark,nohint,delete,20,cmd,,,4096,4096,4096/'
refused few_samples  "delete samples, not 3"      '/^tidemark,hint,delete,16,/d'
refused few_fills    "fill samples, not 3"        '/^go,hint,fill,8,/d'
refused short_fill   "fill ended at 8 ops"        '/^tidemark,hint,fill,12,/d'
refused no_go_gc     "Go lacks a gc sample"       '/^go,hint,nil,/d'
refused bad_row      "not a row"                  's/^go,hint,fill,4,/go,hint,grow,4,/'
refused bad_go_row   "not a Go row"               's/^go,hint,fill,4,sample,4200,0,,,/go,hint,fill,4,sample,4200,0,1,,/'
refused no_go_version "not a row"                 's/^go,hint,fill,4,\(.*\),go1\.19\.8,bucket$/go,hint,fill,4,\1,,bucket/'
refused tm_go_version "not a row"                 's/^tidemark,hint,fill,4,\(.*\),,bucket$/tidemark,hint,fill,4,\1,go1.19.8,bucket/'

if [ "$fails" -gt 0 ]; then
  echo "test_check: $fails failed" >&2
  exit 1
fi
echo "test_check: ok (the good files and 22 broken ones)"
