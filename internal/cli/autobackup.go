package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

// BackupDir is where automatic backups go, inside the data folder.
const BackupDir = "backups"

// KeepBackups is how many automatic backups are kept.
const KeepBackups = 14

// AutoBackup takes a backup when the newest one is a day old (or there is
// none), then checks again every hour, until ctx ends. Old backups beyond
// keep are removed.
//
// Each backup is then checked whole (bbolt's page check and the indexes'
// agreement). The backup is a page-for-page copy of the live file, so this
// finds damage in the library without a check of the live file, which
// would have to hold off every check-out while it read the whole library
// (minutes on a large one). A damaged backup is deleted, so it never
// rotates a good one away, and damaged is called with the reason.
func AutoBackup(ctx context.Context, d *Data, keep int, log *slog.Logger, damaged func(error)) {
	dir := filepath.Join(d.Dir, BackupDir)
	check := func() {
		newest, _ := NewestBackup(dir, false)
		if newest != "" {
			if st, err := os.Stat(newest); err == nil && time.Since(st.ModTime()) < 24*time.Hour {
				return
			}
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			log.Error("automatic backup", "err", err)
			return
		}
		path := filepath.Join(dir, storage.BackupName(time.Now(), false))
		if _, err := d.DB.BackupToFile(path); err != nil {
			log.Error("automatic backup", "path", path, "err", err)
			return
		}
		if _, err := storage.VerifyBackup(path); err != nil {
			log.Error("automatic backup is damaged: so is the library", "path", path, "err", err)
			_ = os.Remove(path)
			if damaged != nil && app.ReasonOf(err) == app.ReasonDatabaseDamaged {
				damaged(err)
			}
			return
		}
		removed, err := storage.RotateBackups(dir, keep)
		log.Info("automatic backup", "path", path, "removed", len(removed), "err", err)
	}
	check()
	repeat(ctx, time.Hour, time.Hour, check)
}

// repeat calls fn after first, then every interval, until ctx ends.
func repeat(ctx context.Context, first, interval time.Duration, fn func()) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
			t.Reset(interval)
		}
	}
}

// NewestBackup returns the newest backup in dir; with verify, the newest
// that is readable and whole.
func NewestBackup(dir string, verify bool) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), "circa-") && strings.HasSuffix(e.Name(), ".db") {
			names = append(names, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for _, n := range names {
		p := filepath.Join(dir, n)
		if !verify {
			return p, nil
		}
		if _, err := storage.VerifyBackup(p); err == nil {
			return p, nil
		}
	}
	return "", nil
}

// Housekeeping runs the library's daily chores until ctx ends: anonymising
// loan history as readers chose and the retention period says. Anonymising
// is an event, so it reaches every station.
//
// The chores read every loan, which on a large library is a minute of CPU:
// they start HousekeepingDelay after the desk opens, not while it opens,
// and run once a day on this station whatever the number of restarts (the
// day of the last run is station-local meta).
func Housekeeping(ctx context.Context, lib *app.Library, log *slog.Logger) {
	run := func() {
		today := string(lib.Today())
		var last []byte
		_ = lib.View(func(tx app.Tx) (err error) { last, err = tx.Meta(metaHousekeeping); return err })
		if string(last) == today {
			return
		}
		if n, err := lib.AnonymiseHistory(app.System); err != nil {
			log.Error("anonymising history", "err", err)
			return
		} else if n > 0 {
			log.Info("history anonymised", "loans", n)
		}
		if err := lib.Store().Update(func(tx app.Tx) error { return tx.SetMeta(metaHousekeeping, []byte(today)) }); err != nil {
			log.Error("housekeeping", "err", err)
		}
	}
	repeat(ctx, HousekeepingDelay, time.Hour, run)
}

// HousekeepingDelay is how long after start the daily chores wait.
var HousekeepingDelay = 5 * time.Minute

// metaHousekeeping (station-local) is the day the chores last ran here.
const metaHousekeeping = "local/housekeeping/day"
