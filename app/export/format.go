package export

import (
	"archive/zip"
	"compress/flate"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/xuri/excelize/v2"

	"github.com/circa-library/circa/app"
)

// Format is an output file format.
type Format string

// Formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	PDF  Format = "pdf"
)

// ParseFormat accepts "csv", "xlsx" or "pdf" in any case, with or without a
// leading dot.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), ".")); f {
	case CSV, XLSX, PDF:
		return f, nil
	}
	return "", app.Refuse(app.ReasonInvalidInput, "field", "format", "value", s)
}

// bom makes Excel read a CSV file as UTF-8.
const bom = "\uFEFF"

// sheet receives rows of one table. Cells are string, int, int64, float64,
// bool or time.Time; nil is an empty cell.
type sheet interface {
	// Sheet starts a new table (a worksheet in XLSX; a titled block after a
	// blank line in CSV).
	Sheet(name string, header []string) error
	Row(cells []any) error
	Close() error
}

// newSheet returns a sheet writer for format on w.
func newSheet(w io.Writer, f Format) (sheet, error) {
	switch f {
	case CSV:
		if _, err := io.WriteString(w, bom); err != nil {
			return nil, errors.Wrap(err, "writing")
		}
		return &csvSheet{w: csv.NewWriter(w)}, nil
	case XLSX:
		f := excelize.NewFile()
		f.SetZipWriter(fastZip)
		return &xlsxSheet{out: w, f: f}, nil
	}
	return nil, app.Refuse(app.ReasonInvalidInput, "field", "format", "value", string(f))
}

// fastZip compresses a workbook at flate's best speed: at the default
// level, compressing is nearly half the time of a million-row export, and
// best speed makes the file only about a tenth larger.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

type csvSheet struct {
	w      *csv.Writer
	sheets int
	buf    []string
}

func (s *csvSheet) Sheet(name string, header []string) error {
	if s.sheets > 0 {
		if err := s.w.Write(nil); err != nil {
			return err
		}
	}
	s.sheets++
	if name != "" {
		if err := s.w.Write([]string{name}); err != nil {
			return err
		}
	}
	return s.w.Write(header)
}

func (s *csvSheet) Row(cells []any) error {
	s.buf = s.buf[:0]
	for _, c := range cells {
		s.buf = append(s.buf, text(c))
	}
	return s.w.Write(s.buf)
}

func (s *csvSheet) Close() error {
	s.w.Flush()
	return errors.Wrap(s.w.Error(), "writing CSV")
}

type xlsxSheet struct {
	out   io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	n     int // sheets started
	used  map[string]bool
	row   int
	cells []any
	bold  int
}

func (s *xlsxSheet) Sheet(name string, header []string) error {
	if err := s.flush(); err != nil {
		return err
	}
	if s.used == nil {
		s.used = map[string]bool{}
	}
	name = sheetName(name, s.used)
	if s.n == 0 {
		if err := s.f.SetSheetName("Sheet1", name); err != nil {
			return errors.Wrap(err, "naming the sheet")
		}
		st, err := s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return errors.Wrap(err, "making the header style")
		}
		s.bold = st
	} else if _, err := s.f.NewSheet(name); err != nil {
		return errors.Wrap(err, "adding a sheet")
	}
	s.n++
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return errors.Wrap(err, "starting the sheet")
	}
	s.sw, s.row = sw, 1
	for i, h := range header {
		w := 12.0
		if n := len([]rune(h)); n > 10 {
			w = float64(n) * 1.3
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = excelize.Cell{StyleID: s.bold, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return s.setRow(hdr)
}

// sheetName makes a valid worksheet name not in used: at most 31
// characters and none of : \ / ? * [ ].
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		name = "Sheet"
	}
	r := []rune(name)
	if len(r) > 31 {
		r = r[:31]
	}
	out := string(r)
	for i := 2; used[out]; i++ {
		suffix := " " + strconv.Itoa(i)
		out = string(r[:min(len(r), 31-len(suffix))]) + suffix
	}
	used[out] = true
	return out
}

func (s *xlsxSheet) Row(cells []any) error {
	s.cells = s.cells[:0]
	for _, c := range cells {
		if t, ok := c.(time.Time); ok && t.IsZero() {
			c = nil
		}
		s.cells = append(s.cells, c)
	}
	return s.setRow(s.cells)
}

func (s *xlsxSheet) setRow(cells []any) error {
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	s.row++
	return errors.Wrap(s.sw.SetRow(cell, cells), "writing a row")
}

func (s *xlsxSheet) flush() error {
	if s.sw == nil {
		return nil
	}
	err := s.sw.Flush()
	s.sw = nil
	return errors.Wrap(err, "finishing the sheet")
}

func (s *xlsxSheet) Close() error {
	defer s.f.Close()
	if s.n == 0 {
		if err := s.Sheet("Sheet", nil); err != nil {
			return err
		}
	}
	if err := s.flush(); err != nil {
		return err
	}
	return errors.Wrap(s.f.Write(s.out), "writing XLSX")
}

// text formats a cell for CSV.
func text(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format(time.RFC3339)
	}
	return cellText(c)
}
