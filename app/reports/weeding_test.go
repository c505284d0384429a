package reports_test

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/reports"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

// titlesOf returns the first cell (the title) of each row, sorted.
func titlesOf(tb *reports.Table) []string {
	var out []string
	for _, r := range tb.Rows {
		out = append(out, reports.Cell(r[0]))
	}
	sort.Strings(out)
	return out
}

// TestWeedingLists checks the never-borrowed and not-borrowed-since lists
// against the simulation's log, after most loans were anonymised: an
// anonymised loan still means the title was borrowed.
func TestWeedingLists(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 80, CopiesPerTitle: 1, Readers: 20, Seed: 11})
	// A title without copies is not on the shelf: no list names it.
	if _, err := f.Lib.AddTitle(app.System, app.TitleInput{Title: "无馆藏 No copies"}); err != nil {
		t.Fatal(err)
	}
	f.Simulate(t, 50, 2, 12)
	if err := f.Lib.SetSetting(app.System, app.SettingRetentionDays, "1"); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Lib.AnonymiseHistory(app.System); err != nil || n == 0 {
		t.Fatalf("anonymised %d loans: %v", n, err)
	}
	cat := i18n.New(i18n.English)
	for _, since := range []app.Date{"", "2026-01-20", "2026-02-15", "2030-01-01"} {
		t.Run("since_"+string(since), func(t *testing.T) {
			borrowed := map[string]bool{}
			last := map[string]string{} // title → last day out
			for _, l := range f.Log {
				if d := string(app.DateOf(l.Out, fixture.Zone)); d > last[l.Title.Title] {
					last[l.Title.Title] = d
				}
				if since == "" || !app.DateOf(l.Out, fixture.Zone).Before(since) {
					borrowed[l.Title.ID] = true
				}
			}
			var want []string
			for _, ti := range f.Titles {
				if !borrowed[ti.ID] {
					want = append(want, ti.Title)
				}
			}
			sort.Strings(want)
			if len(want) == 0 || len(want) == len(f.Titles) && since == "" {
				t.Fatalf("%d of %d titles never borrowed: the test proves nothing", len(want), len(f.Titles))
			}
			name, from := reports.NeverBorrowed, app.Date("2026-01-01")
			if since != "" {
				name, from = reports.NotBorrowed, since
			}
			tables, err := reports.BuildIn(f.Lib, []string{name}, from, from.AddDays(30), cat)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, titlesOf(tables[0])); d != "" {
				t.Errorf("weeding list (-want +got):\n%s", d)
			}
			for _, r := range tables[0].Rows {
				if r[4] != 1 {
					t.Errorf("%v: %v copies, want 1", r[0], r[4])
				}
				if since == "" {
					continue
				}
				want := last[reports.Cell(r[0])]
				if want == "" {
					want = cat.T("reports.never")
				}
				if r[5] != want {
					t.Errorf("%v: last borrowed %v, want %s", r[0], r[5], want)
				}
			}
		})
	}
}

// TestLoansByGrade checks the grades report against the log: classes named
// after their grade count in it, the others in the grade their readers have.
func TestLoansByGrade(t *testing.T) {
	f := fixture.New(t, fixture.Options{Titles: 30, CopiesPerTitle: 2, Readers: 30, Seed: 13})
	for _, r := range f.Readers {
		if r.Class != "Grade 4 Class 1" {
			continue
		}
		in := app.ReaderInput{Card: r.Card, Name: r.Name, Email: r.Email, Phone: r.Phone, Class: r.Class,
			Grade: "四年级", CardType: r.CardType, Expiry: r.Expiry}
		if _, err := f.Lib.UpdateReader(app.System, r.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	f.Simulate(t, 30, 6, 14)
	gradeOf := map[string]string{"一年级1班": "一年级", "一年级2班": "一年级", "二年级1班": "二年级",
		"三年级2班": "三年级", "Grade 4 Class 1": "四年级", "": ""}
	p := reports.Period{From: "2026-01-10", To: "2026-02-01"}
	want := map[string]int{}
	for _, l := range f.Log {
		if d := app.DateOf(l.Out, fixture.Zone); !d.Before(p.From) && d.Before(p.To) {
			g, ok := gradeOf[l.Reader.Class]
			if !ok {
				t.Fatalf("class %q has no grade in this test", l.Reader.Class)
			}
			want[g]++
		}
	}
	cat := i18n.New(i18n.Chinese)
	tables, err := reports.BuildIn(f.Lib, []string{reports.Grades}, p.From, p.To, cat)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	var order []string
	for _, r := range tables[0].Rows {
		g := reports.Cell(r[0])
		if g == cat.T("reports.none") {
			g = ""
		}
		got[g] = r[1].(int)
		order = append(order, g)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("loans by grade (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"一年级", "二年级", "三年级", "四年级", ""}, order); d != "" {
		t.Errorf("grade order (-want +got):\n%s", d)
	}
	if tables[0].Chart == nil || len(tables[0].Chart.Labels) != len(order) {
		t.Error("the grades report has no chart of its rows")
	}
}
