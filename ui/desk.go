package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/devices"
	circasync "github.com/circa-library/circa/sync"
)

// Config is what main hands the desk.
type Config struct {
	// Library is the open library the desk drives.
	Library *app.Library
	// DataDir is the data folder, shown in Settings.
	DataDir string
	// Backup writes a hot backup of the library to path.
	Backup func(path string) error
	// Restore verifies and restores the backup at path (until the file is
	// swapped, cancelling ctx stops it); the desk restarts after.
	Restore func(ctx context.Context, path string) error
	// LoadDemo fills the library with the demo data (first run); it stops
	// when ctx is cancelled.
	LoadDemo func(ctx context.Context) error
	// Kiosk makes Start open the self-service kiosk instead of the desk.
	Kiosk bool
	// Scans delivers scans from HID scanners; nil when there are none.
	Scans <-chan devices.Scan
	// ScannerStatuses reports the chosen HID scanners' states
	// (devices.Manager.Statuses); nil or empty means keyboard mode.
	ScannerStatuses func() []devices.Status
	// ScannerConnected, used when ScannerStatuses is nil, reports whether a
	// HID scanner is open now; false shows keyboard mode.
	ScannerConnected func() bool
	// StartScreen opens the desk on a screen after sign-in: circulation,
	// readers, catalogue, holds or settings. Empty means circulation.
	StartScreen string
	// AutoLogin signs this actor in without asking (screenshots only; main
	// sets it only when CIRCA_SCREENSHOT=1).
	AutoLogin *app.Actor
	// ScannerManager, when set, gives Settings its Scanners tab.
	ScannerManager ScannerManager
	// Sync, when set, gives Settings its Sync tab.
	Sync *circasync.Station
	// Lang is the language to start in (main's --lang). Empty: the one
	// chosen last in Settings on this computer, else i18n's own choice.
	Lang i18n.Lang
}

// Screen names of the main screens, as StartScreen and the navigation use them.
const (
	ScreenCirculation = "circulation"
	ScreenReaders     = "readers"
	ScreenCatalogue   = "catalogue"
	ScreenHolds       = "holds"
	ScreenSettings    = "settings"
	ScreenReports     = "reports"
	ScreenNotices     = "notices"
)

// screens in navigation order; F1…F5 open the first five.
var screens = []string{ScreenCirculation, ScreenReaders, ScreenCatalogue, ScreenHolds, ScreenSettings, ScreenReports, ScreenNotices}

// prefLang is the Fyne preference that remembers the language chosen in Settings.
const prefLang = "circa.lang"

// settingLockMinutes is the library setting for the idle lock (0: never).
const settingLockMinutes = "desk.lock_minutes"

// defaultLockMinutes is the idle lock when the setting is absent.
const defaultLockMinutes = 10

// Start builds the desk's main window and shows it; the caller runs the app.
// With no staff yet it opens on first run, otherwise on sign-in.
func Start(a fyne.App, cfg Config) fyne.Window {
	if cfg.Kiosk {
		return StartKiosk(a, cfg)
	}
	d := newDesk(a, cfg, deskOptions{wedge: true})
	d.win.Show()
	go d.idleLoop()
	if cfg.Scans != nil {
		go d.scanLoop(cfg.Scans)
	}
	return d.win
}

// deskOptions are what tests change.
type deskOptions struct {
	// wedge turns on keyboard-wedge detection; tests that type like a
	// person run without it.
	wedge bool
	// now is the wedge's clock (default time.Now).
	now func() time.Time
	// manualFlush leaves flushing held keys to the test, instead of a timer
	// that would race with it.
	manualFlush bool
}

// desk is the window and what its screens share.
type desk struct {
	app fyne.App
	win fyne.Window
	cfg Config
	lib *app.Library

	actor    app.Actor
	signedIn bool
	locked   bool
	lang     i18n.Lang
	mode     string // "firstrun", "signin", "main"

	screen   string
	circ     *circulationScreen
	readers  *readersScreen
	cat      *catalogueScreen
	holds    *holdsScreen
	settings *settingsScreen
	status   *statusBar
	bridge   *scanBridge

	nav     []*widget.Button
	body    *fyne.Container // the current main screen
	modal   *modal          // the dialog open now, if any
	signIn  *signInScreen
	first   *firstRunScreen
	prefill string         // username offered on the sign-in screen
	jobs    sync.WaitGroup // background jobs (tests wait for them)
	lastUse time.Time
}

func newDesk(a fyne.App, cfg Config, opts deskOptions) *desk {
	d := &desk{app: a, cfg: cfg, lib: cfg.Library, screen: ScreenCirculation}
	switch {
	case cfg.Lang != "":
		i18n.SetLang(cfg.Lang)
	case a.Preferences().String(prefLang) != "":
		if l, ok := i18n.Parse(a.Preferences().String(prefLang)); ok {
			i18n.SetLang(l)
		}
	}
	d.lang = i18n.Current().Lang()
	a.Settings().SetTheme(NewTheme(1))
	d.win = a.NewWindow(tr("app.name"))
	d.win.SetIcon(AppIcon)
	d.win.Resize(fyne.NewSize(1366, 740))
	d.status = newStatusBar(d)
	d.circ = newCirculationScreen(d)
	d.readers = newReadersScreen(d)
	d.cat = newCatalogueScreen(d)
	d.holds = newHoldsScreen(d)
	d.settings = newSettingsScreen(d)
	d.bridge = newScanBridge(d, opts)
	d.bridge.hookCanvas(d.win.Canvas())
	d.lastUse = d.lib.Clock().Now()
	if s := cfg.StartScreen; s != "" {
		for _, name := range screens {
			if name == s {
				d.screen = s
			}
		}
	}
	d.lib.Observe(func(evs []*app.Event) { fyne.Do(func() { d.libraryChanged(evs) }) })
	removeLangHook := i18n.OnChange(func(l i18n.Lang) {
		fyne.Do(func() {
			if l != d.lang {
				d.lang = l
				d.rebuild()
			}
		})
	})
	d.win.SetOnClosed(removeLangHook)
	has, err := d.lib.HasStaff()
	switch {
	case err != nil:
		d.win.SetContent(widget.NewLabel(errorText(err)))
	case !has:
		d.showFirstRun()
	case cfg.AutoLogin != nil:
		d.signedInAs(*cfg.AutoLogin)
	default:
		d.showSignIn("")
	}
	return d
}

// rebuild makes every visible text again, after a language change.
func (d *desk) rebuild() {
	d.win.SetTitle(tr("app.name"))
	switch d.mode {
	case "firstrun":
		d.showFirstRun()
	case "signin":
		d.showSignIn(d.signIn.note)
	case "main":
		d.showMain()
	}
}

// setLang switches the language live and remembers the choice on this computer.
func (d *desk) setLang(l i18n.Lang) {
	d.app.Preferences().SetString(prefLang, string(l))
	if l == d.lang {
		return
	}
	d.lang = l
	i18n.SetLang(l)
	d.rebuild()
}

// signedInAs makes actor the desk's user and opens the main screens.
func (d *desk) signedInAs(actor app.Actor) {
	d.actor, d.signedIn, d.locked = actor, true, false
	d.touch()
	d.status.setUser(actor)
	d.showMain()
}

// signOut forgets the user and returns to sign-in.
func (d *desk) signOut() {
	d.circ.endReader(false)
	d.actor, d.signedIn = app.Actor{}, false
	d.status.setUser(app.Actor{})
	d.showSignIn("")
}

// lock hides the desk behind sign-in, keeping what was on screen.
func (d *desk) lock() {
	if !d.signedIn || d.locked {
		return
	}
	d.closeModal()
	d.locked = true
	d.status.setAction("")
	d.showSignIn(tr("desk.locked", "minutes", d.lockMinutes()))
}

// showMain lays out navigation, the current screen and the status bar.
func (d *desk) showMain() {
	d.mode = "main"
	d.nav = nil
	navBox := container.NewHBox()
	for i, name := range screens {
		name := name
		if name == ScreenSettings && !d.actor.Can(app.PermSettings) {
			d.nav = append(d.nav, nil)
			continue
		}
		text := tr("nav." + name)
		if i < 5 {
			text = tr("nav."+name, "key", "F"+itoa(i+1))
		}
		b := widget.NewButton(text, func() { d.show(name) })
		d.nav = append(d.nav, b)
		navBox.Add(b)
	}
	lockBtn := widget.NewButton(tr("nav.lock"), d.lock)
	outBtn := widget.NewButton(tr("nav.sign_out"), d.signOut)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(lockBtn, outBtn), navBox)
	d.body = container.NewStack()
	d.win.SetContent(container.NewBorder(top, d.status.build(), nil, nil, d.body))
	if d.screen == ScreenSettings && !d.actor.Can(app.PermSettings) {
		d.screen = ScreenCirculation
	}
	d.show(d.screen)
}

// show switches to a main screen.
func (d *desk) show(name string) {
	if d.mode != "main" {
		return
	}
	if name == ScreenSettings && !d.actor.Can(app.PermSettings) {
		d.status.setAction(errorText(app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermSettings), "role", string(d.actor.Role))))
		return
	}
	d.touch()
	d.screen = name
	var content fyne.CanvasObject
	switch name {
	case ScreenReaders:
		content = d.readers.build()
	case ScreenCatalogue:
		content = d.cat.build()
	case ScreenHolds:
		content = d.holds.build()
	case ScreenSettings:
		content = d.settings.build()
	case ScreenReports:
		content = NewReportsScreen(d.win, d.lib, func() app.Actor { return d.actor })
	case ScreenNotices:
		content = NewNoticesScreen(d.win, d.lib, func() app.Actor { return d.actor })
	default:
		d.screen = ScreenCirculation
		content = d.circ.build()
	}
	for i, b := range d.nav {
		if b == nil {
			continue
		}
		if screens[i] == d.screen {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	d.body.Objects = []fyne.CanvasObject{content}
	d.body.Refresh()
	d.focusDefault()
}

// focusDefault gives the keyboard to the current screen's main entry.
func (d *desk) focusDefault() {
	if d.modal != nil {
		return
	}
	var f fyne.Focusable
	switch d.mode {
	case "main":
		switch d.screen {
		case ScreenCirculation:
			f = d.circ.scan
		case ScreenReaders:
			f = d.readers.query
		case ScreenCatalogue:
			f = d.cat.query
		}
	case "signin":
		f = d.signIn.focusTarget()
	case "firstrun":
		f = d.first.focusTarget()
	}
	if f != nil {
		d.win.Canvas().Focus(f)
	}
}

// libraryChanged refreshes what shows library data after a committed change.
func (d *desk) libraryChanged(evs []*app.Event) {
	if d.mode != "main" {
		return
	}
	for _, ev := range evs {
		if ev.Station == d.lib.Station() {
			d.touch() // work done here, by mouse too, keeps the desk awake
			break
		}
	}
	switch d.screen {
	case ScreenCirculation:
		d.circ.refreshReader()
	case ScreenHolds:
		d.holds.refresh()
	}
}

// touch records activity for the idle lock.
func (d *desk) touch() { d.lastUse = d.lib.Clock().Now() }

// lockMinutes is the configured idle lock; 0 means never.
func (d *desk) lockMinutes() int {
	v, err := d.lib.Setting(settingLockMinutes, "")
	if err != nil || v == "" {
		return defaultLockMinutes
	}
	n, err := atoi(v)
	if err != nil || n < 0 {
		return defaultLockMinutes
	}
	return n
}

// checkIdle locks the desk when it has been idle too long.
func (d *desk) checkIdle() {
	m := d.lockMinutes()
	if m <= 0 || !d.signedIn || d.locked {
		return
	}
	if d.lib.Clock().Now().Sub(d.lastUse) >= time.Duration(m)*time.Minute {
		d.lock()
	}
}

// idleLoop checks for idleness, and the scanners' state, every few seconds
// for as long as the app runs.
func (d *desk) idleLoop() {
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for range t.C {
		fyne.Do(func() {
			d.status.refreshScanner()
			d.status.refreshSync()
			d.checkIdle()
		})
	}
}

// scanLoop delivers HID scans to the desk on the UI goroutine.
func (d *desk) scanLoop(scans <-chan devices.Scan) {
	for s := range scans {
		fyne.Do(func() { d.handleScan(s.Text) })
	}
}

// onKey handles the desk's keyboard shortcuts; it reports whether it used the key.
func (d *desk) onKey(k *fyne.KeyEvent) bool {
	d.touch()
	if d.modal != nil {
		return d.modal.key(k)
	}
	if d.mode != "main" {
		return false
	}
	switch k.Name {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5:
		i := map[fyne.KeyName]int{fyne.KeyF1: 0, fyne.KeyF2: 1, fyne.KeyF3: 2, fyne.KeyF4: 3, fyne.KeyF5: 4}[k.Name]
		d.show(screens[i])
		return true
	case fyne.KeyF9:
		d.lock()
		return true
	}
	if d.screen == ScreenCirculation {
		return d.circ.key(k)
	}
	if k.Name == fyne.KeyEscape {
		d.focusDefault()
		return true
	}
	return false
}

// handleScan routes one scanned or typed code: a reader card shows the
// reader, an ISBN opens the catalogue, anything else goes to circulation.
func (d *desk) handleScan(text string) {
	d.touch()
	text = trimCode(text)
	if text == "" {
		return
	}
	if d.mode != "main" || d.modal != nil {
		d.status.setAction(tr("scan.ignored", "code", text))
		return
	}
	d.status.setAction(tr("scan.scanned", "code", text))
	kind, code := d.classify(text)
	switch {
	case kind == scanBadCheck:
		if d.screen != ScreenCirculation {
			d.show(ScreenCirculation)
		}
		d.circ.say(bannerError, tr("circ.bad_check_digit", "code", text, "kind", trOr("scan_kind."+code, code)), "", nil)
		return
	case kind == scanISBN:
		d.show(ScreenCatalogue)
		d.cat.scanISBN(code)
	case kind == scanCopy && d.screen == ScreenCatalogue:
		d.cat.scanCopy(code)
	default:
		if d.screen != ScreenCirculation {
			d.show(ScreenCirculation)
		}
		d.circ.scanned(code, kind)
	}
}
