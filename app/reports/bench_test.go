//go:build unix

package reports_test

import (
	"testing"

	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/internal/cputime"
)

// benchScale is the library generated when CIRCA_SCALE_DB is not set: a
// tenth of cmd/circa-bench's small scale (50,000 past loans over two years).
// With CIRCA_SCALE_DB=.cache/bench/library-small.db the benchmarks run on a
// copy of the small scale library (500,000 past loans).
var benchScale = demo.ScaleOptions{Titles: 2000, Copies: 10_000, Readers: 1000, PastLoans: 50_000, Seed: 1}

var year = reports.Period{From: "2025-11-27", To: "2026-11-27"}

func benchCompute(b *testing.B, p reports.Period) {
	lib := fixture.ScaleLibrary(b, benchScale)
	b.ResetTimer()
	cpu := cputime.Process()
	var s *reports.Stats
	for i := 0; i < b.N; i++ {
		var err error
		if s, err = reports.Compute(lib, p, ""); err != nil {
			b.Fatal(err)
		}
	}
	used := cputime.Process() - cpu
	b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(s.DaysRead), "days-read/op")
}

// BenchmarkComputeYear is any figure for a year: they all come from the
// daily aggregates of the year and the year before.
func BenchmarkComputeYear(b *testing.B) { benchCompute(b, year) }

// BenchmarkComputeMonth is any figure for a month.
func BenchmarkComputeMonth(b *testing.B) {
	benchCompute(b, reports.Period{From: "2026-10-01", To: "2026-11-01"})
}

// BenchmarkDashboardYear is every report for a year, the weeding list
// included.
func BenchmarkDashboardYear(b *testing.B) {
	lib := fixture.ScaleLibrary(b, benchScale)
	cat := i18n.New(i18n.Chinese)
	b.ResetTimer()
	cpu := cputime.Process()
	for i := 0; i < b.N; i++ {
		if _, err := reports.BuildIn(lib, nil, year.From, year.To, cat); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkReportYear is each dashboard figure for a year on its own, as the
// desk builds it when one report is opened.
func BenchmarkReportYear(b *testing.B) {
	lib := fixture.ScaleLibrary(b, benchScale)
	cat := i18n.New(i18n.Chinese)
	for _, name := range reports.Names() {
		b.Run(name, func(b *testing.B) {
			cpu := cputime.Process()
			for i := 0; i < b.N; i++ {
				if _, err := reports.BuildIn(lib, []string{name}, year.From, year.To, cat); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
