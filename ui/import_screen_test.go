package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/assets/i18n"
)

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestImportScreenClassList(t *testing.T) {
	i18n.SetLang(i18n.English)
	a := test.NewApp()
	defer a.Quit()
	f := newFixture(t)
	w := a.NewWindow("import")
	admin := func() app.Actor { return f.admin }
	s := newImportScreen(w, f.lib, admin)
	w.SetContent(s.content)
	s.kind.SetSelected(tr("import.kind_readers"))
	s.load("class.csv", []byte("学号,姓名,班级\nR1001,张三,四年级二班\nN1,新同学,一年级1班\n"))
	if s.mapping["card"] != 0 || s.mapping["name"] != 1 || s.mapping["class"] != 2 {
		t.Fatalf("columns not recognised: %v", s.mapping)
	}
	s.run(true)
	waitFor(t, "the preview", func() bool { return strings.Contains(s.result.Text, "Preview (nothing written)") })
	if !strings.Contains(s.result.Text, "1 would be registered, 1 updated") {
		t.Fatalf("preview: %q", s.result.Text)
	}
	s.run(false)
	waitFor(t, "the import", func() bool {
		return strings.Contains(s.result.Text, "registered,") && !strings.Contains(s.result.Text, "Preview")
	})
	r, err := f.lib.ReaderByCard("R1001")
	if err != nil || r.Class != "四年级二班" {
		t.Fatalf("class list did not update 张三: %+v %v", r, err)
	}
	if _, err := f.lib.ReaderByCard("N1"); err != nil {
		t.Fatal("new pupil not registered")
	}
}

// marcImportScreen opens the import screen of a fresh fixture library, in
// English, and reads a file of the shared MARC21 data.
func marcImportScreen(t *testing.T, file string) (*importScreen, *fixture, []byte) {
	t.Helper()
	data, err := os.ReadFile("../../shared/data/marc21/" + file)
	if err != nil {
		t.Skip("shared data is not here")
	}
	i18n.SetLang(i18n.English)
	a := test.NewApp()
	t.Cleanup(a.Quit)
	f := newFixture(t)
	w := a.NewWindow("import")
	s := newImportScreen(w, f.lib, func() app.Actor { return f.admin })
	w.SetContent(s.content)
	return s, f, data
}

func TestImportScreenMARC(t *testing.T) {
	s, f, data := marcImportScreen(t, "marcperl__camel.usmarc")
	s.load("camel.usmarc", data)
	s.run(false)
	waitFor(t, "the import", func() bool { return strings.Contains(s.result.Text, "10 new titles") })
	if hits, _ := f.lib.SearchTitles("perl", 20); len(hits) == 0 {
		t.Fatal("imported titles not searchable")
	}
}

func TestImportScreenMARCHoldings(t *testing.T) {
	s, f, data := marcImportScreen(t, "marcperl__cjk1.marc")

	// Each dialect offers its own holdings fields to start from.
	if s.holdings.Text != "" || !s.marcBox.Visible() {
		t.Fatalf("detecting per record: holdings %q, shown %v", s.holdings.Text, s.marcBox.Visible())
	}
	s.format.SetSelected(tr("import.format_unimarc"))
	if !strings.HasPrefix(s.holdings.Text, "995:barcode=f") {
		t.Errorf("UNIMARC holdings: %q", s.holdings.Text)
	}
	s.format.SetSelected(tr("import.format_marc21"))
	if !strings.HasPrefix(s.holdings.Text, "952:barcode=p") {
		t.Errorf("MARC 21 holdings: %q", s.holdings.Text)
	}

	s.load("cjk1.marc", data)
	s.holdings.SetText(s.holdings.Text + "; 949:location=a")
	s.run(false)
	if !strings.Contains(s.result.Text, "“949:location=a”: say which subfield holds the barcode") {
		t.Fatalf("bad mapping: %q", s.result.Text)
	}
	if s.bar.Visible() {
		t.Error("a refused mapping started the import")
	}

	s.holdings.SetText("952:barcode=a,location=b")
	s.run(false)
	waitFor(t, "the import", func() bool { return strings.Contains(s.result.Text, "copies added") })
	if !strings.Contains(s.result.Text, "10 copies added") {
		t.Fatalf("import with 952 $a/$b: %q", s.result.Text)
	}
	if c, err := f.lib.CopyByBarcode("CSUO02B5200"); err != nil || c.Location != "Hoover Institution, East Asia Collection" {
		t.Errorf("copy from 952 $a/$b: %+v, %v", c, err)
	}

	s.kind.SetSelected(tr("import.kind_readers"))
	if s.marcBox.Visible() {
		t.Error("the holdings mapping shows for a class list")
	}
}
