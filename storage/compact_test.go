package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

func TestCompactKeepsTheLibraryAndDropsFreePages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A bulk load and a rewrite leave free pages behind.
	if _, err := db.Bulk(func(w *storage.BulkWriter) error {
		for i := range 3000 {
			if err := w.Put(&app.Copy{Meta: app.Meta{ID: "bulk-" + itoa(i, 8)}, Barcode: "K" + itoa(i, 9), TitleID: "t"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fill(t, db, 300)
	want := stateHash(t, db)
	if _, err := storage.Compact(path); app.ReasonOf(err) != app.ReasonDatabaseLocked {
		t.Fatalf("compacting an open library = %v, want ReasonDatabaseLocked", err)
	}
	db.Close()

	freed, err := storage.Compact(path)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	if freed == 0 {
		t.Error("the load left no free pages to drop")
	}
	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := stateHash(t, db); got != want {
		t.Fatal("compacting changed the library")
	}
	if n := db.Stats().FreePageN; n > 2 {
		t.Errorf("%d free pages after compacting", n)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("check after compacting: %+v", err)
	}
}

// TestWorthCompactingAfterALoadIsDeleted: a file whose records were loaded
// and then deleted is mostly free pages and worth compacting; a small
// library in daily use, and the compacted file, are not.
func TestWorthCompactingAfterALoadIsDeleted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 50)
	if db.WorthCompacting() {
		t.Fatal("a small library in use is worth compacting")
	}
	const n = 60_000
	bulkCopies(t, db, n)
	err = db.Update(func(tx app.Tx) error {
		for i := range n {
			if err := tx.Delete(app.CollCopies, "bulk-"+itoa(i, 8)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 1) // bbolt counts the pages a commit freed from the next one
	if !db.WorthCompacting() {
		t.Fatalf("%d free pages are not worth compacting", db.Stats().FreePageN)
	}
	db.Close()
	if _, err := storage.Compact(path); err != nil {
		t.Fatal(err)
	}
	if db, err = storage.Open(path, storage.Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.WorthCompacting() {
		t.Error("the compacted file is still worth compacting")
	}
}

// TestWorthCompactingALargeFreeListInALargeFile: a free list costs every
// commit by its length, not by its share of the file, so one past
// compactAlwaysPages is worth compacting in however large a file.
func TestWorthCompactingALargeFreeListInALargeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 60_000
	bulkCopies(t, db, n)
	// Rewrite a few copies: some free pages, a small share of the file.
	err = db.Update(func(tx app.Tx) error {
		for i := 0; i < n; i += 500 {
			if err := tx.Put(&app.Copy{Meta: app.Meta{ID: "bulk-" + itoa(i, 8)}, Barcode: "K" + itoa(i, 9), TitleID: "t2"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 1)
	st := db.Stats()
	free := st.FreePageN + st.PendingPageN
	if free == 0 {
		t.Fatal("no free pages: the test proves nothing")
	}
	if db.WorthCompacting() {
		t.Fatalf("%d free pages, a small share of the file, are worth compacting", free)
	}
	storage.SetCompactAlwaysPagesForTest(t, free)
	if !db.WorthCompacting() {
		t.Errorf("%d free pages, past the absolute threshold, are not worth compacting", free)
	}
}

// bulkCopies loads n copies, "bulk-00000000" on, into db.
func bulkCopies(t *testing.T, db *storage.DB, n int) {
	t.Helper()
	if _, err := db.Bulk(func(w *storage.BulkWriter) error {
		for i := range n {
			if err := w.Put(&app.Copy{Meta: app.Meta{ID: "bulk-" + itoa(i, 8)}, Barcode: "K" + itoa(i, 9), TitleID: "t"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
