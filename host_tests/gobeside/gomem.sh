#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gomem.sh - build and run gomem/ (the Go side of the gobeside suite) with the
# Go each comparison needs, chosen by version (scripts/go-find), never by PATH.
#
#   bash gomem.sh build DIR           build into DIR/bin:
#                                       gomem-swiss-amd64, gomem-swiss-386
#                                       (the Go >= 1.24 go-find swiss gives)
#                                       gomem-bucket-amd64 (go-find bucket's)
#                                     where a Go is missing,
#                                     DIR/bin/gomem-<kind>.missing holds
#                                     go-find's one line instead.
#   bash gomem.sh run DIR NAME ARGS   run DIR/bin/gomem-NAME ARGS; exit 3 with
#                                     the .missing line on stderr when that Go
#                                     was not found, 4 when qemu-i386 is
#                                     missing for a 386 binary
#
# Offline and self-contained, as scripts/plot: caches under DIR, no network
# (GOPROXY=off; the module has no dependencies).  Every run has GOMAXPROCS=1:
# with more Ps the runtime now and then keeps an allocation of its own made
# while the program measures (gomem measures such a hint again; one P makes
# it rare).  386
# binaries run under qemu-i386 (no 32-bit support in these kernels), with
# asynchronous preemption off: qemu-i386 7.2 delivers its signals to Go's
# threads unreliably and the runtime then crashes at random; a run that
# crashes anyway is tried up to three times.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
usage() { echo "usage: bash gomem.sh build DIR | run DIR NAME [ARGS...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 dir=$2
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# TIDEMARK_GOCACHE: a Go build cache to share (the host build passes one
# to this and to scripts/plot, so the standard library compiles once).
export GOCACHE="${TIDEMARK_GOCACHE:-$dir/cache}" GOPATH="$dir/path" GOFLAGS=-mod=mod GOPROXY=off \
  GO111MODULE=on CGO_ENABLED=0 GOTOOLCHAIN=local GOENV=off GOWORK=off

case "$cmd" in
build)
  [ $# -eq 0 ] || usage
  rm -rf "$dir/bin"
  mkdir -p "$dir/bin"
  for kind in swiss bucket; do
    if ! go=$(bash "$root/scripts/go-find" "$kind" 2>"$dir/bin/gomem-$kind.missing"); then
      cat "$dir/bin/gomem-$kind.missing" >&2
      continue
    fi
    rm -f "$dir/bin/gomem-$kind.missing"
    arches=(amd64)
    [ "$kind" = swiss ] && arches+=(386)
    for arch in "${arches[@]}"; do
      out=$dir/bin/gomem-$kind-$arch
      (cd "$here/gomem" && GOARCH=$arch "$go" build -o "$out" .)
      echo "gomem.sh: built $out with $go ($("$go" env GOVERSION))" >&2
    done
  done
  ;;
run)
  [ $# -ge 1 ] || usage
  name=$1
  shift
  bin=$dir/bin/gomem-$name
  kind=${name%-*}
  if [ ! -x "$bin" ]; then
    if [ -f "$dir/bin/gomem-$kind.missing" ]; then
      cat "$dir/bin/gomem-$kind.missing" >&2
      exit 3
    fi
    echo "gomem.sh: no $bin: run bash gomem.sh build $dir first" >&2
    exit 1
  fi
  if [ "${name##*-}" != 386 ]; then
    GOMAXPROCS=1 exec "$bin" "$@"
  fi
  if ! qemu=$(command -v qemu-i386); then
    echo "gomem.sh: no qemu-i386 to run the GOARCH=386 gomem: install qemu-user (bash scripts/setup go)" >&2
    exit 4
  fi
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  for try in 1 2 3; do
    if GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 "$qemu" "$bin" "$@" >"$out"; then
      cat "$out"
      exit 0
    fi
    echo "gomem.sh: $name under qemu-i386 failed (try $try of 3)" >&2
  done
  exit 1
  ;;
*) usage ;;
esac
