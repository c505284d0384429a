package cli

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

// autoBackupOnce runs AutoBackup until its first backup is taken and
// checked (or, expecting damage, until damage is reported), and returns the
// backups left and what it reported.
func autoBackupOnce(t *testing.T, dir string, expectDamage bool) (backups []string, damage error) {
	t.Helper()
	d, err := OpenData(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var reported atomic.Pointer[error]
	go func() {
		defer close(done)
		AutoBackup(ctx, d, KeepBackups, slog.New(slog.NewTextHandler(io.Discard, nil)),
			func(err error) { reported.Store(&err) })
	}()
	// The first backup and its check happen before the hourly wait.
	deadline := time.Now().Add(30 * time.Second)
	for {
		entries, _ := os.ReadDir(filepath.Join(dir, BackupDir))
		finished := len(entries) > 0 && !hasTemp(entries)
		if expectDamage {
			finished = reported.Load() != nil
		}
		if finished || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // let the check finish
	cancel()
	<-done
	if p := reported.Load(); p != nil {
		damage = *p
	}
	entries, _ := os.ReadDir(filepath.Join(dir, BackupDir))
	for _, e := range entries {
		backups = append(backups, e.Name())
	}
	return backups, damage
}

func hasTemp(entries []os.DirEntry) bool {
	for _, e := range entries {
		if e.Name()[0] == '.' {
			return true
		}
	}
	return false
}

func TestAutoBackupChecksTheCopy(t *testing.T) {
	dir := t.TempDir()
	d, admin, title := openWithTitle(t, dir)
	if _, err := d.Library.AddCopy(admin, title.ID, app.CopyInput{Barcode: "C1", ItemType: app.ItemBook}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	backups, damage := autoBackupOnce(t, dir, false)
	if damage != nil || len(backups) != 1 {
		t.Fatalf("a whole library: backups %v, damage %v", backups, damage)
	}
	if _, err := storage.VerifyBackup(filepath.Join(dir, BackupDir, backups[0])); err != nil {
		t.Fatalf("the backup kept does not verify: %+v", err)
	}

	// Damage the library (a copy's barcode index entry goes missing), with
	// yesterday's good backup beside it.
	old := time.Now().Add(-25 * time.Hour)
	good := storage.BackupName(old, false)
	if err := os.Rename(filepath.Join(dir, BackupDir, backups[0]), filepath.Join(dir, BackupDir, good)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(dir, BackupDir, good), old, old); err != nil {
		t.Fatal(err)
	}
	bdb, err := bbolt.Open(filepath.Join(dir, LibraryFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := bdb.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("idx/copy_barcode")).Delete([]byte("C1"))
	}); err != nil {
		t.Fatal(err)
	}
	bdb.Close()

	after, damage := autoBackupOnce(t, dir, true)
	if app.ReasonOf(damage) != app.ReasonDatabaseDamaged {
		t.Fatalf("damage reported as %v", damage)
	}
	if len(after) != 1 || after[0] != good {
		t.Fatalf("backups after the damaged one: %v, want only the good %s", after, good)
	}
}

func TestHousekeepingRunsOnceADayAfterTheDelay(t *testing.T) {
	d, err := OpenData(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	lib := d.Library
	admin, err := lib.Setup(app.SetupInput{LibraryName: "Test", AdminUsername: "admin", AdminName: "Admin", AdminPassword: "secret123"})
	if err != nil {
		t.Fatal(err)
	}
	title, err := lib.AddTitle(admin, app.TitleInput{Title: "Book"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddCopy(admin, title.ID, app.CopyInput{Barcode: "B1", ItemType: app.ItemBook}); err != nil {
		t.Fatal(err)
	}
	r, err := lib.RegisterReader(admin, app.ReaderInput{Card: "R1", Name: "Private", CardType: "REG", History: app.HistoryAnonymise})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.CheckOut(admin, "R1", "B1", app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.CheckIn(admin, "B1"); err != nil {
		t.Fatal(err)
	}

	delay := HousekeepingDelay
	HousekeepingDelay = 50 * time.Millisecond
	defer func() { HousekeepingDelay = delay }()
	ran := func() string {
		var day []byte
		_ = lib.View(func(tx app.Tx) (err error) { day, err = tx.Meta(metaHousekeeping); return err })
		return string(day)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); Housekeeping(ctx, lib, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	deadline := time.Now().Add(10 * time.Second)
	for ran() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if got := ran(); got != string(lib.Today()) {
		t.Fatalf("housekeeping day %q, want today", got)
	}
	if h, err := lib.LoansOf(r.ID, true); err != nil || len(h) != 0 {
		t.Fatalf("history not anonymised: %v %v", h, err)
	}
}
