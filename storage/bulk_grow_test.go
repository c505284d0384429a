package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

// A bulk load grows the file ahead of its writes; the file must still open,
// check and hold what was written.
func TestBulkFileReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, evs := library(8000) // batches of over a megabyte: the file grows ahead
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
		if err == nil && n != 8000 {
			t.Errorf("%d copies after reopening, want 8000", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A batch is written while the next one is made; its failure still ends
// the load and reaches Bulk, even when fn does not look at what Put says.
func TestBulkReportsAFailedBatch(t *testing.T) {
	storage.SetBulkBatchSizeForTest(t, 10)
	db := storetest.TempDB(t)
	fill(t, db, 1) // barcode B000000000
	var putErr error
	_, err := db.Bulk(func(w *storage.BulkWriter) error {
		for i := 1; i < 100; i++ {
			code := barcode(i)
			if i == 25 {
				code = barcode(0)
			}
			if err := w.Put(&app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: code}); err != nil && putErr == nil {
				putErr = err
			}
		}
		return nil
	})
	if !errors.Is(err, app.ErrDuplicate) {
		t.Fatalf("Bulk = %v, want the duplicate barcode", err)
	}
	if !errors.Is(putErr, app.ErrDuplicate) {
		t.Errorf("Put after the failed batch = %v, want the duplicate barcode", putErr)
	}
	err = db.View(func(tx app.Tx) error {
		n, err := tx.Count(app.CollCopies)
		if err == nil && (n < 11 || n > 25) {
			t.Errorf("%d copies stored: want the batches before the failure and nothing after", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
