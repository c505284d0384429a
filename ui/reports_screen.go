package ui

import (
	"bytes"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/export"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/assets/i18n"
)

// reportRowsShown bounds the rows a report shows on screen; exports have all.
const reportRowsShown = 60

// reportsScreen is the statistics dashboard: a period, then each report as
// a chart with its table under it, and exports of what is shown.
type reportsScreen struct {
	w      fyne.Window
	lib    *app.Library
	actor  func() app.Actor
	preset *widget.Select
	from   *widget.Entry
	to     *widget.Entry
	status *widget.Label
	body   *fyne.Container
	tables []*reports.Table
	// done is called after each refresh (tests wait on it).
	done func()
}

// NewReportsScreen returns the statistics screen for lib.
func NewReportsScreen(w fyne.Window, lib *app.Library, actor func() app.Actor) fyne.CanvasObject {
	s := newReportsScreen(w, lib, actor)
	return s.content()
}

func newReportsScreen(w fyne.Window, lib *app.Library, actor func() app.Actor) *reportsScreen {
	s := &reportsScreen{w: w, lib: lib, actor: actor, status: widget.NewLabel(""), body: container.NewVBox()}
	s.from, s.to = widget.NewEntry(), widget.NewEntry()
	s.from.SetPlaceHolder("2026-01-01")
	s.to.SetPlaceHolder("2026-01-31")
	presets := []string{tr("reports.ui.this_month"), tr("reports.ui.last_month"), tr("reports.ui.last_30"),
		tr("reports.ui.this_year"), tr("reports.ui.last_year"), tr("reports.ui.custom")}
	setting := false
	s.preset = widget.NewSelect(presets, func(v string) {
		for i, p := range presets {
			if p == v && i < len(presets)-1 {
				from, to := presetPeriod(i, lib.Today())
				setting = true
				s.from.SetText(string(from))
				s.to.SetText(string(to.AddDays(-1)))
				setting = false
				s.refresh()
			}
		}
	})
	// Typing a date makes the period a custom one.
	custom := func(string) {
		if !setting && s.preset.SelectedIndex() != len(presets)-1 {
			s.preset.SetSelectedIndex(len(presets) - 1)
		}
	}
	s.from.OnChanged, s.to.OnChanged = custom, custom
	return s
}

// presetPeriod returns [from, to) of preset i for today.
func presetPeriod(i int, today app.Date) (app.Date, app.Date) {
	t := today.Time()
	day := func(y int, m time.Month, d int) app.Date {
		return app.Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
	}
	switch i {
	case 0:
		return day(t.Year(), t.Month(), 1), today.AddDays(1)
	case 1:
		return day(t.Year(), t.Month()-1, 1), day(t.Year(), t.Month(), 1)
	case 2:
		return today.AddDays(-29), today.AddDays(1)
	case 3:
		return day(t.Year(), 1, 1), today.AddDays(1)
	default:
		return day(t.Year()-1, 1, 1), day(t.Year(), 1, 1)
	}
}

func (s *reportsScreen) content() fyne.CanvasObject {
	show := widget.NewButton(tr("reports.ui.show"), s.refresh)
	show.Importance = widget.HighImportance
	exportBtn := func(f export.Format) *widget.Button {
		return widget.NewButton(tr("reports.ui.export", "format", string(f)), func() { s.export(f) })
	}
	bar := container.NewHBox(
		label(tr("reports.ui.period")), s.preset,
		label(tr("reports.ui.from")), container.NewGridWrap(fyne.NewSize(130, s.from.MinSize().Height), s.from),
		label(tr("reports.ui.to")), container.NewGridWrap(fyne.NewSize(130, s.to.MinSize().Height), s.to),
		show, exportBtn(export.CSV), exportBtn(export.XLSX), exportBtn(export.PDF),
	)
	s.preset.SetSelectedIndex(0)
	return container.NewBorder(container.NewVBox(bar, s.status), nil, nil, nil, container.NewVScroll(s.body))
}

// period reads the period entries: the "to" day is inclusive on screen.
func (s *reportsScreen) period() (app.Date, app.Date, error) {
	from, err := app.ParseDate(trimCode(s.from.Text))
	if err != nil {
		return "", "", err
	}
	to, err := app.ParseDate(trimCode(s.to.Text))
	if err != nil {
		return "", "", err
	}
	return from, to.AddDays(1), nil
}

func (s *reportsScreen) refresh() {
	from, to, err := s.period()
	if err != nil {
		s.status.SetText(errorText(err))
		return
	}
	s.status.SetText(tr("common.loading"))
	cat := i18n.Current()
	go func() {
		start := time.Now()
		tables, err := reports.BuildIn(s.lib, nil, from, to, cat)
		took := time.Since(start)
		type shown struct {
			t   *reports.Table
			img *canvas.Image
		}
		var out []shown
		for _, t := range tables {
			sh := shown{t: t}
			if t.Chart != nil && len(t.Chart.Labels) > 0 {
				if img, err := t.Chart.Render(820, 320, 1); err == nil {
					sh.img = canvas.NewImageFromImage(img)
					sh.img.FillMode = canvas.ImageFillContain
					sh.img.SetMinSize(fyne.NewSize(820, 320))
				}
			}
			out = append(out, sh)
		}
		fyne.Do(func() {
			defer func() {
				if s.done != nil {
					s.done()
				}
			}()
			if err != nil {
				s.status.SetText(errorText(err))
				return
			}
			s.tables = tables
			s.status.SetText(tr("reports.ui.computed", "ms", took.Milliseconds()))
			s.body.RemoveAll()
			for _, sh := range out {
				s.body.Add(heading(sh.t.Title))
				if sh.img != nil {
					s.body.Add(sh.img)
				}
				s.body.Add(tableView(sh.t))
				if sh.t.Note != "" {
					n := wrapped(sh.t.Note)
					n.Importance = widget.LowImportance
					s.body.Add(n)
				}
			}
			s.body.Refresh()
		})
	}()
}

// tableView lays a report table out as a grid of labels, numbers right
// aligned.
func tableView(t *reports.Table) fyne.CanvasObject {
	cols := len(t.Columns)
	if cols == 0 {
		return container.NewVBox()
	}
	var cells []fyne.CanvasObject
	for _, c := range t.Columns {
		l := widget.NewLabelWithStyle(c.Label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		cells = append(cells, l)
	}
	for i, r := range t.Rows {
		if i == reportRowsShown {
			break
		}
		for j, c := range r {
			align := fyne.TextAlignLeading
			if j < cols && t.Columns[j].Numeric {
				align = fyne.TextAlignTrailing
			}
			l := widget.NewLabelWithStyle(reports.Cell(c), align, fyne.TextStyle{})
			l.Truncation = fyne.TextTruncateEllipsis
			cells = append(cells, l)
		}
	}
	out := container.NewVBox(container.NewGridWithColumns(cols, cells...))
	if len(t.Rows) > reportRowsShown {
		out.Add(label(tr("reports.ui.more_rows", "shown", reportRowsShown, "total", len(t.Rows))))
	}
	return out
}

func (s *reportsScreen) export(f export.Format) {
	if len(s.tables) == 0 {
		s.status.SetText(tr("reports.ui.nothing"))
		return
	}
	tables := s.tables
	var buf bytes.Buffer
	name, _ := s.lib.Setting(app.SettingLibraryName, "")
	if err := export.Report(&buf, f, tables, export.ReportOptions{Library: name}); err != nil {
		s.status.SetText(errorText(err))
		return
	}
	p := tables[0].Period
	saveBytes(s.w, "circa-stats-"+string(p.From)+"."+string(f), buf.Bytes(), s.status)
}

// saveBytes asks where to save data and writes it there, reporting on
// status.
func saveBytes(w fyne.Window, name string, data []byte, status *widget.Label) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			status.SetText(errorText(err))
			return
		}
		if wc == nil {
			return // cancelled
		}
		defer wc.Close()
		if _, err := wc.Write(data); err != nil {
			status.SetText(errorText(err))
			return
		}
		status.SetText(tr("reports.ui.saved", "file", wc.URI().Name()))
	}, w)
	d.SetFileName(name)
	d.Show()
}
