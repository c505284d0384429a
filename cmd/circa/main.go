// Command circa is the Circa desk: with no command it opens the lending desk
// window; with a command (demo, check, backup, restore, batch, loans, import,
// export, sync …) it works on the library from the command line. It only
// wires the packages together.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/devices"
	"github.com/circa-library/circa/internal/cli"
	_ "github.com/circa-library/circa/internal/posixlocale"
	"github.com/circa-library/circa/internal/sip2app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/ui"
)

// appID matches FyneApp.toml.
const appID = "org.circa-library.circa"

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Desk: runDesk,
	}))
}

func runDesk(o cli.DeskOptions) int {
	a := fyneapp.NewWithID(appID)
	if o.Lang == "" {
		i18n.SetLang(ui.SystemLang())
	}
	a.Settings().SetTheme(ui.NewTheme(1))
	// Opening takes milliseconds, or minutes once after an update that
	// reindexes the catalogue or an import that leaves the file to be
	// compacted: a window says so while the event loop runs.
	opening := ui.ShowOpening(a)
	code := 0
	var stop func()
	go func() {
		d, err := cli.OpenData(o.DataDir, storage.Options{})
		fyne.Do(func() {
			if err != nil {
				msg := cli.Explain(err)
				if advice := cli.BackupAdvice(o.DataDir, err); advice != "" {
					msg += "\n\n" + advice
				}
				fmt.Fprintln(os.Stderr, msg)
				ui.ShowStartupError(a, msg).SetMaster()
				code = 1
			} else {
				stop = startDesk(a, o, d)
			}
			opening.Hide()
		})
	}()
	a.Run()
	// Quitting while the library was still opening leaves stop nil: a
	// migration or compaction cut short leaves the file as it was.
	if stop != nil {
		stop()
	}
	return code
}

// startDesk starts the desk (or the kiosk) on the opened data d, with its
// background work, in a window that quits Circa when closed; the returned
// function stops that work and closes d.
func startDesk(a fyne.App, o cli.DeskOptions, d *cli.Data) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	stops := []func(){func() { d.Close() }, cancel}
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	// The daily backup is checked whole (every page, every index); on
	// damage stop writing at once and say which backup to use.
	damaged := func(err error) {
		msg := cli.Explain(err)
		if advice := cli.BackupAdvice(o.DataDir, err); advice != "" {
			msg += "\n\n" + advice
		}
		slog.Error("the library file is damaged", "err", err)
		d.Close()
		fyne.Do(func() { ui.ShowStartupError(a, msg) })
	}
	go cli.AutoBackup(ctx, d, cli.KeepBackups, slog.Default(), damaged)
	go cli.Housekeeping(ctx, d.Library, slog.Default())
	station, err := cli.OpenStation(d, false, slog.Default())
	if err != nil {
		slog.Error("sync is off", "err", err)
	} else {
		go func() {
			if err := station.Serve(ctx); err != nil {
				slog.Error("sync stopped", "err", err)
			}
		}()
	}
	scanners := devices.NewManager(ui.ScannerManagerConfig(o.DataDir, &devices.HIDBus{}))
	go scanners.Serve(ctx)
	if stopSIP2, err := sip2app.Start(ctx, d.Library, slog.Default()); err != nil {
		slog.Default().Error("sip2: not started", "error", err.Error())
	} else {
		stops = append(stops, stopSIP2)
	}

	cfg := ui.Config{
		Library: d.Library,
		DataDir: o.DataDir,
		Backup: func(path string) error {
			_, err := d.DB.BackupToFile(path)
			return err
		},
		Restore: func(ctx context.Context, path string) error {
			if _, err := storage.VerifyBackup(path); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			d.Close()
			if _, err := storage.Restore(path, filepath.Join(o.DataDir, cli.LibraryFile)); err != nil {
				return err
			}
			restart()
			return nil
		},
		LoadDemo: func(ctx context.Context) error {
			opts := demo.DefaultOptions
			opts.Context = ctx
			return d.DB.Unsynced(func() error { return demo.Populate(d.Library, app.System, opts) })
		},
		Kiosk:            o.Kiosk,
		Scans:            ui.DeskScans(scanners),
		ScannerConnected: ui.ScannerConnected,
		ScannerStatuses:  ui.ScannerStatuses,
		ScannerManager:   scanners,
		Sync:             station,
		StartScreen:      o.Screen,
		Lang:             o.Lang,
	}
	if os.Getenv("CIRCA_SCREENSHOT") == "1" && o.AutoLogin != "" {
		user, pw, _ := strings.Cut(o.AutoLogin, ":")
		if actor, err := d.Library.SignIn(user, pw); err == nil {
			cfg.AutoLogin = &actor
		}
	}
	var w fyne.Window
	if cfg.Kiosk || d.Library.KioskMode() {
		w = ui.StartKiosk(a, cfg)
	} else {
		w = ui.Start(a, cfg)
	}
	w.SetMaster()
	return stop
}

// restart starts Circa again with the same arguments and leaves, so a
// restored library is opened fresh.
func restart() {
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	fyne.CurrentApp().Quit()
	os.Exit(0)
}
