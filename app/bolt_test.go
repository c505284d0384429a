package app_test

import (
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

func init() {
	storeMakers["bbolt"] = func(t *testing.T) app.Store {
		db, err := storage.Open(filepath.Join(t.TempDir(), "circa.db"), storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
}
