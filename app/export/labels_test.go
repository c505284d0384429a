package export_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/export"
)

func TestLabels(t *testing.T) {
	f := smallLibrary(t)
	if err := f.Lib.SetSetting(app.System, app.SettingLibraryName, "星光小学图书馆"); err != nil {
		t.Fatal(err)
	}
	a4x10, _ := export.LabelSheetByName("a4-4x10")
	a4x8, _ := export.LabelSheetByName("A4-3x8")
	cards, _ := export.LabelSheetByName("A4-cards-2x5")
	for _, tc := range []struct {
		kind  string
		sheet export.LabelSheet
		q     export.LabelQuery
		opts  export.LabelOptions
		n     int
		texts []string
	}{
		{"copies", a4x10, export.LabelQuery{}, export.LabelOptions{}, len(f.Copies), []string{"星光小学图书馆", "C00000000", "书名 Title 0000"}},
		{"copies", a4x8, export.LabelQuery{Codes: []string{"C00000301", "C00000100"}}, export.LabelOptions{Skip: 23, Border: true}, 2, []string{"C00000301", "C00000100"}},
		{"spine", a4x8, export.LabelQuery{Search: "Title 0007"}, export.LabelOptions{}, 2, []string{"J2", "7"}},
		{"cards", cards, export.LabelQuery{Class: "三年级2班"}, export.LabelOptions{}, 2, []string{"三年级2班", "读者3 Reader", "R00003"}},
		{"cards", cards, export.LabelQuery{}, export.LabelOptions{}, len(f.Readers), []string{"读者11 Reader"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := export.Labels(f.Lib, tc.kind, &buf, tc.sheet, tc.q, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if n != tc.n {
				t.Errorf("%d labels, want %d", n, tc.n)
			}
			per := tc.sheet.PerPage()
			wantPages := (n + tc.opts.Skip + per - 1) / per
			if got := pdfPages(buf.Bytes()); got != wantPages {
				t.Errorf("%d pages, want %d", got, wantPages)
			}
			if dir := os.Getenv("CIRCA_KEEP"); dir != "" {
				os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".pdf"), buf.Bytes(), 0o644)
			}
			text, ok := pdfText(t, buf.Bytes())
			if !ok {
				t.Skip("pdftotext not installed: text not checked")
			}
			for _, w := range tc.texts {
				if !strings.Contains(text, w) {
					t.Errorf("labels lack %q", w)
				}
			}
		})
	}
}

func TestLabelSheetCheck(t *testing.T) {
	s := export.LabelSheet{Cols: 4, Rows: 10, LabelW: 60, LabelH: 25}
	if err := s.Check(); err == nil {
		t.Error("four 60 mm labels fit across A4")
	}
	for _, s := range export.LabelSheets {
		if err := s.Check(); err != nil {
			t.Errorf("preset %s: %v", s.Name, err)
		}
	}
}
