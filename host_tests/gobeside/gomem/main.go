// SPDX-License-Identifier: MIT

// gomem measures what Go's own map holds, for host_tests/gobeside: the Go
// runtime's figures that tidemark's swiss and hmap maps are held against.
//
//	gomem steps           for map[int]int and map[uint64]uint64 at hints 0,
//	                      8, 9, 64, 1024, 8192 and 100,000: HeapAlloc growth
//	                      after make, after filling to the hint (8192 keys for
//	                      hint 0), after deleting every key, after clear(m)
//	                      and after m = nil; needs Go >= 1.21 (clear)
//	gomem churn N [N...]  for each N: fill a map[uint64]uint64 (no hint) with
//	                      N keys, then one round of "delete the oldest key,
//	                      insert a new one" over the sliding window of N
//	                      keys; HeapAlloc growth after the fill and after the
//	                      round
//
// Every figure is runtime.MemStats.HeapAlloc after two runtime.GC() calls
// (the second also empties the sync.Pool victim caches), minus the same
// measured just before make.  The map lives in a global, so it is on the
// heap and alive.  A first pass of the steps, not kept, takes the runtime's
// own first allocations out of the figures.  Figures are kept in a preallocated array and printed at
// the end, so that nothing the printing allocates is counted.
//
// Output, one line a figure:
//
//	steps <type> <hint> <step> <bytes>
//	churn <n> fill|round <bytes>
//	go <version> <GOARCH>
//	retries <hints measured again>
//
// The churn's keys are splitmix64(i), computed when needed: no slice of
// keys, so there is nothing of the program's own to subtract.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
)

var stats runtime.MemStats

// heap is HeapAlloc with all garbage collected.
func heap() int64 {
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&stats)
	return int64(stats.HeapAlloc)
}

type figure struct {
	typ  string
	hint int
	step string
	n    int64
}

// Room for every figure before any is printed: 2 types * 7 hints * 5 steps.
var figures = make([]figure, 0, 128)

var (
	mapInt map[int]int
	mapU64 map[uint64]uint64
)

var hints = []int{0, 8, 9, 64, 1024, 8192, 100000}

// Hints measured again (see steps).
var retries int

// steps runs the five steps on *m; clearMap is clear(m), kept in a file of
// its own (clear is Go 1.21's).
func steps[K int | uint64](typ string, m *map[K]K, clearMap func(map[K]K)) {
	for _, hint := range hints {
		// The hint's steps are measured again, up to five times, when
		//   - m = nil left something: it frees all the map held, so the
		//     runtime kept an allocation of its own made meanwhile (112 or
		//     5,320 bytes, seen on amd64 with GOMAXPROCS > 1);
		//   - a hint above 8 did not hold the fill: make sizes the tables
		//     for hint keys on average, but each map draws a random hash
		//     seed, and at hint 100,000 a table now and then gets more
		//     than its 896 keys and splits (seen once in a few hundred
		//     maps).  tidemark's map, with its fixed seed, does not.
		for try := 1; ; try++ {
			first := len(figures)
			once(typ, hint, m, clearMap)
			f := figures[first:]
			if (f[4].n == 0 && (hint <= 8 || f[1].n == f[0].n)) || try == 5 {
				break
			}
			figures = figures[:first]
			retries++
		}
	}
}

// once measures the five steps of one hint.
func once[K int | uint64](typ string, hint int, m *map[K]K, clearMap func(map[K]K)) {
	base := heap()
	record := func(step string) {
		figures = append(figures, figure{typ, hint, step, heap() - base})
	}
	*m = make(map[K]K, hint)
	record("make")
	n := hint
	if n == 0 {
		n = 8192
	}
	for i := 0; i < n; i++ {
		(*m)[K(i)] = K(i)
	}
	if len(*m) != n {
		panic("fill")
	}
	record("fill")
	for i := 0; i < n; i++ {
		delete(*m, K(i))
	}
	if len(*m) != 0 {
		panic("delete")
	}
	record("delete")
	clearMap(*m)
	record("clear")
	*m = nil
	record("nil")
}

// splitmix64 is the churn's key sequence (the C side computes the same).
func splitmix64(i uint64) uint64 {
	z := i*0x9e3779b97f4a7c15 + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func churn(n int) {
	heap() // the previous n's map, and the runtime's first GCs, out of the way
	base := heap()
	mapU64 = make(map[uint64]uint64)
	for i := 0; i < n; i++ {
		mapU64[splitmix64(uint64(i))] = uint64(i)
	}
	fill := heap() - base
	for i := 0; i < n; i++ {
		delete(mapU64, splitmix64(uint64(i)))
		mapU64[splitmix64(uint64(n+i))] = uint64(n + i)
	}
	if len(mapU64) != n {
		panic("churn")
	}
	round := heap() - base
	mapU64 = nil
	fmt.Printf("churn %d fill %d\nchurn %d round %d\n", n, fill, n, round)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gomem steps | gomem churn N [N...]")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fmt.Printf("go %s %s\n", runtime.Version(), runtime.GOARCH)
	switch os.Args[1] {
	case "steps":
		if len(os.Args) != 2 || clearInt == nil {
			usage()
		}
		// A first pass, not kept: the runtime's own first allocations
		// (its first GCs, lazily made structures) land in it.
		steps("int", &mapInt, clearInt)
		figures, retries = figures[:0], 0
		steps("int", &mapInt, clearInt)
		steps("uint64", &mapU64, clearU64)
		for _, f := range figures {
			fmt.Printf("steps %s %d %s %d\n", f.typ, f.hint, f.step, f.n)
		}
		fmt.Printf("retries %d\n", retries)
	case "churn":
		if len(os.Args) < 3 {
			usage()
		}
		for _, a := range os.Args[2:] {
			n, err := strconv.Atoi(a)
			if err != nil || n < 1 {
				usage()
			}
			churn(n)
		}
	default:
		usage()
	}
}
