package app_test

import (
	"testing"

	"github.com/circa-library/circa/app"
)

func TestSearchTitles(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		xyj := f.title("西游记", "9787020002207")
		hlm := f.title("红楼梦")
		pp := f.title("Pride and Prejudice")
		must[*app.Copy](t)(f.lib.AddCopy(f.admin, pp.ID, app.CopyInput{Barcode: "PP-01"}))
		tests := []struct {
			q    string
			want []string
		}{
			{"西游", []string{xyj.ID}},
			{"游", []string{xyj.ID}},
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
