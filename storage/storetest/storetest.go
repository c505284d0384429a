// Package storetest is the conformance suite of app.Store: every
// implementation (memstore, the bbolt store) runs Run and so behaves alike.
package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/circa-library/circa/app"
)

// Run checks every rule of the app.Store contract against stores made by
// open. Each subtest gets a fresh, empty store; open should arrange for it
// to be closed when the test ends.
func Run(t *testing.T, open func(t *testing.T) app.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s app.Store)
	}{
		{"PutGet", testPutGet},
		{"PutWithoutID", testPutWithoutID},
		{"IndexesFollowUpdates", testIndexesFollowUpdates},
		{"IndexesWithinATransaction", testIndexesWithinATransaction},
		{"PutEncoded", testPutEncoded},
		{"UniqueClash", testUniqueClash},
		{"Delete", testDelete},
		{"LookupOrder", testLookupOrder},
		{"Scan", testScan},
		{"ForEach", testForEach},
		{"WriteWhileIterating", testWriteWhileIterating},
		{"Count", testCount},
		{"Meta", testMeta},
		{"AppendEvent", testAppendEvent},
		{"EventsAfter", testEventsAfter},
		{"EncodedEventsAfter", testEncodedEventsAfter},
		{"Rollback", testRollback},
		{"RollbackOnPanic", testRollbackOnPanic},
		{"ReadOnlyTx", testReadOnlyTx},
		{"UnknownNames", testUnknownNames},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
	t.Run("StateHash", func(t *testing.T) { testStateHash(t, open) })
}

func copyRec(id, barcode, title string) *app.Copy {
	return &app.Copy{
		Meta:     app.Meta{ID: id, Ver: app.Version{HLC: 1, Station: "s1"}},
		Barcode:  barcode,
		TitleID:  title,
		ItemType: app.ItemBook,
		Status:   app.CopyAvailable,
	}
}

func readerRec(id, card, class string) *app.Reader {
	return &app.Reader{Meta: app.Meta{ID: id}, Card: card, Name: "Reader " + id, Class: class,
		CardType: "normal", Status: app.ReaderActive, History: app.HistoryKeep}
}

func update(t *testing.T, s app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := s.Update(fn); err != nil {
		t.Fatalf("Update: %+v", err)
	}
}

func put(t *testing.T, s app.Store, recs ...app.Record) {
	t.Helper()
	update(t, s, func(tx app.Tx) error {
		for _, r := range recs {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func view(t *testing.T, s app.Store, fn func(app.Tx) error) {
	t.Helper()
	if err := s.View(fn); err != nil {
		t.Fatalf("View: %+v", err)
	}
}

func lookup(t *testing.T, s app.Store, index, key string) []string {
	t.Helper()
	var ids []string
	view(t, s, func(tx app.Tx) (err error) {
		ids, err = tx.Lookup(index, key)
		return err
	})
	return ids
}

func wantIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

type pair struct{ Key, ID string }

func scan(t *testing.T, s app.Store, index, from, to string) []pair {
	t.Helper()
	var out []pair
	view(t, s, func(tx app.Tx) error {
		return tx.Scan(index, from, to, func(k, id string) error {
			out = append(out, pair{k, id})
			return nil
		})
	})
	return out
}

func testPutGet(t *testing.T, s app.Store) {
	c := copyRec("c1", "b001", "t1")
	c.Price = 1250
	c.Fields = map[string]app.Version{"status": {HLC: 2, Station: "s2"}}
	put(t, s, c)
	view(t, s, func(tx app.Tx) error {
		var got app.Copy
		found, err := tx.Get(app.CollCopies, "c1", &got)
		if err != nil || !found {
			t.Fatalf("Get c1 = %v, %v; want found", found, err)
		}
		if d := cmp.Diff(c, &got); d != "" {
			t.Errorf("round trip (-put +got):\n%s", d)
		}
		var raw json.RawMessage
		if _, err := tx.Get(app.CollCopies, "c1", &raw); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(c)
		if string(raw) != string(want) {
			t.Errorf("stored bytes = %s, want json.Marshal(record) = %s", raw, want)
		}
		found, err = tx.Get(app.CollCopies, "c2", &got)
		if found || err != nil {
			t.Errorf("Get absent = %v, %v; want false, nil", found, err)
		}
		found, err = tx.Get(app.CollReaders, "c1", &got)
		if found || err != nil {
			t.Errorf("Get in another collection = %v, %v; want false, nil", found, err)
		}
		return nil
	})
}

func testPutWithoutID(t *testing.T, s app.Store) {
	err := s.Update(func(tx app.Tx) error { return tx.Put(copyRec("", "b1", "t1")) })
	if err == nil {
		t.Fatal("Put of a record without an ID succeeded")
	}
	wantIDs(t, "barcode index after refused Put", lookup(t, s, app.IdxCopyBarcode, "B1"))
}

func testIndexesFollowUpdates(t *testing.T, s app.Store) {
	put(t, s, copyRec("c1", "b1", "t1"))
	wantIDs(t, "barcode b1", lookup(t, s, app.IdxCopyBarcode, "B1"), "c1")
	wantIDs(t, "title t1", lookup(t, s, app.IdxCopyTitle, "t1"), "c1")

	put(t, s, copyRec("c1", "b2", "t2"))
	wantIDs(t, "old barcode", lookup(t, s, app.IdxCopyBarcode, "B1"))
	wantIDs(t, "old title", lookup(t, s, app.IdxCopyTitle, "t1"))
	wantIDs(t, "new barcode", lookup(t, s, app.IdxCopyBarcode, "B2"), "c1")
	wantIDs(t, "new title", lookup(t, s, app.IdxCopyTitle, "t2"), "c1")

	// The freed barcode can be taken by another copy.
	put(t, s, copyRec("c2", "b1", "t2"))
	wantIDs(t, "reused barcode", lookup(t, s, app.IdxCopyBarcode, "B1"), "c2")

	// A tombstone has no index entries.
	gone := copyRec("c1", "b2", "t2")
	gone.Deleted = true
	put(t, s, gone)
	wantIDs(t, "tombstone barcode", lookup(t, s, app.IdxCopyBarcode, "B2"))
	wantIDs(t, "title after tombstone", lookup(t, s, app.IdxCopyTitle, "t2"), "c2")

	// Optional entries come and go.
	put(t, s, readerRec("r1", "card1", "3A"))
	put(t, s, readerRec("r1", "card1", ""))
	if got := scan(t, s, app.IdxReaderClass, "", ""); len(got) != 0 {
		t.Errorf("class index after the class was cleared = %v", got)
	}
}

// testIndexesWithinATransaction: a transaction reads its own index writes
// (storage makes them in key order only at commit or before a read), the
// last write of a key wins, and a key freed in a transaction can be taken
// in it.
func testIndexesWithinATransaction(t *testing.T, s app.Store) {
	put(t, s, copyRec("c0", "b0", "t0"))
	update(t, s, func(tx app.Tx) error {
		for i, rec := range []*app.Copy{copyRec("c3", "b3", "t1"), copyRec("c1", "b1", "t1"), copyRec("c2", "b2", "t2")} {
			if err := tx.Put(rec); err != nil {
				return fmt.Errorf("put %d: %w", i, err)
			}
		}
		ids, err := tx.Lookup(app.IdxCopyTitle, "t1")
		wantIDs(t, "title t1 in the transaction", ids, "c1", "c3")
		if err != nil {
			return err
		}
		var keys []string
		if err := tx.Scan(app.IdxCopyBarcode, "B1", "B3", func(key, id string) error {
			keys = append(keys, key+"="+id)
			return nil
		}); err != nil {
			return err
		}
		if want := []string{"B1=c1", "B2=c2"}; !slices.Equal(keys, want) {
			t.Errorf("barcodes in the transaction = %v, want %v", keys, want)
		}
		// Move c1 away from t1 and back again, drop c3: the last write wins.
		for _, rec := range []*app.Copy{copyRec("c1", "b1", "t9"), copyRec("c1", "b1", "t1")} {
			if err := tx.Put(rec); err != nil {
				return err
			}
		}
		if err := tx.Delete(app.CollCopies, "c3"); err != nil {
			return err
		}
		// The barcode c0 gives up can be taken by c4 in the same transaction.
		if err := tx.Put(copyRec("c0", "b00", "t0")); err != nil {
			return err
		}
		return tx.Put(copyRec("c4", "b0", "t4"))
	})
	wantIDs(t, "title t1", lookup(t, s, app.IdxCopyTitle, "t1"), "c1")
	wantIDs(t, "title t9", lookup(t, s, app.IdxCopyTitle, "t9"))
	wantIDs(t, "barcode b3", lookup(t, s, app.IdxCopyBarcode, "B3"))
	wantIDs(t, "barcode b0", lookup(t, s, app.IdxCopyBarcode, "B0"), "c4")
	wantIDs(t, "barcode b00", lookup(t, s, app.IdxCopyBarcode, "B00"), "c0")
}

// testPutEncoded: a record put with its encoding is stored as those bytes,
// with its index entries, and refused like Put on a unique clash.
func testPutEncoded(t *testing.T, s app.Store) {
	c := copyRec("c1", "b1", "t1")
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx app.Tx) error { return tx.PutEncoded(c, raw) })
	wantIDs(t, "barcode b1", lookup(t, s, app.IdxCopyBarcode, "B1"), "c1")
	view(t, s, func(tx app.Tx) error {
		return tx.ForEach(app.CollCopies, func(id string, got []byte) error {
			if string(got) != string(raw) {
				t.Errorf("stored %s, want %s", got, raw)
			}
			return nil
		})
	})
	err = s.Update(func(tx app.Tx) error {
		other := copyRec("c2", "b1", "t1")
		b, _ := json.Marshal(other)
		return tx.PutEncoded(other, b)
	})
	if !errors.Is(err, app.ErrDuplicate) {
		t.Errorf("a second copy with barcode B1 put encoded: %v, want ErrDuplicate", err)
	}
	if err := s.Update(func(tx app.Tx) error { return tx.PutEncoded(copyRec("", "b9", "t1"), []byte(`{}`)) }); err == nil {
		t.Error("a record without an ID was stored")
	}
}

func testUniqueClash(t *testing.T, s app.Store) {
	put(t, s, copyRec("c1", "b1", "t1"))
	var putErr error
	update(t, s, func(tx app.Tx) error {
		putErr = tx.Put(copyRec("c2", " B1 ", "t9"))
		var c app.Copy
		if found, _ := tx.Get(app.CollCopies, "c2", &c); found {
			t.Error("refused record was stored")
		}
		if ids, _ := tx.Lookup(app.IdxCopyTitle, "t9"); len(ids) != 0 {
			t.Errorf("refused record left index entries %v", ids)
		}
		// Putting the holder again with its own key is fine.
		return tx.Put(copyRec("c1", "b1", "t1"))
	})
	if putErr == nil {
		t.Fatal("second copy with barcode B1 was stored")
	}
	if !errors.Is(putErr, app.ErrDuplicate) {
		t.Errorf("error %v is not marked ErrDuplicate", putErr)
	}
	var dup *app.DuplicateKeyError
	if !errors.As(putErr, &dup) {
		t.Fatalf("error %v is not a *DuplicateKeyError", putErr)
	}
	want := app.DuplicateKeyError{Index: app.IdxCopyBarcode, Key: "B1", ExistingID: "c1"}
	if d := cmp.Diff(want, *dup); d != "" {
		t.Errorf("DuplicateKeyError (-want +got):\n%s", d)
	}
	wantIDs(t, "barcode B1", lookup(t, s, app.IdxCopyBarcode, "B1"), "c1")
}

func testDelete(t *testing.T, s app.Store) {
	put(t, s, copyRec("c1", "b1", "t1"), copyRec("c2", "b2", "t1"))
	update(t, s, func(tx app.Tx) error {
		if err := tx.Delete(app.CollCopies, "c1"); err != nil {
			return err
		}
		return tx.Delete(app.CollCopies, "never-there")
	})
	view(t, s, func(tx app.Tx) error {
		if found, err := tx.Get(app.CollCopies, "c1", new(app.Copy)); found || err != nil {
			t.Errorf("Get deleted = %v, %v", found, err)
		}
		if n, _ := tx.Count(app.CollCopies); n != 1 {
			t.Errorf("Count after delete = %d, want 1", n)
		}
		return nil
	})
	wantIDs(t, "deleted barcode", lookup(t, s, app.IdxCopyBarcode, "B1"))
	wantIDs(t, "title", lookup(t, s, app.IdxCopyTitle, "t1"), "c2")
	put(t, s, copyRec("c3", "b1", "t3"))
	wantIDs(t, "barcode freed by delete", lookup(t, s, app.IdxCopyBarcode, "B1"), "c3")
}

func testLookupOrder(t *testing.T, s app.Store) {
	for _, id := range []string{"c5", "c1", "c9", "c3", "c10"} {
		put(t, s, copyRec(id, "b"+id, "t1"))
	}
	put(t, s, copyRec("c0", "b0", "t10"), copyRec("c00", "b00", "t"))
	wantIDs(t, "title t1", lookup(t, s, app.IdxCopyTitle, "t1"), "c1", "c10", "c3", "c5", "c9")
	wantIDs(t, "title t", lookup(t, s, app.IdxCopyTitle, "t"), "c00")
	wantIDs(t, "absent key", lookup(t, s, app.IdxCopyTitle, "t2"))
	wantIDs(t, "unique key", lookup(t, s, app.IdxCopyBarcode, "BC3"), "c3")
}

func testScan(t *testing.T, s app.Store) {
	put(t, s,
		copyRec("c1", "a", "ab"), copyRec("c2", "b", "abc"), copyRec("c3", "c", "abd"),
		copyRec("c4", "d", "b"), copyRec("c5", "e", "ab"), copyRec("c6", "f", "c"))

	all := []pair{{"ab", "c1"}, {"ab", "c5"}, {"abc", "c2"}, {"abd", "c3"}, {"b", "c4"}, {"c", "c6"}}
	cases := []struct {
		name, from, to string
		want           []pair
	}{
		{"all", "", "", all},
		{"from", "abc", "", all[2:]},
		{"from between keys", "abb", "", all[2:]},
		{"to is exclusive", "", "b", all[:4]},
		{"range", "abc", "c", all[2:5]},
		{"prefix", "ab", "ab\xff", all[:4]},
		{"empty range", "x", "y", nil},
	}
	for _, c := range cases {
		if d := cmp.Diff(c.want, scan(t, s, app.IdxCopyTitle, c.from, c.to)); d != "" {
			t.Errorf("%s: Scan(%q, %q) (-want +got):\n%s", c.name, c.from, c.to, d)
		}
	}
	uniq := []pair{{"A", "c1"}, {"B", "c2"}, {"C", "c3"}, {"D", "c4"}, {"E", "c5"}, {"F", "c6"}}
	if d := cmp.Diff(uniq[1:3], scan(t, s, app.IdxCopyBarcode, "B", "D")); d != "" {
		t.Errorf("Scan of a unique index (-want +got):\n%s", d)
	}

	var seen []pair
	view(t, s, func(tx app.Tx) error {
		err := tx.Scan(app.IdxCopyTitle, "", "", func(k, id string) error {
			seen = append(seen, pair{k, id})
			if len(seen) == 2 {
				return app.ErrStop
			}
			return nil
		})
		if err != nil {
			t.Errorf("Scan ended by ErrStop returned %v", err)
		}
		boom := errors.New("boom")
		if err := tx.Scan(app.IdxCopyTitle, "", "", func(string, string) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("Scan returned %v, want fn's error", err)
		}
		return nil
	})
	if d := cmp.Diff(all[:2], seen); d != "" {
		t.Errorf("Scan with ErrStop (-want +got):\n%s", d)
	}
}

func testForEach(t *testing.T, s app.Store) {
	recs := []*app.Copy{copyRec("c3", "b3", "t"), copyRec("c1", "b1", "t"), copyRec("c2", "b2", "t")}
	for _, r := range recs {
		put(t, s, r)
	}
	put(t, s, readerRec("r1", "k1", ""))
	var ids []string
	view(t, s, func(tx app.Tx) error {
		return tx.ForEach(app.CollCopies, func(id string, raw []byte) error {
			ids = append(ids, id)
			var c app.Copy
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Errorf("ForEach bytes of %s: %v", id, err)
			}
			if c.ID != id {
				t.Errorf("ForEach gave %s the bytes of %s", id, c.ID)
			}
			return nil
		})
	})
	wantIDs(t, "ForEach order", ids, "c1", "c2", "c3")

	ids = nil
	view(t, s, func(tx app.Tx) error {
		err := tx.ForEach(app.CollCopies, func(id string, _ []byte) error {
			ids = append(ids, id)
			return app.ErrStop
		})
		if err != nil {
			t.Errorf("ForEach ended by ErrStop returned %v", err)
		}
		boom := errors.New("boom")
		if err := tx.ForEach(app.CollCopies, func(string, []byte) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("ForEach returned %v, want fn's error", err)
		}
		return nil
	})
	wantIDs(t, "ForEach with ErrStop", ids, "c1")
}

// testWriteWhileIterating rewrites and deletes records from inside ForEach
// and Scan callbacks, as a year-end promotion would.
func testWriteWhileIterating(t *testing.T, s app.Store) {
	for i := range 20 {
		put(t, s, readerRec(fmt.Sprintf("r%02d", i), fmt.Sprintf("k%02d", i), "1A"))
	}
	var visited []string
	update(t, s, func(tx app.Tx) error {
		return tx.ForEach(app.CollReaders, func(id string, raw []byte) error {
			visited = append(visited, id)
			var r app.Reader
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			r.Class = "2A"
			r.Notes = "promoted with a note long enough to move things around in a page " + id
			if id == "r05" {
				return tx.Delete(app.CollReaders, "r06")
			}
			return tx.Put(&r)
		})
	})
	if len(visited) != 19 {
		t.Errorf("ForEach visited %d readers while rewriting them, want 19: %v", len(visited), visited)
	}
	if got := len(scan(t, s, app.IdxReaderClass, "2A", "2A\x00")); got != 18 {
		t.Errorf("promoted readers = %d, want 18", got)
	}
	n := 0
	update(t, s, func(tx app.Tx) error {
		return tx.Scan(app.IdxReaderClass, "2A", "2B", func(_, id string) error {
			n++
			var r app.Reader
			if _, err := tx.Get(app.CollReaders, id, &r); err != nil {
				return err
			}
			r.Class = "3A"
			return tx.Put(&r)
		})
	})
	if n != 18 {
		t.Errorf("Scan visited %d entries while moving them, want 18", n)
	}
	wantIDs(t, "class 2A after the move", lookup(t, s, app.IdxReaderClass, "2A"))
}

func testCount(t *testing.T, s app.Store) {
	count := func() int {
		var n int
		view(t, s, func(tx app.Tx) (err error) {
			n, err = tx.Count(app.CollCopies)
			return err
		})
		return n
	}
	if n := count(); n != 0 {
		t.Errorf("Count of an empty store = %d", n)
	}
	put(t, s, copyRec("c1", "b1", "t"), copyRec("c2", "b2", "t"), copyRec("c1", "b1", "t"), readerRec("r1", "k", ""))
	if n := count(); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

func testMeta(t *testing.T, s app.Store) {
	update(t, s, func(tx app.Tx) error {
		if v, err := tx.Meta(app.MetaStation); v != nil || err != nil {
			t.Errorf("Meta absent = %q, %v", v, err)
		}
		if err := tx.SetMeta(app.MetaStation, []byte("one")); err != nil {
			return err
		}
		return tx.SetMeta(app.MetaHLC, []byte("42"))
	})
	update(t, s, func(tx app.Tx) error { return tx.SetMeta(app.MetaStation, []byte("two")) })
	view(t, s, func(tx app.Tx) error {
		v, err := tx.Meta(app.MetaStation)
		if string(v) != "two" || err != nil {
			t.Errorf("Meta station = %q, %v; want two", v, err)
		}
		v[0] = 'X' // the caller owns the bytes
		v, _ = tx.Meta(app.MetaStation)
		if string(v) != "two" {
			t.Errorf("changing returned bytes changed the store: %q", v)
		}
		if v, _ := tx.Meta(app.MetaHLC); string(v) != "42" {
			t.Errorf("Meta hlc = %q", v)
		}
		return nil
	})
}

func event(station string, seq uint64, kind app.EventKind) *app.Event {
	return &app.Event{
		ID:      fmt.Sprintf("%s-%d", station, seq),
		Station: station,
		Seq:     seq,
		HLC:     app.HLC(1000 + seq),
		Kind:    kind,
		Staff:   "ann",
		Payload: json.RawMessage(`{"c":"copies","id":"c1"}`),
	}
}

func events(t *testing.T, s app.Store, station string, after uint64) []*app.Event {
	t.Helper()
	var out []*app.Event
	view(t, s, func(tx app.Tx) error {
		return tx.EventsAfter(station, after, func(e *app.Event) error {
			out = append(out, e)
			return nil
		})
	})
	return out
}

func vector(t *testing.T, s app.Store) map[string]uint64 {
	t.Helper()
	var v map[string]uint64
	view(t, s, func(tx app.Tx) (err error) {
		v, err = tx.Vector()
		return err
	})
	return v
}

func wantVector(t *testing.T, got, want map[string]uint64) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if d := cmp.Diff(want, got, eventOpts); d != "" {
		t.Errorf("Vector (-want +got):\n%s", d)
	}
}

func testAppendEvent(t *testing.T, s app.Store) {
	wantVector(t, vector(t, s), nil)
	e1 := event("a", 1, app.EvAudit)
	update(t, s, func(tx app.Tx) error { return tx.AppendEvent(e1) })

	// A repeat is ignored, even if it differs from what is stored.
	update(t, s, func(tx app.Tx) error { return tx.AppendEvent(event("a", 1, app.EvCheckout)) })
	if d := cmp.Diff([]*app.Event{e1}, events(t, s, "a", 0), eventOpts); d != "" {
		t.Errorf("log after a repeat (-want +got):\n%s", d)
	}

	err := s.Update(func(tx app.Tx) error { return tx.AppendEvent(event("a", 3, app.EvAudit)) })
	if !errors.Is(err, app.ErrEventGap) {
		t.Errorf("AppendEvent with a gap = %v, want ErrEventGap", err)
	}
	if err := s.Update(func(tx app.Tx) error { return tx.AppendEvent(event("a", 0, app.EvAudit)) }); err == nil {
		t.Error("AppendEvent with seq 0 succeeded")
	}
	if err := s.Update(func(tx app.Tx) error { return tx.AppendEvent(event("b", 2, app.EvAudit)) }); !errors.Is(err, app.ErrEventGap) {
		t.Errorf("first event of a station at seq 2 = %v, want ErrEventGap", err)
	}
	update(t, s, func(tx app.Tx) error {
		for _, e := range []*app.Event{event("a", 2, app.EvAudit), event("b", 1, app.EvAudit), event("a", 3, app.EvAudit)} {
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	wantVector(t, vector(t, s), map[string]uint64{"a": 3, "b": 1})
}

func testEventsAfter(t *testing.T, s app.Store) {
	var want []*app.Event
	update(t, s, func(tx app.Tx) error {
		for seq := uint64(1); seq <= 300; seq++ {
			e := event("a", seq, app.EvAudit)
			want = append(want, e)
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
			// Stations whose IDs sort next to "a" must not leak in.
			for _, st := range []string{"a0", "A", "`"} {
				if seq <= 2 {
					if err := tx.AppendEvent(event(st, seq, app.EvAudit)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if d := cmp.Diff(want, events(t, s, "a", 0), eventOpts); d != "" {
		t.Errorf("EventsAfter(a, 0) (-want +got):\n%s", d)
	}
	if d := cmp.Diff(want[255:], events(t, s, "a", 255), eventOpts); d != "" {
		t.Errorf("EventsAfter(a, 255) (-want +got):\n%s", d)
	}
	if got := events(t, s, "a", 300); len(got) != 0 {
		t.Errorf("EventsAfter(a, last) = %d events", len(got))
	}
	if got := events(t, s, "nobody", 0); len(got) != 0 {
		t.Errorf("EventsAfter(unknown station) = %d events", len(got))
	}
	var n int
	view(t, s, func(tx app.Tx) error {
		err := tx.EventsAfter("a", 10, func(e *app.Event) error {
			n++
			if e.Seq == 12 {
				return app.ErrStop
			}
			return nil
		})
		if err != nil {
			t.Errorf("EventsAfter ended by ErrStop returned %v", err)
		}
		boom := errors.New("boom")
		if err := tx.EventsAfter("a", 0, func(*app.Event) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("EventsAfter returned %v, want fn's error", err)
		}
		return nil
	})
	if n != 2 {
		t.Errorf("EventsAfter with ErrStop visited %d events, want 2", n)
	}
}

func testEncodedEventsAfter(t *testing.T, s app.Store) {
	var want []*app.Event
	update(t, s, func(tx app.Tx) error {
		for seq := uint64(1); seq <= 20; seq++ {
			e := event("a", seq, app.EvAudit)
			want = append(want, e)
			if err := tx.AppendEvent(e); err != nil {
				return err
			}
			if seq <= 2 {
				if err := tx.AppendEvent(event("a0", seq, app.EvAudit)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	view(t, s, func(tx app.Tx) error {
		var got []*app.Event
		var seqs []uint64
		err := tx.EncodedEventsAfter("a", 5, func(seq uint64, raw []byte) error {
			var e app.Event
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			seqs = append(seqs, seq)
			got = append(got, &e)
			if seq == 15 {
				return app.ErrStop
			}
			return nil
		})
		if err != nil {
			t.Errorf("EncodedEventsAfter ended by ErrStop returned %v", err)
		}
		if d := cmp.Diff(want[5:15], got, eventOpts); d != "" {
			t.Errorf("EncodedEventsAfter(a, 5) decoded (-want +got):\n%s", d)
		}
		for i, seq := range seqs {
			if seq != got[i].Seq {
				t.Errorf("EncodedEventsAfter gave seq %d for event %d", seq, got[i].Seq)
			}
		}
		n := 0
		if err := tx.EncodedEventsAfter("nobody", 0, func(uint64, []byte) error { n++; return nil }); err != nil || n != 0 {
			t.Errorf("EncodedEventsAfter(unknown station) = %d events, %v", n, err)
		}
		boom := errors.New("boom")
		if err := tx.EncodedEventsAfter("a", 0, func(uint64, []byte) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("EncodedEventsAfter returned %v, want fn's error", err)
		}
		return nil
	})
}

// snapshot is everything observable in a store, for before/after checks.
type snapshot struct {
	Records map[app.Collection]map[string]string
	Indexes map[string][]pair
	Meta    map[string]string
	Events  map[string][]*app.Event
	Vector  map[string]uint64
}

func takeSnapshot(t *testing.T, s app.Store) snapshot {
	t.Helper()
	snap := snapshot{
		Records: map[app.Collection]map[string]string{},
		Indexes: map[string][]pair{},
		Meta:    map[string]string{},
		Events:  map[string][]*app.Event{},
	}
	view(t, s, func(tx app.Tx) error {
		for _, c := range app.AllCollections {
			err := tx.ForEach(c, func(id string, raw []byte) error {
				if snap.Records[c] == nil {
					snap.Records[c] = map[string]string{}
				}
				snap.Records[c][id] = string(raw)
				return nil
			})
			if err != nil {
				return err
			}
		}
		for _, ix := range app.AllIndexes {
			err := tx.Scan(ix, "", "", func(k, id string) error {
				snap.Indexes[ix] = append(snap.Indexes[ix], pair{k, id})
				return nil
			})
			if err != nil {
				return err
			}
		}
		for _, k := range []string{app.MetaStation, app.MetaHLC, app.MetaDatabaseID} {
			if v, err := tx.Meta(k); err != nil {
				return err
			} else if v != nil {
				snap.Meta[k] = string(v)
			}
		}
		vec, err := tx.Vector()
		if err != nil {
			return err
		}
		snap.Vector = vec
		for st := range vec {
			err := tx.EventsAfter(st, 0, func(e *app.Event) error {
				snap.Events[st] = append(snap.Events[st], e)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return snap
}

func seed(t *testing.T, s app.Store) {
	t.Helper()
	update(t, s, func(tx app.Tx) error {
		for _, r := range []app.Record{copyRec("c1", "b1", "t1"), copyRec("c2", "b2", "t1"), readerRec("r1", "k1", "1A")} {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		if err := tx.SetMeta(app.MetaHLC, []byte("7")); err != nil {
			return err
		}
		return tx.AppendEvent(event("a", 1, app.EvAudit))
	})
}

// scribble makes one of every kind of change.
func scribble(tx app.Tx) error {
	steps := []func() error{
		func() error { return tx.Put(copyRec("c1", "b9", "t9")) },
		func() error { return tx.Put(copyRec("c3", "b3", "t3")) },
		func() error { return tx.Delete(app.CollCopies, "c2") },
		func() error { return tx.Put(readerRec("r2", "k2", "2B")) },
		func() error { return tx.SetMeta(app.MetaHLC, []byte("8")) },
		func() error { return tx.SetMeta(app.MetaStation, []byte("st")) },
		func() error { return tx.AppendEvent(event("a", 2, app.EvAudit)) },
		func() error { return tx.AppendEvent(event("b", 1, app.EvAudit)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func testRollback(t *testing.T, s app.Store) {
	seed(t, s)
	before := takeSnapshot(t, s)
	boom := errors.New("boom")
	err := s.Update(func(tx app.Tx) error {
		if err := scribble(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	if d := cmp.Diff(before, takeSnapshot(t, s), eventOpts); d != "" {
		t.Errorf("a failed Update left traces (-before +after):\n%s", d)
	}
	// And the same changes do stick when fn succeeds.
	update(t, s, scribble)
	if d := cmp.Diff(before, takeSnapshot(t, s), eventOpts); d == "" {
		t.Error("a successful Update changed nothing")
	}
}

func testRollbackOnPanic(t *testing.T, s app.Store) {
	seed(t, s)
	before := takeSnapshot(t, s)
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic in fn did not reach the caller")
			}
		}()
		_ = s.Update(func(tx app.Tx) error {
			if err := scribble(tx); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if d := cmp.Diff(before, takeSnapshot(t, s), eventOpts); d != "" {
		t.Errorf("a panicking Update left traces (-before +after):\n%s", d)
	}
}

func testReadOnlyTx(t *testing.T, s app.Store) {
	seed(t, s)
	before := takeSnapshot(t, s)
	writes := map[string]func(app.Tx) error{
		"Put":         func(tx app.Tx) error { return tx.Put(copyRec("c9", "b99", "t")) },
		"Delete":      func(tx app.Tx) error { return tx.Delete(app.CollCopies, "c1") },
		"SetMeta":     func(tx app.Tx) error { return tx.SetMeta(app.MetaHLC, []byte("1")) },
		"AppendEvent": func(tx app.Tx) error { return tx.AppendEvent(event("a", 2, app.EvAudit)) },
	}
	for name, w := range writes {
		view(t, s, func(tx app.Tx) error {
			if err := w(tx); err == nil {
				t.Errorf("%s in a read-only transaction succeeded", name)
			}
			return nil
		})
	}
	if d := cmp.Diff(before, takeSnapshot(t, s), eventOpts); d != "" {
		t.Errorf("writes in View changed the store (-before +after):\n%s", d)
	}
}

func testUnknownNames(t *testing.T, s app.Store) {
	view(t, s, func(tx app.Tx) error {
		if ids, err := tx.Lookup("no_such_index", "k"); len(ids) != 0 || err != nil {
			t.Errorf("Lookup in an unknown index = %v, %v", ids, err)
		}
		if n, err := tx.Count("no_such_collection"); n != 0 || err != nil {
			t.Errorf("Count of an unknown collection = %d, %v", n, err)
		}
		return nil
	})
}

func testStateHash(t *testing.T, open func(t *testing.T) app.Store) {
	recs := []app.Record{
		copyRec("c1", "b1", "t1"), copyRec("c2", "b2", "t1"), readerRec("r1", "k1", "1A"),
		&app.Title{Meta: app.Meta{ID: "t1"}, Title: "活着", Authors: []string{"余华"}, ISBNs: []string{"9787506365437"}},
		&app.Setting{Meta: app.Meta{ID: "loan.days"}, Value: "14"},
	}
	hash := func(s app.Store) string {
		h, err := app.StoreStateHash(s)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := open(t), open(t)
	empty := hash(a)
	for _, r := range recs {
		put(t, a, r)
	}
	// b gets them in reverse, one transaction, with a detour on the way.
	update(t, b, func(tx app.Tx) error {
		if err := tx.Put(copyRec("c1", "b7", "t7")); err != nil {
			return err
		}
		for i := len(recs) - 1; i >= 0; i-- {
			if err := tx.Put(recs[i]); err != nil {
				return err
			}
		}
		return tx.Put(copyRec("c9", "b9", "t9"))
	})
	update(t, b, func(tx app.Tx) error { return tx.Delete(app.CollCopies, "c9") })
	ha, hb := hash(a), hash(b)
	if ha != hb {
		t.Errorf("state hashes differ for the same records: %s vs %s", ha, hb)
	}
	if ha == empty {
		t.Error("state hash did not change when records were added")
	}
	put(t, b, readerRec("r1", "k1", "1B"))
	if hash(b) == ha {
		t.Error("state hash did not change when a record changed")
	}
}

// eventOpts compares events by what they store: the payload app decodes
// ahead of apply (an unexported cache) is not part of an event.
var eventOpts = cmpopts.IgnoreUnexported(app.Event{})
