package app_test

import (
	"testing"

	"github.com/circa-library/circa/app"
)

func TestEditsKeepIndexesAndRefuseClashes(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		xyj := f.title("西游记")
		hlm := f.title("红楼梦")
		c1 := f.copyOf(xyj, "A1", app.ItemBook)
		f.copyOf(hlm, "B1", app.ItemBook)

		// A barcode another copy has is refused, naming that copy's title.
		_, err := f.lib.UpdateCopy(f.admin, c1.ID, app.CopyInput{Barcode: "b1"})
		wantReason(t, err, app.ReasonDuplicateBarcode)
		if r, _ := app.RefusalOf(err); r.Facts["title"] != "红楼梦" {
			t.Errorf("clash names %q", r.Facts["title"])
		}
		c, err := f.lib.UpdateCopy(f.admin, c1.ID, app.CopyInput{Barcode: "A2", Location: "Shelf 9"})
		if err != nil || c.Barcode != "A2" || c.Location != "Shelf 9" {
			t.Fatalf("edit copy: %+v %v", c, err)
		}
		if _, err := f.lib.CopyByBarcode("A1"); app.ReasonOf(err) != app.ReasonUnknownCopy {
			t.Errorf("the old barcode still finds the copy: %v", err)
		}

		// A renamed title is found by its new name only.
		if _, err := f.lib.UpdateTitle(f.admin, xyj.ID, app.TitleInput{Title: "水浒传"}); err != nil {
			t.Fatal(err)
		}
		if hits, _ := f.lib.SearchTitles("xyj", 5); len(hits) != 0 {
			t.Errorf("old name still indexed: %v", hits)
		}
		if hits, _ := f.lib.SearchTitles("水浒", 5); len(hits) != 1 {
			t.Errorf("new name not indexed: %v", hits)
		}
		_, err = f.lib.UpdateTitle(f.desk, xyj.ID, app.TitleInput{Title: "x"})
		wantReason(t, err, app.ReasonPermissionDenied)
		_, err = f.lib.UpdateTitle(f.admin, "nope", app.TitleInput{Title: "x"})
		wantReason(t, err, app.ReasonUnknownTitle)
	})
}
