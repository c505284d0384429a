package sync

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

// The hub is a station without a screen: it keeps the whole library in
// DataDir/circa.db, answers desks and takes daily backups. Its commands
// (cmd/circa-hub) are thin wrappers of the functions here.

// HubDatabase is the hub's database file inside its data folder.
const HubDatabase = "circa.db"

// inviteDir holds invites made while the hub runs (the database is then
// locked by the running hub); the hub takes them in within seconds.
const inviteDir = "invites"

// HubConfig configures a running hub.
type HubConfig struct {
	DataDir string
	Listen  string
	// Location must be the desks' time zone: rule checks during replay
	// turn event times into library days.
	Location *time.Location
	Logger   *slog.Logger
	// BackupEvery (default 24 h) and KeepBackups (default 14) shape the
	// automatic backups, when the storage offers them.
	BackupEvery time.Duration
	KeepBackups int
	// Started, when set, runs once the library is open, for services that
	// share it (the SIP2 server); the stop it returns runs at shutdown.
	Started func(ctx context.Context, lib *app.Library) (stop func())
}

// InitHub makes the hub's identity and database in dataDir.
func InitHub(dataDir string, loc *time.Location) (*Identity, error) {
	ident, err := Identify(dataDir)
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(filepath.Join(dataDir, HubDatabase), storage.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := app.Open(db, app.Options{Station: ident.ID, Location: loc}); err != nil {
		return nil, err
	}
	return ident, nil
}

// HubInvite makes a one-time invite code for a desk. It works whether or
// not the hub is running: the secret's hash goes to DataDir/invites, which
// the hub takes in.
func HubInvite(dataDir, address string) (string, error) {
	ident, err := LoadIdentity(dataDir)
	if err != nil {
		return "", errors.Wrap(err, "the hub is not set up here (run circa-hub init)")
	}
	inv := Invite{Address: address, Hub: ident.ID, Secret: make([]byte, secretLen)}
	if _, err := io.ReadFull(rand.Reader, inv.Secret); err != nil {
		return "", err
	}
	if len(address) == 0 || len(address) > 255 {
		return "", errors.Newf("address %q is not usable in an invite", address)
	}
	si := storedInvite{Hash: secretHash(inv.Secret), Expires: app.SystemClock{}.Now().Add(InviteTTL).UTC()}
	raw, err := json.Marshal(si)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(dataDir, inviteDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, si.Hash+".json"), raw, 0o600); err != nil {
		return "", errors.Wrap(err, "saving the invite")
	}
	return inv.String(), nil
}

// takeInvites moves invites from DataDir/invites into the node.
func takeInvites(dataDir string, n *Node) error {
	dir := filepath.Join(dataDir, inviteDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var si storedInvite
		if err := json.Unmarshal(raw, &si); err != nil || si.Hash == "" {
			n.log.Warn("ignoring a damaged invite file", "file", path)
		} else if err := n.addInvite(si); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	return nil
}

// ServeHub runs the hub until ctx ends.
func ServeHub(ctx context.Context, cfg HubConfig) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.BackupEvery <= 0 {
		cfg.BackupEvery = 24 * time.Hour
	}
	if cfg.KeepBackups <= 0 {
		cfg.KeepBackups = 14
	}
	ident, err := LoadIdentity(cfg.DataDir)
	if err != nil {
		return errors.Wrap(err, "the hub is not set up here (run circa-hub init)")
	}
	db, err := storage.Open(filepath.Join(cfg.DataDir, HubDatabase), storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	lib, err := app.Open(db, app.Options{Station: ident.ID, Location: cfg.Location})
	if err != nil {
		return err
	}
	st, err := NewStation(ident, lib, StationOptions{Listen: cfg.Listen, Logger: log})
	if err != nil {
		return err
	}
	log.Info("hub starting", "station", FormatID(ident.ID), "listen", cfg.Listen, "data", cfg.DataDir)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Started != nil {
		if stop := cfg.Started(ctx, lib); stop != nil {
			defer stop()
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		hubChores(ctx, cfg, db, st.Node, log)
	}()
	err = st.Serve(ctx)
	cancel()
	<-done
	log.Info("hub stopped")
	return err
}

// hubChores takes in invites every few seconds and backs up every
// BackupEvery.
func hubChores(ctx context.Context, cfg HubConfig, db *storage.DB, n *Node, log *slog.Logger) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	clock := n.clock
	nextBackup := clock.Now().Add(time.Minute)
	for {
		if err := takeInvites(cfg.DataDir, n); err != nil {
			log.Warn("taking in invites", "error", err.Error())
		}
		// A desk that stopped mid-push may have left the state stale.
		if rebuilt, err := n.lib.RebuildIfStale(); err != nil {
			log.Error("replaying the event log", "error", err.Error())
		} else if rebuilt {
			log.Info("replayed the event log after an unfinished push")
		}
		if !clock.Now().Before(nextBackup) {
			nextBackup = clock.Now().Add(cfg.BackupEvery)
			backup(cfg, db, clock.Now(), log)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// backup writes a dated hot backup into DATA/backups and keeps the newest
// cfg.KeepBackups.
func backup(cfg HubConfig, db *storage.DB, now time.Time, log *slog.Logger) {
	dir := filepath.Join(cfg.DataDir, "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Error("backup failed", "error", err.Error())
		return
	}
	path := filepath.Join(dir, storage.BackupName(now.UTC(), false))
	if _, err := db.BackupToFile(path); err != nil {
		log.Error("backup failed", "file", path, "error", err.Error())
		return
	}
	log.Info("backup written", "file", path)
	if removed, err := storage.RotateBackups(dir, cfg.KeepBackups); err != nil {
		log.Warn("removing old backups", "error", err.Error())
	} else if len(removed) > 0 {
		log.Info("old backups removed", "count", len(removed))
	}
}
