package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// firstRunScreen sets up a new library: its name and the first admin
// account, then an empty library or the demo one.
type firstRunScreen struct {
	d         *desk
	libName   *deskEntry
	adminUser *deskEntry
	adminName *deskEntry
	password  *deskEntry
	password2 *deskEntry
	message   *widget.Label
	create    *widget.Button
	demo      *widget.Button
	empty     *widget.Button
	admin     app.Actor
	step      int // 0: details, 1: empty or demo
}

func (d *desk) showFirstRun() {
	d.mode = "firstrun"
	if d.first == nil {
		d.first = &firstRunScreen{d: d}
	}
	f := d.first
	f.message = wrapped("")
	f.message.Importance = widget.DangerImportance
	var box *fyne.Container
	if f.step == 0 {
		f.libName = newEntry(d)
		f.adminUser = newEntry(d)
		f.adminUser.SetText("admin")
		f.adminName = newEntry(d)
		f.password = newPasswordEntry(d)
		f.password2 = newPasswordEntry(d)
		for i, e := range []*deskEntry{f.libName, f.adminUser, f.adminName, f.password} {
			next := []*deskEntry{f.adminUser, f.adminName, f.password, f.password2}[i]
			e.OnSubmitted = func(string) { d.win.Canvas().Focus(next) }
		}
		f.password2.OnSubmitted = func(string) { f.submit() }
		f.create = widget.NewButton(tr("firstrun.create"), f.submit)
		f.create.Importance = widget.HighImportance
		box = container.NewVBox(
			heading(tr("firstrun.welcome")),
			wrapped(tr("firstrun.intro")),
			form(
				label(tr("firstrun.library_name")), f.libName,
				label(tr("firstrun.admin_username")), f.adminUser,
				label(tr("firstrun.admin_name")), f.adminName,
				label(tr("firstrun.password")), f.password,
				label(tr("firstrun.password_again")), f.password2,
			),
			f.create, f.message)
	} else {
		f.empty = widget.NewButton(tr("firstrun.empty"), f.startEmpty)
		f.demo = widget.NewButton(tr("firstrun.demo"), f.loadDemo)
		f.demo.Importance = widget.HighImportance
		if d.cfg.LoadDemo == nil {
			f.demo.Disable()
		}
		box = container.NewVBox(
			heading(tr("firstrun.ready")),
			wrapped(tr("firstrun.choose")),
			f.empty, wrapped(tr("firstrun.empty_help")),
			f.demo, wrapped(tr("firstrun.demo_help")),
			f.message)
	}
	d.win.SetContent(container.NewBorder(nil, d.status.build(), nil, nil,
		container.NewCenter(container.New(layout.NewGridWrapLayout(fyne.NewSize(560, box.MinSize().Height+60)), box))))
	d.focusDefault()
}

func (f *firstRunScreen) focusTarget() fyne.Focusable {
	if f.step == 0 {
		return f.libName
	}
	return nil
}

// submit creates the library and its admin account.
func (f *firstRunScreen) submit() {
	if f.password.Text != f.password2.Text {
		f.message.SetText(tr("firstrun.passwords_differ"))
		return
	}
	admin, err := f.d.lib.Setup(app.SetupInput{
		LibraryName:   f.libName.Text,
		AdminUsername: f.adminUser.Text,
		AdminName:     f.adminName.Text,
		AdminPassword: f.password.Text,
	})
	if err != nil {
		f.message.SetText(errorText(err))
		return
	}
	f.admin, f.step = admin, 1
	f.d.status.setAction(tr("firstrun.created", "user", admin.Username))
	f.d.showFirstRun()
}

// startEmpty goes on to sign-in with an empty library.
func (f *firstRunScreen) startEmpty() {
	f.d.first = nil
	f.d.prefill = f.admin.Username
	f.d.showSignIn(tr("firstrun.sign_in_now", "user", f.admin.Username))
}

// loadDemo fills the library with the demo data, then goes on to sign-in.
func (f *firstRunScreen) loadDemo() {
	f.demo.Disable()
	f.empty.Disable()
	f.message.Importance = widget.MediumImportance
	f.message.SetText(tr("firstrun.loading_demo"))
	f.d.runStoppableJob(tr("firstrun.loading_demo"), f.d.cfg.LoadDemo, func() {
		// Cancelled: what was loaded stays (each record whole); the
		// choice is offered again.
		f.demo.Enable()
		f.empty.Enable()
		f.message.SetText(tr("firstrun.demo_cancelled"))
	}, func(err error) {
		if err != nil {
			f.demo.Enable()
			f.empty.Enable()
			f.message.Importance = widget.DangerImportance
			f.message.SetText(errorText(err))
			return
		}
		f.d.status.setAction(tr("firstrun.demo_loaded"))
		f.startEmpty()
	})
}
