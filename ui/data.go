package ui

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/export"
	circasync "github.com/circa-library/circa/sync"
)

// dataTab shows the data folder and offers backup and restore.
func (s *settingsScreen) dataTab() fyne.CanvasObject {
	d := s.d
	folder := d.cfg.DataDir
	if folder == "" {
		folder = tr("settings.data_folder_unknown")
	}
	dir := wrapped(folder)
	dir.TextStyle.Monospace = true
	st := circasync.FormatID(d.lib.Station())
	backup := widget.NewButton(tr("settings.backup_now"), d.backupNow)
	backup.Importance = widget.HighImportance
	restore := widget.NewButton(tr("settings.restore"), d.restoreFrom)
	if d.cfg.Backup == nil || !d.actor.Can(app.PermBackup) {
		backup.Disable()
	}
	if d.cfg.Restore == nil || !d.actor.Can(app.PermSettings) {
		restore.Disable()
	}
	help := wrapped(tr("settings.restore_help"))
	return container.NewVBox(
		form(label(tr("settings.data_folder")), dir, label(tr("settings.station")), label(st)),
		widget.NewSeparator(),
		container.NewHBox(backup, restore), help)
}

// backupNow asks where to write a backup and writes it in the background.
func (d *desk) backupNow() {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		d.runJob(tr("settings.backing_up"), func() error { return d.cfg.Backup(path) },
			func() { _ = os.Remove(path) },
			func(err error) {
				if err != nil {
					_ = os.Remove(path)
					d.status.setAction(errorText(err))
					dialog.ShowInformation(tr("settings.backup_now"), errorText(err), d.win)
					return
				}
				d.status.setAction(tr("settings.backup_done", "path", path))
			})
	}, d.win)
	save.SetFileName("circa-" + string(d.lib.Today()) + ".circa-backup")
	save.Show()
}

// restoreFrom asks for a backup file, confirms, and restores it.
func (d *desk) restoreFrom() {
	open := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		dialog.ShowConfirm(tr("settings.restore"), tr("settings.restore_confirm", "path", path), func(ok bool) {
			if !ok {
				return
			}
			d.runStoppableJob(tr("settings.restoring"), func(ctx context.Context) error { return d.cfg.Restore(ctx, path) }, func() {
				d.status.setAction(tr("settings.restore_cancelled"))
			}, func(err error) {
				if err != nil {
					d.status.setAction(errorText(err))
					dialog.ShowInformation(tr("settings.restore"), errorText(err), d.win)
					return
				}
				d.status.setAction(tr("settings.restore_done"))
				dialog.ShowInformation(tr("settings.restore"), tr("settings.restore_done"), d.win)
				d.signOut()
			})
		}, d.win)
	}, d.win)
	open.Show()
}

// printSlip writes text as a receipt-width PDF into this computer's cache
// folder and prints it: straight to the default printer through CUPS's lp
// when direct is set and lp is there (the kiosk), otherwise by opening it in
// the system's PDF viewer. It returns the file written.
func printSlip(a fyne.App, name, text string, direct bool) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "circa", "slips")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	if err := export.Slip(f, text); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if direct {
		if lp, err := exec.LookPath("lp"); err == nil {
			return path, exec.Command(lp, path).Run()
		}
	}
	u, err := url.Parse("file://" + filepath.ToSlash(path))
	if err != nil {
		return path, err
	}
	return path, a.OpenURL(u)
}
