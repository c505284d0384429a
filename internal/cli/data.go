package cli

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	circasync "github.com/circa-library/circa/sync"
)

// LibraryFile is the name of the library's bbolt file in the data folder.
const LibraryFile = "library.db"

// DefaultDataDir is where a library lives when --data is not given: the
// user's configuration folder (~/.config/circa on Linux, ~/Library/Application
// Support/circa on macOS, %AppData%\circa on Windows).
func DefaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "circa-data"
	}
	return filepath.Join(dir, "circa")
}

// Data is an opened data folder: the station identity, the bbolt file and
// the library on top of it.
type Data struct {
	Dir      string
	Identity *circasync.Identity
	DB       *storage.DB
	Library  *app.Library
}

// OpenData opens (creating on first use, readable only by the user) the data
// folder dir.
func OpenData(dir string, opts storage.Options) (*Data, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, errors.Wrapf(classifyFS(err), "creating the data folder %s", dir)
	}
	id, err := circasync.LoadOrCreateIdentity(dir, nil, app.SystemClock{}.Now())
	if err != nil {
		return nil, errors.Wrap(classifyFS(err), "loading the station identity")
	}
	path := filepath.Join(dir, LibraryFile)
	db, lib, err := openLibrary(path, opts, id.ID)
	if err != nil {
		return nil, err
	}
	// Opening may have recounted the daily figures, and the last session
	// may have imported a catalogue: either leaves a free list that every
	// commit would write out until the file is compacted.
	if db.WorthCompacting() {
		if err := db.Close(); err != nil {
			return nil, err
		}
		// Compact leaves the file as it was when it fails (a full disk has
		// no room for the copy): the library then opens uncompacted.
		if freed, err := storage.Compact(path); err != nil {
			slog.Warn("the library file could not be compacted; it is used as it is", "err", err)
		} else {
			slog.Info("compacted the library file", "free_pages", freed)
		}
		if db, lib, err = openLibrary(path, opts, id.ID); err != nil {
			return nil, err
		}
	}
	return &Data{Dir: dir, Identity: id, DB: db, Library: lib}, nil
}

func openLibrary(path string, opts storage.Options, station string) (*storage.DB, *app.Library, error) {
	db, err := storage.Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	lib, err := app.Open(db, app.Options{Station: station})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, lib, nil
}

// Close closes the library file.
func (d *Data) Close() error { return d.DB.Close() }

// classifyFS turns a read-only or full folder into the refusal people read.
func classifyFS(err error) error {
	switch {
	case errors.Is(err, os.ErrPermission):
		return errors.WithSecondaryError(app.Refuse(app.ReasonReadOnly), err)
	}
	return err
}
