package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/storage"
)

// Demo credentials: printed by `circa demo` so a volunteer can sign in.
const (
	DemoAdmin    = "admin"
	DemoPassword = "admin123"
)

func runDemo(c *ctx, args []string) error {
	fs := flags("demo")
	readers := fs.Int("readers", demo.DefaultOptions.Readers, "")
	days := fs.Int("days", demo.DefaultOptions.HistoryDays, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := OpenData(c.dataDir, storage.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	has, err := d.Library.HasStaff()
	if err != nil {
		return err
	}
	if has {
		return usageError("cli.demo.not_empty", "dir", c.dataDir)
	}
	admin, err := d.Library.Setup(app.SetupInput{LibraryName: "阳光小学图书馆 Sunshine School Library",
		AdminUsername: DemoAdmin, AdminName: "Admin", AdminPassword: DemoPassword})
	if err != nil {
		return err
	}
	err = d.DB.Unsynced(func() error {
		return demo.Populate(d.Library, admin, demo.Options{Seed: 1, Readers: *readers, HistoryDays: *days})
	})
	if err != nil {
		return err
	}
	c.println(i18n.T("cli.demo.done", "dir", c.dataDir, "user", DemoAdmin, "password", DemoPassword))
	return nil
}

func runCheck(c *ctx, args []string) error {
	fs := flags("check")
	fs.BoolVar(&c.json, "json", false, "")
	compact := fs.Bool("compact", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	path := filepath.Join(c.dataDir, LibraryFile)
	if _, err := os.Stat(path); err != nil {
		return usageError("cli.check.no_library", "path", path)
	}
	db, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		c.adviseBackup(err)
		return err
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	if err := db.Check(); err != nil {
		c.adviseBackup(err)
		return err
	}
	report := map[string]any{"path": path}
	counts := map[string]int{}
	var hash string
	var station []byte
	err = db.View(func(tx app.Tx) error {
		for _, coll := range app.AllCollections {
			n, err := tx.Count(coll)
			if err != nil {
				return err
			}
			counts[string(coll)] = n
		}
		station, _ = tx.Meta(app.MetaStation)
		var err error
		hash, err = app.StateHash(tx)
		return err
	})
	if err != nil {
		return err
	}
	report["counts"], report["state_hash"], report["station"] = counts, hash, string(station)
	if *compact {
		// Only a whole, consistent file is rewritten, and with the desk
		// closed (Compact refuses a file another program holds).
		db.Close()
		closed = true
		freed, err := storage.Compact(path)
		if err != nil {
			return err
		}
		report["freed_pages"] = freed
		if !c.json {
			c.println(i18n.T("cli.check.compacted", "pages", freed))
		}
	}
	if c.json {
		return c.writeJSON(report)
	}
	c.println(i18n.T("cli.check.ok", "path", path))
	var rows [][]string
	for _, coll := range app.AllCollections {
		rows = append(rows, []string{i18n.T("cli.collection." + string(coll)), strconv.Itoa(counts[string(coll)])})
	}
	c.table([]string{i18n.T("cli.check.records"), i18n.T("cli.check.count")}, rows)
	c.println(i18n.T("cli.check.hash", "hash", hash))
	return nil
}

func runBackup(c *ctx, args []string) error {
	fs := flags("backup")
	out := fs.String("out", "", "")
	encrypt := fs.Bool("encrypt", false, "")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("cli.backup.need_out")
	}
	db, err := storage.Open(filepath.Join(c.dataDir, LibraryFile), storage.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	var n int64
	if *encrypt {
		pass, err := c.passphrase()
		if err != nil {
			return err
		}
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return errors.Wrapf(classifyFS(err), "creating %s", *out)
		}
		if n, err = db.BackupEncrypted(f, pass); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	} else if n, err = db.BackupToFile(*out); err != nil {
		return err
	}
	c.println(i18n.T("cli.backup.done", "path", *out, "bytes", strconv.FormatInt(n, 10)))
	return nil
}

func runRestore(c *ctx, args []string) error {
	fs := flags("restore")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("cli.restore.need_file")
	}
	from := fs.Arg(0)
	live := filepath.Join(c.dataDir, LibraryFile)
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return classifyFS(err)
	}
	f, err := os.Open(from)
	if err != nil {
		return errors.Wrapf(err, "opening %s", from)
	}
	enc, err := storage.IsEncrypted(f)
	f.Close()
	if err != nil {
		return err
	}
	var sum *storage.Summary
	if enc {
		pass, err := c.passphrase()
		if err != nil {
			return err
		}
		sum, err = storage.RestoreEncrypted(from, pass, live)
		if err != nil {
			return err
		}
	} else if sum, err = storage.Restore(from, live); err != nil {
		return err
	}
	total := 0
	for _, n := range sum.Records {
		total += n
	}
	c.println(i18n.T("cli.restore.done", "path", live, "records", strconv.Itoa(total)))
	return nil
}

// passphrase reads a backup passphrase from CIRCA_PASSPHRASE or stdin.
func (c *ctx) passphrase() (string, error) {
	if p := c.env.Getenv("CIRCA_PASSPHRASE"); p != "" {
		return p, nil
	}
	fmt.Fprint(c.env.Stderr, i18n.T("cli.passphrase_prompt")+" ")
	var line string
	if _, err := fmt.Fscanln(c.env.Stdin, &line); err != nil || line == "" {
		return "", usageError("cli.need_passphrase")
	}
	return line, nil
}

// adviseBackup names the newest good backup when the library is damaged.
func (c *ctx) adviseBackup(err error) {
	if advice := BackupAdvice(c.dataDir, err); advice != "" {
		fmt.Fprintln(c.env.Stderr, advice)
	}
}

// BackupAdvice says which backup to restore when err means the library file
// is damaged, or "" otherwise.
func BackupAdvice(dataDir string, err error) string {
	if app.ReasonOf(err) != app.ReasonDatabaseDamaged {
		return ""
	}
	newest, _ := NewestBackup(filepath.Join(dataDir, BackupDir), true)
	if newest == "" {
		return i18n.T("cli.check.no_backup")
	}
	return i18n.T("cli.check.restore_advice", "path", newest)
}
