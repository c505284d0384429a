package notices

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app/export"
	"github.com/circa-library/circa/assets/i18n"
)

// Slips writes one PDF with a slip per reader: the rendered notice body
// under the reader's name and class, slips stacked down A4 pages with cut
// lines between them, each class starting on a new page.
func Slips(w io.Writer, ns []*Notice, ts *Templates) error {
	msgs := make([]Message, len(ns))
	texts := []string{"✂-–"}
	for i, n := range ns {
		m, err := ts.Render(n)
		if err != nil {
			return err
		}
		msgs[i] = m
		texts = append(texts, m.Subject, m.Body, n.Reader.Name, n.Reader.Class, n.Reader.Card)
	}
	pdf, err := export.NewPDF("P", "A4", texts...)
	if err != nil {
		return err
	}
	const left, top, width, bottom = 18.0, 15.0, 174.0, 282.0
	pdf.SetMargins(left, top, 18)
	pdf.SetAutoPageBreak(false, 0)
	class := "\x00"
	for i, n := range ns {
		lines := pdf.SplitText(msgs[i].Body, width)
		h := 8 + 6 + float64(len(lines))*4.6 + 8
		if i == 0 || n.Reader.Class != class || pdf.GetY()+h > bottom {
			pdf.AddPage()
			pdf.SetY(top)
		} else {
			y := pdf.GetY()
			pdf.SetDrawColor(150, 150, 150)
			pdf.SetDashPattern([]float64{2, 2}, 0)
			pdf.Line(left-8, y, left+width+8, y)
			pdf.SetDashPattern(nil, 0)
			pdf.SetY(y + 5)
		}
		class = n.Reader.Class
		pdf.SetFont(export.FontFamily, "B", 12)
		head := n.Reader.Name
		if n.Reader.Class != "" {
			head += "  " + n.Reader.Class
		}
		pdf.CellFormat(width*0.7, 7, head, "", 0, "L", false, 0, "")
		pdf.SetFont(export.FontFamily, "", 9)
		pdf.CellFormat(width*0.3, 7, n.Reader.Card, "", 1, "R", false, 0, "")
		pdf.SetFont(export.FontFamily, "B", 10)
		pdf.CellFormat(width, 6, msgs[i].Subject, "", 1, "L", false, 0, "")
		pdf.SetFont(export.FontFamily, "", 10)
		for _, l := range lines {
			pdf.CellFormat(width, 4.6, l, "", 1, "L", false, 0, "")
		}
		pdf.Ln(5)
	}
	if len(ns) == 0 {
		pdf.AddPage()
	}
	if err := pdf.Error(); err != nil {
		return errors.Wrap(err, "drawing slips")
	}
	return export.WritePDF(pdf, w)
}

// ClassLists writes one PDF with a page (or more) per class: a table of the
// class's readers and their items, for the class teacher.
func ClassLists(w io.Writer, ns []*Notice, cat *i18n.Catalogue, title string) error {
	header := []string{
		cat.T("notices.col.name"), cat.T("notices.col.card"), cat.T("notices.col.title"),
		cat.T("notices.col.due"), cat.T("notices.col.days_overdue"),
	}
	numeric := []bool{false, false, false, false, true}
	groups := ByClass(ns)
	texts := append([]string{title, "0123456789-", cat.T("notices.no_class")}, header...)
	var tables [][][]string
	for _, g := range groups {
		texts = append(texts, g.Key)
		var rows [][]string
		for _, n := range g.Notices {
			texts = append(texts, n.Reader.Name, n.Reader.Card)
			if len(n.Items) == 0 {
				rows = append(rows, []string{n.Reader.Name, n.Reader.Card, "", string(n.Reader.Expiry), ""})
			}
			for j, it := range n.Items {
				name, card := n.Reader.Name, n.Reader.Card
				if j > 0 {
					name, card = "", ""
				}
				due := string(it.Due)
				if due == "" {
					due = string(it.PickupBy)
				}
				days := ""
				if it.OverdueDays > 0 {
					days = strconv.Itoa(it.OverdueDays)
				}
				rows = append(rows, []string{name, card, it.Title, due, days})
				texts = append(texts, it.Title, due)
			}
		}
		tables = append(tables, rows)
	}
	pdf, err := export.NewPDF("P", "A4", texts...)
	if err != nil {
		return err
	}
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(false, 15)
	for i, g := range groups {
		pdf.AddPage()
		pdf.SetFont(export.FontFamily, "B", 14)
		class := g.Key
		if class == "" {
			class = cat.T("notices.no_class")
		}
		pdf.CellFormat(0, 8, class, "", 1, "L", false, 0, "")
		pdf.SetFont(export.FontFamily, "", 10)
		pdf.CellFormat(0, 6, title, "", 1, "L", false, 0, "")
		pdf.Ln(2)
		export.DrawTable(pdf, header, numeric, tables[i])
	}
	if len(groups) == 0 {
		pdf.AddPage()
	}
	if err := pdf.Error(); err != nil {
		return errors.Wrap(err, "drawing class lists")
	}
	return export.WritePDF(pdf, w)
}

// SMSCSV writes phone number, name, card and message text per notice for an
// SMS gateway (UTF-8 with BOM). Readers with no phone are returned, to be
// reached another way.
func SMSCSV(w io.Writer, ns []*Notice, ts *Templates, cat *i18n.Catalogue) (noPhone []*Notice, err error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{cat.T("notices.col.phone"), cat.T("notices.col.name"), cat.T("notices.col.card"), cat.T("notices.col.message")}); err != nil {
		return nil, err
	}
	for _, n := range ns {
		if strings.TrimSpace(n.Reader.Phone) == "" {
			noPhone = append(noPhone, n)
			continue
		}
		m, err := ts.Render(n)
		if err != nil {
			return nil, err
		}
		if err := cw.Write([]string{n.Reader.Phone, n.Reader.Name, n.Reader.Card, m.SMS}); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return noPhone, errors.Wrap(cw.Error(), "writing the SMS list")
}
