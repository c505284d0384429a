//go:build !linux

package bench

// rssMB is not measured outside Linux.
func rssMB() float64 { return 0 }
