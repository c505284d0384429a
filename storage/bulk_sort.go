package storage

import (
	"bytes"
	"slices"
)

func byKey(a, b kv) int { return bytes.Compare(a.k, b.k) }

// sortByKey sorts one bucket's writes by key, which is the order bbolt
// writes fastest. Keys repeat within one batch only with the same value (a
// record listing one ISBN twice), so an unstable sort loses nothing.
func sortByKey(list []kv) {
	if slices.IsSortedFunc(list, byKey) { // records and events, mostly
		return
	}
	if !sortGrouped(list) {
		slices.SortFunc(list, byKey)
	}
}

// sortGrouped sorts the keys of a non-unique index, "key\x00record", by
// sorting their distinct keys only. That holds when each key's records
// arrive in order, as they do when records are queued in the order of
// their time-ordered IDs; a search token shared by thousands of titles
// then costs one comparison sort entry instead of thousands. It reports
// false, leaving list as it was, for keys of any other form or order.
func sortGrouped(list []kv) bool {
	type group struct {
		key         []byte
		first, last int32
	}
	var groups []group
	at := map[string]int32{} // key → its group
	next := make([]int32, len(list))
	for i, p := range list {
		j := bytes.IndexByte(p.k, 0)
		if j < 0 || bytes.IndexByte(p.k[j+1:], 0) >= 0 || len(p.v) != 0 {
			return false
		}
		g, ok := at[string(p.k[:j])]
		if !ok {
			g = int32(len(groups))
			at[string(p.k[:j])] = g
			groups = append(groups, group{key: p.k[:j], first: int32(i), last: int32(i)})
			next[i] = -1
			continue
		}
		gr := &groups[g]
		if bytes.Compare(list[gr.last].k[j+1:], p.k[j+1:]) > 0 {
			return false
		}
		next[gr.last], next[i], gr.last = int32(i), -1, int32(i)
	}
	// No key holds a zero byte and every one ends at the zero byte, the
	// least byte there is: keys in order mean entries in order.
	slices.SortFunc(groups, func(a, b group) int { return bytes.Compare(a.key, b.key) })
	out := make([]kv, 0, len(list))
	for _, g := range groups {
		for i := g.first; i >= 0; i = next[i] {
			out = append(out, list[i])
		}
	}
	copy(list, out)
	return true
}
