package reports_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

// sameAsScan checks that the figures from the daily aggregates are those of
// a brute-force pass over every loan, for each period.
func sameAsScan(t *testing.T, lib *app.Library, periods ...reports.Period) {
	t.Helper()
	for _, p := range periods {
		g := reports.AutoGranularity(p)
		var fast, slow *reports.Stats
		err := lib.View(func(tx app.Tx) error {
			var err error
			if fast, err = reports.ComputeTx(tx, lib.Location(), lib.Today(), p, g); err != nil {
				return err
			}
			slow, err = reports.ScanTx(tx, lib.Location(), lib.Today(), p, g)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if slow.Loans.Cur == 0 {
			t.Fatalf("%v: no loans in the period: the test proves nothing", p)
		}
		if d := cmp.Diff(slow, fast, cmpopts.IgnoreFields(reports.Stats{}, "DaysRead")); d != "" {
			t.Errorf("%s–%s: aggregates differ from a scan of the loans (-scan +aggregates):\n%s", p.From, p.To, d)
		}
	}
}

func TestAggregatesMatchScan(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 60, CopiesPerTitle: 2, Readers: 40, Seed: 11})
	f.Simulate(t, 150, 12, 12)
	periods := []reports.Period{
		{From: "2026-03-01", To: "2026-04-01"},
		{From: "2026-02-10", To: "2026-02-17"},
		{From: "2026-01-05", To: "2026-06-05"},
		{From: "2025-06-01", To: "2026-06-01"},
	}
	t.Run("live", func(t *testing.T) { sameAsScan(t, f.Lib, periods...) })
	t.Run("anonymised", func(t *testing.T) {
		if err := f.Lib.SetSetting(app.System, app.SettingRetentionDays, "20"); err != nil {
			t.Fatal(err)
		}
		if n, err := f.Lib.AnonymiseHistory(app.System); err != nil || n == 0 {
			t.Fatalf("anonymised %d loans: %v", n, err)
		}
		sameAsScan(t, f.Lib, periods...)
	})
	// Classes and authors are counted as the titles stand now.
	t.Run("recatalogued", func(t *testing.T) {
		for i, ti := range f.Titles[:10] {
			in := app.TitleInput{Title: ti.Title, CLC: []string{"K825.6", "", "TP3"}[i%3],
				Dewey: []string{"", "920", "005.1"}[i%3], Authors: []string{"鲁迅", "Ada Lovelace"}[:i%3]}
			if _, err := f.Lib.UpdateTitle(app.System, ti.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		sameAsScan(t, f.Lib, periods...)
	})
	t.Run("rebuilt", func(t *testing.T) {
		if err := f.Lib.Rebuild(); err != nil {
			t.Fatal(err)
		}
		sameAsScan(t, f.Lib, periods...)
	})
}

// TestAggregatesOfImportedHistory covers loans that came as
// history.imported events: applied one batch at a time, and written by the
// bulk loader (whose aggregates Open backfills).
func TestAggregatesOfImportedHistory(t *testing.T) {
	t.Run("applied", func(t *testing.T) {
		f := fixture.New(t, fixture.Options{Titles: 20, CopiesPerTitle: 1, Readers: 10, Seed: 4})
		var past []app.Loan
		at := time.Date(2025, 3, 1, 9, 30, 0, 0, fixture.Zone)
		for i := 0; i < 900; i++ {
			out := at.Add(time.Duration(i) * 7 * time.Hour)
			back := out.Add(time.Duration(1+i%40) * 24 * time.Hour)
			c, r := f.Copies[i%len(f.Copies)], f.Readers[(i*7)%len(f.Readers)]
			past = append(past, app.Loan{Meta: app.Meta{ID: f.Lib.NewID()}, CopyID: c.ID, TitleID: c.TitleID,
				ReaderID: r.ID, Out: out.UTC(), Due: app.DateOf(out.AddDate(0, 0, 21), fixture.Zone), Returned: &back,
				CardType: r.CardType, Class: r.Class, ItemType: c.ItemType})
		}
		for len(past) > 0 {
			n := min(len(past), 250)
			if err := f.Lib.ImportLoanHistory(app.System, past[:n]); err != nil {
				t.Fatal(err)
			}
			past = past[n:]
		}
		sameAsScan(t, f.Lib, reports.Period{From: "2025-06-01", To: "2025-07-01"},
			reports.Period{From: "2025-05-01", To: "2025-11-01"})
	})
	t.Run("bulk", func(t *testing.T) {
		lib := fixture.ScaleLibrary(t, demo.ScaleOptions{Titles: 300, Copies: 900, Readers: 200, PastLoans: 20_000, Seed: 9})
		sameAsScan(t, lib, year, reports.Period{From: "2026-10-01", To: "2026-11-01"})
		if err := lib.Rebuild(); err != nil {
			t.Fatal(err)
		}
		sameAsScan(t, lib, year)
	})
}

// TestOneReportIsItsDashboardTable checks that a report built alone, which
// reads fewer titles, is the table the dashboard shows.
func TestOneReportIsItsDashboardTable(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 40, CopiesPerTitle: 1, Readers: 20, Seed: 21})
	f.Simulate(t, 60, 10, 22)
	cat := i18n.New(i18n.English)
	all, err := reports.BuildIn(f.Lib, nil, "2026-01-10", "2026-03-01", cat)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range reports.Names() {
		one, err := reports.BuildIn(f.Lib, []string{name}, "2026-01-10", "2026-03-01", cat)
		if err != nil {
			t.Fatal(err)
		}
		if len(all[i].Rows) == 0 && name != reports.NotBorrowed && name != reports.NeverBorrowed {
			t.Errorf("%s: no rows: the test proves nothing", name)
		}
		if d := cmp.Diff(all[i], one[0]); d != "" {
			t.Errorf("%s alone differs from the dashboard's (-dashboard +alone):\n%s", name, d)
		}
	}
}
