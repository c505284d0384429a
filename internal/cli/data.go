package cli

import (
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
	db, err := storage.Open(filepath.Join(dir, LibraryFile), opts)
	if err != nil {
		return nil, err
	}
	lib, err := app.Open(db, app.Options{Station: id.ID})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Data{Dir: dir, Identity: id, DB: db, Library: lib}, nil
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
