package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// signInScreen asks a staff member for their username and password; it is
// also the lock screen.
type signInScreen struct {
	d        *desk
	note     string
	username *deskEntry
	password *deskEntry
	message  *widget.Label
	button   *widget.Button
}

// showSignIn shows the sign-in screen with an optional note above it (why
// the desk is locked).
func (d *desk) showSignIn(note string) {
	d.mode = "signin"
	s := &signInScreen{d: d, note: note}
	d.signIn = s
	s.username = newEntry(d)
	s.username.SetPlaceHolder(tr("signin.username"))
	if d.locked {
		s.username.SetText(d.actor.Username)
	} else {
		s.username.SetText(d.prefill)
	}
	s.password = newPasswordEntry(d)
	s.password.SetPlaceHolder(tr("signin.password"))
	s.username.OnSubmitted = func(string) { d.win.Canvas().Focus(s.password) }
	s.password.OnSubmitted = func(string) { s.submit() }
	s.message = wrapped("")
	s.message.Importance = widget.DangerImportance
	s.button = widget.NewButton(tr("signin.sign_in"), s.submit)
	s.button.Importance = widget.HighImportance
	name, _ := d.lib.Setting(app.SettingLibraryName, "")
	items := []fyne.CanvasObject{heading(tr("app.name")), label(name)}
	if note != "" {
		n := wrapped(note)
		n.Importance = widget.WarningImportance
		items = append(items, n)
	}
	items = append(items,
		form(label(tr("signin.username")), s.username, label(tr("signin.password")), s.password),
		s.button, s.message)
	box := container.NewVBox(items...)
	d.win.SetContent(container.NewBorder(nil, d.status.build(), nil, nil,
		container.NewCenter(container.New(layout.NewGridWrapLayout(fyne.NewSize(420, box.MinSize().Height+40)), box))))
	d.focusDefault()
}

func (s *signInScreen) focusTarget() fyne.Focusable {
	if s.username.Text != "" {
		return s.password
	}
	return s.username
}

// submit checks the password with the library; lock-outs say how long.
func (s *signInScreen) submit() {
	actor, err := s.d.lib.SignIn(s.username.Text, s.password.Text)
	if err != nil {
		s.password.SetText("")
		s.message.SetText(errorText(err))
		s.d.win.Canvas().Focus(s.password)
		return
	}
	if actor.Role == app.RoleKiosk {
		s.message.SetText(tr("signin.kiosk_account"))
		return
	}
	s.d.signedInAs(actor)
	s.d.status.setAction(tr("signin.welcome", "user", actor.Username))
}
