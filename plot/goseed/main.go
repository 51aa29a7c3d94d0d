// SPDX-License-Identifier: MIT
// Command goseed runs the seed experiment's scenario 2 on Go's own
// map[int]int and prints runtime.MemStats samples as CSV rows for
// scripts/plot:
//
//	intMap = make(map[int]int, n)  (or make(map[int]int) with -scenario nohint)
//	intMap[i] = i for i < n
//	delete(intMap, i) for i < n
//	intMap = nil; runtime.GC()
//
// One row per sample, in scripts/plot's columns:
//
//	go,<scenario>,<step>,<ops>,<event>,<heap_alloc>,<sys>,,,
//
// step is start, make, fill, delete or nil; ops counts the inserts and
// deletes done so far; heap_alloc and sys are HeapAlloc and Sys minus their
// values just before make (after a runtime.GC()), so start is 0,0.  event
// "sample" is a plain runtime.ReadMemStats, taken after make and every
// -every inserts and deletes; "gc" is one taken right after runtime.GC(), at
// the end of every step, as the seed measured each step.  The garbage a
// growth leaves (the old bucket array, once evacuated) stays in HeapAlloc
// until a collection, so the two differ while the map grows.
//
// The samples go into a slice allocated before the baseline and are printed
// only at the end, so that the measurement allocates nothing on the heap it
// measures.  Run each scenario in a process of its own: Sys never falls, so
// a second scenario in the same process would start on memory the first
// one obtained.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
)

type sample struct {
	step      string
	ops       int
	event     string
	heap, sys uint64
}

// intMap is a package variable, as in the seed: a global is live until it is
// set to nil, so no collection can take the map earlier than the program says.
var intMap map[int]int

var (
	samples []sample
	ms      runtime.MemStats
)

func record(step string, ops int, event string) {
	runtime.ReadMemStats(&ms)
	samples = append(samples, sample{step, ops, event, ms.HeapAlloc, ms.Sys})
}

func collect(step string, ops int) {
	runtime.GC()
	record(step, ops, "gc")
}

func main() {
	scenario := flag.String("scenario", "hint", "hint: make(map[int]int, n); nohint: make(map[int]int)")
	n := flag.Int("n", 8192, "keys 0..n-1")
	every := flag.Int("every", 256, "sample every this many inserts and deletes")
	flag.Parse()
	if *scenario != "hint" && *scenario != "nohint" {
		fmt.Fprintf(os.Stderr, "goseed: -scenario must be hint or nohint, not %q\n", *scenario)
		os.Exit(2)
	}
	if *n < 1 || *every < 1 {
		fmt.Fprintln(os.Stderr, "goseed: -n and -every must be at least 1")
		os.Exit(2)
	}

	// Room for every sample, so record never grows the slice.
	samples = make([]sample, 0, 2*(*n / *every)+8)
	collect("start", 0)

	if *scenario == "hint" {
		intMap = make(map[int]int, *n)
	} else {
		intMap = make(map[int]int)
	}
	record("make", 0, "sample")
	collect("make", 0)

	for i := 0; i < *n; i++ {
		intMap[i] = i
		if (i+1)%*every == 0 {
			record("fill", i+1, "sample")
		}
	}
	collect("fill", *n)
	if len(intMap) != *n {
		fmt.Fprintf(os.Stderr, "goseed: %d entries after the fill, not %d\n", len(intMap), *n)
		os.Exit(1)
	}

	for i := 0; i < *n; i++ {
		delete(intMap, i)
		if (i+1)%*every == 0 {
			record("delete", *n+i+1, "sample")
		}
	}
	collect("delete", 2**n)
	if len(intMap) != 0 {
		fmt.Fprintf(os.Stderr, "goseed: %d entries after the deletes, not 0\n", len(intMap))
		os.Exit(1)
	}

	intMap = nil
	collect("nil", 2**n)

	base := samples[0]
	w := bufio.NewWriter(os.Stdout)
	for _, s := range samples {
		fmt.Fprintf(w, "go,%s,%s,%d,%s,%d,%d,,,\n", *scenario, s.step, s.ops, s.event,
			int64(s.heap-base.heap), int64(s.sys-base.sys))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(os.Stderr, "goseed: %v\n", err)
		os.Exit(1)
	}
}
