package storetest

import (
	"path/filepath"
	"testing"

	"github.com/circa-library/circa/storage"
)

// TempDB opens a throwaway bbolt database in t.TempDir() and closes it when
// the test ends.
func TempDB(t testing.TB, opts ...storage.Options) *storage.DB {
	t.Helper()
	var o storage.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	db, err := storage.Open(filepath.Join(t.TempDir(), "circa.db"), o)
	if err != nil {
		t.Fatalf("opening a temporary database: %+v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
