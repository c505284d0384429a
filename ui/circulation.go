package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// circulationScreen is the home screen, made for a scanner: scan a card to
// bring up a reader, scan copies to lend them, scan a copy with no reader on
// screen to take it back.
type circulationScreen struct {
	d *desk

	reader  *app.Reader
	session []*app.CheckOutResult // lent during this reader's visit, for the slip
	returns []string              // what the last check-ins said, newest first

	// what the banner says, kept across rebuilds
	bKind   bannerKind
	bText   string
	bAction string
	bFunc   func()

	scan    *deskEntry
	banner  *banner
	panel   *fyne.Container
	renewB  *widget.Button
	slipB   *widget.Button
	nextB   *widget.Button
	loanBox *fyne.Container // rows of the reader's loans (tests look at it)
}

func newCirculationScreen(d *desk) *circulationScreen { return &circulationScreen{d: d} }

// build makes the screen's widgets.
func (c *circulationScreen) build() fyne.CanvasObject {
	d := c.d
	c.scan = newEntry(d)
	c.scan.SetPlaceHolder(tr("circ.scan_placeholder"))
	c.scan.OnSubmitted = func(text string) {
		c.scan.SetText("")
		d.handleScan(text)
	}
	c.banner = newBanner()
	if c.bText != "" {
		c.banner.show(c.bKind, c.bText, c.bAction, c.bFunc)
	}
	c.renewB = widget.NewButtonWithIcon(tr("circ.renew_all", "key", "F6"), theme.ViewRefreshIcon(), c.renewAll)
	c.slipB = widget.NewButtonWithIcon(tr("circ.slip", "key", "F7"), theme.DocumentPrintIcon(), c.showSlip)
	c.nextB = widget.NewButtonWithIcon(tr("circ.next_reader", "key", "Esc"), theme.NavigateNextIcon(), func() { c.endReader(true) })
	scanLabel := heading(tr("circ.scan_label"))
	top := container.NewBorder(nil, nil, scanLabel, container.NewHBox(c.renewB, c.slipB, c.nextB), c.scan)
	c.panel = container.NewStack()
	c.refreshReader()
	return container.NewBorder(container.NewVBox(top, c.banner.box), nil, nil, nil, c.panel)
}

// say puts a message in the banner and the status bar.
func (c *circulationScreen) say(kind bannerKind, text, actionLabel string, action func()) {
	c.bKind, c.bText, c.bAction, c.bFunc = kind, text, actionLabel, action
	if c.banner != nil {
		c.banner.show(kind, text, actionLabel, action)
	}
	c.d.status.setAction(firstLine(text))
}

func (c *circulationScreen) quiet() {
	c.bText, c.bFunc = "", nil
	if c.banner != nil {
		c.banner.clear()
	}
}

// key handles the circulation shortcuts.
func (c *circulationScreen) key(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyEscape:
		if c.reader != nil {
			c.endReader(true)
		} else {
			c.quiet()
		}
	case fyne.KeyF6:
		c.renewAll()
	case fyne.KeyF7:
		c.showSlip()
	case fyne.KeyF8:
		if c.bFunc != nil {
			c.bFunc()
		}
	default:
		return false
	}
	return true
}

// scanned handles a code on the circulation screen.
func (c *circulationScreen) scanned(code string, kind scanKind) {
	switch kind {
	case scanReader:
		r, err := c.d.lib.ReaderByCard(code)
		if err != nil {
			c.say(bannerError, errorText(err), "", nil)
			return
		}
		if c.reader != nil && c.reader.ID != r.ID {
			// The next card ends the last visit without asking about a
			// slip, so the queue keeps moving; Esc offers the slip.
			c.endReader(false)
		}
		c.showReader(r)
	case scanCopy:
		if c.reader != nil {
			c.lend(code, nil)
		} else {
			c.giveBack(code)
		}
	default:
		c.lookUp(code)
	}
	c.d.focusDefault()
}

// showReader brings a reader up.
func (c *circulationScreen) showReader(r *app.Reader) {
	if c.reader == nil || c.reader.ID != r.ID {
		c.session = nil
	}
	c.reader = r
	c.say(bannerInfo, tr("circ.reader_shown", "name", r.Name, "card", r.Card), "", nil)
	c.refreshReader()
}

// lookUp treats typed text that is no code as a reader's name or class.
func (c *circulationScreen) lookUp(text string) {
	found, err := c.d.lib.SearchReaders(text, 20)
	if err != nil {
		c.say(bannerError, errorText(err), "", nil)
		return
	}
	switch len(found) {
	case 0:
		c.say(bannerError, tr("circ.unknown_code", "code", text), "", nil)
	case 1:
		c.scanned(found[0].Card, scanReader)
	default:
		c.d.pickReader(found, func(r *app.Reader) { c.scanned(r.Card, scanReader) })
	}
}

// lend checks a copy out to the reader on screen; as, when set, is the
// supervisor overriding a refusal.
func (c *circulationScreen) lend(barcode string, as *app.Actor) {
	actor, opts := c.d.actor, app.CheckOutOptions{}
	if as != nil {
		actor, opts.Override = *as, true
	}
	res, err := c.d.lib.CheckOut(actor, c.reader.Card, barcode, opts)
	if err != nil {
		c.refused(err, barcode)
		return
	}
	c.session = append(c.session, res)
	text := tr("circ.lent", "title", res.Title.Title, "due", dateText(res.Loan.Due))
	if res.FilledHold != "" {
		text += "\n" + tr("circ.hold_filled")
	}
	if len(res.Loan.Overrides) > 0 {
		text += "\n" + tr("circ.overridden_by", "user", actor.Username)
	}
	c.say(bannerSuccess, text, "", nil)
	c.refreshReader()
}

// refused shows a refusal with the one action that helps.
func (c *circulationScreen) refused(err error, barcode string) {
	r, ok := app.RefusalOf(err)
	switch {
	case !ok:
		c.say(bannerError, errorText(err), "", nil)
	case r.Reason == app.ReasonCopyOnLoan && r.Facts["same_reader"] == "true":
		c.say(bannerWarning, tr("circ.already_lent", "reader", r.Facts["reader"], "due", dateText(app.Date(r.Facts["due"]))),
			tr("circ.renew_this", "key", "F8"), func() { c.renewBarcode(barcode) })
	case r.Reason == app.ReasonCardExpired && c.reader != nil && c.d.actor.Can(app.PermEditReaders):
		c.say(bannerError, refusalText(r), tr("circ.renew_card_and_lend", "key", "F8"), func() { c.renewCardAndLend(barcode) })
	case r.Reason == app.ReasonFinesOverLimit && c.reader != nil && c.d.actor.Can(app.PermTakePayments):
		reader := c.reader
		c.say(bannerError, refusalText(r), tr("circ.take_payment", "key", "F8"), func() {
			owed, _ := c.d.lib.Outstanding(reader.ID)
			c.d.payDialog(reader, owed, func() {
				if c.reader != nil && c.reader.ID == reader.ID {
					c.lend(barcode, nil)
				}
			})
		})
	case r.Overridable && c.reader != nil:
		c.say(bannerError, refusalText(r), tr("circ.override", "key", "F8"), func() { c.askOverride(barcode) })
	default:
		c.say(bannerError, refusalText(r), "", nil)
	}
}

// renewCardAndLend renews the card of the reader on screen and tries the
// copy again.
func (c *circulationScreen) renewCardAndLend(barcode string) {
	if c.reader == nil {
		return
	}
	r, err := c.d.lib.RenewCard(c.d.actor, c.reader.ID)
	if err != nil {
		c.say(bannerError, errorText(err), "", nil)
		return
	}
	c.reader = r
	c.lend(barcode, nil)
}

// askOverride asks a librarian or admin to confirm with their password,
// then lends the copy in their name.
func (c *circulationScreen) askOverride(barcode string) {
	d := c.d
	user := newEntry(d)
	if d.actor.Can(app.PermOverride) {
		user.SetText(d.actor.Username)
	}
	pass := newPasswordEntry(d)
	content := container.NewVBox(
		wrapped(tr("circ.override_help", "reason", c.bText)),
		form(label(tr("signin.username")), user, label(tr("signin.password")), pass))
	focus := fyne.Focusable(user)
	if user.Text != "" {
		focus = pass
	}
	d.showModal(tr("circ.override_title"), content, tr("circ.override_confirm"), func(m *modal) bool {
		sup, err := d.lib.SignIn(user.Text, pass.Text)
		if err != nil {
			pass.SetText("")
			m.fail(err)
			return false
		}
		if !sup.Can(app.PermOverride) {
			pass.SetText("")
			m.fail(app.Refuse(app.ReasonPermissionDenied, "permission", string(app.PermOverride), "role", string(sup.Role)))
			return false
		}
		if c.reader != nil {
			c.lend(barcode, &sup)
		}
		return true
	}, nil, focus)
}

// giveBack checks a copy in and says what to do with it next.
func (c *circulationScreen) giveBack(barcode string) {
	res, err := c.d.lib.CheckIn(c.d.actor, barcode)
	if err != nil {
		c.refused(err, barcode)
		return
	}
	lines := []string{}
	kind := bannerSuccess
	if res.WasOnLoan {
		who := tr("circ.anonymous")
		if res.Reader != nil {
			who = res.Reader.Name
		}
		lines = append(lines, tr("circ.returned", "title", res.Title.Title, "reader", who))
	} else {
		lines = append(lines, tr("circ.returned_not_on_loan", "title", res.Title.Title))
	}
	if res.OverdueDays > 0 {
		kind = bannerWarning
		lines = append(lines, tr("circ.overdue_days", "days", res.OverdueDays))
		if res.Fine > 0 {
			lines = append(lines, tr("circ.fine_charged", "amount", moneyText(res.Fine)))
		}
		if !res.SuspendedTo.IsZero() {
			lines = append(lines, tr("circ.suspended_to", "date", dateText(res.SuspendedTo)))
		}
	}
	switch res.Action {
	case app.ActionHoldShelf:
		kind = bannerWarning
		who := ""
		if res.HoldFor != nil {
			who = res.HoldFor.Name + " (" + res.HoldFor.Card + ")"
		}
		lines = append(lines, tr("circ.to_hold_shelf", "reader", who, "date", dateText(res.PickupBy)))
	case app.ActionTransit:
		kind = bannerWarning
		lines = append(lines, tr("circ.to_transit", "location", res.TransitTo))
	default:
		where := res.Copy.Location
		if where == "" {
			where = res.Copy.CallNumber
		}
		if where != "" {
			lines = append(lines, tr("circ.to_shelf_at", "location", where))
		} else {
			lines = append(lines, tr("circ.to_shelf"))
		}
	}
	c.say(kind, strings.Join(lines, "\n"), "", nil)
	c.returns = append([]string{strings.Join(lines, " · ")}, c.returns...)
	if len(c.returns) > 12 {
		c.returns = c.returns[:12]
	}
	c.refreshReader()
}

// renewBarcode renews the reader's loan of the copy with barcode.
func (c *circulationScreen) renewBarcode(barcode string) {
	cp, err := c.d.lib.CopyByBarcode(barcode)
	if err != nil {
		c.say(bannerError, errorText(err), "", nil)
		return
	}
	loan, err := c.d.lib.OpenLoanOf(cp.ID)
	if err != nil || loan == nil {
		c.say(bannerError, errorText(app.Refuse(app.ReasonNotOnLoan, "barcode", barcode)), "", nil)
		return
	}
	c.renew(loan.ID)
}

// renew extends one loan.
func (c *circulationScreen) renew(loanID string) {
	res, err := c.d.lib.Renew(c.d.actor, loanID, false)
	if err != nil {
		c.say(bannerError, errorText(err), "", nil)
		return
	}
	c.say(bannerSuccess, tr("circ.renewed", "title", res.Title.Title, "due", dateText(res.Loan.Due)), "", nil)
	c.refreshReader()
}

// renewAll renews every loan of the reader on screen.
func (c *circulationScreen) renewAll() {
	if c.reader == nil {
		c.say(bannerInfo, tr("circ.no_reader"), "", nil)
		return
	}
	results, err := c.d.lib.RenewAll(c.d.actor, c.reader.ID, false)
	if err != nil {
		c.say(bannerError, errorText(err), "", nil)
		return
	}
	ok, lines := 0, []string{}
	for _, r := range results {
		if r.Err == nil {
			ok++
			continue
		}
		title := ""
		if r.Title != nil {
			title = r.Title.Title
		}
		lines = append(lines, title+": "+errorText(r.Err))
	}
	kind := bannerSuccess
	if len(lines) > 0 {
		kind = bannerWarning
	}
	text := tr("circ.renewed_all", "ok", ok, "total", len(results))
	if len(lines) > 0 {
		text += "\n" + strings.Join(lines, "\n")
	}
	c.say(kind, text, "", nil)
	c.refreshReader()
}

// endReader finishes with the reader on screen, offering a slip first when
// something was lent.
func (c *circulationScreen) endReader(offerSlip bool) {
	if offerSlip && len(c.session) > 0 {
		c.showSlip()
	}
	c.reader, c.session = nil, nil
	c.quiet()
	if c.d.mode == "main" && c.d.screen == ScreenCirculation && c.panel != nil {
		c.refreshReader()
	}
	c.d.focusDefault()
}

// refreshReader redraws the reader panel from the library.
func (c *circulationScreen) refreshReader() {
	if c.panel == nil {
		return
	}
	if c.reader != nil {
		if r, err := c.d.lib.Reader(c.reader.ID); err == nil {
			c.reader = r
		}
	}
	has := c.reader != nil
	for _, b := range []*widget.Button{c.renewB, c.slipB, c.nextB} {
		if b == nil {
			continue
		}
		if has {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if c.slipB != nil && len(c.session) == 0 {
		c.slipB.Disable()
	}
	var content fyne.CanvasObject
	if has {
		content = c.readerPanel()
	} else {
		content = c.idlePanel()
	}
	c.panel.Objects = []fyne.CanvasObject{content}
	c.panel.Refresh()
}

// idlePanel says what to do when no reader is on screen, and lists the
// last returns.
func (c *circulationScreen) idlePanel() fyne.CanvasObject {
	help := wrapped(tr("circ.idle_help"))
	keys := wrapped(tr("circ.keys_help"))
	items := []fyne.CanvasObject{help, keys}
	if len(c.returns) > 0 {
		items = append(items, heading(tr("circ.recent_returns")))
		for _, r := range c.returns {
			items = append(items, wrapped(r))
		}
	}
	c.loanBox = nil
	return container.NewVScroll(container.NewVBox(items...))
}

// readerPanel shows the reader: who, standing, loans, holds, fines.
func (c *circulationScreen) readerPanel() fyne.CanvasObject {
	r, lib := c.reader, c.d.lib
	today := lib.Today()
	photo := canvas.NewRectangle(color.Transparent)
	photo.StrokeColor = theme.Color(theme.ColorNameSeparator)
	photo.StrokeWidth = 2
	photo.CornerRadius = 8
	photo.SetMinSize(fyne.NewSize(112, 136))
	icon := widget.NewIcon(theme.AccountIcon())
	photoBox := container.NewStack(photo, container.NewPadded(icon))

	name := heading(r.Name)
	info := []fyne.CanvasObject{name}
	add := func(k, v string) {
		if v != "" {
			info = append(info, form(label(k), label(v)))
		}
	}
	add(tr("reader.card"), r.Card)
	add(tr("reader.class"), strings.TrimSpace(r.Grade+" "+r.Class))
	add(tr("reader.card_type"), c.d.cardTypeName(r.CardType))
	if !r.Expiry.IsZero() {
		add(tr("reader.expiry"), dateText(r.Expiry))
	}
	var standing []fyne.CanvasObject
	warn := func(text string) {
		l := wrapped(text)
		l.Importance = widget.DangerImportance
		l.TextStyle.Bold = true
		standing = append(standing, l)
	}
	switch r.Status {
	case app.ReaderBlocked:
		warn(tr("reader.blocked_because", "reason", r.BlockReason))
	case app.ReaderArchived:
		warn(tr("reader.archived"))
	}
	if r.Expired(today) {
		warn(tr("reader.expired_on", "date", dateText(r.Expiry)))
	}
	if !r.SuspendedUntil.IsZero() && !r.SuspendedUntil.Before(today) {
		warn(tr("reader.suspended_until", "date", dateText(r.SuspendedUntil)))
	}
	owed, _ := lib.Outstanding(r.ID)
	if owed > 0 {
		warn(tr("reader.owes", "amount", moneyText(owed)))
	}
	if len(standing) == 0 {
		ok := label(tr("reader.in_good_standing"))
		ok.Importance = widget.SuccessImportance
		standing = append(standing, ok)
	}
	if r.Notes != "" {
		standing = append(standing, wrapped(r.Notes))
	}
	left := container.NewVBox(append(append([]fyne.CanvasObject{container.NewHBox(photoBox, container.NewVBox(info...))}, standing...),
		c.moneyButtons(owed)...)...)

	// Loans.
	loans, err := lib.LoansOf(r.ID, false)
	c.loanBox = container.NewVBox()
	if err != nil {
		c.loanBox.Add(wrapped(errorText(err)))
	}
	if len(loans) == 0 {
		c.loanBox.Add(label(tr("circ.no_loans")))
	}
	for _, v := range loans {
		c.loanBox.Add(c.loanRow(v))
	}
	// Holds.
	holdBox := container.NewVBox()
	holds, _ := lib.HoldsOf(r.ID)
	for _, h := range holds {
		title := ""
		if h.Title != nil {
			title = h.Title.Title
		}
		var l *widget.Label
		if h.Hold.Status == app.HoldReady {
			l = wrapped(tr("circ.hold_ready", "title", title, "date", dateText(h.Hold.PickupBy)))
			l.Importance = widget.SuccessImportance
			l.TextStyle.Bold = true
		} else {
			l = wrapped(tr("circ.hold_waiting", "title", title, "position", h.Position))
		}
		holdBox.Add(l)
	}
	if len(holds) == 0 {
		holdBox.Add(label(tr("circ.no_holds")))
	}
	right := container.NewVBox(
		heading(tr("circ.loans_heading", "count", len(loans))), c.loanBox,
		widget.NewSeparator(),
		heading(tr("circ.holds_heading", "count", len(holds))), holdBox,
	)
	if len(c.session) > 0 {
		right.Add(widget.NewSeparator())
		right.Add(label(tr("circ.session_count", "count", len(c.session))))
	}
	split := container.NewHSplit(container.NewVScroll(left), container.NewVScroll(right))
	split.Offset = 0.32
	return split
}

// moneyButtons offer payment for a reader who owes something.
func (c *circulationScreen) moneyButtons(owed app.Money) []fyne.CanvasObject {
	if owed <= 0 || !c.d.actor.Can(app.PermTakePayments) {
		return nil
	}
	r := c.reader
	return []fyne.CanvasObject{widget.NewButton(tr("fines.pay"), func() {
		c.d.payDialog(r, owed, c.refreshReader)
	})}
}

// loanRow is one loan: title, barcode, due date (red when overdue), renew.
func (c *circulationScreen) loanRow(v app.LoanView) fyne.CanvasObject {
	title := tr("common.none")
	if v.Title != nil {
		title = v.Title.Title
	}
	barcode := ""
	if v.Copy != nil {
		barcode = v.Copy.Barcode
	}
	t := label(title)
	t.Truncation = fyne.TextTruncateEllipsis
	due := label(tr("circ.due", "date", dateText(v.Loan.Due)))
	if v.OverdueDays > 0 {
		due.SetText(tr("circ.due_overdue", "date", dateText(v.Loan.Due), "days", v.OverdueDays))
		due.Importance = widget.DangerImportance
		due.TextStyle.Bold = true
	}
	bc := label(barcode)
	bc.Importance = widget.LowImportance
	id := v.Loan.ID
	renew := widget.NewButton(tr("circ.renew"), func() { c.renew(id) })
	if v.Loan.Renewals > 0 {
		renew.SetText(tr("circ.renew_count", "count", v.Loan.Renewals))
	}
	return container.NewBorder(nil, nil, nil, container.NewHBox(bc, due, renew), t)
}

// slipText is the slip for the reader's visit: what was lent and when it is due.
func (c *circulationScreen) slipText() string {
	lib := c.d.lib
	name, _ := lib.Setting(app.SettingLibraryName, "")
	var b strings.Builder
	b.WriteString(name + "\n")
	b.WriteString(tr("slip.date", "date", dateText(lib.Today())) + "\n")
	if c.reader != nil {
		b.WriteString(tr("slip.reader", "name", c.reader.Name, "card", c.reader.Card) + "\n")
	}
	b.WriteString("\n")
	for i, res := range c.session {
		b.WriteString(tr("slip.line", "n", i+1, "title", res.Title.Title, "barcode", res.Copy.Barcode, "due", dateText(res.Loan.Due)) + "\n")
	}
	b.WriteString("\n" + tr("slip.total", "count", len(c.session)) + "\n")
	return b.String()
}

// showSlip shows the slip, with a choice to save it for printing or skip it.
func (c *circulationScreen) showSlip() {
	if len(c.session) == 0 {
		c.say(bannerInfo, tr("slip.nothing"), "", nil)
		return
	}
	text := c.slipText()
	card := ""
	if c.reader != nil {
		card = c.reader.Card
	}
	body := widget.NewLabel(text)
	body.TextStyle.Monospace = false
	m := c.d.showModal(tr("slip.title"), container.NewVScroll(body), tr("slip.print"), func(m *modal) bool {
		if _, err := printSlip(c.d.app, "slip-"+card+".pdf", text, false); err != nil {
			c.d.status.setAction(errorText(err))
		} else {
			c.d.status.setAction(tr("slip.printing"))
		}
		return true
	}, nil, nil)
	m.cancelB.SetText(tr("slip.skip") + " (Esc)")
	m.dlg.Resize(fyne.NewSize(560, 420))
}

// cardTypeName names a card type code in the current language.
func (d *desk) cardTypeName(code string) string {
	cts, _ := d.lib.CardTypes()
	for _, ct := range cts {
		if ct.Code == code {
			return cardTypeText(ct)
		}
	}
	return code
}
