package storage

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/circa-library/circa/app"
)

// Backup writes a consistent copy of the whole file to w while the library
// stays open for reading and writing (bbolt's tx.WriteTo in a read
// transaction). It returns the bytes written. The copy is itself a Circa
// database: Open or Restore it.
func (db *DB) Backup(w io.Writer) (n int64, err error) {
	err = db.bolt.View(func(tx *bbolt.Tx) error {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, classify(err, db.path)
}

// BackupToFile writes a backup to path through a temporary file in the same
// folder, fsynced and then renamed, so path never holds half a backup.
func (db *DB) BackupToFile(path string) (int64, error) {
	return writeFileAtomic(path, db.Backup)
}

// BackupEncrypted writes a backup to w encrypted with age under passphrase
// (an scrypt recipient). It returns the bytes of the plain backup.
func (db *DB) BackupEncrypted(w io.Writer, passphrase string) (int64, error) {
	if passphrase == "" {
		return 0, errors.New("an encrypted backup needs a passphrase")
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return 0, errors.Wrap(err, "preparing the backup key")
	}
	if scryptWorkFactor != 0 {
		r.SetWorkFactor(scryptWorkFactor)
	}
	ew, err := age.Encrypt(w, r)
	if err != nil {
		return 0, errors.Wrap(err, "starting the encrypted backup")
	}
	n, err := db.Backup(ew)
	if err != nil {
		return n, err
	}
	return n, classify(ew.Close(), db.path)
}

// scryptWorkFactor overrides age's scrypt cost (log2 N) when non-zero;
// tests lower it, since the default takes about a second per backup.
var scryptWorkFactor int

// EncryptedHeader starts every encrypted backup (the age format's intro).
const EncryptedHeader = "age-encryption.org/v1\n"

// ErrBackupEncrypted says a backup must be decrypted (DecryptBackup) before
// it can be verified or restored.
var ErrBackupEncrypted = errors.New("backup is encrypted")

// ErrWrongPassphrase says the passphrase does not open an encrypted backup.
// The error DecryptBackup returns is also a refusal with
// app.ReasonWrongPassword.
var ErrWrongPassphrase = errors.New("wrong passphrase for the encrypted backup")

// IsEncrypted reports whether the backup that r starts is encrypted. It
// reads at most len(EncryptedHeader) bytes.
func IsEncrypted(r io.Reader) (bool, error) {
	head := make([]byte, len(EncryptedHeader))
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, errors.Wrap(err, "reading the backup header")
	}
	return string(head[:n]) == EncryptedHeader, nil
}

// DecryptBackup decrypts an encrypted backup from r into w and returns the
// bytes written. A wrong passphrase fails with ErrWrongPassphrase (a refusal
// with app.ReasonWrongPassword), an unencrypted backup with an error saying
// so, and a damaged one with app.ReasonDatabaseDamaged.
func DecryptBackup(r io.Reader, passphrase string, w io.Writer) (int64, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(EncryptedHeader))
	if string(head) != EncryptedHeader {
		return 0, errors.New("this backup is not encrypted")
	}
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return 0, errors.Wrap(err, "preparing the backup key")
	}
	dr, err := age.Decrypt(br, id)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) || errors.Is(err, age.ErrIncorrectIdentity) {
			return 0, errors.Mark(errors.WithSecondaryError(app.Refuse(app.ReasonWrongPassword), err), ErrWrongPassphrase)
		}
		return 0, refuse(app.ReasonDatabaseDamaged, errors.Wrap(err, "reading the encrypted backup"), "")
	}
	n, err := io.Copy(w, dr)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) || isWriteFailure(err) {
			return n, classify(err, "")
		}
		return n, refuse(app.ReasonDatabaseDamaged, errors.Wrap(err, "decrypting the backup"), "")
	}
	return n, nil
}

// Summary describes a verified backup.
type Summary struct {
	// Schema is the layout version of the backup.
	Schema int
	// Records counts the records of each collection.
	Records map[app.Collection]int
	// Events counts the events in the log.
	Events uint64
}

// VerifyBackup opens the backup at path read-only, checks that it is a
// Circa database this program can read, runs Check over it and counts what
// it holds. An encrypted backup fails with ErrBackupEncrypted.
func VerifyBackup(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Wrap(err, "opening the backup")
	}
	enc, err := IsEncrypted(f)
	_ = f.Close()
	if err != nil {
		return nil, err
	}
	if enc {
		return nil, errors.Wrapf(ErrBackupEncrypted, "%s", path)
	}
	db, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		return nil, err
	}
	sum := &Summary{Schema: schemaVersion, Records: map[app.Collection]int{}}
	err = db.View(func(tx app.Tx) error {
		for _, c := range app.AllCollections {
			n, err := tx.Count(c)
			if err != nil {
				return err
			}
			sum.Records[c] = n
		}
		vec, err := tx.Vector()
		for _, seq := range vec {
			sum.Events += seq
		}
		return err
	})
	return sum, err
}

// BeforeRestoreSuffix names the copy of the live file that Restore keeps.
const BeforeRestoreSuffix = ".before-restore"

// Restore replaces the database at livePath with the backup at backupPath.
// The library must be closed first: a file another program holds is refused
// with ReasonDatabaseLocked. The backup is verified before anything changes;
// the old file is kept as livePath+BeforeRestoreSuffix, and the new one
// takes its place with one atomic rename.
func Restore(backupPath, livePath string) (*Summary, error) {
	sum, err := VerifyBackup(backupPath)
	if err != nil {
		return nil, errors.Wrap(err, "verifying the backup")
	}
	if err := ensureUnlocked(livePath); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(livePath), 0o700); err != nil {
		return nil, classify(errors.Wrap(err, "creating the data folder"), livePath)
	}
	if _, err := os.Stat(livePath); err == nil {
		keep := livePath + BeforeRestoreSuffix
		if _, err := writeFileAtomic(keep, copyFrom(livePath)); err != nil {
			return nil, errors.Wrap(err, "keeping the current database")
		}
	}
	if _, err := writeFileAtomic(livePath, copyFrom(backupPath)); err != nil {
		return nil, errors.Wrap(err, "putting the backup in place")
	}
	return sum, nil
}

// RestoreEncrypted decrypts the backup at backupPath with passphrase into a
// temporary file next to livePath and restores that.
func RestoreEncrypted(backupPath, passphrase, livePath string) (*Summary, error) {
	src, err := os.Open(backupPath)
	if err != nil {
		return nil, errors.Wrap(err, "opening the backup")
	}
	defer src.Close()
	plain := livePath + ".decrypted"
	defer os.Remove(plain)
	_, err = writeFileAtomic(plain, func(w io.Writer) (int64, error) { return DecryptBackup(src, passphrase, w) })
	if err != nil {
		return nil, err
	}
	return Restore(plain, livePath)
}

// OpenFromBackup restores the backup at backupPath over livePath and opens
// the result.
func OpenFromBackup(backupPath, livePath string, opts Options) (*DB, error) {
	if _, err := Restore(backupPath, livePath); err != nil {
		return nil, err
	}
	return Open(livePath, opts)
}

// ensureUnlocked refuses with ReasonDatabaseLocked if another program holds
// path. A missing, foreign or damaged file is fine: restoring over it is
// what Restore is for.
func ensureUnlocked(path string) (err error) {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	defer func() {
		if recover() != nil {
			err = nil
		}
	}()
	bdb, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: DefaultTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return refuse(app.ReasonDatabaseLocked, err, path)
	}
	if err == nil {
		_ = bdb.Close()
	}
	return nil
}

func copyFrom(path string) func(io.Writer) (int64, error) {
	return func(w io.Writer) (int64, error) {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		return io.Copy(w, f)
	}
}

// writeFileAtomic writes what write produces to a temporary file next to
// path, fsyncs it, renames it over path and fsyncs the folder.
func writeFileAtomic(path string, write func(io.Writer) (int64, error)) (n int64, err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return 0, classify(errors.Wrap(err, "creating the folder"), path)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, classify(errors.Wrap(err, "creating a temporary file"), path)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return 0, classify(err, path)
	}
	if n, err = write(f); err != nil {
		return n, classify(errors.Wrapf(err, "writing %s", path), path)
	}
	if err = f.Sync(); err != nil {
		return n, classify(errors.Wrapf(err, "syncing %s", path), path)
	}
	if err = f.Close(); err != nil {
		return n, classify(errors.Wrapf(err, "closing %s", path), path)
	}
	if err = os.Rename(tmp, path); err != nil {
		return n, classify(errors.Wrapf(err, "renaming to %s", path), path)
	}
	syncDir(dir)
	return n, nil
}

// syncDir makes a rename in dir durable where the OS allows it (not on
// Windows, where opening a folder for sync fails; NTFS journals renames).
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// backupLayout is the time in a rotated backup's name.
const backupLayout = "20060102-150405"

var backupName = regexp.MustCompile(`^circa-(\d{8}-\d{6})\.db(\.age)?$`)

// BackupName returns the file name of a backup taken at t:
// circa-YYYYMMDD-HHMMSS.db, with ".age" added when encrypted.
func BackupName(t time.Time, encrypted bool) string {
	name := "circa-" + t.Format(backupLayout) + ".db"
	if encrypted {
		name += ".age"
	}
	return name
}

// RotateBackups removes all but the newest keep backups in dir, judged by
// the time in their names (circa-YYYYMMDD-HHMMSS.db, plain or .age). Other
// files are left alone. It returns the paths removed.
func RotateBackups(dir string, keep int) ([]string, error) {
	if keep < 1 {
		return nil, errors.Newf("keep %d backups: at least one must stay", keep)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, errors.Wrap(err, "listing backups")
	}
	type backup struct {
		name string
		at   time.Time
	}
	var found []backup
	for _, e := range entries {
		m := backupName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		at, err := time.Parse(backupLayout, m[1])
		if err != nil {
			continue
		}
		found = append(found, backup{e.Name(), at})
	}
	sort.Slice(found, func(i, j int) bool {
		if !found[i].at.Equal(found[j].at) {
			return found[i].at.After(found[j].at)
		}
		return strings.Compare(found[i].name, found[j].name) > 0
	})
	var removed []string
	for _, b := range found[min(keep, len(found)):] {
		p := filepath.Join(dir, b.name)
		if err := os.Remove(p); err != nil {
			return removed, errors.Wrapf(err, "removing old backup %s", b.name)
		}
		removed = append(removed, p)
	}
	return removed, nil
}
