package storage_test

import (
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return storetest.TempDB(t) })
}

// TestConformanceWithFewPendingWrites runs the suite with index writes made
// every few keys, as a transaction past the bound makes them.
func TestConformanceWithFewPendingWrites(t *testing.T) {
	storage.SetMaxPendingForTest(t, 2)
	storetest.Run(t, func(t *testing.T) app.Store { return storetest.TempDB(t) })
}

// Reads in a transaction keep a cursor per bucket; they must see every
// write made before them in that transaction, through node splits and
// deletions.
func TestReadsSeeTheirTransactionsWrites(t *testing.T) {
	db := storetest.TempDB(t)
	fill(t, db, 500)
	have := map[int]bool{}
	for i := range 500 {
		have[i] = true
	}
	err := db.Update(func(tx app.Tx) error {
		for i := 500; i < 3000; i++ {
			if err := tx.Put(&app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: barcode(i), TitleID: "t"}); err != nil {
				return err
			}
			have[i] = true
			if i%7 == 0 {
				if err := tx.Delete(app.CollCopies, copyID(i/2)); err != nil {
					return err
				}
				have[i/2] = false
			}
			// The record just written, one perhaps deleted, and one written
			// long before, in another node by now.
			for _, j := range []int{i, i / 2, i / 3} {
				var c app.Copy
				found, err := tx.Get(app.CollCopies, copyID(j), &c)
				if err != nil {
					return err
				}
				if found != have[j] || found && c.Barcode != barcode(j) {
					t.Fatalf("after writing copy %d, copy %d reads as found=%v %q", i, j, found, c.Barcode)
				}
			}
			ids, err := tx.Lookup(app.IdxCopyBarcode, barcode(i))
			if err != nil {
				return err
			}
			if len(ids) != 1 || ids[0] != copyID(i) {
				t.Fatalf("barcode of copy %d finds %v", i, ids)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
