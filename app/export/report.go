package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/cockroachdb/errors"
	"github.com/go-pdf/fpdf"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/assets/i18n"
)

// ReportOptions adjust a report file.
type ReportOptions struct {
	// Library names the library in a PDF's heading.
	Library string
	// NoCharts leaves the charts out of a PDF.
	NoCharts bool
}

// Stats builds the report name ("" or "all": the whole dashboard) for [from,
// to) in the current language and writes it to w: what `circa export stats`
// does.
func Stats(lib *app.Library, w io.Writer, name string, from, to app.Date, f Format) error {
	var names []string
	if name != "" && name != "all" {
		names = []string{name}
	}
	tables, err := reports.BuildIn(lib, names, from, to, i18n.Current())
	if err != nil {
		return err
	}
	libName, err := lib.Setting(app.SettingLibraryName, "")
	if err != nil {
		return err
	}
	return Report(w, f, tables, ReportOptions{Library: libName})
}

// Report writes tables to w: in CSV one block per table, in XLSX one
// worksheet per table, in PDF a section per table with its chart above it.
func Report(w io.Writer, f Format, tables []*reports.Table, opts ReportOptions) error {
	if f == PDF {
		return reportPDF(w, tables, opts)
	}
	s, err := newSheet(w, f)
	if err != nil {
		return err
	}
	for _, t := range tables {
		header := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			header[i] = c.Label
		}
		name := t.Title
		if f == CSV {
			name = t.Title + " " + periodText(t.Period)
		}
		if err := s.Sheet(name, header); err != nil {
			return err
		}
		for _, r := range t.Rows {
			if err := s.Row(r); err != nil {
				return err
			}
		}
		if t.Note != "" {
			if err := s.Row([]any{t.Note}); err != nil {
				return err
			}
		}
	}
	return s.Close()
}

func periodText(p reports.Period) string {
	if p.From == "" {
		return ""
	}
	return fmt.Sprintf("%s – %s", p.From, p.To.AddDays(-1))
}

func cellText(v any) string { return reports.Cell(v) }

func reportPDF(w io.Writer, tables []*reports.Table, opts ReportOptions) error {
	texts := []string{opts.Library, "0123456789–:%+-—., "}
	for _, t := range tables {
		texts = append(texts, t.Title, t.Note)
		for _, c := range t.Columns {
			texts = append(texts, c.Label)
		}
		for _, r := range t.Rows {
			for _, c := range r {
				texts = append(texts, cellText(c))
			}
		}
		if t.Chart != nil {
			for _, s := range t.Chart.Series {
				texts = append(texts, s.Name)
			}
		}
	}
	pdf, err := NewPDF("P", "A4", texts...)
	if err != nil {
		return err
	}
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(false, 15)
	for i, t := range tables {
		if i == 0 || !opts.NoCharts && t.Chart != nil {
			pdf.AddPage()
		} else {
			pdf.Ln(8)
		}
		if i == 0 && opts.Library != "" {
			pdf.SetFont(FontFamily, "", 10)
			pdf.CellFormat(0, 6, opts.Library, "", 1, "L", false, 0, "")
		}
		pdf.SetFont(FontFamily, "B", 14)
		pdf.CellFormat(0, 8, t.Title, "", 1, "L", false, 0, "")
		pdf.SetFont(FontFamily, "", 9)
		pdf.CellFormat(0, 5, periodText(t.Period), "", 1, "L", false, 0, "")
		pdf.Ln(2)
		if !opts.NoCharts && t.Chart != nil && len(t.Chart.Labels) > 0 {
			img, err := t.Chart.Render(1800, 760, 2.2)
			if err != nil {
				return err
			}
			wd := 180.0
			ht := wd * 760 / 1800
			if err := PlaceImage(pdf, img, 15, pdf.GetY(), wd, ht); err != nil {
				return err
			}
			pdf.SetY(pdf.GetY() + ht + 4)
		}
		header := make([]string, len(t.Columns))
		numeric := make([]bool, len(t.Columns))
		for i, c := range t.Columns {
			header[i], numeric[i] = c.Label, c.Numeric
		}
		rows := make([][]string, len(t.Rows))
		for i, r := range t.Rows {
			rows[i] = make([]string, len(r))
			for j, c := range r {
				rows[i][j] = cellText(c)
			}
		}
		DrawTable(pdf, header, numeric, rows)
		if t.Note != "" {
			pdf.SetFont(FontFamily, "", 8)
			pdf.Ln(2)
			pdf.MultiCell(0, 4, t.Note, "", "L", false)
		}
	}
	if err := pdf.Error(); err != nil {
		return errors.Wrap(err, "drawing the report")
	}
	return WritePDF(pdf, w)
}

// DrawTable draws a table at the current position of pdf, across the space
// between the margins, repeating the header on each new page. Column widths
// follow their content; cells too wide are cut short with an ellipsis.
func DrawTable(pdf *fpdf.Fpdf, header []string, numeric []bool, rows [][]string) {
	const rowH = 6.0
	left, _, right, bottom := pdf.GetMargins()
	pageW, pageH := pdf.GetPageSize()
	avail := pageW - left - right
	pdf.SetFont(FontFamily, "", 9)
	want := make([]float64, len(header))
	for i, h := range header {
		want[i] = pdf.GetStringWidth(h) + 3
	}
	for n, r := range rows {
		if n > 200 {
			break // enough to judge the widths
		}
		for i, c := range r {
			if i < len(want) {
				want[i] = max(want[i], min(pdf.GetStringWidth(c)+3, avail*0.6))
			}
		}
	}
	total := 0.0
	for _, w := range want {
		total += w
	}
	widths := make([]float64, len(want))
	for i, w := range want {
		widths[i] = w / total * avail
	}
	drawRow := func(cells []string, bold bool) {
		style := ""
		if bold {
			style = "B"
			pdf.SetFillColor(235, 238, 242)
		}
		pdf.SetFont(FontFamily, style, 9)
		x := left
		y := pdf.GetY()
		for i := range header {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			align := "L"
			if i < len(numeric) && numeric[i] && !bold {
				align = "R"
			}
			pdf.SetXY(x, y)
			pdf.CellFormat(widths[i], rowH, fitText(pdf, strings.ReplaceAll(c, "\n", " "), widths[i]-2), "B", 0, align, bold, 0, "")
			x += widths[i]
		}
		pdf.SetXY(left, y+rowH)
	}
	drawRow(header, true)
	for _, r := range rows {
		if pdf.GetY()+rowH > pageH-bottom {
			pdf.AddPage()
			drawRow(header, true)
		}
		drawRow(r, false)
	}
}
