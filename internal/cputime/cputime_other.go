//go:build !unix

// Package cputime reads the CPU time this process has used. Benchmarks
// report it beside wall time because the machines they run on are shared:
// wall time there measures the neighbours as much as the code.
package cputime

import "time"

// Process is not measured here: it is always 0.
func Process() time.Duration { return 0 }
