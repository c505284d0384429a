package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/export"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

func smallLibrary(t testing.TB) *fixture.Library {
	t.Helper()
	f := fixture.New(t, fixture.Options{Titles: 25, CopiesPerTitle: 2, Readers: 12, Seed: 21})
	f.Simulate(t, 45, 6, 22)
	return f
}

// pdfText returns the text of a PDF through pdftotext, or "" with ok false
// when poppler-utils is not installed.
func pdfText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return "", false
	}
	p := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

// pdfPages counts the pages of a PDF written by fpdf (uncompressed page tree).
func pdfPages(pdf []byte) int {
	return len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(pdf, -1))
}

func TestReportFormats(t *testing.T) {
	f := smallLibrary(t)
	tables, err := reports.BuildIn(f.Lib, nil, "2026-01-20", "2026-02-19", i18n.New(i18n.Chinese))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		if err := export.Report(&buf, export.CSV, tables, export.ReportOptions{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Error("CSV does not start with a UTF-8 BOM")
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(recs[0][0], "概览") || recs[1][0] != "指标" {
			t.Errorf("CSV starts %q", recs[:2])
		}
	})
	t.Run("xlsx", func(t *testing.T) {
		var buf bytes.Buffer
		if err := export.Report(&buf, export.XLSX, tables, export.ReportOptions{}); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheets := x.GetSheetList()
		if len(sheets) != len(tables) {
			t.Fatalf("%d sheets, want %d: %q", len(sheets), len(tables), sheets)
		}
		rows, err := x.GetRows(sheets[0])
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "指标" || rows[1][0] != "借出" {
			t.Errorf("summary sheet starts %q", rows[:2])
		}
		if want := reports.Cell(tables[0].Rows[0][1]); rows[1][1] != want {
			t.Errorf("loans cell %q, want %q", rows[1][1], want)
		}
	})
	t.Run("pdf", func(t *testing.T) {
		var buf bytes.Buffer
		if err := export.Report(&buf, export.PDF, tables, export.ReportOptions{Library: "星光小学图书馆"}); err != nil {
			t.Fatal(err)
		}
		if n := pdfPages(buf.Bytes()); n < len(tables)-1 {
			t.Errorf("%d pages for %d reports with charts", n, len(tables))
		}
		if os.Getenv("CIRCA_KEEP") != "" {
			os.WriteFile(filepath.Join(os.Getenv("CIRCA_KEEP"), "report.pdf"), buf.Bytes(), 0o644)
		}
		text, ok := pdfText(t, buf.Bytes())
		if !ok {
			t.Skip("pdftotext not installed: text not checked")
		}
		for _, want := range []string{"星光小学图书馆", "概览", "借阅排行（图书）", "书名 Title"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	})
}

func auditActions(t *testing.T, lib *app.Library) []string {
	t.Helper()
	var out []string
	err := lib.View(func(tx app.Tx) error {
		return tx.EventsAfter(lib.Station(), 0, func(e *app.Event) error {
			if e.Kind == app.EvAudit {
				var p app.AuditPayload
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return err
				}
				out = append(out, p.Action+" by "+e.Staff)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDataExports(t *testing.T) {
	f := smallLibrary(t)
	admin := app.Actor{Username: "admin", Role: app.RoleAdmin}
	counts := map[string]int{"titles": len(f.Titles), "copies": len(f.Copies), "readers": len(f.Readers), "loans": len(f.Log)}
	for _, name := range []string{"titles", "copies", "readers", "loans", "fines"} {
		for _, format := range []export.Format{export.CSV, export.XLSX} {
			t.Run(name+"."+string(format), func(t *testing.T) {
				var buf bytes.Buffer
				n, err := export.Data(f.Lib, admin, name, &buf, format)
				if err != nil {
					t.Fatal(err)
				}
				if want, ok := counts[name]; ok && n != want {
					t.Errorf("%d rows, want %d", n, want)
				}
				var rows [][]string
				if format == export.CSV {
					r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
					r.FieldsPerRecord = -1
					if rows, err = r.ReadAll(); err != nil {
						t.Fatal(err)
					}
					rows = rows[1:] // the sheet name line
				} else {
					x, err := excelize.OpenReader(&buf)
					if err != nil {
						t.Fatal(err)
					}
					defer x.Close()
					if rows, err = x.GetRows(x.GetSheetList()[0]); err != nil {
						t.Fatal(err)
					}
				}
				if len(rows) != n+1 {
					t.Errorf("%d rows read back, want %d and a header", len(rows), n)
				}
			})
		}
	}
	got := strings.Join(auditActions(t, f.Lib), "\n")
	for _, a := range []string{export.AuditExportReaders, export.AuditExportLoans, export.AuditExportFines} {
		if strings.Count(got, a+" by admin") != 2 {
			t.Errorf("audit log has %q, want %s twice", got, a)
		}
	}
}

func TestReaderExportNeedsPermission(t *testing.T) {
	f := smallLibrary(t)
	for _, name := range []string{"readers", "loans", "fines"} {
		var buf bytes.Buffer
		_, err := export.Data(f.Lib, app.Actor{Username: "vol", Role: app.RoleLibrarian}, name, &buf, export.CSV)
		if app.ReasonOf(err) != app.ReasonPermissionDenied {
			t.Errorf("%s by a librarian: %v", name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written without permission", name, buf.Len())
		}
	}
	if got := auditActions(t, f.Lib); len(got) != 0 {
		t.Errorf("refused exports were logged: %q", got)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"csv": export.CSV, ".XLSX": export.XLSX, " pdf": export.PDF} {
		if got, err := export.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := export.ParseFormat("docx"); err == nil {
		t.Error("docx accepted")
	}
}

func TestStatsCommand(t *testing.T) {
	f := smallLibrary(t)
	for _, name := range []string{"", reports.TopTitles} {
		var buf bytes.Buffer
		if err := export.Stats(f.Lib, &buf, name, "2026-01-05", "2026-02-19", export.XLSX); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if name == "" {
			want = len(reports.Names())
		}
		if got := len(x.GetSheetList()); got != want {
			t.Errorf("report %q: %d sheets, want %d", name, got, want)
		}
		x.Close()
	}
	// The grades and weeding reports, as `circa export stats --report NAME`
	// writes them.
	for name, heading := range map[string]string{reports.Grades: i18n.T("reports.col.grade"), reports.NeverBorrowed: i18n.T("reports.col.title")} {
		var buf bytes.Buffer
		if err := export.Stats(f.Lib, &buf, name, "2026-01-05", "2026-02-19", export.CSV); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) < 3 || recs[1][0] != heading {
			t.Errorf("%s: CSV starts %q", name, recs[:min(3, len(recs))])
		}
	}
	var buf bytes.Buffer
	if err := export.Stats(f.Lib, &buf, "no_such_report", "2026-01-05", "2026-02-19", export.CSV); app.ReasonOf(err) != app.ReasonInvalidInput {
		t.Errorf("unknown report: %v", err)
	}
}
