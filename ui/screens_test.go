package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

// TestScreenCaptures draws every main screen in both languages with the test
// driver and writes PNGs to a temporary folder, and to shots/headless/ at
// the top of the module when CIRCA_SHOTS=1, for people to look at.
func TestScreenCaptures(t *testing.T) {
	if testing.Short() {
		t.Skip("captures take a while")
	}
	dirs := []string{t.TempDir()}
	if os.Getenv("CIRCA_SHOTS") == "1" {
		dirs = append(dirs, filepath.Join("..", "shots", "headless"))
	}
	for _, lang := range i18n.Langs() {
		t.Run(string(lang), func(t *testing.T) {
			f := newFixture(t)
			busyDay(t, f)
			d := newTestDesk(t, f.lib, Config{Lang: lang, DataDir: "/home/library/.local/share/circa"})
			d.signedInAs(f.admin)
			scan(d, "R1002")
			scan(d, "T102")
			shots := map[string]func(){
				"circulation": func() { d.show(ScreenCirculation) },
				"readers": func() {
					d.show(ScreenReaders)
					d.readers.query.SetText("R100")
					d.readers.list.Select(1)
				},
				"catalogue": func() {
					d.show(ScreenCatalogue)
					d.cat.query.SetText("红楼梦")
					d.cat.list.Select(0)
				},
				"holds":    func() { d.show(ScreenHolds) },
				"reports":  func() { d.show(ScreenReports) },
				"settings": func() { d.show(ScreenSettings); d.settings.tabs.SelectIndex(1) },
				"signin":   func() { d.lock() },
				"refusal": func() {
					d.signedInAs(f.admin)
					d.show(ScreenCirculation)
					d.circ.endReader(false)
					scan(d, "R1001")
					scan(d, "T122")
				},
				"override": func() { press(d.circ.scan, fyne.KeyF8) },
				"slip": func() {
					d.closeModal()
					d.circ.endReader(false)
					scan(d, "R1002")
					scan(d, "T122")
					press(d.circ.scan, fyne.KeyF7)
				},
				"mail": func() {
					d.closeModal()
					m := openMailSettings(t, d)
					m.host.SetText("smtp.example.org")
					m.from.SetText("library@example.org")
				},
				"firstrun": func() {
					d.closeModal()
					lib, _ := newLibrary(t)
					first := newTestDesk(t, lib, Config{Lang: lang})
					d = first
				},
			}
			for _, name := range []string{"circulation", "readers", "catalogue", "holds", "reports", "settings", "signin", "refusal", "override", "slip", "mail", "firstrun"} {
				shots[name]()
				img := d.win.Canvas().Capture()
				for _, dir := range dirs {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					path := filepath.Join(dir, string(lang)+"-"+name+".png")
					out, err := os.Create(path)
					if err != nil {
						t.Fatal(err)
					}
					if err := png.Encode(out, img); err != nil {
						t.Fatal(err)
					}
					out.Close()
				}
			}
		})
	}
}

// busyDay gives the fixture loans, an overdue return with a fine, and holds
// in every state.
func busyDay(t *testing.T, f *fixture) {
	t.Helper()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	past := f.clock.Now()
	f.clock.Set(past.Add(-30 * 24 * time.Hour))
	must(f.lib.CheckOut(f.admin, "R1002", "T101", app.CheckOutOptions{}))
	must(f.lib.CheckOut(f.admin, "R1002", "T121", app.CheckOutOptions{}))
	must(f.lib.CheckOut(f.admin, "R1002", "T131", app.CheckOutOptions{}))
	f.clock.Set(past.Add(-2 * 24 * time.Hour))
	must(f.lib.CheckIn(f.admin, "T131"))
	f.clock.Set(past)
	must(f.lib.CheckOut(f.admin, "R1002", "T111", app.CheckOutOptions{}))
	r1, _ := f.lib.ReaderByCard("R1001")
	r2, _ := f.lib.ReaderByCard("R1002")
	t1, _ := f.lib.SearchTitles("xyj", 1)
	t2, _ := f.lib.SearchTitles("Charlotte", 1)
	t3, _ := f.lib.SearchTitles("红楼梦", 1)
	must(f.lib.PlaceHold(f.admin, r1.ID, t1[0].ID))
	must(f.lib.PlaceHold(f.admin, r1.ID, t3[0].ID))
	must(f.lib.PlaceHold(f.admin, r2.ID, t2[0].ID))
	must(f.lib.CheckIn(f.admin, "T132"))
	must(f.lib.Charge(f.admin, r2.ID, app.FineDamaged, 350, "torn page"))
	must(f.lib.BlockReader(f.admin, r1.ID, "lost two books"))
}
