package sync

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/circa-library/circa/storage"
)

// TestHubBackupsRotate: the hub's daily backup lands in DATA/backups, is a
// readable library, and only the newest KeepBackups stay.
func TestHubBackupsRotate(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(filepath.Join(dir, HubDatabase), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := HubConfig{DataDir: dir, KeepBackups: 2}
	day := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	for i := 0; i < 4; i++ {
		backup(cfg, db, day.AddDate(0, 0, i), slog.New(slog.DiscardHandler))
	}
	entries, err := os.ReadDir(filepath.Join(dir, "backups"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[1].Name() != storage.BackupName(day.AddDate(0, 0, 3), false) {
		t.Fatalf("backups kept: %v", entries)
	}
	if _, err := storage.VerifyBackup(filepath.Join(dir, "backups", entries[1].Name())); err != nil {
		t.Fatalf("the hub's backup is not a readable library: %v", err)
	}
}
