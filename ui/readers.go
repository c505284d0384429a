package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// readersScreen finds, registers and looks after readers.
type readersScreen struct {
	d        *desk
	query    *deskEntry
	list     *widget.List
	results  []*app.Reader
	selected *app.Reader
	detail   *fyne.Container
	register *widget.Button
	text     string
}

func newReadersScreen(d *desk) *readersScreen { return &readersScreen{d: d} }

func (s *readersScreen) build() fyne.CanvasObject {
	d := s.d
	s.query = newEntry(d)
	s.query.SetPlaceHolder(tr("readers.search_placeholder"))
	s.query.SetText(s.text)
	s.query.OnChanged = func(q string) { s.text = q; s.search() }
	s.query.OnSubmitted = func(string) {
		if len(s.results) > 0 {
			s.list.Select(0)
		}
	}
	s.list = widget.NewList(
		func() int { return len(s.results) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := s.results[i]
			o.(*widget.Label).SetText(readerLine(r))
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.results) {
			s.selected = s.results[i]
			s.showDetail()
		}
	}
	s.register = widget.NewButtonWithIcon(tr("readers.register"), theme.ContentAddIcon(), func() { s.edit(nil) })
	if !d.actor.Can(app.PermEditReaders) {
		s.register.Disable()
	}
	s.detail = container.NewStack()
	s.search()
	s.showDetail()
	left := container.NewBorder(container.NewBorder(nil, nil, nil, s.register, s.query), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.4
	return split
}

func readerLine(r *app.Reader) string {
	line := r.Name + " · " + r.Card
	if r.Class != "" {
		line += " · " + r.Class
	}
	if r.Status == app.ReaderBlocked {
		line += " · " + tr("reader.blocked")
	}
	return line
}

// search shows the readers matching what is typed, as it is typed.
func (s *readersScreen) search() {
	s.results = nil
	if q := trimCode(s.text); q != "" {
		found, err := s.d.lib.SearchReaders(q, 100)
		if err == nil {
			s.results = found
		}
	}
	if s.list != nil {
		s.list.UnselectAll()
		s.list.Refresh()
	}
}

// showDetail shows the selected reader and what can be done for them.
func (s *readersScreen) showDetail() {
	if s.detail == nil {
		return
	}
	if s.selected == nil {
		s.detail.Objects = []fyne.CanvasObject{container.NewPadded(wrapped(tr("readers.help")))}
		s.detail.Refresh()
		return
	}
	d := s.d
	r, err := d.lib.Reader(s.selected.ID)
	if err != nil {
		s.detail.Objects = []fyne.CanvasObject{wrapped(errorText(err))}
		s.detail.Refresh()
		return
	}
	s.selected = r
	info := form(
		label(tr("reader.card")), label(r.Card),
		label(tr("reader.class")), label(r.Grade+" "+r.Class),
		label(tr("reader.card_type")), label(d.cardTypeName(r.CardType)),
		label(tr("reader.expiry")), label(dateText(r.Expiry)),
		label(tr("reader.phone")), label(r.Phone),
		label(tr("reader.email")), label(r.Email),
		label(tr("reader.guardian")), label(r.Guardian),
		label(tr("reader.history")), label(tr("reader.history_"+string(r.History))),
		label(tr("reader.registered")), label(dateText(r.Registered)),
	)
	status := label(tr("reader.in_good_standing"))
	status.Importance = widget.SuccessImportance
	if r.Status == app.ReaderBlocked {
		status = wrapped(tr("reader.blocked_because", "reason", r.BlockReason))
		status.Importance = widget.DangerImportance
	} else if r.Expired(d.lib.Today()) {
		status = wrapped(tr("reader.expired_on", "date", dateText(r.Expiry)))
		status.Importance = widget.DangerImportance
	} else if owed, _ := d.lib.Outstanding(r.ID); owed > 0 {
		status = wrapped(tr("reader.owes", "amount", moneyText(owed)))
		status.Importance = widget.WarningImportance
	}
	open := widget.NewButtonWithIcon(tr("readers.open_at_desk"), theme.MailForwardIcon(), func() {
		d.show(ScreenCirculation)
		d.circ.scanned(r.Card, scanReader)
	})
	open.Importance = widget.HighImportance
	edit := widget.NewButtonWithIcon(tr("common.edit"), theme.DocumentCreateIcon(), func() { s.edit(r) })
	renew := widget.NewButton(tr("readers.renew_card"), func() {
		if _, err := d.lib.RenewCard(d.actor, r.ID); err != nil {
			d.status.setAction(errorText(err))
		} else {
			d.status.setAction(tr("readers.card_renewed", "name", r.Name))
		}
		s.showDetail()
	})
	var block *widget.Button
	if r.Status == app.ReaderBlocked {
		block = widget.NewButton(tr("readers.unblock"), func() {
			if _, err := d.lib.UnblockReader(d.actor, r.ID); err != nil {
				d.status.setAction(errorText(err))
			}
			s.showDetail()
		})
	} else {
		block = widget.NewButton(tr("readers.block"), func() { s.blockDialog(r) })
	}
	if !d.actor.Can(app.PermEditReaders) {
		edit.Disable()
		renew.Disable()
	}
	if !d.actor.Can(app.PermBlockReaders) {
		block.Disable()
	}
	history := widget.NewButton(tr("readers.history"), func() { s.historyDialog(r) })
	fines := widget.NewButton(tr("readers.fines"), func() { d.finesDialog(r, s.showDetail) })
	buttons := container.NewGridWithColumns(3, open, edit, renew, block, history, fines)
	s.detail.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewVBox(heading(r.Name), status, info, buttons))}
	s.detail.Refresh()
}

// readerForm is the reader fields of the register and edit dialogs.
type readerForm struct {
	card, name, phone, email, class, grade, guardian, notes, pin *deskEntry
	cardType, history                                            *widget.Select
	codes                                                        []string
}

func (d *desk) newReaderForm(r *app.Reader) (*readerForm, fyne.CanvasObject) {
	f := &readerForm{}
	for _, e := range []**deskEntry{&f.card, &f.name, &f.phone, &f.email, &f.class, &f.grade, &f.guardian, &f.pin} {
		*e = newEntry(d)
	}
	f.notes = newMultiLineEntry(d)
	f.pin.Password = true
	cts, _ := d.lib.CardTypes()
	var names []string
	for _, ct := range cts {
		f.codes = append(f.codes, ct.Code)
		names = append(names, cardTypeText(ct)+" ("+ct.Code+")")
	}
	f.cardType = widget.NewSelect(names, nil)
	histNames := []string{tr("reader.history_keep"), tr("reader.history_anonymise")}
	f.history = widget.NewSelect(histNames, nil)
	f.history.SetSelectedIndex(0)
	if len(names) > 0 {
		f.cardType.SetSelectedIndex(0)
	}
	if r != nil {
		f.card.SetText(r.Card)
		f.name.SetText(r.Name)
		f.phone.SetText(r.Phone)
		f.email.SetText(r.Email)
		f.class.SetText(r.Class)
		f.grade.SetText(r.Grade)
		f.guardian.SetText(r.Guardian)
		f.notes.SetText(r.Notes)
		for i, c := range f.codes {
			if c == r.CardType {
				f.cardType.SetSelectedIndex(i)
			}
		}
		if r.History == app.HistoryAnonymise {
			f.history.SetSelectedIndex(1)
		}
	}
	next := widget.NewButton(tr("readers.next_number"), func() {
		card, err := d.lib.NextCardNumber(d.actor)
		if err != nil {
			d.status.setAction(errorText(err))
			return
		}
		f.card.SetText(card)
	})
	content := form(
		label(tr("reader.card")), container.NewBorder(nil, nil, nil, next, f.card),
		label(tr("reader.name")), f.name,
		label(tr("reader.card_type")), f.cardType,
		label(tr("reader.class")), f.class,
		label(tr("reader.grade")), f.grade,
		label(tr("reader.phone")), f.phone,
		label(tr("reader.email")), f.email,
		label(tr("reader.guardian")), f.guardian,
		label(tr("reader.history")), f.history,
		label(tr("reader.pin")), f.pin,
		label(tr("reader.notes")), f.notes,
	)
	return f, content
}

func (f *readerForm) input() app.ReaderInput {
	in := app.ReaderInput{
		Card: f.card.Text, Name: f.name.Text, Phone: f.phone.Text, Email: f.email.Text,
		Class: f.class.Text, Grade: f.grade.Text, Guardian: f.guardian.Text, Notes: f.notes.Text,
		PIN: f.pin.Text, History: app.HistoryKeep,
	}
	if i := f.cardType.SelectedIndex(); i >= 0 && i < len(f.codes) {
		in.CardType = f.codes[i]
	}
	if f.history.SelectedIndex() == 1 {
		in.History = app.HistoryAnonymise
	}
	return in
}

// edit registers a new reader (r nil) or changes one.
func (s *readersScreen) edit(r *app.Reader) {
	d := s.d
	f, content := d.newReaderForm(r)
	title := tr("readers.register")
	if r != nil {
		title = tr("readers.edit", "name", r.Name)
	} else if card, err := d.lib.NextCardNumber(d.actor); err == nil {
		f.card.SetText(card)
	}
	d.showModal(title, container.NewVScroll(content), tr("common.save"), func(m *modal) bool {
		var saved *app.Reader
		var err error
		if r == nil {
			saved, err = d.lib.RegisterReader(d.actor, f.input())
		} else {
			saved, err = d.lib.UpdateReader(d.actor, r.ID, f.input())
		}
		if err != nil {
			m.fail(err)
			return false
		}
		d.status.setAction(tr("readers.saved", "name", saved.Name, "card", saved.Card))
		s.selected = saved
		s.text = saved.Card
		if s.query != nil {
			s.query.SetText(saved.Card)
		}
		s.showDetail()
		return true
	}, nil, f.name)
	d.modal.dlg.Resize(fyne.NewSize(640, 640))
}

// blockDialog asks why a reader is blocked.
func (s *readersScreen) blockDialog(r *app.Reader) {
	d := s.d
	reason := newEntry(d)
	d.showModal(tr("readers.block_title", "name", r.Name),
		form(label(tr("readers.block_reason")), reason), tr("readers.block"), func(m *modal) bool {
			if _, err := d.lib.BlockReader(d.actor, r.ID, reason.Text); err != nil {
				m.fail(err)
				return false
			}
			s.showDetail()
			return true
		}, nil, reason)
}

// historyDialog lists what the reader has borrowed. Loans anonymised under
// the privacy choice are no longer linked to them and do not appear.
func (s *readersScreen) historyDialog(r *app.Reader) {
	d := s.d
	loans, err := d.lib.LoansOf(r.ID, true)
	box := container.NewVBox()
	if err != nil {
		box.Add(wrapped(errorText(err)))
	}
	note := wrapped(tr("readers.history_note_" + string(r.History)))
	box.Add(note)
	if len(loans) == 0 {
		box.Add(label(tr("readers.history_empty")))
	}
	for i := len(loans) - 1; i >= 0; i-- {
		v := loans[i]
		title := ""
		if v.Title != nil {
			title = v.Title.Title
		}
		state := tr("readers.history_open", "due", dateText(v.Loan.Due))
		if v.Loan.Returned != nil {
			state = tr("readers.history_returned", "date", dateText(app.DateOf(*v.Loan.Returned, d.lib.Location())))
		}
		box.Add(wrapped(tr("readers.history_line", "title", title, "out", dateText(app.DateOf(v.Loan.Out, d.lib.Location())), "state", state)))
	}
	d.showModal(tr("readers.history_title", "name", r.Name), container.NewVScroll(box), "", nil, nil, nil)
	d.modal.dlg.Resize(fyne.NewSize(640, 480))
}

// pickReader lets staff choose among readers that match typed text.
func (d *desk) pickReader(found []*app.Reader, then func(*app.Reader)) {
	var list *widget.List
	list = widget.NewList(func() int { return len(found) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(readerLine(found[i])) })
	chosen := 0
	list.OnSelected = func(i widget.ListItemID) { chosen = i }
	list.Select(0)
	d.showModal(tr("readers.pick"), list, tr("common.ok"), func(m *modal) bool {
		r := found[chosen]
		m.close()
		then(r)
		return false
	}, nil, list)
	d.modal.dlg.Resize(fyne.NewSize(520, 400))
}
