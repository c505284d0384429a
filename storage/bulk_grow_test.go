package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

// A bulk load grows the file ahead of its writes; the file must still open,
// check and hold what was written.
func TestBulkFileReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, evs := library(2000)
	if _, err := db.Bulk(func(w *storage.BulkWriter) error {
		for i, r := range recs {
			if err := w.AppendEvent(evs[i]); err != nil {
				return err
			}
			if err := w.Put(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("Bulk: %+v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("reopening: %+v", err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Errorf("Check: %+v", err)
	}
	err = db.View(func(tx app.Tx) error {
		n, err := tx.Count(app.CollCopies)
		if err == nil && n != 2000 {
			t.Errorf("%d copies after reopening, want 2000", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
