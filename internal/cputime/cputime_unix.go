//go:build unix

// Package cputime reads the CPU time this process has used. Benchmarks
// report it beside wall time because the machines they run on are shared:
// wall time there measures the neighbours as much as the code.
package cputime

import (
	"syscall"
	"time"
)

// Process is the user and system time this process has used so far.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
