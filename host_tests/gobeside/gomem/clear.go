// SPDX-License-Identifier: MIT

//go:build go1.21

package main

// clear(m), the builtin of Go 1.21 and later: the step the bucket map's Go
// (1.19, which only runs the churn) cannot build.
var (
	clearInt = func(m map[int]int) { clear(m) }
	clearU64 = func(m map[uint64]uint64) { clear(m) }
)
