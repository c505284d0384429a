package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// KioskScale is how much larger the kiosk's text is than the desk's.
const KioskScale = 1.6

// Kiosk timing: after kioskIdle without a touch or scan the kiosk warns,
// counting down kioskWarn, then goes back to the start screen.
const (
	kioskIdle = 60 * time.Second
	kioskWarn = 15 * time.Second
)

// kioskMode is what a scanned copy does during a reader's session.
type kioskMode int

const (
	modeBorrow kioskMode = iota
	modeReturn
)

// kiosk is the self-service screen: a reader scans their card, then books.
// It reaches no staff function; leaving it needs a staff password.
type kiosk struct {
	a     fyne.App
	win   fyne.Window
	lib   *app.Library
	actor app.Actor
	now   func() time.Time

	reader  *app.Reader
	mode    kioskMode
	session []string // lines of what this reader did, for the slip
	pending *app.Reader

	lastTouch time.Time
	warning   bool

	content *fyne.Container
	input   *widget.Entry
	banner  *widget.Label
	pin     *widget.Entry
	// print sends the slip to the printer (nil in tests: shown only).
	print func(text string)
}

// StartKiosk builds the kiosk window full screen and shows it; the caller
// runs the app.
func StartKiosk(a fyne.App, cfg Config) fyne.Window {
	a.Settings().SetTheme(NewTheme(KioskScale))
	if cfg.Lang != "" {
		i18n.SetLang(cfg.Lang)
	}
	k := newKiosk(a, cfg.Library, time.Now)
	k.print = func(text string) {
		go func() {
			if _, err := printSlip(a, "kiosk-slip.pdf", text, true); err != nil {
				fyne.Do(func() { k.banner.SetText(tr("kiosk.ask_librarian")) })
			}
		}()
	}
	k.win.SetFullScreen(true)
	k.win.Show()
	go k.idleLoop()
	if cfg.Scans != nil {
		go func() {
			for s := range cfg.Scans {
				text := s.Text
				fyne.Do(func() { k.scan(text) })
			}
		}()
	}
	return k.win
}

func newKiosk(a fyne.App, lib *app.Library, now func() time.Time) *kiosk {
	k := &kiosk{a: a, lib: lib, now: now, actor: app.Actor{Username: "kiosk", Role: app.RoleKiosk}}
	k.win = a.NewWindow(tr("kiosk.title"))
	k.win.SetCloseIntercept(k.askToLeave)
	k.input = widget.NewEntry()
	k.input.SetPlaceHolder(tr("kiosk.scan_here"))
	k.input.OnSubmitted = func(s string) {
		k.input.SetText("")
		k.scan(s)
	}
	k.banner = widget.NewLabel("")
	k.banner.Wrapping = fyne.TextWrapWord
	k.banner.Alignment = fyne.TextAlignCenter
	k.content = container.NewStack()
	k.win.SetContent(k.content)
	k.win.Canvas().SetOnTypedRune(func(r rune) {
		k.touch()
		k.win.Canvas().Focus(k.input)
		k.input.TypedRune(r)
	})
	k.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		k.touch()
		if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
			k.input.OnSubmitted(k.input.Text)
		}
	})
	k.win.Resize(fyne.NewSize(1280, 800))
	k.showStart()
	return k
}

func (k *kiosk) touch() {
	k.lastTouch = k.now()
	if k.warning {
		k.warning = false
		k.refresh()
	}
}

// big makes a large, touch-friendly button with a picture.
func big(label string, icon fyne.Resource, tap func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, tap)
	b.Importance = widget.HighImportance
	return b
}

func kioskHeading(text string) *canvas.Text {
	t := canvas.NewText(text, theme.Color(theme.ColorNameForeground))
	t.TextSize = theme.TextSize() * 1.8
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	return t
}

// guideStep is one picture of the start screen's three-step guide.
func guideStep(n int, icon fyne.Resource, text string) fyne.CanvasObject {
	img := widget.NewIcon(icon)
	box := container.NewGridWrap(fyne.NewSize(120, 120), img)
	step := widget.NewLabelWithStyle(strconv.Itoa(n)+". "+text, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	step.Wrapping = fyne.TextWrapWord
	return container.NewVBox(container.NewCenter(box), step)
}

func (k *kiosk) set(objs ...fyne.CanvasObject) {
	k.content.Objects = []fyne.CanvasObject{container.NewPadded(container.NewVBox(objs...))}
	k.content.Refresh()
	k.win.Canvas().Focus(k.input)
}

// refresh redraws whichever screen is current.
func (k *kiosk) refresh() {
	switch {
	case k.pending != nil:
		k.showPIN()
	case k.reader != nil:
		k.showSession()
	default:
		k.showStart()
	}
}

func (k *kiosk) showStart() {
	k.reader, k.pending, k.session, k.mode = nil, nil, nil, modeBorrow
	langs := container.NewHBox(layout.NewSpacer(),
		widget.NewButton("中文", func() { k.setLang(i18n.Chinese) }),
		widget.NewButton("English", func() { k.setLang(i18n.English) }))
	guide := container.NewGridWithColumns(3,
		guideStep(1, theme.AccountIcon(), tr("kiosk.guide_card")),
		guideStep(2, theme.DocumentIcon(), tr("kiosk.guide_book")),
		guideStep(3, theme.DocumentPrintIcon(), tr("kiosk.guide_slip")))
	returnBtn := big(tr("kiosk.return_books"), theme.MailReplyIcon(), func() {
		k.touch()
		k.mode = modeReturn
		k.showReturnOnly()
	})
	feedback := widget.NewButtonWithIcon(tr("kiosk.feedback"), theme.InfoIcon(), k.showFeedback)
	k.set(langs, kioskHeading(tr("kiosk.welcome")), widget.NewSeparator(), guide,
		k.banner, k.input, container.NewGridWithColumns(2, returnBtn, feedback))
}

func (k *kiosk) setLang(l i18n.Lang) {
	k.touch()
	i18n.SetLang(l)
	k.win.SetTitle(tr("kiosk.title"))
	k.banner.SetText("")
	k.refresh()
}

// showReturnOnly lets anyone return books without a card.
func (k *kiosk) showReturnOnly() {
	done := big(tr("kiosk.finish"), theme.ConfirmIcon(), func() { k.finish(false) })
	k.set(kioskHeading(tr("kiosk.return_title")), widget.NewLabelWithStyle(tr("kiosk.return_help"), fyne.TextAlignCenter, fyne.TextStyle{}),
		k.banner, k.input, k.sessionList(), done)
}

func (k *kiosk) showPIN() {
	k.pin = widget.NewPasswordEntry()
	k.pin.SetPlaceHolder(tr("kiosk.pin"))
	submit := func() {
		k.touch()
		r := k.pending
		if err := k.lib.CheckPIN(r, k.pin.Text); err != nil {
			k.say(err)
			k.pin.SetText("")
			return
		}
		k.pending, k.reader = nil, r
		k.banner.SetText("")
		k.showSession()
	}
	k.pin.OnSubmitted = func(string) { submit() }
	cancel := widget.NewButton(tr("common.cancel"), func() { k.finish(false) })
	k.set(kioskHeading(tr("kiosk.hello", "name", k.pending.Name)), widget.NewLabelWithStyle(tr("kiosk.pin_help"), fyne.TextAlignCenter, fyne.TextStyle{}),
		k.pin, big(tr("common.ok"), theme.ConfirmIcon(), submit), k.banner, cancel)
	k.win.Canvas().Focus(k.pin)
}

func (k *kiosk) showSession() {
	r := k.reader
	loans, _ := k.lib.LoansOf(r.ID, false)
	holds, _ := k.lib.HoldsOf(r.ID)
	var rows []fyne.CanvasObject
	for _, v := range loans {
		title := ""
		if v.Title != nil {
			title = v.Title.Title
		}
		text := tr("kiosk.loan_line", "title", title, "due", i18n.Date(v.Loan.Due.Time()))
		if v.OverdueDays > 0 {
			text += "  " + tr("kiosk.overdue", "days", strconv.Itoa(v.OverdueDays))
		}
		rows = append(rows, widget.NewLabel(text))
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel(tr("kiosk.no_loans")))
	}
	for _, h := range holds {
		if h.Hold.Status == app.HoldReady && h.Title != nil {
			rows = append(rows, widget.NewLabelWithStyle(tr("kiosk.hold_ready", "title", h.Title.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
	}
	modeText := tr("kiosk.mode_borrow")
	if k.mode == modeReturn {
		modeText = tr("kiosk.mode_return")
	}
	borrow := big(tr("kiosk.borrow"), theme.DocumentIcon(), func() { k.touch(); k.mode = modeBorrow; k.showSession() })
	ret := big(tr("kiosk.return_books"), theme.MailReplyIcon(), func() { k.touch(); k.mode = modeReturn; k.showSession() })
	renew := big(tr("kiosk.renew_all"), theme.ViewRefreshIcon(), k.renewAll)
	slip := big(tr("kiosk.finish_slip"), theme.DocumentPrintIcon(), func() { k.finish(true) })
	noSlip := widget.NewButtonWithIcon(tr("kiosk.finish_no_slip"), theme.CancelIcon(), func() { k.finish(false) })
	objs := []fyne.CanvasObject{
		kioskHeading(tr("kiosk.hello", "name", r.Name)),
		widget.NewLabelWithStyle(modeText, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		k.banner, k.input,
		container.NewGridWithColumns(3, borrow, ret, renew),
		widget.NewLabelWithStyle(tr("kiosk.your_books"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	}
	objs = append(objs, rows...)
	if k.warning {
		objs = append(objs, widget.NewLabelWithStyle(tr("kiosk.still_there"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	}
	objs = append(objs, container.NewGridWithColumns(2, slip, noSlip))
	k.set(objs...)
}

func (k *kiosk) sessionList() fyne.CanvasObject {
	box := container.NewVBox()
	for _, l := range k.session {
		box.Add(widget.NewLabel(l))
	}
	return box
}

// scan handles a card or a copy barcode, whatever screen is up.
func (k *kiosk) scan(code string) {
	code = strings.TrimSpace(code)
	if code == "" {
		return
	}
	k.touch()
	if k.reader == nil && k.mode != modeReturn {
		r, err := k.lib.ReaderByCard(code)
		if err != nil {
			if _, cerr := k.lib.CopyByBarcode(code); cerr == nil {
				k.banner.SetText(tr("kiosk.card_first"))
				return
			}
			k.say(err)
			return
		}
		k.banner.SetText("")
		if k.needsPIN(r) {
			k.pending = r
			k.showPIN()
			return
		}
		k.reader = r
		k.showSession()
		return
	}
	switch k.mode {
	case modeReturn:
		res, err := k.lib.CheckIn(k.actor, code)
		if err != nil {
			k.say(err)
			return
		}
		title := res.Title.Title
		switch {
		case !res.WasOnLoan:
			k.banner.SetText(tr("kiosk.not_on_loan", "title", title))
		case res.Action == app.ActionHoldShelf:
			k.banner.SetText(tr("kiosk.returned_hold", "title", title))
			k.session = append(k.session, tr("kiosk.slip_returned", "title", title))
		default:
			k.banner.SetText(tr("kiosk.returned", "title", title))
			k.session = append(k.session, tr("kiosk.slip_returned", "title", title))
		}
	default:
		res, err := k.lib.CheckOut(k.actor, k.reader.Card, code, app.CheckOutOptions{SelfService: true})
		if err != nil {
			k.say(err)
			return
		}
		due := i18n.Date(res.Loan.Due.Time())
		k.banner.SetText(tr("kiosk.borrowed", "title", res.Title.Title, "due", due))
		k.session = append(k.session, tr("kiosk.slip_borrowed", "title", res.Title.Title, "due", due))
	}
	k.refresh()
}

func (k *kiosk) needsPIN(r *app.Reader) bool {
	types, err := k.lib.CardTypes()
	if err != nil {
		return true
	}
	for _, ct := range types {
		if ct.Code == r.CardType {
			return ct.RequirePIN || r.PINHash != ""
		}
	}
	return r.PINHash != ""
}

func (k *kiosk) renewAll() {
	k.touch()
	res, err := k.lib.RenewAll(k.actor, k.reader.ID, true)
	if err != nil {
		k.say(err)
		return
	}
	ok, refused := 0, 0
	for _, r := range res {
		if r.Err == nil {
			ok++
			k.session = append(k.session, tr("kiosk.slip_renewed", "title", r.Title.Title, "due", i18n.Date(r.Loan.Due.Time())))
		} else {
			refused++
		}
	}
	k.banner.SetText(tr("kiosk.renewed", "ok", strconv.Itoa(ok), "refused", strconv.Itoa(refused)))
	k.showSession()
}

// say explains a refusal in words a child understands.
func (k *kiosk) say(err error) {
	if r, ok := app.RefusalOf(err); ok {
		key := "kiosk.refusal." + string(r.Reason)
		if has(key) {
			k.banner.SetText(tr(key))
		} else {
			k.banner.SetText(tr("kiosk.ask_librarian"))
		}
		return
	}
	k.banner.SetText(tr("kiosk.ask_librarian"))
}

// finish ends the session; with a slip it shows what was borrowed first.
func (k *kiosk) finish(slip bool) {
	if slip && len(k.session) > 0 {
		lines := append([]string{tr("kiosk.slip_title", "date", i18n.Date(k.now()))}, k.session...)
		if k.print != nil {
			k.print(strings.Join(lines, "\n"))
		}
		text := widget.NewLabel(strings.Join(lines, "\n"))
		k.set(kioskHeading(tr("kiosk.take_slip")), text, big(tr("kiosk.done"), theme.ConfirmIcon(), func() { k.finish(false) }))
		k.reader, k.pending = nil, nil
		return
	}
	k.banner.SetText("")
	k.input.SetText("")
	k.warning = false
	k.showStart()
}

func (k *kiosk) showFeedback() {
	k.touch()
	rating := 0
	stars := container.NewHBox()
	var draw func()
	draw = func() {
		stars.Objects = nil
		for i := 1; i <= 5; i++ {
			n := i
			label := "☆"
			if n <= rating {
				label = "★"
			}
			stars.Add(widget.NewButton(label, func() { k.touch(); rating = n; draw() }))
		}
		stars.Refresh()
	}
	draw()
	comment := widget.NewMultiLineEntry()
	comment.SetPlaceHolder(tr("kiosk.feedback_comment"))
	send := big(tr("kiosk.feedback_send"), theme.MailSendIcon(), func() {
		if rating == 0 {
			k.banner.SetText(tr("kiosk.feedback_pick"))
			return
		}
		if err := k.lib.LeaveFeedback(k.actor, rating, comment.Text); err != nil {
			k.say(err)
			return
		}
		k.banner.SetText(tr("kiosk.feedback_thanks"))
		k.showStart()
	})
	k.set(kioskHeading(tr("kiosk.feedback")), container.NewCenter(stars), comment, k.banner, send,
		widget.NewButton(tr("common.back"), k.showStart))
}

// askToLeave guards the window's close button and shortcut: only a staff
// password closes the kiosk, and it closes Circa, never opening the desk.
func (k *kiosk) askToLeave() {
	user := widget.NewEntry()
	pw := widget.NewPasswordEntry()
	msg := widget.NewLabel("")
	var pop *widget.PopUp
	leave := func() {
		a, err := k.lib.SignIn(user.Text, pw.Text)
		if err != nil {
			msg.SetText(errorText(err))
			pw.SetText("")
			return
		}
		if a.Role == app.RoleKiosk {
			msg.SetText(errorText(app.Refuse(app.ReasonPermissionDenied)))
			return
		}
		k.a.Quit()
	}
	pw.OnSubmitted = func(string) { leave() }
	form := container.NewVBox(widget.NewLabelWithStyle(tr("kiosk.leave_title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewLabel(tr("signin.username")), user, widget.NewLabel(tr("signin.password")), pw, msg,
		container.NewGridWithColumns(2, widget.NewButton(tr("common.cancel"), func() { pop.Hide() }), widget.NewButton(tr("kiosk.leave"), leave)))
	pop = widget.NewModalPopUp(container.NewPadded(form), k.win.Canvas())
	pop.Resize(fyne.NewSize(420, 0))
	pop.Show()
	k.win.Canvas().Focus(user)
}

// idleLoop warns an idle reader and then clears the screen.
func (k *kiosk) idleLoop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for range t.C {
		fyne.Do(k.checkIdle)
	}
}

// checkIdle runs once a second on the UI goroutine.
func (k *kiosk) checkIdle() {
	if k.reader == nil && k.pending == nil && k.mode != modeReturn && len(k.session) == 0 {
		return
	}
	idle := k.now().Sub(k.lastTouch)
	switch {
	case idle >= kioskIdle+kioskWarn:
		k.finish(false)
	case idle >= kioskIdle:
		left := int((kioskIdle + kioskWarn - idle).Seconds())
		k.warning = true
		k.banner.SetText(tr("kiosk.countdown", "seconds", strconv.Itoa(left)))
		if k.reader != nil {
			k.showSession()
		}
	}
}
