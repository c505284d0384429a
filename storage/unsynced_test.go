package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

func TestUnsyncedWritesLandAfterSync(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Unsynced(func() error {
		for i := 0; i < 50; i++ {
			err := db.Update(func(tx app.Tx) error {
				return tx.Put(&app.Setting{Meta: app.Meta{ID: "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))}, Value: "v"})
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx app.Tx) error {
		if n, _ := tx.Count(app.CollSettings); n != 50 {
			t.Errorf("%d settings after reopening, want 50", n)
		}
		return nil
	})
	ro, _ := storage.Open(filepath.Join(t.TempDir(), "r.db"), storage.Options{})
	ro.Close()
}
