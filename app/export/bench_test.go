//go:build unix

package export_test

import (
	"io"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/app/export"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/cputime"
)

// benchScale: see app/reports/bench_test.go. CIRCA_SCALE_DB runs these on a
// copy of a cmd/circa-bench library instead (small: 100,000 copies).
var benchScale = demo.ScaleOptions{Titles: 2000, Copies: 10_000, Readers: 1000, PastLoans: 50_000, Seed: 1}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func benchCopies(b *testing.B, f export.Format) {
	lib := fixture.ScaleLibrary(b, benchScale)
	b.ResetTimer()
	cpu := cputime.Process()
	rows := 0
	var w countingWriter
	for i := 0; i < b.N; i++ {
		err := lib.View(func(tx app.Tx) error {
			var err error
			rows, err = export.Copies(tx, &w, f)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	used := cputime.Process() - cpu
	b.ReportMetric(float64(rows), "rows/op")
	b.ReportMetric(float64(used.Nanoseconds())/float64(b.N)/float64(rows), "cpu-ns/row")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
	b.ReportMetric(float64(w.n)/float64(b.N)/float64(rows), "bytes/row")
}

// BenchmarkCopiesCSV and BenchmarkCopiesXLSX export every copy; ns/row × 1M
// is the 1M-copy figure.
func BenchmarkCopiesCSV(b *testing.B)  { benchCopies(b, export.CSV) }
func BenchmarkCopiesXLSX(b *testing.B) { benchCopies(b, export.XLSX) }

// BenchmarkReportPDF writes the whole dashboard of a year as PDF, charts
// included.
func BenchmarkReportPDF(b *testing.B) {
	lib := fixture.ScaleLibrary(b, benchScale)
	tables, err := reports.BuildIn(lib, nil, "2025-11-27", "2026-11-27", i18n.New(i18n.Chinese))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := export.Report(io.Discard, export.PDF, tables, export.ReportOptions{Library: "图书馆"}); err != nil {
			b.Fatal(err)
		}
	}
}
