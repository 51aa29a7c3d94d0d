// SPDX-License-Identifier: MIT
// Command gomap runs the host benchmark's workloads on Go's built-in
// map[uint64]uint64, the map tidemark models, and prints the same TSV records
// as bench/tidemark_bench (see bench/bench.c), with impl "go" (or -side).
//
// The inputs are bench/keys.c's (through keyset.c), rebuilt here: the same splitmix64 stream,
// seeds, order of draws and Fisher-Yates shuffle; the "keys" record's
// fingerprint lets bench/report check that both sides measured the same keys.
// The workloads, their order within a repetition, the warm-up, the records
// (a "sample" per kept repetition, then the "time" summary: median, min, max
// of ns/op) are also the C side's.  -mem=false skips the memory records, for
// the report's later rounds.
//
// Memory.  Go has no per-map figure, so each "after" state is measured in a
// child process of this program (-mem-child), which builds only that state:
// runtime.GC() and runtime.ReadMemStats before and after, and the record
// carries the HeapAlloc delta / N (live heap the map holds, against the
// map's bytes) and the Sys delta / N (memory obtained from the OS, which never
// goes back down: against the arena's watermark).  A fresh process keeps the
// heap left over by earlier workloads out of the figures.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Fixed seeds, as bench/keys.h's KEYS_SEED and SHUFFLE_SEED.
const (
	keysSeed    uint64 = 0x7469646d61726b31
	shuffleSeed uint64 = 0x73687566666c6532
)

// splitmix64 advances *state by the golden gamma and returns the mixed state
// (keys.c's splitmix64).
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// keyset is keys.h's struct keyset: present, absent and fresh are draws
// 0..N-1, N..2N-1 and 2N..3N-1 of one stream; shuffled is present in the
// Fisher-Yates order of a second stream.
type keyset struct {
	present, absent, fresh, shuffled []uint64
}

func makeKeys(n int) *keyset {
	ks := &keyset{
		present:  make([]uint64, n),
		absent:   make([]uint64, n),
		fresh:    make([]uint64, n),
		shuffled: make([]uint64, n),
	}
	s := keysSeed
	for i := range ks.present {
		ks.present[i] = splitmix64(&s)
	}
	for i := range ks.absent {
		ks.absent[i] = splitmix64(&s)
	}
	for i := range ks.fresh {
		ks.fresh[i] = splitmix64(&s)
	}
	copy(ks.shuffled, ks.present)
	r := shuffleSeed
	for i := n - 1; i > 0; i-- {
		j := splitmix64(&r) % uint64(i+1)
		ks.shuffled[i], ks.shuffled[j] = ks.shuffled[j], ks.shuffled[i]
	}
	return ks
}

// fingerprint is keys_fingerprint: each word xored in, then a splitmix64 step.
func (ks *keyset) fingerprint() uint64 {
	d := uint64(len(ks.present))
	for _, a := range [][]uint64{ks.present, ks.absent, ks.fresh, ks.shuffled} {
		for _, k := range a {
			s := d ^ k
			d = splitmix64(&s)
		}
	}
	return d
}

// valueOf is keys.h's value_of: the value stored with key k.
func valueOf(k uint64) uint64 { return ^k }

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "gomap: "+format+"\n", args...)
	os.Exit(1)
}

// --- the timed loops ---------------------------------------------------------

func insertAll(m map[uint64]uint64, keys []uint64) {
	for _, k := range keys {
		m[k] = valueOf(k)
	}
}

// lookupAll returns the hits and the xor of every wrong value found.
func lookupAll(m map[uint64]uint64, keys []uint64) (hits int, bad uint64) {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			hits++
			bad |= v ^ valueOf(k)
		}
	}
	return
}

func deleteAll(m map[uint64]uint64, keys []uint64) {
	for _, k := range keys {
		delete(m, k)
	}
}

func churn(m map[uint64]uint64, out, in []uint64) {
	for i, k := range out {
		delete(m, k)
		m[in[i]] = valueOf(in[i])
	}
}

// --- the clock ----------------------------------------------------------------

// clockThreadCPUTime is Linux's CLOCK_THREAD_CPUTIME_ID.
const clockThreadCPUTime = 3

// cpuNow is the C side's now_ns (bench/samples.c): nanoseconds of CPU time of
// the calling thread, the time it ran rather than the time it waited for a
// core on a shared machine.  main locks the goroutine to its thread, so the
// thread's time is the benchmark's, GC assists included; the runtime's
// background workers run on other threads and do not count, as they take no
// time from the timed loop on an idle machine either.
func cpuNow() int64 {
	var ts syscall.Timespec
	_, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime,
		uintptr(unsafe.Pointer(&ts)), 0)
	if errno != 0 {
		die("clock_gettime: %v", errno)
	}
	return ts.Nano()
}

// --- one N -------------------------------------------------------------------

var workloads = []string{"insert", "insert_hint", "lookup_hit", "lookup_miss", "delete", "churn"}

func summary(v []float64) (med, lo, hi float64) {
	if len(v) == 0 {
		return
	}
	sort.Float64s(v)
	h := len(v) / 2
	med = v[h]
	if len(v)%2 == 0 {
		med = (v[h-1] + v[h]) / 2
	}
	return med, v[0], v[len(v)-1]
}

// side names this program's records: bench/report runs the same source built
// by two Go toolchains (the bucket map's and the Swiss map's) side by side.
var side = "go"

func runN(n, reps, warmup int, mem bool) {
	ks := makeKeys(n)
	fmt.Printf("keys\t%d\t%016x\n", n, ks.fingerprint())
	if mem {
		memRecords(n)
	}

	s := map[string][]float64{}
	for r := 0; r < warmup+reps; r++ {
		keep := r >= warmup
		add := func(w string, t0 int64) {
			d := cpuNow() - t0
			if keep {
				s[w] = append(s[w], float64(d)/float64(n))
			}
		}

		// (1), then (3), (4), (5) on the map it built.
		m := make(map[uint64]uint64)
		t0 := cpuNow()
		insertAll(m, ks.present)
		add("insert", t0)
		if len(m) != n {
			die("N=%d insert: len %d", n, len(m))
		}

		t0 = cpuNow()
		hits, bad := lookupAll(m, ks.shuffled)
		add("lookup_hit", t0)
		if hits != n || bad != 0 {
			die("N=%d lookup_hit: %d hits, bad %x", n, hits, bad)
		}

		t0 = cpuNow()
		hits, _ = lookupAll(m, ks.absent)
		add("lookup_miss", t0)
		if hits != 0 {
			die("N=%d lookup_miss: %d hits", n, hits)
		}

		t0 = cpuNow()
		deleteAll(m, ks.shuffled)
		add("delete", t0)
		if len(m) != 0 {
			die("N=%d delete: len %d", n, len(m))
		}

		// (2)
		m = make(map[uint64]uint64, n)
		t0 = cpuNow()
		insertAll(m, ks.present)
		add("insert_hint", t0)
		if len(m) != n {
			die("N=%d insert_hint: len %d", n, len(m))
		}

		// (6) on a map built as in (1), untimed.
		m = make(map[uint64]uint64)
		insertAll(m, ks.present)
		t0 = cpuNow()
		churn(m, ks.present, ks.fresh)
		add("churn", t0)
		if len(m) != n {
			die("N=%d churn: len %d", n, len(m))
		}
	}
	for _, w := range workloads {
		for _, v := range s[w] {
			fmt.Printf("sample\t%s\t%d\t%s\t%.2f\n", side, n, w, v)
		}
	}
	for _, w := range workloads {
		med, lo, hi := summary(s[w])
		fmt.Printf("time\t%s\t%d\t%s\t%.2f\t%.2f\t%.2f\t%d\n", side, n, w, med, lo, hi, len(s[w]))
	}
}

// --- memory, one state per child process ------------------------------------

var memStates = []string{"insert", "insert_hint", "delete", "churn"}

// memRecords runs one child per state and relays its record.
func memRecords(n int) {
	self, err := os.Executable()
	if err != nil {
		die("os.Executable: %v", err)
	}
	for _, after := range memStates {
		cmd := exec.Command(self, "-mem-child", after, "-n", strconv.Itoa(n), "-side", side)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			die("mem child %s N=%d: %v", after, n, err)
		}
		os.Stdout.Write(out)
	}
}

// memChild builds one state from a settled heap and prints its mem record.
func memChild(after string, n int) {
	ks := makeKeys(n)
	var before, now runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	var m map[uint64]uint64
	switch after {
	case "insert":
		m = make(map[uint64]uint64)
		insertAll(m, ks.present)
	case "insert_hint":
		m = make(map[uint64]uint64, n)
		insertAll(m, ks.present)
	case "delete":
		m = make(map[uint64]uint64)
		insertAll(m, ks.present)
		deleteAll(m, ks.shuffled)
	case "churn":
		m = make(map[uint64]uint64)
		insertAll(m, ks.present)
		churn(m, ks.present, ks.fresh)
	default:
		die("unknown state %q", after)
	}

	runtime.GC()
	runtime.ReadMemStats(&now)
	runtime.KeepAlive(m)
	runtime.KeepAlive(ks)
	heap := float64(int64(now.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	sys := float64(int64(now.Sys)-int64(before.Sys)) / float64(n)
	fmt.Printf("mem\t%s\t%d\t%s\t%.2f\t%.2f\n", side, n, after, heap, sys)
}

// --- command line -------------------------------------------------------------

func parseList(arg, opt string) []int {
	var out []int
	for _, f := range strings.Split(arg, ",") {
		v, err := strconv.Atoi(f)
		if err != nil || v <= 0 {
			die("%s: expected a comma-separated list of positive integers", opt)
		}
		out = append(out, v)
	}
	return out
}

func main() {
	runtime.LockOSThread() // the timed loops stay on one thread (cpuNow)
	nFlag := flag.String("n", "1000,100000,1000000", "sizes, comma-separated")
	repsFlag := flag.String("reps", "31,11,5", "kept repetitions: one for all sizes or one per size")
	warmup := flag.Int("warmup", 1, "repetitions run first and not kept")
	mem := flag.Bool("mem", true, "measure memory (one child process per state)")
	child := flag.String("mem-child", "", "internal: measure one memory state")
	flag.StringVar(&side, "side", "go", "the side's name in the records (bench/report runs one Go as \"go\", the other as \"goswiss\")")
	flag.Parse()

	ns := parseList(*nFlag, "-n")
	if *child != "" {
		memChild(*child, ns[0])
		return
	}
	reps := parseList(*repsFlag, "-reps")
	if len(reps) != 1 && len(reps) != len(ns) {
		die("-reps: give one count, or one per size")
	}
	fmt.Printf("meta\t%s\tcompiler\t%s\n", side, runtime.Version())
	fmt.Printf("meta\t%s\tGOGC\t%s\n", side, os.Getenv("GOGC"))
	for i, n := range ns {
		r := reps[0]
		if len(reps) > 1 {
			r = reps[i]
		}
		runN(n, r, *warmup, *mem)
	}
}
