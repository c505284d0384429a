// Package gcmode lets a long write of many records (a bulk load, the first
// sync of a station) trade memory for speed while it runs.
//
// A desk's live heap is small, so with Go's default garbage-collection
// target (GOGC=100) a load that allocates for every record collects many
// times a second, and on a two-core machine that collection competes with
// the writer for the second core. For the length of such a load the
// collector may let the heap grow to five times what is live, capped by a
// memory limit so that an old PC with little memory is not pushed into
// swapping; when the load ends the settings the program had come back.
// Settings the user chose (GOGC, GOMEMLIMIT) that already ask for less
// collecting, or for a lower limit, are kept.
package gcmode

import (
	"runtime/debug"
	"sync"
)

const (
	// throughputPercent is GOGC while a load runs: the heap may grow to five
	// times what is live before the next collection.
	throughputPercent = 400
	// throughputLimit caps the Go heap and runtime memory while a load runs
	// (the database file's memory map is not counted). Near it the
	// collector works as hard as it must to stay under.
	throughputLimit = 768 << 20
)

var (
	mu    sync.Mutex
	depth int // loads running
	saved struct {
		percent int
		limit   int64
	}
)

// Throughput sets the collector for a long load and returns the function
// that ends it. Loads may overlap: the settings come back when the last
// one ends. The returned function may be called more than once.
func Throughput() (end func()) {
	mu.Lock()
	defer mu.Unlock()
	if depth == 0 {
		saved.percent = debug.SetGCPercent(throughputPercent)
		if saved.percent < 0 || saved.percent > throughputPercent {
			debug.SetGCPercent(saved.percent) // GOGC=off or higher: the user's choice
		}
		saved.limit = debug.SetMemoryLimit(-1)
		if saved.limit > throughputLimit {
			debug.SetMemoryLimit(throughputLimit)
		}
	}
	depth++
	return sync.OnceFunc(func() {
		mu.Lock()
		defer mu.Unlock()
		depth--
		if depth == 0 {
			debug.SetGCPercent(saved.percent)
			debug.SetMemoryLimit(saved.limit)
		}
	})
}
