package app_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/circa-library/circa/app"
)

func TestSearchTitles(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		xyj := f.title("西游记", "9787020002207")
		hlm := f.title("红楼梦")
		jia := f.title("家")
		jiazu := f.title("家族")
		pp := f.title("Pride and Prejudice")
		must[*app.Copy](t)(f.lib.AddCopy(f.admin, pp.ID, app.CopyInput{Barcode: "PP-01"}))
		tests := []struct {
			q    string
			want []string
		}{
			{"西游", []string{xyj.ID}},
			// One character: first, middle and last of a run, and a run of one.
			{"西", []string{xyj.ID}},
			{"游", []string{xyj.ID}},
			{"记", []string{xyj.ID}},
			{"梦", []string{hlm.ID}},
			{"族", []string{jiazu.ID}},
			{"家", []string{jia.ID, jiazu.ID}}, // the whole title first
			{"xyj", []string{xyj.ID}},
			{"XY", []string{xyj.ID}},
			{"hlm", []string{hlm.ID}},
			{"pride", []string{pp.ID}},
			{"Prej", []string{pp.ID}},
			{"pride prej", []string{pp.ID}},
			{"9787020002207", []string{xyj.ID}},
			{"7-02-000220-X", []string{xyj.ID}},
			{"7-02-000220-9", nil},
			{"pp-01", []string{pp.ID}},
			{"红楼梦西游", nil},
			{"", nil},
			{"zzzz", nil},
		}
		for _, tt := range tests {
			got := must[[]*app.Title](t)(f.lib.SearchTitles(tt.q, 20))
			var ids []string
			for _, g := range got {
				ids = append(ids, g.ID)
			}
			if len(ids) != len(tt.want) || (len(ids) > 0 && ids[0] != tt.want[0]) {
				t.Errorf("search %q = %v, want %v", tt.q, ids, tt.want)
			}
		}
	})
}

func TestSearchReaders(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		zs := f.reader("R100", "张三", "STU")
		f.reader("R101", "Li Si", "REG")
		for _, q := range []string{"张三", "zs", "r100", "张"} {
			got := must[[]*app.Reader](t)(f.lib.SearchReaders(q, 10))
			if len(got) != 1 || got[0].ID != zs.ID {
				t.Errorf("search %q: %d results", q, len(got))
			}
		}
		if got := must[[]*app.Reader](t)(f.lib.SearchReaders("三年级", 10)); len(got) != 2 {
			t.Errorf("class search found %d", len(got))
		}
	})
}

func TestSearchTokens(t *testing.T) {
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"西游记", "吴承恩"}, []string{"c:吴承", "c:恩", "c:承恩", "c:游记", "c:西游", "c:记", "p:wce", "p:xyj"}},
		{[]string{"Pride and Prejudice", "ÉCOLE Ｆｕｌｌ"}, []string{"w:and", "w:full", "w:prejudice", "w:pride", "w:école"}},
		{[]string{"红楼梦 第1卷", "曹雪芹·高鹗", "978-7-02-000220-7"}, []string{"c:卷", "c:曹雪", "c:梦", "c:楼梦", "c:第",
			"c:红楼", "c:芹", "c:雪芹", "c:高鹗", "c:鹗",
			"p:cxq", "p:d", "p:ge", "p:hlm", "p:j",
			"w:000220", "w:02", "w:1", "w:7", "w:978"}},
		{[]string{"", "〇𠀋 abc"}, []string{"c:〇𠀋", "c:𠀋", "p:l", "w:abc"}},
		{[]string{"", " - "}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, app.SearchTokens(tt.in...), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("SearchTokens(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
