package importer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/assets/i18n"
)

const classList2026 = "\ufeff学号,姓名,班级,年级,家长电话\n" +
	"S001,王小明,三年级1班,三年级,13800000001\n" +
	"S002,李华,三年级1班,三年级,13800000002\n" +
	"S003,张伟,六年级2班,六年级,\n"

const classList2027 = "学号,姓名,班级,年级,家长电话\n" +
	"S001,王小明,四年级1班,四年级,13800000001\n" +
	"S002,李华,四年级1班,四年级,13900000002\n" +
	"S004,陈一诺,一年级3班,一年级,13800000004\n"

func readerTable(t *testing.T, csv string) (*importer.Table, importer.Mapping) {
	t.Helper()
	tab, err := importer.ReadTable(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	m := importer.GuessMapping(tab.Header, importer.ReaderFields)
	for _, f := range []string{"card", "name", "class", "grade", "phone"} {
		if _, ok := m[f]; !ok {
			t.Fatalf("column for %s not recognised in %v", f, tab.Header)
		}
	}
	return tab, m
}

// TestClassListUpsert: a new school year's list updates the pupils it knows
// and registers new ones, never doubling anyone.
func TestClassListUpsert(t *testing.T) {
	lib := newLib(t)
	ctx := context.Background()
	tab, m := readerTable(t, classList2026)
	rep, err := importer.ImportReaderTable(ctx, lib, admin, tab, m, "STU", false)
	if err != nil || rep.Created != 3 || len(rep.Refused) != 0 {
		t.Fatalf("first list: %+v %v", rep, err)
	}
	tab, m = readerTable(t, classList2027)
	preview, err := importer.ImportReaderTable(ctx, lib, admin, tab, m, "STU", true)
	if err != nil || preview.Created != 1 || preview.Updated != 2 {
		t.Fatalf("preview: %+v %v", preview, err)
	}
	if r, _ := lib.ReaderByCard("S001"); r.Class != "三年级1班" {
		t.Fatal("the preview changed a reader")
	}
	rep, err = importer.ImportReaderTable(ctx, lib, admin, tab, m, "STU", false)
	if err != nil || rep.Created != 1 || rep.Updated != 2 {
		t.Fatalf("second list: %+v %v", rep, err)
	}
	r, _ := lib.ReaderByCard("S002")
	if r.Class != "四年级1班" || r.Phone != "13900000002" || r.Name != "李华" {
		t.Errorf("S002 after the new list: %+v", r)
	}
	if n := count(t, lib, app.CollReaders); n != 4 {
		t.Errorf("%d readers, want 4", n)
	}
	// The same list again changes nothing.
	rep, _ = importer.ImportReaderTable(ctx, lib, admin, tab, m, "STU", false)
	if rep.Unchanged != 3 {
		t.Errorf("third run: %+v", rep)
	}
}

// TestClassListWithAPupilTwice: the second row of a card is refused, naming
// the first, and the first row goes in; refusals come in the file's order.
func TestClassListWithAPupilTwice(t *testing.T) {
	lib := newLib(t)
	tab, m := readerTable(t, "学号,姓名,班级,年级,家长电话\n"+
		"S001,王小明,三年级1班,三年级,13800000001\n"+
		"S002,,三年级1班,三年级,\n"+
		" s001 ,王晓明,三年级2班,三年级,\n"+
		"S003,张伟,六年级2班,六年级,\n")
	for _, dry := range []bool{true, false} {
		rep, err := importer.ImportReaderTable(context.Background(), lib, admin, tab, m, "STU", dry)
		if err != nil || rep.Rows != 4 || rep.Created != 2 || len(rep.Refused) != 2 {
			t.Fatalf("dry run %v: %+v %v", dry, rep, err)
		}
		if rep.Refused[0].Source != "line 3" || !errors.Is(rep.Refused[0].Err, app.ErrInvalidInput) {
			t.Errorf("first refusal: %+v", rep.Refused[0])
		}
		r, ok := app.RefusalOf(rep.Refused[1].Err)
		if rep.Refused[1].Source != "line 4" || !ok || r.Reason != app.ReasonCardListedTwice ||
			r.Facts["card"] != "S001" || r.Facts["line"] != "2" {
			t.Errorf("second refusal: %+v", rep.Refused[1])
		}
	}
	if r, err := lib.ReaderByCard("S001"); err != nil || r.Name != "王小明" || r.Class != "三年级1班" {
		t.Errorf("S001 is %+v (%v): the first row should stand", r, err)
	}
}

func TestRefusalsInWordsAndForScripts(t *testing.T) {
	zh := i18n.New(i18n.Chinese)
	for src, want := range map[string]string{"line 40": "第 40 行", "record 12": "第 12 条记录", "sheet 2": "sheet 2"} {
		if got := importer.SourceText(zh, src); got != want {
			t.Errorf("SourceText(%q) = %q, want %q", src, got, want)
		}
	}
	i18n.SetLang(i18n.English)
	raw, err := json.Marshal([]importer.Refused{
		{Source: "line 4", Err: app.Refuse(app.ReasonFieldRequired, "field", "name")},
		{Source: "record 7", Err: errors.New("damaged leader")},
	})
	want := `[{"Source":"line 4","Reason":"field_required","Facts":{"field":"name"},"Message":"Please fill in the name."},` +
		`{"Source":"record 7","Message":"damaged leader"}]`
	if err != nil || string(raw) != want {
		t.Errorf("JSON:\n%s (%v)\nwant\n%s", raw, err, want)
	}
}

func TestReadTableEncodings(t *testing.T) {
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String("学号;姓名;班级\nS9;王喆;二班\n")
	if err != nil {
		t.Fatal(err)
	}
	tab, err := importer.ReadTable(strings.NewReader(gbk))
	if err != nil || len(tab.Rows) != 1 || tab.Rows[0][1] != "王喆" {
		t.Fatalf("GB18030 with semicolons: %+v %v", tab, err)
	}
	// XLSX written and read back.
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"书名", "作者", "ISBN", "条码", "馆藏地"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"西游记", "吴承恩", "978-7-02-000220-7", "T1", "主馆"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"西游记", "吴承恩", "9787020002207", "T2", "主馆"})
	f.SetSheetRow("Sheet1", "A4", &[]any{"Bad ISBN book", "X", "123", "T3", ""})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, err = importer.ReadTable(&buf)
	if err != nil || len(tab.Rows) != 3 {
		t.Fatalf("xlsx: %+v %v", tab, err)
	}
	m := importer.GuessMapping(tab.Header, importer.TitleFields)
	lib := newLib(t)
	rep, err := importer.ImportTitleTable(context.Background(), lib, admin, tab, m, app.DuplicateSkip, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.NewTitles != 1 || rep.CopiesAdded != 2 || len(rep.Refused) != 1 || app.ReasonOf(rep.Refused[0].Err) != app.ReasonInvalidISBN {
		t.Fatalf("catalogue sheet: %+v", rep)
	}
}

func TestYearEnd(t *testing.T) {
	lib := newLib(t)
	tab, m := readerTable(t, classList2026)
	if _, err := importer.ImportReaderTable(context.Background(), lib, admin, tab, m, "STU", false); err != nil {
		t.Fatal(err)
	}
	ti, _ := lib.AddTitle(admin, app.TitleInput{Title: "Book"})
	lib.AddCopy(admin, ti.ID, app.CopyInput{Barcode: "B1"})
	// 李华 graduates? No: 张伟 is in 六年级 and still has a book.
	if _, err := lib.CheckOut(admin, "S003", "B1", app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	plan, err := lib.PreviewPromotion(app.DefaultGrades)
	if err != nil || len(plan) != 3 {
		t.Fatalf("plan: %+v %v", plan, err)
	}
	if r, _ := lib.ReaderByCard("S001"); r.Class != "三年级1班" {
		t.Fatal("preview changed something")
	}
	if _, err := lib.Promote(admin, app.DefaultGrades); err != nil {
		t.Fatal(err)
	}
	r1, _ := lib.ReaderByCard("S001")
	r3, _ := lib.ReaderByCard("S003")
	if r1.Class != "四年级1班" || r1.Grade != "四年级" {
		t.Errorf("promoted: %+v", r1)
	}
	if r3.Status == app.ReaderArchived || !r3.Expired(lib.Today()) {
		t.Errorf("a graduate with a book must be expired, not archived: %+v", r3)
	}
	if _, err := lib.ArchiveReader(admin, r3.ID); app.ReasonOf(err) != app.ReasonHasLoans {
		t.Errorf("archived a reader with a loan: %v", err)
	}
	lib.CheckIn(admin, "B1")
	if r, err := lib.ArchiveReader(admin, r3.ID); err != nil || r.Status != app.ReaderArchived {
		t.Errorf("archive after return: %v", err)
	}
}

func FuzzReadTable(f *testing.F) {
	f.Add([]byte(classList2026))
	f.Add([]byte("a;b\n\"x;y\";z\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{0xff, 0xfe, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := importer.ReadTable(bytes.NewReader(data))
		if err != nil {
			return
		}
		m := importer.GuessMapping(tab.Header, importer.ReaderFields)
		importer.ReaderRows(tab, m, "STU")
		importer.TitleRows(tab, importer.GuessMapping(tab.Header, importer.TitleFields))
	})
}

// TestTableWithoutTheColumnNeeded: a list with no card column (or a
// catalogue with no title column) is refused whole, naming what it has.
func TestTableWithoutTheColumnNeeded(t *testing.T) {
	lib := newLib(t)
	tab, err := importer.ReadTable(strings.NewReader("条码,日期\nT000001,2026-12-30\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = importer.ImportReaderTable(context.Background(), lib, admin, tab, importer.GuessMapping(tab.Header, importer.ReaderFields), "STU", true)
	r, ok := app.RefusalOf(err)
	if !ok || r.Reason != app.ReasonColumnMissing || r.Facts["field"] != "card" || r.Facts["columns"] != "条码, 日期" {
		t.Errorf("a list without cards: %v", err)
	}
	long := strings.Repeat("列", 30)
	tab = &importer.Table{Header: []string{long, "b", "c", "d", "e", "f", "g", "h", "i"}}
	_, err = importer.ImportTitleTable(context.Background(), lib, admin, tab, importer.Mapping{}, app.DuplicateSkip, true)
	if r, ok := app.RefusalOf(err); !ok || r.Reason != app.ReasonColumnMissing ||
		r.Facts["columns"] != strings.Repeat("列", 20)+"…, b, c, d, e, f, g, h, …" {
		t.Errorf("a catalogue without titles: %v", err)
	}
}
