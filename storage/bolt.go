// Package storage keeps a library in one bbolt file: records, their secondary
// indexes and the event log, written together in one durable transaction.
// Within a transaction, index writes wait and are made in key order before
// commit or before the index is read (tx.go), which is what bbolt writes
// fastest. The layout is in schema.go; backups in backup.go; bulk loading
// for the scale generator in bulk.go; compaction in compact.go.
package storage

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/circa-library/circa/app"
)

// Options tune Open.
type Options struct {
	// ReadOnly opens the file with a shared lock and refuses every Update.
	ReadOnly bool
	// Timeout is how long Open waits for another program to release the
	// file before it refuses with app.ReasonDatabaseLocked. Zero means 1 s.
	Timeout time.Duration
	// NoSync skips fsync on commit. Only for the bulk generator: a crash
	// may lose or corrupt what was written.
	NoSync bool
}

// DefaultTimeout is the lock wait when Options.Timeout is zero.
const DefaultTimeout = time.Second

// DB is a library's bbolt file. It implements app.Store.
type DB struct {
	bolt *bbolt.DB
	path string
	opts Options
	// writers lets Bulk, which turns fsync off, exclude Update.
	writers sync.RWMutex
	// unsynced serialises Unsynced runs.
	unsynced sync.Mutex
}

var _ app.Store = (*DB)(nil)

// Open opens or creates the database at path, creating its folder (0700)
// and file (0600) as needed, and migrates it to this program's schema. It
// refuses, with the app reason named, a file another program holds
// (ReasonDatabaseLocked), a file that is not Circa's (ReasonDatabaseForeign),
// one written by a newer Circa (ReasonDatabaseTooNew), one that is damaged
// (ReasonDatabaseDamaged) and a folder it may not write (ReasonReadOnly).
func Open(path string, opts Options) (db *DB, err error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, classify(errors.Wrap(err, "creating the data folder"), path)
		}
	}
	var bdb *bbolt.DB
	// bbolt panics on some damaged files; no panic may escape after start-up.
	defer func() {
		if p := recover(); p != nil {
			if bdb != nil {
				_ = closeQuietly(bdb)
			}
			db, err = nil, refuse(app.ReasonDatabaseDamaged, errors.Newf("bbolt panicked: %v", p), path)
		}
	}()
	bdb, err = bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      opts.Timeout,
		ReadOnly:     opts.ReadOnly,
		NoSync:       opts.NoSync,
		FreelistType: bbolt.FreelistMapType,
	})
	if err != nil {
		return nil, classify(err, path)
	}
	if opts.ReadOnly {
		err = bdb.View(func(tx *bbolt.Tx) error {
			v, err := schemaOf(tx)
			if err == nil && v != schemaVersion {
				err = refuse(app.ReasonReadOnly, errors.Newf("schema %d needs migrating to %d, which a read-only open cannot do", v, schemaVersion), path)
			}
			return err
		})
	} else {
		err = bdb.Update(migrate)
	}
	if err != nil {
		_ = bdb.Close()
		return nil, classify(err, path)
	}
	return &DB{bolt: bdb, path: path, opts: opts}, nil
}

func closeQuietly(bdb *bbolt.DB) (err error) {
	defer func() { _ = recover() }()
	return bdb.Close()
}

// schemaOf returns the schema version of the file tx reads, 0 for a file
// with nothing in it yet, or a refusal for a file that is not Circa's or
// is newer than this program.
func schemaOf(tx *bbolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		if k, _ := tx.Cursor().First(); k == nil {
			return 0, nil
		}
		return 0, refuse(app.ReasonDatabaseForeign, errors.New("bbolt file without Circa's meta bucket"), tx.DB().Path())
	}
	if magic := meta.Get(metaMagic); !bytes.Equal(magic, []byte(appMagic)) {
		return 0, refuse(app.ReasonDatabaseForeign, errors.Newf("app magic is %q", magic), tx.DB().Path())
	}
	v, err := readU64(meta.Get(metaSchema))
	if err != nil {
		return 0, refuse(app.ReasonDatabaseDamaged, errors.Wrap(err, "reading the schema version"), tx.DB().Path())
	}
	if v > schemaVersion {
		return 0, refuse(app.ReasonDatabaseTooNew, errors.Newf("schema %d, this program knows up to %d", v, schemaVersion),
			tx.DB().Path(), "found", strconv.FormatUint(v, 10), "supported", strconv.Itoa(schemaVersion))
	}
	return int(v), nil
}

// migrate brings the file tx writes to schemaVersion, in the caller's
// read-write transaction.
func migrate(tx *bbolt.Tx) error {
	from, err := schemaOf(tx)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if m.version <= from {
			continue
		}
		if err := m.apply(tx); err != nil {
			return errors.Wrapf(err, "migration %d (%s)", m.version, m.name)
		}
	}
	if from == schemaVersion {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaVersion))
}

// refuse makes the refusal for reason about the file at path, keeping cause
// for the log.
func refuse(reason app.Reason, cause error, path string, facts ...string) error {
	if path != "" {
		facts = append([]string{"path", path}, facts...)
	}
	err := app.Refuse(reason, facts...)
	return errors.WithSecondaryError(err, cause)
}

// classify turns what bbolt and the OS report into the refusal a person
// understands, leaving other errors (and refusals already made) as they are.
func classify(err error, path string) error {
	if err == nil || app.ReasonOf(err) != "" {
		return err
	}
	var reason app.Reason
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		reason = app.ReasonDatabaseLocked
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch):
		reason = app.ReasonDatabaseForeign
	case errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		reason = app.ReasonDatabaseDamaged
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, berrors.ErrMaxSizeReached):
		reason = app.ReasonStorageFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM),
		errors.Is(err, berrors.ErrDatabaseReadOnly):
		reason = app.ReasonReadOnly
	default:
		return errors.Wrapf(err, "database %s", path)
	}
	return refuse(reason, err, path)
}

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(app.Tx) error) error {
	return db.bolt.View(func(btx *bbolt.Tx) error { return fn(&tx{btx: btx}) })
}

// Update runs fn in one read-write transaction, fsynced before it returns
// nil. A full disk or a read-only folder gives ReasonStorageFull or
// ReasonReadOnly, and the change is not kept.
func (db *DB) Update(fn func(app.Tx) error) error {
	if db.opts.ReadOnly {
		return refuse(app.ReasonReadOnly, berrors.ErrDatabaseReadOnly, db.path)
	}
	err := db.update(func(btx *bbolt.Tx) error {
		t := &tx{btx: btx}
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
	if err == nil || errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return err
	}
	if isWriteFailure(err) {
		return classify(err, db.path)
	}
	return err
}

// update runs fn in a bbolt read-write transaction, unless Bulk is running.
func (db *DB) update(fn func(*bbolt.Tx) error) error {
	db.writers.RLock()
	defer db.writers.RUnlock()
	return db.bolt.Update(fn)
}

// isWriteFailure reports whether err is the OS refusing a write, as opposed
// to an error fn returned.
func isWriteFailure(err error) bool {
	for _, e := range []error{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EACCES, syscall.EPERM,
		syscall.EIO, berrors.ErrMaxSizeReached, berrors.ErrDatabaseReadOnly} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Close releases the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Check runs bbolt's consistency check over the whole file and verifies
// that every record's index entries are present. Damage is reported as
// ReasonDatabaseDamaged with the first problems found.
func (db *DB) Check() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = refuse(app.ReasonDatabaseDamaged, errors.Newf("bbolt panicked: %v", p), db.path)
		}
	}()
	// A read-only check is unsafe next to a writer; a writable one (rolled
	// back) is not.
	btx, err := db.bolt.Begin(!db.opts.ReadOnly)
	if err != nil {
		return classify(err, db.path)
	}
	defer func() { _ = btx.Rollback() }()
	var problems []error
	for e := range btx.Check() {
		problems = append(problems, e)
	}
	if len(problems) == 0 {
		problems = checkIndexes(btx)
	}
	if len(problems) == 0 {
		return nil
	}
	n := len(problems)
	return refuse(app.ReasonDatabaseDamaged, errors.Join(problems[:min(n, 10)]...), db.path,
		"problems", strconv.Itoa(n))
}

// checkIndexes verifies, in the caller's transaction, that every index
// entry a record claims is in its index and that the record counts agree.
func checkIndexes(btx *bbolt.Tx) []error {
	var problems []error
	for _, c := range app.AllCollections {
		var have int
		if rb := btx.Bucket(recordBucket(c)); rb != nil {
			have = rb.Stats().KeyN
		}
		if n, err := recordCount(btx, c); err != nil || n != uint64(have) {
			problems = append(problems, fmt.Errorf("%s: %d records, counted %d (%v)", c, have, n, err))
		}
		eb := btx.Bucket(entriesBucket(c))
		if eb == nil {
			continue
		}
		_ = eb.ForEach(func(id, v []byte) error {
			entries, err := decodeEntries(v)
			if err != nil {
				problems = append(problems, errors.Wrapf(err, "%s %s", c, id))
				return nil
			}
			for _, e := range entries {
				k, want := indexKey(e, string(id))
				ib := btx.Bucket(indexBucket(e.Index))
				var got []byte
				if ib != nil {
					got = ib.Get(k)
				}
				if got == nil || !bytes.Equal(got, want) {
					problems = append(problems, fmt.Errorf("%s %s: index %s lacks %q", c, id, e.Index, e.Key))
				}
			}
			if len(problems) > 100 {
				return app.ErrStop
			}
			return nil
		})
	}
	return problems
}

// Stats returns bbolt's counters (pages written, transactions, freelist), for
// benchmarks that explain where a commit's time goes.
func (db *DB) Stats() bbolt.Stats { return db.bolt.Stats() }
