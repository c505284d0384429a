package ui

import (
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
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
	st := d.lib.Station()
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
			d.runJob(tr("settings.restoring"), func() error { return d.cfg.Restore(path) }, nil, func(err error) {
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

// saveText asks where to save a text (a slip, for printing) and writes it.
func (d *desk) saveText(name, text string) {
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := io.WriteString(w, text); err != nil {
			d.status.setAction(errorText(err))
			return
		}
		d.status.setAction(tr("slip.saved", "path", w.URI().Path()))
	}, d.win)
	save.SetFileName(name)
	save.Show()
}
