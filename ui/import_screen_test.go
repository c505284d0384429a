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

func TestImportScreenMARC(t *testing.T) {
	data, err := os.ReadFile("../../shared/data/marc21/marcperl__camel.usmarc")
	if err != nil {
		t.Skip("shared data is not here")
	}
	i18n.SetLang(i18n.English)
	a := test.NewApp()
	defer a.Quit()
	f := newFixture(t)
	w := a.NewWindow("import")
	s := newImportScreen(w, f.lib, func() app.Actor { return f.admin })
	s.load("camel.usmarc", data)
	s.run(false)
	waitFor(t, "the import", func() bool { return strings.Contains(s.result.Text, "10 new titles") })
	if hits, _ := f.lib.SearchTitles("perl", 20); len(hits) == 0 {
		t.Fatal("imported titles not searchable")
	}
}
