package reports_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

// expected counts what the reports should say straight from the
// simulation's log.
type expected struct {
	Loans, Returns, Active, Late int
	ByClass, ByCLC, ByDewey      map[string]int
	ByCardType, ByItem, ByTitle  map[string]int
	LoanHours, ReturnHours       [24]int
}

func count(f *fixture.Library, p reports.Period, today app.Date) expected {
	e := expected{ByClass: map[string]int{}, ByCLC: map[string]int{}, ByDewey: map[string]int{},
		ByCardType: map[string]int{}, ByItem: map[string]int{}, ByTitle: map[string]int{}}
	in := func(t time.Time) bool {
		d := app.DateOf(t, fixture.Zone)
		return d >= p.From && d < p.To
	}
	readers := map[string]bool{}
	for _, l := range f.Log {
		if l.Returned != nil && in(*l.Returned) {
			e.Returns++
			e.ReturnHours[l.Returned.In(fixture.Zone).Hour()]++
		}
		if !in(l.Out) {
			continue
		}
		e.Loans++
		readers[l.Reader.ID] = true
		e.ByClass[l.Reader.Class]++
		e.ByCardType[l.Reader.CardType]++
		e.ByItem[string(l.Copy.ItemType)]++
		e.ByTitle[l.Title.ID]++
		e.LoanHours[l.Out.In(fixture.Zone).Hour()]++
		clc := ""
		if l.Title.CLC != "" {
			clc = l.Title.CLC[:1]
		}
		e.ByCLC[clc]++
		dw := ""
		if l.Title.Dewey != "" {
			dw = l.Title.Dewey[:1] + "00"
		}
		e.ByDewey[dw]++
		if l.Returned != nil && app.DateOf(*l.Returned, fixture.Zone) > l.Due || l.Returned == nil && l.Due < today {
			e.Late++
		}
	}
	e.Active = len(readers)
	return e
}

func curOf(m map[string]*reports.Pair) map[string]int {
	out := map[string]int{}
	for k, p := range m {
		if p.Cur > 0 {
			out[k] = p.Cur
		}
	}
	return out
}

func prevOf(m map[string]*reports.Pair) map[string]int {
	out := map[string]int{}
	for k, p := range m {
		if p.Prev > 0 {
			out[k] = p.Prev
		}
	}
	return out
}

func TestStatsMatchSimulation(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 60, CopiesPerTitle: 2, Readers: 40, Seed: 1})
	f.Simulate(t, 120, 12, 2)
	today := f.Lib.Today()
	for _, p := range []reports.Period{
		{From: "2026-03-01", To: "2026-04-01"},
		{From: "2026-02-10", To: "2026-02-17"},
		{From: "2026-01-05", To: "2026-05-05"},
	} {
		t.Run(string(p.From)+"_"+string(p.To), func(t *testing.T) {
			s, err := reports.Compute(f.Lib, p, "")
			if err != nil {
				t.Fatal(err)
			}
			want, wantPrev := count(f, p, today), count(f, p.Previous(), today)
			got := expected{
				Loans: s.Loans.Cur, Returns: s.Returns.Cur, Active: s.ActiveReaders.Cur, Late: s.Late.Cur,
				ByClass: curOf(s.ByClass), ByCLC: curOf(s.ByCLC), ByDewey: curOf(s.ByDewey),
				ByCardType: curOf(s.ByCardType), ByItem: curOf(s.ByItemType), ByTitle: curOf(s.ByTitle),
				LoanHours: s.LoanHours, ReturnHours: s.ReturnHours,
			}
			if want.Loans == 0 {
				t.Fatal("the simulation made no loans in the period: the test proves nothing")
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("period figures differ (-want +got):\n%s", d)
			}
			gotPrev := expected{
				Loans: s.Loans.Prev, Returns: s.Returns.Prev, Active: s.ActiveReaders.Prev, Late: s.Late.Prev,
				ByClass: prevOf(s.ByClass), ByCLC: prevOf(s.ByCLC), ByDewey: prevOf(s.ByDewey),
				ByCardType: prevOf(s.ByCardType), ByItem: prevOf(s.ByItemType), ByTitle: prevOf(s.ByTitle),
			}
			wantPrev.LoanHours, wantPrev.ReturnHours = [24]int{}, [24]int{}
			if d := cmp.Diff(wantPrev, gotPrev); d != "" {
				t.Errorf("previous period figures differ (-want +got):\n%s", d)
			}
			var bl, br int
			for _, b := range s.Buckets {
				bl += b.Loans
				br += b.Returns
			}
			if bl != want.Loans || br != want.Returns {
				t.Errorf("buckets sum to %d loans, %d returns; want %d, %d", bl, br, want.Loans, want.Returns)
			}
		})
	}
}

func TestAnonymisedLoansStillCount(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 10, CopiesPerTitle: 1, Readers: 5, Seed: 3})
	f.Simulate(t, 30, 5, 4)
	p := reports.Period{From: "2026-01-05", To: "2026-02-04"}
	before, err := reports.Compute(f.Lib, p, "")
	if err != nil {
		t.Fatal(err)
	}
	// Anonymise as the library does: everything returned over a day ago.
	if err := f.Lib.SetSetting(app.System, app.SettingRetentionDays, "1"); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Lib.AnonymiseHistory(app.System); err != nil || n == 0 {
		t.Fatalf("anonymised %d loans: %v", n, err)
	}
	after, err := reports.Compute(f.Lib, p, "")
	if err != nil {
		t.Fatal(err)
	}
	if after.Loans != before.Loans || cmp.Diff(curOf(after.ByClass), curOf(before.ByClass)) != "" {
		t.Errorf("anonymising changed the loan figures: %+v → %+v", before.Loans, after.Loans)
	}
	if after.Anonymised.Cur == 0 || after.ActiveReaders.Cur > before.ActiveReaders.Cur {
		t.Errorf("anonymised %d, active readers %d → %d", after.Anonymised.Cur, before.ActiveReaders.Cur, after.ActiveReaders.Cur)
	}
}

func TestHoldWait(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 1, CopiesPerTitle: 1, Readers: 2, Seed: 5})
	cp, a, b := f.Copies[0], f.Readers[0], f.Readers[1]
	if _, err := f.Lib.CheckOut(app.System, a.Card, cp.Barcode, app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(24 * time.Hour)
	if _, err := f.Lib.PlaceHold(app.System, b.ID, f.Titles[0].ID); err != nil {
		t.Fatal(err)
	}
	f.Clock.Advance(3 * 24 * time.Hour)
	if _, err := f.Lib.CheckIn(app.System, cp.Barcode); err != nil {
		t.Fatal(err)
	}
	s, err := reports.Compute(f.Lib, reports.Period{From: "2026-01-01", To: "2026-02-01"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.HoldsReady.Cur != 1 || s.HoldWaitDays[0] != 3 {
		t.Errorf("holds ready %d, wait %.2f days; want 1 and 3", s.HoldsReady.Cur, s.HoldWaitDays[0])
	}
}

func TestDashboardTables(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 30, CopiesPerTitle: 1, Readers: 20, Seed: 6})
	f.Simulate(t, 40, 8, 7)
	tables, err := reports.BuildIn(f.Lib, nil, "2026-01-20", "2026-02-14", i18n.New(i18n.Chinese))
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != len(reports.Names()) {
		t.Fatalf("%d tables, want %d", len(tables), len(reports.Names()))
	}
	for _, tb := range tables {
		if tb.Title == "" || len(tb.Columns) == 0 {
			t.Errorf("%s: no title or columns", tb.Name)
		}
		for i, r := range tb.Rows {
			if len(r) != len(tb.Columns) {
				t.Errorf("%s row %d has %d cells for %d columns", tb.Name, i, len(r), len(tb.Columns))
			}
		}
		if tb.Chart != nil {
			for _, s := range tb.Chart.Series {
				if len(s.Values) != len(tb.Chart.Labels) {
					t.Errorf("%s: series %q has %d values for %d labels", tb.Name, s.Name, len(s.Values), len(tb.Chart.Labels))
				}
			}
		}
	}
	// A report built alone reads only what it needs, and must show what it
	// shows on the dashboard.
	cat := i18n.New(i18n.Chinese)
	for _, tb := range tables {
		alone, err := reports.BuildIn(f.Lib, []string{tb.Name}, "2026-01-20", "2026-02-14", cat)
		if err != nil {
			t.Fatal(err)
		}
		if len(tb.Rows) == 0 && tb.Name != reports.NeverBorrowed && tb.Name != reports.NotBorrowed {
			t.Errorf("%s: no rows on the dashboard: the comparison proves nothing", tb.Name)
		}
		if d := cmp.Diff(tb, alone[0]); d != "" {
			t.Errorf("%s alone differs from the dashboard's (-dashboard +alone):\n%s", tb.Name, d)
		}
	}
	if tables[0].Title != "概览" {
		t.Errorf("summary title %q, want Chinese", tables[0].Title)
	}
	// No report may name a reader.
	for _, tb := range tables {
		for _, r := range tb.Rows {
			for _, c := range r {
				for _, rd := range f.Readers {
					if reports.Cell(c) == rd.Name || reports.Cell(c) == rd.Card {
						t.Errorf("%s lists reader %s", tb.Name, rd.Name)
					}
				}
			}
		}
	}
	if _, err := reports.Build(f.Lib, "nope", "2026-01-01", "2026-02-01"); app.ReasonOf(err) != app.ReasonInvalidInput {
		t.Errorf("unknown report: %v", err)
	}
	if _, err := reports.Build(f.Lib, reports.Summary, "2026-02-01", "2026-01-01"); err == nil {
		t.Error("a reversed period was accepted")
	}
}
