//go:build !unix

package importer_test

import "time"

// processCPUTime is unknown here; benchmarks then skip the CPU-time rate.
func processCPUTime() time.Duration { return 0 }
