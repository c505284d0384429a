package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
)

// catalogueScreen finds titles, shows their copies and edits both.
type catalogueScreen struct {
	d        *desk
	query    *deskEntry
	list     *widget.List
	results  []*app.Title
	selected *app.Title
	detail   *fyne.Container
	newTitle *widget.Button
	text     string
}

func newCatalogueScreen(d *desk) *catalogueScreen { return &catalogueScreen{d: d} }

func (s *catalogueScreen) build() fyne.CanvasObject {
	d := s.d
	s.query = newEntry(d)
	s.query.SetPlaceHolder(tr("cat.search_placeholder"))
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
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(titleLine(s.results[i])) })
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.results) {
			s.selected = s.results[i]
			s.showDetail()
		}
	}
	s.newTitle = widget.NewButtonWithIcon(tr("cat.new_title"), theme.ContentAddIcon(), func() { s.editTitle(nil, "") })
	if !d.actor.Can(app.PermEditCatalogue) {
		s.newTitle.Disable()
	}
	s.detail = container.NewStack()
	s.search()
	s.showDetail()
	left := container.NewBorder(container.NewBorder(nil, nil, nil, s.newTitle, s.query), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.45
	return split
}

func titleLine(t *app.Title) string {
	parts := []string{t.Title}
	if len(t.Authors) > 0 {
		parts = append(parts, strings.Join(t.Authors, ", "))
	}
	if t.Year != "" {
		parts = append(parts, t.Year)
	}
	return strings.Join(parts, " · ")
}

// search shows matching titles as the query is typed.
func (s *catalogueScreen) search() {
	s.results = nil
	if q := trimCode(s.text); q != "" {
		if found, err := s.d.lib.SearchTitles(q, 200); err == nil {
			s.results = found
		}
	}
	if s.list != nil {
		s.list.UnselectAll()
		s.list.Refresh()
	}
}

// scanISBN finds the title with an ISBN, or starts a new one with it filled in.
func (s *catalogueScreen) scanISBN(code string) {
	found, err := s.d.lib.TitleByISBN(code)
	if err != nil {
		s.d.status.setAction(errorText(err))
		return
	}
	s.text = code
	s.query.SetText(code)
	if len(found) == 0 {
		s.d.status.setAction(tr("cat.isbn_new", "isbn", code))
		if s.d.actor.Can(app.PermEditCatalogue) {
			s.editTitle(nil, code)
		}
		return
	}
	s.selected = found[0]
	s.showDetail()
}

// scanCopy shows the title of a scanned copy.
func (s *catalogueScreen) scanCopy(code string) {
	c, err := s.d.lib.CopyByBarcode(code)
	if err != nil {
		s.d.status.setAction(errorText(err))
		return
	}
	if t, err := s.d.lib.Title(c.TitleID); err == nil {
		s.selected = t
		s.showDetail()
	}
}

// showDetail shows the selected title and its copies.
func (s *catalogueScreen) showDetail() {
	if s.detail == nil {
		return
	}
	d := s.d
	if s.selected == nil {
		s.detail.Objects = []fyne.CanvasObject{container.NewPadded(wrapped(tr("cat.help")))}
		s.detail.Refresh()
		return
	}
	t, err := d.lib.Title(s.selected.ID)
	if err != nil {
		s.detail.Objects = []fyne.CanvasObject{wrapped(errorText(err))}
		s.detail.Refresh()
		return
	}
	s.selected = t
	var pairs []fyne.CanvasObject
	add := func(k, v string) {
		if v != "" {
			pairs = append(pairs, label(k), wrapped(v))
		}
	}
	add(tr("title.subtitle"), t.Subtitle)
	add(tr("title.by"), strings.Join(t.Authors, ", "))
	add(tr("title.publisher"), strings.TrimSpace(t.Place+" "+t.Publisher))
	add(tr("title.year"), t.Year)
	add(tr("title.isbn"), strings.Join(t.ISBNs, ", "))
	add(tr("title.call_number"), t.CallNumber)
	add(tr("title.clc"), t.CLC)
	add(tr("title.series"), t.Series)
	add(tr("title.subjects"), strings.Join(t.Subjects, ", "))
	add(tr("title.summary"), t.Summary)
	edit := widget.NewButtonWithIcon(tr("common.edit"), theme.DocumentCreateIcon(), func() { s.editTitle(t, "") })
	addCopy := widget.NewButtonWithIcon(tr("cat.add_copy"), theme.ContentAddIcon(), func() { s.editCopy(t, nil) })
	if !d.actor.Can(app.PermEditCatalogue) {
		edit.Disable()
		addCopy.Disable()
	}
	copies, _ := d.lib.CopiesOf(t.ID)
	copyBox := container.NewVBox()
	if len(copies) == 0 {
		copyBox.Add(label(tr("cat.no_copies")))
	}
	for _, c := range copies {
		c := c
		state := statusText(c.Status)
		if c.Status == app.CopyOnLoan {
			if loan, err := d.lib.OpenLoanOf(c.ID); err == nil && loan != nil {
				state = tr("cat.on_loan_due", "date", dateText(loan.Due))
			}
		}
		line := tr("cat.copy_line", "barcode", c.Barcode, "type", itemTypeText(c.ItemType), "location", c.Location, "state", state)
		l := wrapped(line)
		if c.Status != app.CopyAvailable {
			l.Importance = widget.WarningImportance
		}
		e := widget.NewButton(tr("common.edit"), func() { s.editCopy(t, c) })
		if !d.actor.Can(app.PermEditCatalogue) {
			e.Disable()
		}
		copyBox.Add(container.NewBorder(nil, nil, nil, e, l))
	}
	body := container.NewVBox(heading(t.Title), form(pairs...), container.NewHBox(edit, addCopy),
		widget.NewSeparator(), heading(tr("cat.copies", "count", len(copies))), copyBox)
	s.detail.Objects = []fyne.CanvasObject{container.NewVScroll(body)}
	s.detail.Refresh()
}

// editTitle adds a title (t nil, isbn prefilled if given) or changes one.
func (s *catalogueScreen) editTitle(t *app.Title, isbn string) {
	d := s.d
	e := func() *deskEntry { return newEntry(d) }
	title, subtitle, authors, isbns, publisher, place, year := e(), e(), e(), e(), e(), e(), e()
	lang, clc, call, series, subjects := e(), e(), e(), e(), e()
	summary := newMultiLineEntry(d)
	isbns.SetText(isbn)
	if t != nil {
		title.SetText(t.Title)
		subtitle.SetText(t.Subtitle)
		authors.SetText(strings.Join(t.Authors, ", "))
		isbns.SetText(strings.Join(t.ISBNs, ", "))
		publisher.SetText(t.Publisher)
		place.SetText(t.Place)
		year.SetText(t.Year)
		lang.SetText(t.Language)
		clc.SetText(t.CLC)
		call.SetText(t.CallNumber)
		series.SetText(t.Series)
		subjects.SetText(strings.Join(t.Subjects, ", "))
		summary.SetText(t.Summary)
	}
	content := form(
		label(tr("title.title")), title,
		label(tr("title.subtitle")), subtitle,
		label(tr("title.authors")), authors,
		label(tr("title.isbn")), isbns,
		label(tr("title.publisher")), publisher,
		label(tr("title.place")), place,
		label(tr("title.year")), year,
		label(tr("title.language")), lang,
		label(tr("title.clc")), clc,
		label(tr("title.call_number")), call,
		label(tr("title.series")), series,
		label(tr("title.subjects")), subjects,
		label(tr("title.summary")), summary,
	)
	heading := tr("cat.new_title")
	if t != nil {
		heading = tr("cat.edit_title")
	}
	d.showModal(heading, container.NewVScroll(content), tr("common.save"), func(m *modal) bool {
		in := app.TitleInput{
			Title: title.Text, Subtitle: subtitle.Text, Authors: splitList(authors.Text), ISBNs: splitList(isbns.Text),
			Publisher: publisher.Text, Place: place.Text, Year: year.Text, Language: lang.Text, CLC: clc.Text,
			CallNumber: call.Text, Series: series.Text, Subjects: splitList(subjects.Text), Summary: summary.Text,
		}
		var saved *app.Title
		var err error
		if t == nil {
			saved, err = d.lib.AddTitle(d.actor, in)
		} else {
			saved, err = d.lib.UpdateTitle(d.actor, t.ID, in)
		}
		if err != nil {
			m.fail(err)
			return false
		}
		d.status.setAction(tr("cat.title_saved", "title", saved.Title))
		s.selected = saved
		s.showDetail()
		if t == nil {
			m.close()
			s.editCopy(saved, nil)
			return false
		}
		return true
	}, nil, title)
	d.modal.dlg.Resize(fyne.NewSize(680, 660))
}

// itemTypes are the item types offered in the copy form.
var itemTypes = []app.ItemType{app.ItemBook, app.ItemMagazine, app.ItemReference, app.ItemAV}

// editCopy adds a copy of t (c nil) or changes one.
func (s *catalogueScreen) editCopy(t *app.Title, c *app.Copy) {
	d := s.d
	barcode, location, call, price, note := newEntry(d), newEntry(d), newEntry(d), newEntry(d), newEntry(d)
	types := append([]app.ItemType(nil), itemTypes...)
	if c != nil && !containsType(types, c.ItemType) {
		types = append(types, c.ItemType)
	}
	var names []string
	for _, it := range types {
		names = append(names, itemTypeText(it))
	}
	kind := widget.NewSelect(names, nil)
	kind.SetSelectedIndex(0)
	call.SetText(t.CallNumber)
	if c != nil {
		barcode.SetText(c.Barcode)
		location.SetText(c.Location)
		call.SetText(c.CallNumber)
		price.SetText(moneyInput(c.Price))
		note.SetText(c.Note)
		for i, it := range types {
			if it == c.ItemType {
				kind.SetSelectedIndex(i)
			}
		}
	}
	content := container.NewVBox(label(t.Title), form(
		label(tr("copy.barcode")), barcode,
		label(tr("copy.item_type")), kind,
		label(tr("copy.location")), location,
		label(tr("copy.call_number")), call,
		label(tr("copy.price")), price,
		label(tr("copy.note")), note,
	))
	title := tr("cat.add_copy")
	if c != nil {
		title = tr("cat.edit_copy", "barcode", c.Barcode)
	}
	d.showModal(title, content, tr("common.save"), func(m *modal) bool {
		p, ok := parseMoney(price.Text)
		if !ok {
			m.fail(app.Refuse(app.ReasonInvalidInput, "field", "price"))
			return false
		}
		in := app.CopyInput{Barcode: barcode.Text, Location: location.Text, CallNumber: call.Text, Price: p, Note: note.Text,
			ItemType: app.ItemBook}
		if i := kind.SelectedIndex(); i >= 0 {
			in.ItemType = types[i]
		}
		var saved *app.Copy
		var err error
		if c == nil {
			saved, err = d.lib.AddCopy(d.actor, t.ID, in)
		} else {
			saved, err = d.lib.UpdateCopy(d.actor, c.ID, in)
		}
		if err != nil {
			m.fail(err)
			return false
		}
		d.status.setAction(tr("cat.copy_saved", "barcode", saved.Barcode, "title", t.Title))
		s.showDetail()
		return true
	}, nil, barcode)
	d.modal.dlg.Resize(fyne.NewSize(560, 460))
}

func containsType(types []app.ItemType, t app.ItemType) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}
