package gcmode

import (
	"runtime/debug"
	"testing"
)

// settings reads GOGC and the memory limit without changing them.
func settings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func restoreAfter(t *testing.T) {
	t.Helper()
	p, l := settings()
	t.Cleanup(func() {
		debug.SetGCPercent(p)
		debug.SetMemoryLimit(l)
	})
}

func TestThroughputSetsAndRestores(t *testing.T) {
	restoreAfter(t)
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 62)

	end := Throughput()
	if p, l := settings(); p != throughputPercent || l != throughputLimit {
		t.Fatalf("during a load: GOGC %d, limit %d; want %d, %d", p, l, throughputPercent, throughputLimit)
	}
	end()
	end() // a second call changes nothing
	if p, l := settings(); p != 100 || l != 1<<62 {
		t.Fatalf("after the load: GOGC %d, limit %d; want 100, %d", p, l, int64(1)<<62)
	}
}

func TestOverlappingLoadsRestoreAfterTheLast(t *testing.T) {
	restoreAfter(t)
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 62)

	endA := Throughput()
	endB := Throughput()
	endA()
	endA()
	if p, _ := settings(); p != throughputPercent {
		t.Fatalf("one load still runs: GOGC %d, want %d", p, throughputPercent)
	}
	endB()
	if p, l := settings(); p != 100 || l != 1<<62 {
		t.Fatalf("after both: GOGC %d, limit %d", p, l)
	}
}

func TestUserSettingsThatAskForLessAreKept(t *testing.T) {
	restoreAfter(t)
	for _, tc := range []struct {
		name    string
		percent int
		limit   int64
		wantP   int
		wantL   int64
	}{
		{"GOGC off", -1, 1 << 62, -1, throughputLimit},
		{"GOGC higher", 800, 1 << 62, 800, throughputLimit},
		{"lower limit", 100, 256 << 20, throughputPercent, 256 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(tc.percent)
			debug.SetMemoryLimit(tc.limit)
			end := Throughput()
			p, l := settings()
			end()
			if p != tc.wantP || l != tc.wantL {
				t.Errorf("during a load: GOGC %d, limit %d; want %d, %d", p, l, tc.wantP, tc.wantL)
			}
			if p, l := settings(); p != tc.percent || l != tc.limit {
				t.Errorf("after: GOGC %d, limit %d; want %d, %d", p, l, tc.percent, tc.limit)
			}
		})
	}
}
