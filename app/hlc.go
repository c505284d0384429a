package app

import (
	"fmt"
	"time"
)

// HLC is a hybrid logical clock reading: milliseconds since the Unix epoch in
// the high 48 bits and a logical counter in the low 16. Readings compare as
// plain integers and never run backwards on a station, even when its wall
// clock does.
type HLC uint64

// MakeHLC builds a reading from a wall time and a logical counter.
func MakeHLC(t time.Time, logical uint16) HLC {
	return HLC(uint64(t.UnixMilli())<<16 | uint64(logical))
}

// Time is the wall-clock part of the reading.
func (h HLC) Time() time.Time { return time.UnixMilli(int64(h >> 16)).UTC() }

// Logical is the counter part of the reading.
func (h HLC) Logical() uint16 { return uint16(h) }

// String formats the reading for logs.
func (h HLC) String() string {
	return fmt.Sprintf("%s.%d", h.Time().Format("2006-01-02T15:04:05.000Z"), h.Logical())
}

// Tick returns the next reading after last for a local event at wall time now.
func (last HLC) Tick(now time.Time) HLC {
	pt := MakeHLC(now, 0)
	if pt > last {
		return pt
	}
	return last + 1
}

// Observe merges a remote reading into last, so that local events made after
// receiving it order after it.
func (last HLC) Observe(remote HLC, now time.Time) HLC {
	next := last.Tick(now)
	if remote >= next {
		return remote + 1
	}
	return next
}

// Version orders competing writes to one field: the later HLC wins and the
// station ID breaks ties, so every station picks the same winner.
type Version struct {
	HLC     HLC    `json:"h"`
	Station string `json:"s"`
}

// After reports whether v wins over w.
func (v Version) After(w Version) bool {
	if v.HLC != w.HLC {
		return v.HLC > w.HLC
	}
	return v.Station > w.Station
}
