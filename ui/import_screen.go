package ui

import (
	"context"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/app/marc"
	"github.com/circa-library/circa/assets/i18n"
)

// Import kinds, in the order the screen offers them.
const (
	importMARC     = "marc"
	importTitles   = "titles"
	importReaders  = "readers"
	noColumnOption = "—"
)

// importScreen brings in a MARC file, a catalogue spreadsheet or a class
// list: choose the file, map the columns, preview what would happen, then
// import with a progress bar that can be cancelled between batches.
type importScreen struct {
	win   fyne.Window
	lib   *app.Library
	actor func() app.Actor

	kind    *widget.RadioGroup
	file    *widget.Label
	data    []byte
	table   *importer.Table
	mapping importer.Mapping
	update  *widget.Check
	mapBox  *fyne.Container
	// format and holdings say where MARC records keep their copies; marcBox
	// shows them while the kind is MARC.
	format   *widget.Select
	holdings *widget.Entry
	marcBox  *fyne.Container
	result   *widget.Label
	bar      *widget.ProgressBarInfinite
	count    *widget.Label
	cancel   context.CancelFunc
	buttons  *fyne.Container
	content  fyne.CanvasObject
}

// NewImportScreen builds the import screen.
func NewImportScreen(w fyne.Window, lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	return newImportScreen(w, lib, actor).content
}

func newImportScreen(w fyne.Window, lib *app.Library, actor func() app.Actor) *importScreen {
	s := &importScreen{win: w, lib: lib, actor: actor}
	kinds := []string{tr("import.kind_marc"), tr("import.kind_titles"), tr("import.kind_readers")}
	s.kind = widget.NewRadioGroup(kinds, func(string) { s.reset() })
	s.kind.Horizontal = true
	s.kind.SetSelected(kinds[0])
	s.file = widget.NewLabel(tr("import.no_file"))
	s.update = widget.NewCheck(tr("import.update_existing"), nil)
	s.mapBox = container.NewVBox()
	s.holdings = widget.NewMultiLineEntry()
	s.holdings.Wrapping = fyne.TextWrapWord
	s.holdings.SetMinRowsVisible(2)
	formats := []string{tr("import.format_auto"), tr("import.format_marc21"), tr("import.format_unimarc")}
	s.format = widget.NewSelect(formats, func(string) { s.showDefaultHoldings() })
	s.format.SetSelected(formats[0])
	s.marcBox = container.NewVBox(
		container.NewHBox(widget.NewLabel(tr("import.marc_format")), s.format),
		widget.NewLabel(tr("import.holdings")), s.holdings)
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.bar = widget.NewProgressBarInfinite()
	s.bar.Hide()
	s.count = widget.NewLabel("")
	choose := widget.NewButton(tr("import.choose_file"), s.chooseFile)
	preview := widget.NewButton(tr("import.preview"), func() { s.run(true) })
	run := widget.NewButton(tr("import.run"), func() { s.run(false) })
	run.Importance = widget.HighImportance
	stop := widget.NewButton(tr("common.cancel"), func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	s.buttons = container.NewHBox(preview, run, stop)
	top := container.NewVBox(s.kind, container.NewHBox(choose, s.file), s.update, s.marcBox, s.mapBox, s.buttons,
		container.NewBorder(nil, nil, nil, s.count, s.bar))
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.result))
	return s
}

func (s *importScreen) kindName() string {
	switch s.kind.Selected {
	case tr("import.kind_titles"):
		return importTitles
	case tr("import.kind_readers"):
		return importReaders
	}
	return importMARC
}

// marcFormat is the dialect chosen.
func (s *importScreen) marcFormat() marc.Format {
	switch s.format.Selected {
	case tr("import.format_marc21"):
		return marc.FormatMARC21
	case tr("import.format_unimarc"):
		return marc.FormatUNIMARC
	}
	return marc.FormatAuto
}

// showDefaultHoldings puts the chosen dialect's holdings fields in the
// entry, to be edited where a library keeps its copies elsewhere. Detecting
// the dialect per record leaves it empty: each record gets its own
// dialect's defaults.
func (s *importScreen) showDefaultHoldings() {
	if s.holdings == nil {
		return
	}
	s.holdings.SetPlaceHolder(tr("import.holdings_auto"))
	s.holdings.SetText(marc.FormatHoldings(marc.DefaultHoldings(s.marcFormat())))
}

func (s *importScreen) reset() {
	s.data, s.table, s.mapping = nil, nil, nil
	if s.marcBox != nil {
		if s.kindName() == importMARC {
			s.marcBox.Show()
		} else {
			s.marcBox.Hide()
		}
	}
	if s.file != nil {
		s.file.SetText(tr("import.no_file"))
		s.mapBox.Objects = nil
		s.mapBox.Refresh()
		s.result.SetText("")
	}
}

func (s *importScreen) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, 256<<20))
		if err != nil {
			s.result.SetText(errorText(err))
			return
		}
		s.load(r.URI().Name(), data)
	}, s.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// load takes a file's bytes (also the entry point for tests).
func (s *importScreen) load(name string, data []byte) {
	s.data = data
	s.file.SetText(name)
	s.mapBox.Objects = nil
	s.table = nil
	if s.kindName() != importMARC {
		t, err := importer.ReadTable(strings.NewReader(string(data)))
		if err != nil {
			s.result.SetText(errorText(err))
			return
		}
		s.table = t
		fields := importer.TitleFields
		if s.kindName() == importReaders {
			fields = importer.ReaderFields
		}
		s.mapping = importer.GuessMapping(t.Header, fields)
		options := append([]string{noColumnOption}, t.Header...)
		grid := container.NewGridWithColumns(4)
		for _, f := range fields {
			field := f
			sel := widget.NewSelect(options, func(v string) {
				delete(s.mapping, field)
				for i, h := range t.Header {
					if h == v {
						s.mapping[field] = i
					}
				}
			})
			if i, ok := s.mapping[field]; ok {
				sel.SetSelected(t.Header[i])
			} else {
				sel.SetSelected(noColumnOption)
			}
			grid.Add(widget.NewLabel(tr("import.field." + field)))
			grid.Add(sel)
		}
		s.mapBox.Add(widget.NewLabel(tr("import.mapping_help", "rows", strconv.Itoa(len(t.Rows)))))
		s.mapBox.Add(grid)
	}
	s.mapBox.Refresh()
	s.result.SetText(tr("import.ready"))
}

func (s *importScreen) run(dry bool) {
	if s.data == nil {
		s.result.SetText(tr("import.no_file"))
		return
	}
	actor := s.actor()
	dup := app.DuplicateSkip
	if s.update.Checked {
		dup = app.DuplicateUpdate
	}
	var marcOpts importer.MARCOptions
	if s.kindName() == importMARC {
		m, err := importer.MARCMapping(s.marcFormat(), s.holdings.Text)
		if text, ok := importer.HoldingsErrorText(err); ok {
			s.result.SetText(text)
			return
		}
		marcOpts.Mapping = m
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.bar.Show()
	s.bar.Start()
	s.count.SetText("")
	kind, data, table, mapping := s.kindName(), s.data, s.table, s.mapping
	go func() {
		defer cancel()
		var text string
		var err error
		switch kind {
		case importMARC:
			var rep *importer.Report
			marcOpts.OnDuplicate = dup
			marcOpts.Progress = func(n int) {
				fyne.Do(func() { s.count.SetText(tr("import.records_done", "count", strconv.Itoa(n))) })
			}
			rep, err = importer.ImportMARC(ctx, s.lib, actor, strings.NewReader(string(data)), marcOpts, dry)
			if rep != nil {
				text = reportText(rep, dry)
			}
		case importTitles:
			var rep *importer.Report
			rep, err = importer.ImportTitleTable(ctx, s.lib, actor, table, mapping, dup, dry)
			if rep != nil {
				text = reportText(rep, dry)
			}
		case importReaders:
			var rep *importer.ReaderReport
			rep, err = importer.ImportReaderTable(ctx, s.lib, actor, table, mapping, "STU", dry)
			if rep != nil {
				key := "import.readers_done"
				if dry {
					key = "import.readers_preview"
				}
				text = tr(key, "rows", strconv.Itoa(rep.Rows), "created", strconv.Itoa(rep.Created),
					"updated", strconv.Itoa(rep.Updated), "unchanged", strconv.Itoa(rep.Unchanged),
					"refused", strconv.Itoa(len(rep.Refused))) + refusedText(rep.Refused)
				if rep.Cancelled {
					text += "\n" + tr("import.cancelled")
				}
			}
		}
		if err != nil {
			text = strings.TrimSpace(text + "\n" + errorText(err))
		}
		fyne.Do(func() {
			s.bar.Stop()
			s.bar.Hide()
			s.result.SetText(text)
		})
	}()
}

func reportText(rep *importer.Report, dry bool) string {
	key := "import.done"
	if dry {
		key = "import.preview_done"
	}
	var b strings.Builder
	b.WriteString(tr(key, "records", strconv.Itoa(rep.Records), "good", strconv.Itoa(rep.Good),
		"damaged", strconv.Itoa(len(rep.Damaged)), "new", strconv.Itoa(rep.NewTitles),
		"matched", strconv.Itoa(rep.Matched), "copies", strconv.Itoa(rep.CopiesAdded)))
	for _, d := range rep.Damaged {
		b.WriteString("\n" + tr("import.damaged", "record", strconv.Itoa(d.Record), "reason", i18n.T("marc.damage."+d.Reason)))
	}
	b.WriteString(refusedText(rep.Refused))
	if rep.Cancelled {
		b.WriteString("\n" + tr("import.cancelled"))
	}
	return b.String()
}

func refusedText(refused []importer.Refused) string {
	var b strings.Builder
	for _, r := range refused {
		b.WriteString("\n" + tr("import.refused_line", "source", importer.SourceText(i18n.Current(), r.Source), "reason", errorText(r.Err)))
	}
	return b.String()
}

// NewYearEndScreen previews and carries out the school year's promotion.
func NewYearEndScreen(lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	grades := widget.NewEntry()
	grades.SetText(strings.Join(app.DefaultGrades, ","))
	out := widget.NewLabel("")
	out.Wrapping = fyne.TextWrapWord
	show := func(plan []app.PromotionLine, err error) {
		if err != nil {
			out.SetText(errorText(err))
			return
		}
		var b strings.Builder
		for _, l := range plan {
			to := l.ToClass
			if l.Graduates {
				to = tr("yearend.graduates")
				if l.Keeps != "" {
					to += " — " + errorText(app.Refuse(l.Keeps, "reader", l.Reader.Name))
				}
			}
			b.WriteString(l.Reader.Card + "  " + l.Reader.Name + "  " + l.FromClass + " → " + to + "\n")
		}
		if len(plan) == 0 {
			b.WriteString(tr("yearend.nothing"))
		}
		out.SetText(b.String())
	}
	parse := func() app.Grades { return app.Grades(strings.Split(grades.Text, ",")) }
	preview := widget.NewButton(tr("import.preview"), func() { show(lib.PreviewPromotion(parse())) })
	promote := widget.NewButton(tr("yearend.promote"), func() { show(lib.Promote(actor(), parse())) })
	promote.Importance = widget.DangerImportance
	top := container.NewVBox(widget.NewLabel(tr("yearend.help")), grades, container.NewHBox(preview, promote))
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(out))
}
