package storage_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

func stateHash(t *testing.T, s app.Store) string {
	t.Helper()
	h, err := app.StoreStateHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestBackupVerifyRestore(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "data", "circa.db")
	db, err := storage.Open(live, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 120)
	want := stateHash(t, db)

	backup := filepath.Join(dir, "backups", storage.BackupName(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC), false))
	n, err := db.BackupToFile(backup)
	if err != nil {
		t.Fatalf("BackupToFile: %+v", err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Size() != n {
		t.Fatalf("backup file: %v, size %d, reported %d", err, fi.Size(), n)
	}

	sum, err := storage.VerifyBackup(backup)
	if err != nil {
		t.Fatalf("VerifyBackup: %+v", err)
	}
	if sum.Records[app.CollCopies] != 120 || sum.Events != 1 || sum.Schema != storage.SchemaVersionForTest {
		t.Errorf("summary = %+v, want 120 copies and 1 event", sum)
	}

	// Changes after the backup are undone by the restore.
	fill(t, db, 200)
	if stateHash(t, db) == want {
		t.Fatal("the change after the backup did nothing")
	}
	if _, err := storage.Restore(backup, live); app.ReasonOf(err) != app.ReasonDatabaseLocked {
		t.Errorf("Restore over an open database = %v, want ReasonDatabaseLocked", err)
	}
	changed := stateHash(t, db)
	_ = db.Close()

	restored, err := storage.OpenFromBackup(backup, live, storage.Options{})
	if err != nil {
		t.Fatalf("OpenFromBackup: %+v", err)
	}
	defer restored.Close()
	if got := stateHash(t, restored); got != want {
		t.Error("restored database differs from the one backed up")
	}
	before, err := storage.Open(live+storage.BeforeRestoreSuffix, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("opening the kept file: %+v", err)
	}
	defer before.Close()
	if stateHash(t, before) != changed {
		t.Error("the file kept by Restore is not the one that was live")
	}
}

func TestHotBackupWhileWriting(t *testing.T) {
	db := storetest.TempDB(t)
	fill(t, db, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			_ = db.Update(func(tx app.Tx) error {
				return tx.Put(&app.Copy{Meta: app.Meta{ID: "x" + itoa(i, 3)}, Barcode: "X" + itoa(i, 3)})
			})
		}
	}()
	var buf bytes.Buffer
	if _, err := db.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	<-done
	path := filepath.Join(t.TempDir(), "hot.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.VerifyBackup(path); err != nil {
		t.Errorf("hot backup does not verify: %+v", err)
	}
}

func TestRestoreRefusesBadBackup(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "circa.db")
	db, err := storage.Open(live, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, db, 5)
	want := stateHash(t, db)
	_ = db.Close()

	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, bytes.Repeat([]byte("not a database "), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Restore(junk, live); app.ReasonOf(err) != app.ReasonDatabaseForeign {
		t.Errorf("Restore of junk = %v, want ReasonDatabaseForeign", err)
	}
	db, err = storage.Open(live, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if stateHash(t, db) != want {
		t.Error("a refused restore changed the live database")
	}
	if _, err := os.Stat(live + storage.BeforeRestoreSuffix); !os.IsNotExist(err) {
		t.Error("a refused restore left a .before-restore file")
	}
}

func TestEncryptedBackup(t *testing.T) {
	db := storetest.TempDB(t)
	fill(t, db, 30)
	want := stateHash(t, db)

	var enc bytes.Buffer
	if _, err := db.BackupEncrypted(&enc, "correct horse"); err != nil {
		t.Fatalf("BackupEncrypted: %+v", err)
	}
	if ok, _ := storage.IsEncrypted(bytes.NewReader(enc.Bytes())); !ok {
		t.Error("IsEncrypted does not recognise an encrypted backup")
	}
	var plain bytes.Buffer
	if _, err := db.Backup(&plain); err != nil {
		t.Fatal(err)
	}
	if ok, _ := storage.IsEncrypted(bytes.NewReader(plain.Bytes())); ok {
		t.Error("IsEncrypted claims a plain backup is encrypted")
	}
	if bytes.Contains(enc.Bytes(), []byte("station-1")) {
		t.Error("the encrypted backup contains plain text")
	}

	dir := t.TempDir()
	encPath := filepath.Join(dir, "b.db.age")
	if err := os.WriteFile(encPath, enc.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.VerifyBackup(encPath); !errors.Is(err, storage.ErrBackupEncrypted) {
		t.Errorf("VerifyBackup of an encrypted file = %v, want ErrBackupEncrypted", err)
	}

	var out bytes.Buffer
	_, err := storage.DecryptBackup(bytes.NewReader(enc.Bytes()), "wrong horse", &out)
	if !errors.Is(err, storage.ErrWrongPassphrase) || app.ReasonOf(err) != app.ReasonWrongPassword {
		t.Errorf("wrong passphrase = %v, want ErrWrongPassphrase / ReasonWrongPassword", err)
	}
	if _, err := storage.DecryptBackup(bytes.NewReader(plain.Bytes()), "correct horse", &out); err == nil {
		t.Error("DecryptBackup of a plain backup succeeded")
	}
	damaged := bytes.Clone(enc.Bytes())
	damaged[len(damaged)-100] ^= 1
	out.Reset()
	if _, err := storage.DecryptBackup(bytes.NewReader(damaged), "correct horse", &out); app.ReasonOf(err) != app.ReasonDatabaseDamaged {
		t.Errorf("tampered backup = %v, want ReasonDatabaseDamaged", err)
	}

	out.Reset()
	if _, err := storage.DecryptBackup(bytes.NewReader(enc.Bytes()), "correct horse", &out); err != nil {
		t.Fatalf("DecryptBackup: %+v", err)
	}
	if !bytes.Equal(out.Bytes(), plain.Bytes()) {
		// Both are snapshots of an idle database: they must agree.
		t.Error("decrypted backup differs from a plain one")
	}

	live := filepath.Join(dir, "live", "circa.db")
	if _, err := storage.RestoreEncrypted(encPath, "correct horse", live); err != nil {
		t.Fatalf("RestoreEncrypted: %+v", err)
	}
	restored, err := storage.Open(live, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if stateHash(t, restored) != want {
		t.Error("restored encrypted backup differs")
	}
}

func TestRotateBackups(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var names []string
	for i := range 6 {
		names = append(names, storage.BackupName(base.Add(time.Duration(i)*36*time.Hour), i%2 == 1))
	}
	others := []string{"circa.db", "circa-2026-notes.db", "circa-20260101-090000.db.tmp", "readme.txt"}
	for _, n := range append(append([]string{}, names...), others...) {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := storage.RotateBackups(dir, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, names[1]), filepath.Join(dir, names[0])}
	if d := cmp.Diff(want, removed); d != "" {
		t.Errorf("removed (-want +got):\n%s", d)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 4+len(others) {
		t.Errorf("%d files left, want %d", len(left), 4+len(others))
	}
	if _, err := storage.RotateBackups(dir, 0); err == nil {
		t.Error("RotateBackups(keep 0) removed every backup")
	}
	if removed, _ := storage.RotateBackups(dir, 10); len(removed) != 0 {
		t.Errorf("RotateBackups with room to spare removed %v", removed)
	}
}
