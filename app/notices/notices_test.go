package notices_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/notices"
	"github.com/circa-library/circa/app/reports/fixture"
	"github.com/circa-library/circa/assets/i18n"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// school is a fixed library: loans made on 2026-02-01, 2026-03-02 and
// 2026-03-09, one
// hold ready, one card expired, looked at on 2026-03-20.
func school(t *testing.T) *fixture.Library {
	t.Helper()
	f := fixture.New(t, fixture.Options{Titles: 8, CopiesPerTitle: 2, Readers: 6, Seed: 42,
		Start: time.Date(2026, 2, 1, 9, 0, 0, 0, fixture.Zone)})
	if err := f.Lib.SetSetting(app.System, app.SettingLibraryName, "星光小学图书馆"); err != nil {
		t.Fatal(err)
	}
	out := func(reader, copy int) {
		t.Helper()
		if _, err := f.Lib.CheckOut(app.System, f.Readers[reader].Card, f.Copies[copy].Barcode, app.CheckOutOptions{Override: true}); err != nil {
			t.Fatal(err)
		}
	}
	out(2, 1) // a student: due 2026-02-15, 33 days overdue on the 20th
	f.Clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, fixture.Zone))
	out(0, 0)
	out(0, 2)
	out(1, 4)
	out(3, 6) // 三年级2班
	f.Clock.Set(time.Date(2026, 3, 9, 10, 0, 0, 0, fixture.Zone))
	out(2, 8)
	out(5, 10)
	out(4, 14)
	// Reader 2 reserves a title whose copy comes back: ready for pickup.
	out(1, 12)
	if _, err := f.Lib.PlaceHold(app.System, f.Readers[2].ID, f.Titles[6].ID); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(time.Date(2026, 3, 19, 16, 0, 0, 0, fixture.Zone))
	if _, err := f.Lib.CheckIn(app.System, f.Copies[12].Barcode); err != nil {
		t.Fatal(err)
	}
	// Reader 5's card has expired.
	r := f.Readers[5]
	if _, err := f.Lib.UpdateReader(app.System, r.ID, app.ReaderInput{Card: r.Card, Name: r.Name, Class: r.Class,
		CardType: r.CardType, Email: r.Email, Expiry: "2026-03-15"}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(time.Date(2026, 3, 20, 8, 30, 0, 0, fixture.Zone))
	return f
}

func describe(ns []*notices.Notice, ts *notices.Templates) (string, error) {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "== %s %s band=%q reader=%s/%s class=%q items=%d\n", n.ID, n.Kind, n.Band, n.Reader.Card, n.Reader.Name, n.Reader.Class, len(n.Items))
		m, err := ts.Render(n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "subject: %s\nsms: %s\n%s\n\n", m.Subject, m.SMS, m.Body)
	}
	return b.String(), nil
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, d)
	}
}

func TestNoticesGolden(t *testing.T) {
	f := school(t)
	for _, kind := range notices.Kinds {
		ns, err := notices.Generate(f.Lib, kind, notices.Options{DueSoonDays: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 0 {
			t.Errorf("%s: no notices; the fixture should make some", kind)
		}
		for _, lang := range i18n.Langs() {
			ts, err := notices.LoadTemplates(f.Lib, lang)
			if err != nil {
				t.Fatal(err)
			}
			got, err := describe(ns, ts)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, string(kind)+"."+string(lang)+".golden", got)
		}
	}
}

func TestNoticeIDsAreDeterministic(t *testing.T) {
	a, b := school(t), school(t)
	for _, kind := range notices.Kinds {
		na, err := notices.Generate(a.Lib, kind, notices.Options{})
		if err != nil {
			t.Fatal(err)
		}
		nb, err := notices.Generate(b.Lib, kind, notices.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(na, nb); d != "" {
			t.Errorf("%s: two identical libraries made different notices:\n%s", kind, d)
		}
	}
	if notices.NoticeID("r", notices.Overdue, []string{"a", "b"}, "2026-01-01") != notices.NoticeID("r", notices.Overdue, []string{"b", "a"}, "2026-01-01") {
		t.Error("the order of loans changes the ID")
	}
	if notices.NoticeID("r", notices.Overdue, []string{"a"}, "2026-01-01") == notices.NoticeID("r", notices.Overdue, []string{"a"}, "2026-01-02") {
		t.Error("the day does not change the ID")
	}
}

func TestBandsAndClasses(t *testing.T) {
	for days, want := range map[int]string{1: "1-7", 7: "1-7", 8: "8-14", 30: "15-30", 31: "31+"} {
		if got := notices.BandOf(days, []int{7, 14, 30}); got != want {
			t.Errorf("BandOf(%d) = %q, want %q", days, got, want)
		}
	}
	ns := []*notices.Notice{
		{Band: "31+", Reader: notices.Reader{Class: ""}},
		{Band: "8-14", Reader: notices.Reader{Class: "二年级1班"}},
		{Band: "1-7", Reader: notices.Reader{Class: "一年级1班"}},
		{Band: "8-14", Reader: notices.Reader{Class: "一年级1班"}},
	}
	var got []string
	for _, g := range notices.ByBand(ns) {
		got = append(got, fmt.Sprintf("%s:%d", g.Key, len(g.Notices)))
	}
	for _, g := range notices.ByClass(ns) {
		got = append(got, fmt.Sprintf("%s:%d", g.Key, len(g.Notices)))
	}
	want := []string{"1-7:1", "8-14:2", "31+:1", "一年级1班:2", "二年级1班:1", ":1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
}

func TestTemplateOverride(t *testing.T) {
	f := school(t)
	if err := f.Lib.SetSetting(app.System, notices.SettingTemplates+"en", `{{define "overdue.subject"}}OVERDUE at {{.Library}}{{end}}`); err != nil {
		t.Fatal(err)
	}
	ts, err := notices.LoadTemplates(f.Lib, i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := notices.Generate(f.Lib, notices.Overdue, notices.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ts.Render(ns[0])
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "OVERDUE at 星光小学图书馆" || !strings.Contains(m.Body, "overdue") {
		t.Errorf("override gave subject %q, body %q", m.Subject, m.Body)
	}
	if _, err := notices.NewTemplates(i18n.English, "{{define", "", ""); !errorsIsInvalid(err) {
		t.Errorf("a broken override: %v", err)
	}
}

func errorsIsInvalid(err error) bool {
	return err != nil && app.ReasonOf(err) == "" && strings.Contains(err.Error(), "templates")
}

func TestPrintedOutput(t *testing.T) {
	f := school(t)
	ns, err := notices.Generate(f.Lib, notices.Overdue, notices.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts, err := notices.LoadTemplates(f.Lib, i18n.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	var slips, lists, sms bytes.Buffer
	if err := notices.Slips(&slips, ns, ts); err != nil {
		t.Fatal(err)
	}
	if err := notices.ClassLists(&lists, ns, i18n.New(i18n.Chinese), "逾期名单 2026年3月20日"); err != nil {
		t.Fatal(err)
	}
	noPhone, err := notices.SMSCSV(&sms, ns, ts, i18n.New(i18n.Chinese))
	if err != nil {
		t.Fatal(err)
	}
	if len(noPhone) != 0 {
		t.Errorf("%d readers without phone; the fixture gives every reader one", len(noPhone))
	}
	if !strings.HasPrefix(sms.String(), "\uFEFF手机号,") || strings.Count(sms.String(), "\n") != len(ns)+1 {
		t.Errorf("SMS CSV:\n%s", sms.String())
	}
	classes := len(notices.ByClass(ns))
	if got := bytes.Count(lists.Bytes(), []byte("/Type /Page\n")); got < classes {
		t.Errorf("class lists have %d pages for %d classes", got, classes)
	}
	if dir := os.Getenv("CIRCA_KEEP"); dir != "" {
		os.WriteFile(filepath.Join(dir, "slips.pdf"), slips.Bytes(), 0o644)
		os.WriteFile(filepath.Join(dir, "classlists.pdf"), lists.Bytes(), 0o644)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed: text not checked")
	}
	for name, pdf := range map[string][]byte{"slips": slips.Bytes(), "lists": lists.Bytes()} {
		p := filepath.Join(t.TempDir(), name+".pdf")
		os.WriteFile(p, pdf, 0o644)
		out, err := exec.Command("pdftotext", p, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if !strings.Contains(string(out), n.Reader.Name) || !strings.Contains(string(out), n.Items[0].Title) {
				t.Errorf("%s lack %s or %s", name, n.Reader.Name, n.Items[0].Title)
			}
		}
	}
}
