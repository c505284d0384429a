package export

import (
	"image/color"
	"io"
	"sort"
	"strings"

	"github.com/boombuler/barcode/code128"
	"github.com/cockroachdb/errors"
	"github.com/go-pdf/fpdf"

	"github.com/circa-library/circa/app"
)

// LabelSheet describes a sheet of labels, in millimetres: the page, the grid
// of labels, where the first label's top-left corner is and the space
// between labels.
type LabelSheet struct {
	Name                  string
	PageW, PageH          float64
	Cols, Rows            int
	LabelW, LabelH        float64
	MarginTop, MarginLeft float64
	GapX, GapY            float64
}

// LabelSheets are presets for common A4 sheets.
var LabelSheets = []LabelSheet{
	{Name: "A4-3x8", Cols: 3, Rows: 8, LabelW: 70, LabelH: 37, MarginTop: 0.5, MarginLeft: 0},
	{Name: "A4-4x10", Cols: 4, Rows: 10, LabelW: 48.5, LabelH: 25.4, MarginTop: 21.5, MarginLeft: 8},
	{Name: "A4-3x7", Cols: 3, Rows: 7, LabelW: 63.5, LabelH: 38.1, MarginTop: 15.15, MarginLeft: 7.2, GapX: 2.5},
	{Name: "A4-5x13", Cols: 5, Rows: 13, LabelW: 38.1, LabelH: 21.2, MarginTop: 10.7, MarginLeft: 4.7, GapX: 2.5},
	// Reader cards: ID-1 (credit card) size, ten to an A4 sheet.
	{Name: "A4-cards-2x5", Cols: 2, Rows: 5, LabelW: 85.6, LabelH: 54, MarginTop: 13.5, MarginLeft: 15.4, GapX: 8},
}

// LabelSheetByName finds a preset.
func LabelSheetByName(name string) (LabelSheet, bool) {
	for _, s := range LabelSheets {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return LabelSheet{}, false
}

// Check refuses a sheet whose labels do not fit on its page (A4 when the
// page size is zero).
func (s *LabelSheet) Check() error {
	if s.PageW == 0 || s.PageH == 0 {
		s.PageW, s.PageH = 210, 297
	}
	bad := s.Cols < 1 || s.Rows < 1 || s.LabelW <= 5 || s.LabelH <= 5 || s.MarginTop < 0 || s.MarginLeft < 0 || s.GapX < 0 || s.GapY < 0 ||
		s.MarginLeft+float64(s.Cols)*s.LabelW+float64(s.Cols-1)*s.GapX > s.PageW+0.01 ||
		s.MarginTop+float64(s.Rows)*s.LabelH+float64(s.Rows-1)*s.GapY > s.PageH+0.01
	if bad {
		return app.Refuse(app.ReasonInvalidInput, "field", "label_sheet")
	}
	return nil
}

// PerPage is how many labels a sheet holds.
func (s LabelSheet) PerPage() int { return s.Cols * s.Rows }

// CopyLabel is what one copy's labels show.
type CopyLabel struct {
	Barcode    string
	Title      string
	CallNumber string
	Library    string
}

// ReaderCard is what one reader card shows. No phone, no address: a card
// is easily lost.
type ReaderCard struct {
	Card    string
	Name    string
	Class   string
	Expiry  app.Date
	Library string
}

// LabelOptions adjust label output.
type LabelOptions struct {
	// Skip leaves the first labels of the first sheet empty, to use up a
	// partly used sheet.
	Skip int
	// Border draws each label's outline (for checking alignment on plain
	// paper).
	Border bool
}

// labelGrid draws n labels with draw, laying them out on pages of sheet.
func labelGrid(w io.Writer, sheet LabelSheet, n int, opts LabelOptions, texts []string, draw func(pdf *fpdf.Fpdf, i int, x, y float64)) error {
	if err := sheet.Check(); err != nil {
		return err
	}
	pdf, err := NewPDFSized("P", sheet.PageW, sheet.PageH, texts...)
	if err != nil {
		return err
	}
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	per := sheet.PerPage()
	skip := max(0, min(opts.Skip, per-1))
	for i := 0; i < n; i++ {
		slot := (i + skip) % per
		if i == 0 || slot == 0 {
			pdf.AddPage()
		}
		col, row := slot%sheet.Cols, slot/sheet.Cols
		x := sheet.MarginLeft + float64(col)*(sheet.LabelW+sheet.GapX)
		y := sheet.MarginTop + float64(row)*(sheet.LabelH+sheet.GapY)
		if opts.Border {
			pdf.SetDrawColor(190, 190, 190)
			pdf.SetLineWidth(0.1)
			pdf.Rect(x, y, sheet.LabelW, sheet.LabelH, "D")
		}
		draw(pdf, i, x, y)
	}
	if n == 0 {
		pdf.AddPage()
	}
	if err := pdf.Error(); err != nil {
		return errors.Wrap(err, "drawing labels")
	}
	return WritePDF(pdf, w)
}

// drawBarcode draws text as Code 128 bars centred in the box (x, y, w, h),
// as vector rectangles so print stays sharp.
func drawBarcode(pdf *fpdf.Fpdf, text string, x, y, w, h float64) error {
	bc, err := code128.Encode(text)
	if err != nil {
		return errors.Wrapf(err, "encoding barcode %q", text)
	}
	modules := bc.Bounds().Dx()
	quiet := 10
	mod := min(0.38, w/float64(modules+2*quiet))
	x0 := x + (w-mod*float64(modules))/2
	pdf.SetFillColor(0, 0, 0)
	for i := 0; i < modules; {
		if !dark(bc.At(i, 0)) {
			i++
			continue
		}
		j := i
		for j < modules && dark(bc.At(j, 0)) {
			j++
		}
		pdf.Rect(x0+float64(i)*mod, y, float64(j-i)*mod, h, "F")
		i = j
	}
	return nil
}

func dark(c color.Color) bool {
	r, _, _, _ := c.RGBA()
	return r < 0x8000
}

// CopyLabels writes barcode labels: library name, title, the barcode in
// Code 128 with its digits, and the call number.
func CopyLabels(w io.Writer, sheet LabelSheet, items []CopyLabel, opts LabelOptions) error {
	texts := []string{"0123456789"}
	for _, it := range items {
		texts = append(texts, it.Barcode, it.Title, it.CallNumber, it.Library)
	}
	var firstErr error
	err := labelGrid(w, sheet, len(items), opts, texts, func(pdf *fpdf.Fpdf, i int, x, y float64) {
		it := items[i]
		pad := min(3, sheet.LabelW*0.05)
		iw, lh := sheet.LabelW-2*pad, sheet.LabelH
		small := min(7, lh/5)
		pdf.SetFont(FontFamily, "", small)
		line := small * 0.45
		ty := y + pad*0.6
		if it.Library != "" {
			pdf.SetXY(x+pad, ty)
			pdf.CellFormat(iw, line, fitText(pdf, it.Library, iw), "", 0, "L", false, 0, "")
			ty += line
		}
		pdf.SetFont(FontFamily, "B", small)
		pdf.SetXY(x+pad, ty)
		pdf.CellFormat(iw, line, fitText(pdf, it.Title, iw), "", 0, "L", false, 0, "")
		ty += line + 0.5
		bottomText := small * 0.45
		barH := y + lh - pad*0.6 - bottomText - ty - 0.5
		if err := drawBarcode(pdf, it.Barcode, x+pad, ty, iw, max(barH, 3)); err != nil && firstErr == nil {
			firstErr = err
		}
		pdf.SetFont(FontFamily, "", small)
		pdf.SetXY(x+pad, y+lh-pad*0.6-bottomText)
		pdf.CellFormat(iw/2, bottomText, it.Barcode, "", 0, "L", false, 0, "")
		pdf.CellFormat(iw/2, bottomText, fitText(pdf, it.CallNumber, iw/2), "", 0, "R", false, 0, "")
	})
	if firstErr != nil {
		return firstErr
	}
	return err
}

// SpineLabels writes spine labels: the call number in large type, split
// into lines at "/" and spaces (中图法 "I247.5/123" → "I247.5" over "123").
func SpineLabels(w io.Writer, sheet LabelSheet, items []CopyLabel, opts LabelOptions) error {
	texts := []string{}
	for _, it := range items {
		texts = append(texts, it.CallNumber, it.Barcode)
	}
	return labelGrid(w, sheet, len(items), opts, texts, func(pdf *fpdf.Fpdf, i int, x, y float64) {
		lines := strings.FieldsFunc(items[i].CallNumber, func(r rune) bool { return r == '/' || r == ' ' })
		if len(lines) == 0 {
			lines = []string{items[i].Barcode}
		}
		lh := sheet.LabelH / float64(len(lines)+1)
		size := min(16, lh/0.4)
		pdf.SetFont(FontFamily, "B", size)
		for len(lines) > 0 && size > 6 && widest(pdf, lines) > sheet.LabelW-2 {
			size--
			pdf.SetFont(FontFamily, "B", size)
		}
		h := size * 0.45
		y0 := y + (sheet.LabelH-h*float64(len(lines)))/2
		for j, l := range lines {
			pdf.SetXY(x, y0+float64(j)*h)
			pdf.CellFormat(sheet.LabelW, h, l, "", 0, "C", false, 0, "")
		}
	})
}

func widest(pdf *fpdf.Fpdf, lines []string) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, pdf.GetStringWidth(l))
	}
	return w
}

// ReaderCards writes reader cards: library name, reader's name, class, the
// card number as Code 128 and the expiry.
func ReaderCards(w io.Writer, sheet LabelSheet, cards []ReaderCard, opts LabelOptions) error {
	texts := []string{"0123456789-"}
	for _, c := range cards {
		texts = append(texts, c.Card, c.Name, c.Class, c.Library, string(c.Expiry))
	}
	var firstErr error
	err := labelGrid(w, sheet, len(cards), opts, texts, func(pdf *fpdf.Fpdf, i int, x, y float64) {
		c := cards[i]
		pad := 4.0
		iw := sheet.LabelW - 2*pad
		pdf.SetFillColor(43, 108, 176)
		pdf.Rect(x, y, sheet.LabelW, min(10, sheet.LabelH/5), "F")
		pdf.SetTextColor(255, 255, 255)
		pdf.SetFont(FontFamily, "B", 9)
		pdf.SetXY(x+pad, y+1)
		pdf.CellFormat(iw, min(8, sheet.LabelH/5-2), fitText(pdf, c.Library, iw), "", 0, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		ty := y + min(10, sheet.LabelH/5) + 2
		pdf.SetFont(FontFamily, "B", 14)
		pdf.SetXY(x+pad, ty)
		pdf.CellFormat(iw, 7, fitText(pdf, c.Name, iw), "", 0, "L", false, 0, "")
		ty += 7
		pdf.SetFont(FontFamily, "", 9)
		pdf.SetXY(x+pad, ty)
		pdf.CellFormat(iw, 5, fitText(pdf, c.Class, iw), "", 0, "L", false, 0, "")
		ty += 6
		barH := sheet.LabelH - (ty - y) - 9
		if err := drawBarcode(pdf, c.Card, x+pad, ty, iw, max(barH, 4)); err != nil && firstErr == nil {
			firstErr = err
		}
		pdf.SetFont(FontFamily, "", 8)
		pdf.SetXY(x+pad, y+sheet.LabelH-7)
		pdf.CellFormat(iw/2, 4, c.Card, "", 0, "L", false, 0, "")
		pdf.CellFormat(iw/2, 4, string(c.Expiry), "", 0, "R", false, 0, "")
	})
	if firstErr != nil {
		return firstErr
	}
	return err
}

// LabelQuery chooses what to print labels for. Empty: everything.
type LabelQuery struct {
	// Barcodes (copies) or card numbers (readers) to print, in this order.
	Codes []string
	// Search finds titles (copies) or readers by the library's search.
	Search string
	// Class picks a school class's readers; Location a shelf's copies.
	Class, Location string
}

// CopyLabelsFor gathers the copies q picks, ordered by call number then
// barcode (q.Codes keep their order).
func CopyLabelsFor(lib *app.Library, q LabelQuery) ([]CopyLabel, error) {
	libName, err := lib.Setting(app.SettingLibraryName, "")
	if err != nil {
		return nil, err
	}
	var copies []*app.Copy
	switch {
	case len(q.Codes) > 0:
		for _, b := range q.Codes {
			c, err := lib.CopyByBarcode(b)
			if err != nil {
				return nil, err
			}
			copies = append(copies, c)
		}
	case q.Search != "":
		titles, err := lib.SearchTitles(q.Search, 0)
		if err != nil {
			return nil, err
		}
		for _, t := range titles {
			cs, err := lib.CopiesOf(t.ID)
			if err != nil {
				return nil, err
			}
			copies = append(copies, cs...)
		}
	default:
		err = lib.View(func(tx app.Tx) error {
			return tx.ForEach(app.CollCopies, func(id string, raw []byte) error {
				c := &app.Copy{}
				if _, err := tx.Get(app.CollCopies, id, c); err != nil || c.Deleted {
					return err
				}
				copies = append(copies, c)
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	var out []CopyLabel
	titles := map[string]*app.Title{}
	for _, c := range copies {
		if c.Deleted || c.Status == app.CopyWithdrawn || q.Location != "" && c.Location != q.Location {
			continue
		}
		t, ok := titles[c.TitleID]
		if !ok {
			if t, err = lib.Title(c.TitleID); err != nil {
				return nil, err
			}
			titles[c.TitleID] = t
		}
		call := c.CallNumber
		if call == "" {
			call = t.CallNumber
		}
		out = append(out, CopyLabel{Barcode: c.Barcode, Title: t.Title, CallNumber: call, Library: libName})
	}
	if len(q.Codes) == 0 {
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].CallNumber != out[j].CallNumber {
				return out[i].CallNumber < out[j].CallNumber
			}
			return out[i].Barcode < out[j].Barcode
		})
	}
	return out, nil
}

// ReaderCardsFor gathers the readers q picks, by class then name (q.Codes
// keep their order). Archived readers get no card.
func ReaderCardsFor(lib *app.Library, q LabelQuery) ([]ReaderCard, error) {
	libName, err := lib.Setting(app.SettingLibraryName, "")
	if err != nil {
		return nil, err
	}
	var readers []*app.Reader
	switch {
	case len(q.Codes) > 0:
		for _, c := range q.Codes {
			r, err := lib.ReaderByCard(c)
			if err != nil {
				return nil, err
			}
			readers = append(readers, r)
		}
	case q.Class != "":
		if readers, err = lib.ReadersInClass(q.Class); err != nil {
			return nil, err
		}
	case q.Search != "":
		if readers, err = lib.SearchReaders(q.Search, 0); err != nil {
			return nil, err
		}
	default:
		err = lib.View(func(tx app.Tx) error {
			return tx.ForEach(app.CollReaders, func(id string, raw []byte) error {
				r := &app.Reader{}
				if _, err := tx.Get(app.CollReaders, id, r); err != nil || r.Deleted {
					return err
				}
				readers = append(readers, r)
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	var out []ReaderCard
	for _, r := range readers {
		if r.Deleted || r.Status == app.ReaderArchived {
			continue
		}
		out = append(out, ReaderCard{Card: r.Card, Name: r.Name, Class: r.Class, Expiry: r.Expiry, Library: libName})
	}
	if len(q.Codes) == 0 {
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Class != out[j].Class {
				return out[i].Class < out[j].Class
			}
			return out[i].Name < out[j].Name
		})
	}
	return out, nil
}

// Labels writes the labels of kind "copies", "spine" or "cards" for what q
// picks: what `circa labels KIND` does. It returns how many labels it drew.
func Labels(lib *app.Library, kind string, w io.Writer, sheet LabelSheet, q LabelQuery, opts LabelOptions) (int, error) {
	switch kind {
	case "copies", "spine":
		items, err := CopyLabelsFor(lib, q)
		if err != nil {
			return 0, err
		}
		if kind == "spine" {
			return len(items), SpineLabels(w, sheet, items, opts)
		}
		return len(items), CopyLabels(w, sheet, items, opts)
	case "cards":
		cards, err := ReaderCardsFor(lib, q)
		if err != nil {
			return 0, err
		}
		return len(cards), ReaderCards(w, sheet, cards, opts)
	}
	return 0, app.Refuse(app.ReasonInvalidInput, "field", "labels", "value", kind)
}
