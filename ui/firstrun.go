package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	circasync "github.com/circa-library/circa/sync"
)

// firstRunScreen sets up a new library: its name and the first admin
// account, then an empty library or the demo one. A desk for a library that
// already exists joins it instead (step 2): it trusts the hub or a desk
// that has the library, fetches everything, and its staff sign in.
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
	step      int // 0: details, 1: empty or demo, 2: join a library

	joinCode *deskEntry
	joinAddr *deskEntry
	join     *widget.Button
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
		joinInstead := f.stepButton(tr("firstrun.join_instead"), 2)
		if d.cfg.Sync == nil {
			joinInstead.Hide()
		}
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
			f.create, f.message, joinInstead)
	} else if f.step == 2 {
		box = f.joinBox()
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
	switch f.step {
	case 0:
		return f.libName
	case 2:
		return f.joinCode
	}
	return nil
}

// stepButton is a quiet button that shows step of the first run.
func (f *firstRunScreen) stepButton(text string, step int) *widget.Button {
	b := widget.NewButton(text, func() {
		f.step = step
		f.d.showFirstRun()
	})
	b.Importance = widget.LowImportance
	return b
}

// joinBox asks for the hub's invite code, or for the station ID and
// address of a desk that has the library, and shows this station's ID for
// the other desk to pair.
func (f *firstRunScreen) joinBox() *fyne.Container {
	d := f.d
	st := d.cfg.Sync
	own := widget.NewLabelWithStyle(idLines(circasync.FormatID(st.ID())), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	copyBtn := widget.NewButton(tr("sync.copy"), func() {
		fyne.CurrentApp().Clipboard().SetContent(circasync.FormatID(st.ID()))
	})
	f.joinCode = newEntry(d)
	f.joinCode.SetPlaceHolder(tr("firstrun.join_code_placeholder"))
	f.joinAddr = newEntry(d)
	f.joinAddr.SetPlaceHolder(tr("sync.pair_address_placeholder"))
	f.joinCode.OnSubmitted = func(string) { d.win.Canvas().Focus(f.joinAddr) }
	f.joinAddr.OnSubmitted = func(string) { f.submitJoin() }
	f.join = widget.NewButton(tr("firstrun.join"), f.submitJoin)
	f.join.Importance = widget.HighImportance
	back := f.stepButton(tr("firstrun.join_back"), 0)
	return container.NewVBox(
		heading(tr("firstrun.join_title")),
		wrapped(tr("firstrun.join_help")),
		form(label(tr("firstrun.this_station")), container.NewBorder(nil, nil, nil, copyBtn, own),
			label(tr("firstrun.join_code")), f.joinCode,
			label(tr("firstrun.join_address")), f.joinAddr),
		f.join, f.message, back)
}

// submitJoin trusts the station the code names and fetches the library
// from it, off the Fyne goroutine. Once its staff have arrived the desk
// goes on to sign-in; until then it says what is missing.
func (f *firstRunScreen) submitJoin() {
	d := f.d
	code, addr := strings.TrimSpace(f.joinCode.Text), strings.TrimSpace(f.joinAddr.Text)
	f.message.Importance = widget.DangerImportance
	if code == "" {
		f.message.SetText(tr("firstrun.join_empty"))
		return
	}
	f.join.Disable()
	f.message.Importance = widget.MediumImportance
	f.message.SetText(tr("firstrun.joining"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		joined, err := joinLibrary(ctx, d.cfg.Sync, code, addr)
		fyne.Do(func() {
			if d.first != f || f.step != 2 {
				return // the screen moved on meanwhile
			}
			f.join.Enable()
			switch {
			case joined:
				d.first = nil
				d.showSignIn(tr("firstrun.joined"))
			case errors.Is(err, circasync.ErrUnknownStation):
				f.message.Importance = widget.DangerImportance
				f.message.SetText(errorText(err) + "\n" + tr("firstrun.join_not_yet"))
			case err != nil:
				f.message.Importance = widget.DangerImportance
				f.message.SetText(errorText(err))
			default:
				f.message.SetText(tr("firstrun.join_not_yet"))
			}
		})
	}()
}

// joinLibrary trusts the station code names (a hub's invite code, or a
// station ID with addr) and syncs with it. joined says whether the
// library's staff have arrived, so that someone can sign in.
func joinLibrary(ctx context.Context, st *circasync.Station, code, addr string) (joined bool, err error) {
	if strings.HasPrefix(strings.ToUpper(code), "CIRCA") {
		if err := joinHub(ctx, st, code); err != nil {
			return false, err
		}
	} else {
		id, err := circasync.ParseID(code)
		if err != nil {
			return false, err
		}
		if !st.Node.Trusted(id) {
			// A mistyped ID stays nowhere: each press pairs again.
			defer func() {
				if !joined {
					_ = st.Unpair(id)
				}
			}()
		}
		if err := st.Pair(id, addr, ""); err != nil {
			return false, err
		}
	}
	syncErr := st.SyncNow(ctx)
	has, err := st.Library().HasStaff()
	if err != nil {
		return false, err
	}
	if has {
		return true, nil
	}
	return false, syncErr
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

// idLines breaks a station ID into lines of five groups, so that all of
// it shows in a narrow column, to be read out to the other desk.
func idLines(id string) string {
	const line = 5 * 5 // five groups and their dashes
	var b strings.Builder
	for len(id) > line {
		b.WriteString(id[:line])
		b.WriteByte('\n')
		id = id[line:]
	}
	b.WriteString(id)
	return b.String()
}
