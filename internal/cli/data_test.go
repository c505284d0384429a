package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
)

// TestOpenDataCompactsAFileOfFreePages: a library left mostly free pages
// (a catalogue loaded and taken away again) is compacted when it is next
// opened, and keeps what it held.
func TestOpenDataCompactsAFileOfFreePages(t *testing.T) {
	dir := t.TempDir()
	title := leaveFreePages(t, dir)
	d, err := OpenData(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if st := d.DB.Stats(); st.FreePageN+st.PendingPageN > 100 {
		t.Errorf("%d free pages after opening: the file was not compacted", st.FreePageN+st.PendingPageN)
	}
	if got, err := d.Library.Title(title.ID); err != nil || got.Title != "西游记" {
		t.Fatalf("after compacting: %v, %v", got, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.compact")); len(left) > 0 {
		t.Errorf("compacting left %v behind", left)
	}
}

// TestOpenDataOpensWhatItCannotCompact: when compacting fails (here the
// copy's name is taken by a folder; on a full disk, by the lack of room),
// the library opens as it is.
func TestOpenDataOpensWhatItCannotCompact(t *testing.T) {
	dir := t.TempDir()
	title := leaveFreePages(t, dir)
	if err := os.MkdirAll(filepath.Join(dir, "."+LibraryFile+".compact", "taken"), 0o700); err != nil {
		t.Fatal(err)
	}
	d, err := OpenData(dir, storage.Options{})
	if err != nil {
		t.Fatalf("a library that could not be compacted did not open: %v", err)
	}
	defer d.Close()
	if got, err := d.Library.Title(title.ID); err != nil || got.Title != "西游记" {
		t.Fatalf("after a failed compaction: %v, %v", got, err)
	}
}

// leaveFreePages makes a library in dir whose file is mostly free pages (a
// catalogue loaded and taken away again) and returns its one title.
func leaveFreePages(t *testing.T, dir string) *app.Title {
	t.Helper()
	d, _, title := openWithTitle(t, dir)
	const n = 60_000
	if _, err := d.DB.Bulk(func(w *storage.BulkWriter) error {
		for i := range n {
			if err := w.Put(&app.Copy{Meta: app.Meta{ID: "load-" + itoa(i)}, Barcode: "L" + itoa(i), TitleID: title.ID}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.DB.Update(func(tx app.Tx) error {
		for i := range n {
			if err := tx.Delete(app.CollCopies, "load-"+itoa(i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	return title
}

// openWithTitle opens the data folder dir, sets up a library with an
// administrator and adds the title 西游记.
func openWithTitle(t *testing.T, dir string) (*Data, app.Actor, *app.Title) {
	t.Helper()
	d, err := OpenData(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := d.Library.Setup(app.SetupInput{LibraryName: "Test", AdminUsername: "admin", AdminName: "Admin", AdminPassword: "secret123"})
	if err != nil {
		t.Fatal(err)
	}
	title, err := d.Library.AddTitle(admin, app.TitleInput{Title: "西游记"})
	if err != nil {
		t.Fatal(err)
	}
	return d, admin, title
}

func itoa(i int) string {
	const digits = "0123456789"
	b := []byte("00000000")
	for j := len(b) - 1; j >= 0 && i > 0; j-- {
		b[j] = digits[i%10]
		i /= 10
	}
	return string(b)
}

func TestTablesLineUpInATerminal(t *testing.T) {
	var b strings.Builder
	writeTable(&b, []string{"条码", "姓名", "班级"}, [][]string{
		{"R000023", "程强", "一年级1班"},
		{"R000087", "徐博文", "一年级1班"},
		{"R1", "Ann", "Ｆｕｌｌ"},
		{"R2", "Zoë", "-"},
	})
	want := "" +
		"条码     姓名    班级\n" +
		"R000023  程强    一年级1班\n" +
		"R000087  徐博文  一年级1班\n" +
		"R1       Ann     Ｆｕｌｌ\n" +
		"R2       Zoë     -\n"
	if got := b.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	for s, w := range map[string]int{"": 0, "abc": 3, "程强": 4, "一年级1班": 9, "Zoe\u0301": 3, "Ｆ": 2, "a\u200bb": 2} {
		if got := termWidth(s); got != w {
			t.Errorf("termWidth(%q) = %d, want %d", s, got, w)
		}
	}
}
