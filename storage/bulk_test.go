package storage_test

import (
	"fmt"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/memstore"
	"github.com/circa-library/circa/storage/storetest"
)

// library makes n copies of n/4 titles, n/10 readers and an event per
// record, the way a generator would.
func library(n int) ([]app.Record, []*app.Event) {
	var recs []app.Record
	for i := range n / 4 {
		recs = append(recs, &app.Title{Meta: app.Meta{ID: fmt.Sprintf("t%06d", i)},
			Title: fmt.Sprintf("Book number %d 第%d卷", i, i%7), Authors: []string{"王小波"}})
	}
	for i := range n {
		recs = append(recs, &app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: barcode(i),
			TitleID: fmt.Sprintf("t%06d", i%(n/4)), Status: app.CopyAvailable, ItemType: app.ItemBook})
	}
	for i := range n / 10 {
		recs = append(recs, &app.Reader{Meta: app.Meta{ID: fmt.Sprintf("r%06d", i)},
			Card: fmt.Sprintf("K%06d", i), Name: "读者 " + fmt.Sprint(i), Class: fmt.Sprintf("%dA", i%6+1)})
	}
	var evs []*app.Event
	for i, r := range recs {
		evs = append(evs, &app.Event{ID: "e" + r.RecordID(), Station: "gen", Seq: uint64(i + 1),
			Kind: app.EvRecordCreated, Payload: []byte(`{}`)})
	}
	return recs, evs
}

func TestBulkMatchesPut(t *testing.T) {
	storage.SetBulkBatchSizeForTest(t, 97)
	recs, evs := library(400)

	mem := memstore.New()
	err := mem.Update(func(tx app.Tx) error {
		for i, r := range recs {
			if err := tx.Put(r); err != nil {
				return err
			}
			if err := tx.AppendEvent(evs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	db := storetest.TempDB(t)
	stats, err := db.Bulk(func(w *storage.BulkWriter) error {
		for i, r := range recs {
			if err := w.Put(r); err != nil {
				return err
			}
			if err := w.AppendEvent(evs[i]); err != nil {
				return err
			}
			if i%50 == 0 { // a repeat is ignored
				if err := w.AppendEvent(evs[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Bulk: %+v", err)
	}
	if stats.Records != len(recs) || stats.Events != len(evs) || stats.Batches < 5 || stats.IndexEntries < len(recs) {
		t.Errorf("stats = %+v for %d records", stats, len(recs))
	}
	if d := cmp.Diff(storeDump(t, mem), storeDump(t, db)); d != "" {
		t.Errorf("bulk load differs from Put (-put +bulk):\n%s", d)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check after bulk load: %+v", err)
	}

	// A second load replaces records and their index entries. The last Put
	// of a record in one batch wins: the barcodes of the ones before it
	// are not left in the index.
	var changed []app.Record
	for i := range 150 {
		c := &app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: "NEW" + barcode(i), TitleID: "t-other"}
		changed = append(changed, c)
	}
	if _, err := db.BulkLoad(func(put func(app.Record) error) error {
		for i, r := range changed {
			if i%10 == 0 {
				first := &app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: "FIRST" + barcode(i), TitleID: "t-first"}
				if err := put(first); err != nil {
					return err
				}
			}
			if err := put(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("second BulkLoad: %+v", err)
	}
	_ = mem.Update(func(tx app.Tx) error {
		for _, r := range changed {
			if err := tx.Put(r); err != nil {
				return err
			}
		}
		return nil
	})
	if d := cmp.Diff(storeDump(t, mem), storeDump(t, db)); d != "" {
		t.Errorf("bulk update differs from Put (-put +bulk):\n%s", d)
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check after bulk update: %+v", err)
	}
}

// storeDump is everything in a store that Put and Bulk write.
func storeDump(t *testing.T, s app.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := s.View(func(tx app.Tx) error {
		h, err := app.StateHash(tx)
		if err != nil {
			return err
		}
		out["hash"] = []string{h}
		for _, c := range app.AllCollections {
			n, err := tx.Count(c)
			if err != nil {
				return err
			}
			out["counts"] = append(out["counts"], fmt.Sprint(c, n))
		}
		for _, ix := range app.AllIndexes {
			err := tx.Scan(ix, "", "", func(k, id string) error {
				out[ix] = append(out[ix], k+" → "+id)
				return nil
			})
			if err != nil {
				return err
			}
		}
		vec, err := tx.Vector()
		for st, seq := range vec {
			out["vector"] = append(out["vector"], fmt.Sprint(st, seq))
			_ = tx.EventsAfter(st, 0, func(e *app.Event) error {
				out["events"] = append(out["events"], fmt.Sprint(e.Station, e.Seq, e.ID))
				return nil
			})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBulkRefusals(t *testing.T) {
	storage.SetBulkBatchSizeForTest(t, 10)
	db := storetest.TempDB(t)
	fill(t, db, 5) // barcodes B000000000 … 4, one event of station-1

	cases := []struct {
		name string
		fn   func(w *storage.BulkWriter) error
		is   error
	}{
		{"barcode held in the database", func(w *storage.BulkWriter) error {
			return w.Put(&app.Copy{Meta: app.Meta{ID: "new"}, Barcode: barcode(3)})
		}, app.ErrDuplicate},
		{"barcode taken twice in one batch", func(w *storage.BulkWriter) error {
			_ = w.Put(&app.Copy{Meta: app.Meta{ID: "n1"}, Barcode: "SAME"})
			return w.Put(&app.Copy{Meta: app.Meta{ID: "n2"}, Barcode: "SAME"})
		}, app.ErrDuplicate},
		{"event gap", func(w *storage.BulkWriter) error {
			return w.AppendEvent(&app.Event{ID: "g", Station: "station-1", Seq: 3, Payload: []byte(`{}`)})
		}, app.ErrEventGap},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := storeDump(t, db)
			_, err := db.Bulk(c.fn)
			if !errors.Is(err, c.is) {
				t.Fatalf("Bulk = %v, want %v", err, c.is)
			}
			if d := cmp.Diff(before, storeDump(t, db)); d != "" {
				t.Errorf("refused batch left traces:\n%s", d)
			}
		})
	}
	// Ordinary writes work again afterwards, with fsync back on.
	fill(t, db, 6)
}
