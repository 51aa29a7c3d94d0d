// SPDX-License-Identifier: MIT

//go:build !go1.21

package main

// Before Go 1.21 there is no clear(m): gomem steps refuses to run.
var (
	clearInt func(map[int]int)
	clearU64 func(map[uint64]uint64)
)
