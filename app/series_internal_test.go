package app

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestSeriesEncodeIsMarshal holds a series' encoding, by the appending
// path or by the map, to json.Marshal of the counts changed the plain way,
// over random stored days and random changes before, on and after the last.
func TestSeriesEncodeIsMarshal(t *testing.T) {
	// The appending path writes a LoanDays' two fields itself: a field
	// added to LoanDays goes there too.
	if n := reflect.TypeFor[LoanDays]().NumField(); n != 2 {
		t.Fatalf("LoanDays has %d fields: teach seriesTally.encode the new ones", n)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	start := Date("2025-12-20")
	appended := 0
	for trial := range 20000 {
		stored := Counts{}
		for range rng.IntN(6) {
			stored[string(start.AddDays(rng.IntN(30)))] += 1 + rng.IntN(4)
		}
		s := &seriesTally{delta: map[Date]int{}}
		if trial%10 == 9 && len(stored) > 0 {
			s.decoded = maps.Clone(stored) // as if stored in another form
		} else if plain, ok := stored.plain(); ok && len(stored) > 0 {
			s.plain = []byte(plain)
		}
		want := maps.Clone(stored)
		for range rng.IntN(4) {
			d := start.AddDays(rng.IntN(40))
			n := 1 + rng.IntN(3)
			if rng.IntN(3) == 0 {
				n = -min(n, want[string(d)]) // never below nothing
			}
			s.delta[d] += n
			bump((*map[string]int)(&want), string(d), n)
		}
		if s.decoded == nil {
			if _, ok := s.appended(sortedChanged(s.delta)); ok {
				appended++
			}
		}
		raw, changed, err := s.encode("t/T1")
		if err != nil {
			t.Fatal(err)
		}
		if wantChanged := !maps.Equal(stored, want); changed != wantChanged {
			t.Fatalf("stored %v, changes %v: changed = %v", stored, s.delta, changed)
		}
		if !changed {
			continue
		}
		var wantRaw []byte
		if len(want) > 0 {
			if wantRaw, err = json.Marshal(&LoanDays{ID: "t/T1", N: want}); err != nil {
				t.Fatal(err)
			}
		}
		if string(raw) != string(wantRaw) {
			t.Fatalf("stored %v, changes %v:\n got %s\nwant %s", stored, s.delta, raw, wantRaw)
		}
	}
	if appended < 2000 {
		t.Errorf("only %d of the trials took the appending path", appended)
	}
}

func sortedChanged(delta map[Date]int) []Date {
	var days []Date
	for d, n := range delta {
		if n != 0 {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	return days
}
