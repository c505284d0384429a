package storage

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSortByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tokens := []string{"u:山", "u:山水", "c:山水", "w:a", "w:ab", "w:abc", "p:x", ""}
	entry := func(tok string, id int) kv {
		return kv{k: fmt.Appendf(nil, "%s\x00t%06d", tok, id), v: []byte{}}
	}
	var grouped, shuffled, unique []kv
	for id := range 500 {
		for _, tok := range tokens {
			if rng.IntN(3) > 0 {
				grouped = append(grouped, entry(tok, id))
			}
		}
		unique = append(unique, kv{k: fmt.Appendf(nil, "978%07d", rng.IntN(1e7)), v: fmt.Appendf(nil, "t%06d", id)})
	}
	shuffled = slices.Clone(grouped)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	withZero := append(slices.Clone(grouped), kv{k: []byte("a\x00b\x00t000001"), v: []byte{}})
	for name, list := range map[string][]kv{"grouped": grouped, "shuffled": shuffled, "unique": unique, "zero in key": withZero} {
		t.Run(name, func(t *testing.T) {
			if name == "grouped" && !sortGrouped(slices.Clone(list)) {
				t.Error("index entries queued in record order were not sorted by their keys alone")
			}
			want := slices.Clone(list)
			slices.SortStableFunc(want, byKey)
			got := slices.Clone(list)
			sortByKey(got)
			if !slices.EqualFunc(got, want, func(a, b kv) bool { return bytes.Equal(a.k, b.k) && bytes.Equal(a.v, b.v) }) {
				var g, w []string
				for i := range got {
					g, w = append(g, string(got[i].k)), append(w, string(want[i].k))
				}
				t.Errorf("sortByKey (-want +got):\n%s", cmp.Diff(w, g))
			}
		})
	}
}

// BenchmarkSortGrouped sorts a batch's search index entries: 12,500
// titles in ID order, nine tokens each from a vocabulary of 5,000. (Placing
// each entry by counting per key, instead of chaining each key's entries,
// measured no faster: checking the order afterwards costs what the chains
// save.)
func BenchmarkSortGrouped(b *testing.B) {
	zipf := rand.NewZipf(rand.New(rand.NewPCG(5, 6)), 1.1, 1, 4999)
	var list []kv
	for id := range 12_500 {
		for range 9 {
			list = append(list, kv{k: fmt.Appendf(nil, "w:tok%04d\x0001JCX%021d", zipf.Uint64(), id), v: []byte{}})
		}
	}
	work := make([]kv, len(list))
	for b.Loop() {
		copy(work, list)
		if !sortGrouped(work) {
			b.Fatal("not sorted by groups")
		}
	}
}
