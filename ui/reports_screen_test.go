package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
	"github.com/circa-library/circa/app/reports"
	rfixture "github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

// awaitJob runs the screen's background job to its end: done is called
// through fyne.Do once the job has updated the screen.
func awaitJob(t *testing.T, set func(func()), start func()) {
	t.Helper()
	ch := make(chan struct{}, 1)
	set(func() { ch <- struct{}{} })
	start()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatal("the screen's background job did not finish")
	}
}

func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.WidgetRenderer(v)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestReportsScreen(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	f := rfixture.New(t, rfixture.Options{Titles: 20, CopiesPerTitle: 1, Readers: 10, Seed: 31})
	f.Simulate(t, 40, 6, 32)
	w := test.NewWindow(nil)
	defer w.Close()
	s := newReportsScreen(w, f.Lib, func() app.Actor { return app.System })
	var content fyne.CanvasObject
	awaitJob(t, func(fn func()) { s.done = fn }, func() { content = s.content() })
	w.SetContent(content)
	w.Resize(fyne.NewSize(1100, 800))
	if len(s.tables) == 0 {
		t.Fatalf("no reports shown; status %q", s.status.Text)
	}
	// A custom period.
	s.from.SetText("2026-01-05")
	s.to.SetText("2026-02-10")
	awaitJob(t, func(fn func()) { s.done = fn }, s.refresh)
	text := strings.Join(labelTexts(s.body), "\n")
	if !strings.Contains(text, s.tables[0].Title) {
		t.Errorf("the summary is not shown:\n%s", text)
	}
	for _, name := range []string{reports.Grades, reports.NeverBorrowed} {
		if title := reports.Title(i18n.Current(), name); !strings.Contains(text, title) {
			t.Errorf("%s is not shown:\n%s", title, text)
		}
	}
	if got := s.tables[0].Period; got.From != "2026-01-05" || got.To != "2026-02-11" {
		t.Errorf("period %v", got)
	}
	if dir := os.Getenv("CIRCA_KEEP"); dir != "" {
		out, _ := os.Create(filepath.Join(dir, "reports-screen.png"))
		png.Encode(out, w.Canvas().Capture())
		out.Close()
	}
	s.from.SetText("not a date")
	s.refresh()
	if s.status.Text == "" || strings.Contains(s.status.Text, "ms") {
		t.Errorf("a bad date gave status %q", s.status.Text)
	}
}

func TestNoticesScreen(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	f := rfixture.New(t, rfixture.Options{Titles: 10, CopiesPerTitle: 1, Readers: 8, Seed: 33})
	f.Simulate(t, 40, 4, 34)
	w := test.NewWindow(nil)
	defer w.Close()
	s := newNoticesScreen(w, f.Lib, func() app.Actor { return app.System })
	w.SetContent(s.content())
	w.Resize(fyne.NewSize(1000, 700))
	if len(s.shown) == 0 {
		t.Fatalf("no overdue notices listed; status %q", s.status.Text)
	}
	text := strings.Join(labelTexts(s.list), "\n")
	if !strings.Contains(text, s.shown[0].Reader.Name) {
		t.Errorf("the list lacks %s:\n%s", s.shown[0].Reader.Name, text)
	}
	s.queueEmail()
	pending, err := s.outbox.Pending()
	if err != nil || len(pending) != len(s.shown) {
		t.Errorf("%d pending after queueing %d notices (%v); status %q", len(pending), len(s.shown), err, s.status.Text)
	}
	if !strings.Contains(s.mail.Text, tr("notices.ui.mail_station_none")) {
		t.Errorf("mail status %q does not say no mail station is chosen", s.mail.Text)
	}
	if err := f.Lib.SetSetting(app.System, notices.SettingMailStation, f.Lib.Station()); err != nil {
		t.Fatal(err)
	}
	s.updateMail()
	if !strings.Contains(s.mail.Text, tr("notices.ui.mail_station_here")) {
		t.Errorf("mail status %q does not say this is the mail station", s.mail.Text)
	}
	s.sendNow() // no mail server configured: says so, sends nothing
	if !strings.Contains(s.mail.Text, tr("notices.ui.smtp_missing")) {
		t.Errorf("mail status %q", s.mail.Text)
	}
	s.group.SetSelectedIndex(1)
	if dir := os.Getenv("CIRCA_KEEP"); dir != "" {
		out, _ := os.Create(filepath.Join(dir, "notices-screen.png"))
		png.Encode(out, w.Canvas().Capture())
		out.Close()
	}
}
