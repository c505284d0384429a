//go:build unix

package importer_test

import (
	"syscall"
	"time"
)

// processCPUTime returns the CPU time the process has used, so benchmarks
// can report a rate that does not depend on how busy the machine is.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
