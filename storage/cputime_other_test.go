//go:build !unix

package storage_test

import "time"

// cpuTime is not measured here; records/cpu-s reads +Inf.
func cpuTime() time.Duration { return 0 }
