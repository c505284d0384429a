package storage_test

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

func wantReason(t *testing.T, err error, want app.Reason) *app.Refusal {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want refusal %s", want)
	}
	r, ok := app.RefusalOf(err)
	if !ok || r.Reason != want {
		t.Fatalf("got %+v, want refusal %s", err, want)
	}
	return r
}

func fill(t *testing.T, db app.Store, copies int) {
	t.Helper()
	err := db.Update(func(tx app.Tx) error {
		for i := range copies {
			c := &app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: barcode(i), TitleID: "t1", Status: app.CopyAvailable}
			if err := tx.Put(c); err != nil {
				return err
			}
		}
		if err := tx.SetMeta(app.MetaStation, []byte("station-1")); err != nil {
			return err
		}
		return tx.AppendEvent(&app.Event{ID: "e1", Station: "station-1", Seq: 1, Kind: app.EvAudit, Payload: []byte(`{}`)})
	})
	if err != nil {
		t.Fatalf("filling the database: %+v", err)
	}
}

func copyID(i int) string  { return "copy-" + itoa(i, 8) }
func barcode(i int) string { return "B" + itoa(i, 9) }

func itoa(i, width int) string {
	b := make([]byte, width)
	for j := width - 1; j >= 0; j-- {
		b[j] = byte('0' + i%10)
		i /= 10
	}
	return string(b)
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 50)
	var before string
	_ = db.View(func(tx app.Tx) (err error) { before, err = app.StateHash(tx); return err })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for _, ro := range []bool{false, true} {
		db, err = storage.Open(path, storage.Options{ReadOnly: ro})
		if err != nil {
			t.Fatalf("reopen (read-only %v): %+v", ro, err)
		}
		err = db.View(func(tx app.Tx) error {
			after, err := app.StateHash(tx)
			if err != nil {
				return err
			}
			if after != before {
				t.Errorf("state hash changed across reopen")
			}
			if ids, _ := tx.Lookup(app.IdxCopyBarcode, barcode(7)); len(ids) != 1 || ids[0] != copyID(7) {
				t.Errorf("barcode lookup after reopen = %v", ids)
			}
			if v, _ := tx.Meta(app.MetaStation); string(v) != "station-1" {
				t.Errorf("meta after reopen = %q", v)
			}
			if vec, _ := tx.Vector(); vec["station-1"] != 1 {
				t.Errorf("vector after reopen = %v", vec)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Check(); err != nil {
			t.Errorf("Check: %+v", err)
		}
		_ = db.Close()
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode = %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("folder mode = %v, want 0700", di.Mode().Perm())
	}
}

func TestForeignFileRefused(t *testing.T) {
	dir := t.TempDir()

	otherBolt := filepath.Join(dir, "other.db")
	bdb, err := bbolt.Open(otherBolt, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = bdb.Update(func(tx *bbolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("members"))
		return b.Put([]byte("k"), []byte("v"))
	})
	_ = bdb.Close()

	noise := filepath.Join(dir, "noise.db")
	buf := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(noise, buf, 0o600); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("shopping list\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{otherBolt, noise, text} {
		before, _ := os.ReadFile(path)
		for _, ro := range []bool{false, true} {
			_, err := storage.Open(path, storage.Options{ReadOnly: ro})
			wantReason(t, err, app.ReasonDatabaseForeign)
		}
		after, _ := os.ReadFile(path)
		if string(before) != string(after) {
			t.Errorf("opening %s changed it", filepath.Base(path))
		}
	}
}

// setSchema writes a schema version into a closed Circa file, as a newer
// program would.
func setSchema(t *testing.T, path string, v uint64) {
	t.Helper()
	if err := storage.SetSchemaForTest(path, v); err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	setSchema(t, path, 7)
	for _, ro := range []bool{false, true} {
		_, err := storage.Open(path, storage.Options{ReadOnly: ro})
		r := wantReason(t, err, app.ReasonDatabaseTooNew)
		if r.Facts["found"] != "7" {
			t.Errorf("refusal facts = %v, want found=7", r.Facts)
		}
	}
}

func TestLockedFileRefusedQuickly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = storage.Open(path, storage.Options{Timeout: 50 * time.Millisecond})
	wantReason(t, err, app.ReasonDatabaseLocked)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v to give up", d)
	}
	// A read-only open cannot share a file a writer holds either.
	_, err = storage.Open(path, storage.Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	wantReason(t, err, app.ReasonDatabaseLocked)
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 3)
	_ = db.Close()

	ro, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = ro.Update(func(tx app.Tx) error { return tx.SetMeta(app.MetaHLC, []byte("1")) })
	wantReason(t, err, app.ReasonReadOnly)

	// Two read-only opens share the file.
	ro2, err := storage.Open(path, storage.Options{ReadOnly: true, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("second read-only open: %+v", err)
	}
	_ = ro2.Close()
}

func TestReadOnlyFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: folder permissions are not enforced (TestReadOnly covers the refusal through Options.ReadOnly)")
	}
	dir := filepath.Join(t.TempDir(), "locked")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	_, err := storage.Open(filepath.Join(dir, "circa.db"), storage.Options{})
	wantReason(t, err, app.ReasonReadOnly)
}

func TestMissingFileReadOnly(t *testing.T) {
	_, err := storage.Open(filepath.Join(t.TempDir(), "absent.db"), storage.Options{ReadOnly: true})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only open of a missing file = %v, want ErrNotExist", err)
	}
}

func TestDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 2000)
	_ = db.Close()

	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	// Scribble over every page after the two meta pages, leaving the file
	// recognisably bbolt.
	page := int64(os.Getpagesize())
	junk := make([]byte, page)
	for i := range junk {
		junk[i] = 0xA5
	}
	for off := 2 * page; off < fi.Size(); off += 3 * page {
		if _, err := f.WriteAt(junk, off); err != nil {
			t.Fatal(err)
		}
	}
	_ = f.Close()

	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		wantReason(t, err, app.ReasonDatabaseDamaged)
		return
	}
	defer db.Close()
	wantReason(t, db.Check(), app.ReasonDatabaseDamaged)
}

func TestTruncatedMetaIsDamagedNotForeign(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	// Break the checksum of both meta pages but keep bbolt's magic.
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	page := int64(os.Getpagesize())
	for _, off := range []int64{16 + 40, page + 16 + 40 /* the pgid field, under the checksum */} {
		_, _ = f.WriteAt([]byte{0xFF, 0xFF}, off)
	}
	_ = f.Close()
	_, err = storage.Open(path, storage.Options{})
	wantReason(t, err, app.ReasonDatabaseDamaged)
}

func TestWriteFailuresBecomeRefusals(t *testing.T) {
	cases := []struct {
		errno syscall.Errno
		want  app.Reason
	}{
		{syscall.ENOSPC, app.ReasonStorageFull},
		{syscall.EROFS, app.ReasonReadOnly},
		{syscall.EACCES, app.ReasonReadOnly},
	}
	for _, c := range cases {
		err := storage.ClassifyForTest(&os.PathError{Op: "write", Path: "circa.db", Err: c.errno}, "circa.db")
		wantReason(t, err, c.want)
	}
}

func TestCheckCleanDatabase(t *testing.T) {
	db := storetest.TempDB(t)
	fill(t, db, 100)
	if err := db.Check(); err != nil {
		t.Errorf("Check of a healthy database: %+v", err)
	}
}

func TestStorageKeysHiddenFromSetMeta(t *testing.T) {
	db := storetest.TempDB(t)
	err := db.Update(func(tx app.Tx) error { return tx.SetMeta("\x00schema", []byte("x")) })
	if err == nil {
		t.Error("SetMeta overwrote a storage-owned key")
	}
}

// TestFullDisk needs a small filesystem: CIRCA_SMALL_FS names a folder on
// one (as root: mount -t tmpfs -o size=256k tmpfs /tmp/tiny).
func TestFullDisk(t *testing.T) {
	dir := os.Getenv("CIRCA_SMALL_FS")
	if dir == "" {
		t.Skip("CIRCA_SMALL_FS is not set to a folder on a small filesystem")
	}
	path := filepath.Join(dir, "full.db")
	_ = os.Remove(path)
	t.Cleanup(func() { _ = os.Remove(path) })
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var last error
	stored := 0
	for i := 0; i < 100000 && last == nil; i++ {
		last = db.Update(func(tx app.Tx) error {
			for j := range 50 {
				c := &app.Copy{Meta: app.Meta{ID: copyID(i*50 + j)}, Barcode: barcode(i*50 + j), Note: string(make([]byte, 200))}
				if err := tx.Put(c); err != nil {
					return err
				}
			}
			return nil
		})
		if last == nil {
			stored += 50
		}
	}
	wantReason(t, last, app.ReasonStorageFull)
	_ = db.View(func(tx app.Tx) error {
		if n, _ := tx.Count(app.CollCopies); n != stored {
			t.Errorf("after the refused write %d copies are stored, want the %d acknowledged", n, stored)
		}
		return nil
	})
	if err := db.Check(); err != nil {
		t.Errorf("Check after a full disk: %+v", err)
	}
	_ = db.Close()
	db, err = storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("reopening after a full disk: %+v", err)
	}
	defer db.Close()
	_ = db.View(func(tx app.Tx) error {
		if n, _ := tx.Count(app.CollCopies); n != stored {
			t.Errorf("after reopening %d copies are stored, want %d", n, stored)
		}
		return nil
	})
}

func TestMigrateFromSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 40)
	want := stateHash(t, db)
	_ = db.Close()

	// Make the file what schema 1 wrote: no record counts.
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = bdb.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket([]byte("counts")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("\x00schema"), binary.BigEndian.AppendUint64(nil, 1))
	})
	_ = bdb.Close()
	if err != nil {
		t.Fatal(err)
	}

	_, err = storage.Open(path, storage.Options{ReadOnly: true})
	wantReason(t, err, app.ReasonReadOnly)

	db = openMigrated(t, path, want)
	_ = db.View(func(tx app.Tx) error {
		if n, _ := tx.Count(app.CollCopies); n != 40 {
			t.Errorf("Count after migration = %d, want 40", n)
		}
		return nil
	})
}

// openMigrated opens the file at path, which an older build wrote, and
// checks that migrating it kept the records (want is their state hash
// before) and left the file whole.
func openMigrated(t *testing.T, path, want string) *storage.DB {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("migrating: %+v", err)
	}
	t.Cleanup(func() { db.Close() })
	if stateHash(t, db) != want {
		t.Error("migration changed the records")
	}
	if err := db.Check(); err != nil {
		t.Errorf("Check after migration: %+v", err)
	}
	return db
}

func TestMigrateFromSchema2IndexesTitleFacets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	titles := []*app.Title{
		{Meta: app.Meta{ID: "t1"}, Title: "西游记", Authors: []string{"吴承恩"}, CLC: "I242.4"},
		{Meta: app.Meta{ID: "t2"}, Title: "Dune", Authors: []string{"Frank Herbert"}, Dewey: "813.54"},
		{Meta: app.Meta{ID: "t3", Deleted: true}, Title: "Gone", CLC: "K"},
	}
	err = db.Update(func(tx app.Tx) error {
		for _, ti := range titles {
			if err := tx.Put(ti); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := stateHash(t, db)
	_ = db.Close()

	if err := storage.DropIndexForTest(path, app.IdxTitleFacets); err != nil {
		t.Fatal(err)
	}
	setSchema(t, path, 2)

	db = openMigrated(t, path, want)
	got := map[string]string{}
	_ = db.View(func(tx app.Tx) error {
		return tx.Scan(app.IdxTitleFacets, "", "", func(key, id string) error {
			got[id] = key
			return nil
		})
	})
	for _, ti := range titles {
		if got[ti.ID] != app.TitleFacetsKey(ti) {
			t.Errorf("title %s: facets %q, want %q", ti.ID, got[ti.ID], app.TitleFacetsKey(ti))
		}
	}
	// Editing a title after the migration moves its key, leaving no other.
	err = db.Update(func(tx app.Tx) error {
		t1 := *titles[0]
		t1.CLC = "K825"
		return tx.Put(&t1)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx app.Tx) error {
		var keys []string
		err := tx.Scan(app.IdxTitleFacets, "", "", func(key, id string) error {
			if id == "t1" {
				keys = append(keys, key)
			}
			return nil
		})
		if len(keys) != 1 || keys[0] != "t1\x1fK825\x1f\x1f吴承恩" {
			t.Errorf("t1 facets after edit = %q", keys)
		}
		return err
	})
	if err := db.Check(); err != nil {
		t.Errorf("Check after edit: %+v", err)
	}
}

func TestMigrateFromSchema3DropsCharacterKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "circa.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx app.Tx) error {
		if err := tx.Put(&app.Title{Meta: app.Meta{ID: "t1"}, Title: "西游记"}); err != nil {
			return err
		}
		return tx.Put(&app.Reader{Meta: app.Meta{ID: "r1"}, Card: "R1", Name: "张三"})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := stateHash(t, db)
	_ = db.Close()
	// What schema 3 wrote: a key per character besides the bigrams.
	for _, old := range []struct {
		c   app.Collection
		id  string
		idx string
		key string
	}{{app.CollTitles, "t1", app.IdxTitleSearch, "u:西"}, {app.CollReaders, "r1", app.IdxReaderSearch, "u:张"}} {
		if err := storage.AddEntryForTest(path, old.c, old.id, app.IndexEntry{Index: old.idx, Key: old.key}); err != nil {
			t.Fatal(err)
		}
	}
	setSchema(t, path, 3)

	db = openMigrated(t, path, want)
	_ = db.View(func(tx app.Tx) error {
		for _, q := range []struct{ idx, key, want string }{
			{app.IdxTitleSearch, "u:西", ""}, {app.IdxReaderSearch, "u:张", ""},
			{app.IdxTitleSearch, "c:记", "t1"}, {app.IdxReaderSearch, "c:张三", "r1"},
		} {
			ids, err := tx.Lookup(q.idx, q.key)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(ids, ","); got != q.want {
				t.Errorf("%s %q holds %q, want %q", q.idx, q.key, got, q.want)
			}
		}
		return nil
	})
}
