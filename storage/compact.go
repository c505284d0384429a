package storage

import (
	"os"
	"path/filepath"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"
)

// Compact rewrites the closed library file at path without its free pages.
// A bulk load leaves tens of thousands of them, and bbolt writes the whole
// free list at every commit, so after a load of millions of records each
// check-out would flush hundreds of kilobytes more than it changed. The
// copy is written beside the file, synced, checked to open, and then
// renamed over it: a crash leaves either file whole. It returns the number
// of free pages the file had.
func Compact(path string) (freed int, err error) {
	// A file another program holds times out here: ReasonDatabaseLocked.
	src, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: DefaultTimeout, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return 0, classify(err, path)
	}
	defer func() {
		if src != nil {
			_ = src.Close()
		}
	}()
	freed = src.Stats().FreePageN
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".compact")
	_ = os.Remove(tmp)
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{NoSync: true, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return freed, classify(err, tmp)
	}
	err = bbolt.Compact(dst, src, 64<<20)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = src.Close()
		src = nil
	}
	if err == nil {
		// The copy must open as a library before it replaces the original.
		var db *DB
		if db, err = Open(tmp, Options{ReadOnly: true}); err == nil {
			err = db.Close()
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return freed, errors.Wrapf(err, "compacting %s", path)
	}
	syncDir(filepath.Dir(path))
	return freed, nil
}

// Thresholds of WorthCompacting. A free list of n pages is written as
// about n/512 pages at every commit, after sorting its n page numbers: at
// compactFreePages that is a few percent of a check-out, at
// compactAlwaysPages about as much as the check-out itself (measured on the
// scale library: 59,000 free pages doubled a check-out's time).
const (
	compactFreePages = 4096
	compactShare     = 10 // percent of the file's pages
)

var compactAlwaysPages = 16384 // a var: tests lower it

// WorthCompacting reports whether the open file holds so many free pages
// that every commit pays for writing their list: at least
// compactAlwaysPages of them, or at least compactFreePages that are also
// compactShare percent of the file. A large load, an import, a migration
// that reindexes or a recount of the daily figures leaves that many; daily
// use reuses what it frees and does not. Compacting copies the file, which
// takes about 20 s per GB here, so a large file is compacted only for a
// free list that costs every commit as much as that.
func (db *DB) WorthCompacting() bool {
	if db.opts.ReadOnly {
		return false
	}
	st := db.bolt.Stats()
	free := st.FreePageN + st.PendingPageN // pending: freed by the last commit
	var pages int
	_ = db.bolt.View(func(tx *bbolt.Tx) error {
		pages = int(tx.Size() / int64(max(db.bolt.Info().PageSize, 1)))
		return nil
	})
	return free >= compactAlwaysPages || free >= compactFreePages && free*100 >= pages*compactShare
}
