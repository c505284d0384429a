package app_test

import (
	"testing"
	"time"

	"github.com/circa-library/circa/app"
)

func dailyLoans(t *testing.T, lib *app.Library, d app.Date) int {
	t.Helper()
	var n int
	if err := lib.View(func(tx app.Tx) error {
		day, _, err := app.ReadDaily(tx, d)
		if day != nil {
			n = day.Loans
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTimeZoneSettingMovesDaysAndFigures(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		for _, bad := range []string{"Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Asia/Shanghai.txt"} {
			err := f.lib.SetSetting(f.admin, app.SettingTimeZone, bad)
			if r, ok := app.RefusalOf(err); !ok || r.Reason != app.ReasonUnknownTimeZone {
				t.Fatalf("zone %q: got %v, want a refusal naming the unknown zone", bad, err)
			}
		}
		if v, _ := f.lib.Setting(app.SettingTimeZone, ""); v != "" || f.lib.Location() != time.UTC {
			t.Fatalf("a refused zone changed something: setting %q, location %s", v, f.lib.Location())
		}

		// 20:00 in Greenwich is 04:00 the next morning in Beijing.
		f.clock.Set(time.Date(2026, 3, 2, 20, 0, 0, 0, time.UTC))
		c := f.copyOf(f.title("西游记"), "C1", app.ItemBook)
		f.reader("R1", "李雷", "REG")
		if _, err := f.lib.CheckOut(f.desk, "R1", c.Barcode, app.CheckOutOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := dailyLoans(t, f.lib, "2026-03-02"); got != 1 {
			t.Fatalf("in UTC the loan counts on 2 March: got %d", got)
		}

		if err := f.lib.SetSetting(f.admin, app.SettingTimeZone, " Asia/Shanghai "); err != nil {
			t.Fatal(err)
		}
		if got := f.lib.Location().String(); got != "Asia/Shanghai" {
			t.Fatalf("location %s after setting the zone", got)
		}
		if got := f.lib.Today(); got != "2026-03-03" {
			t.Fatalf("today is %s in Beijing, want 2026-03-03", got)
		}
		if a, b := dailyLoans(t, f.lib, "2026-03-02"), dailyLoans(t, f.lib, "2026-03-03"); a != 0 || b != 1 {
			t.Fatalf("figures not recut in the new zone: 2 March %d, 3 March %d", a, b)
		}

		// Clearing the setting goes back to the zone the library was opened with.
		if err := f.lib.SetSetting(f.admin, app.SettingTimeZone, ""); err != nil {
			t.Fatal(err)
		}
		if f.lib.Location() != time.UTC || dailyLoans(t, f.lib, "2026-03-02") != 1 {
			t.Fatalf("clearing the zone: location %s, 2 March %d", f.lib.Location(), dailyLoans(t, f.lib, "2026-03-02"))
		}
	})
}

func TestTimeZoneSyncsToOtherStations(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	if err := a.lib.SetSetting(admin, app.SettingTimeZone, "Asia/Shanghai"); err != nil {
		t.Fatal(err)
	}
	b.pull(t, a)
	if got := b.lib.Location().String(); got != "Asia/Shanghai" {
		t.Fatalf("station b still uses %s after sync", got)
	}
	if a.hash(t) != b.hash(t) {
		t.Fatal("stations disagree after the zone synced")
	}
}
