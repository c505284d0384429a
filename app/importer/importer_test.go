package importer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/importer"
	"github.com/circa-library/circa/app/marc"
	"github.com/circa-library/circa/assets/i18n"
	"github.com/circa-library/circa/storage/memstore"
)

const shared = "../../../shared/data/"

var admin = app.Actor{Username: "admin", Role: app.RoleAdmin}

func newLib(t *testing.T) *app.Library {
	t.Helper()
	lib, err := app.Open(memstore.New(), app.Options{Rand: rand.Reader, Location: time.UTC,
		Clock: app.NewFakeClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.InstallDefaults(admin); err != nil {
		t.Fatal(err)
	}
	return lib
}

func open(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(shared + rel)
	if os.IsNotExist(err) {
		t.Skipf("shared data %s is not here", rel)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func importFile(t *testing.T, lib *app.Library, rel string, dry bool) *importer.Report {
	t.Helper()
	rep, err := importer.ImportMARC(context.Background(), lib, admin, bytes.NewReader(open(t, rel)), importer.MARCOptions{}, dry)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return rep
}

func count(t *testing.T, lib *app.Library, c app.Collection) int {
	n := 0
	lib.View(func(tx app.Tx) error {
		var err error
		n, err = tx.Count(c)
		return err
	})
	return n
}

// TestImportEverySharedMARCFile imports every MARC file as it is: nothing
// fails, every record is either imported or reported, and the preview
// matches the real import and writes nothing.
func TestImportEverySharedMARCFile(t *testing.T) {
	var files []string
	for _, dir := range []string{"marc21", "marcxml", "unimarc"} {
		entries, err := os.ReadDir(shared + dir)
		if err != nil {
			t.Skip("shared data is not here")
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".mrk") || name == "marc4j__unimarc.xml" {
				continue // reference tables and text forms are not catalogues
			}
			files = append(files, filepath.Join(dir, name))
		}
	}
	sort.Strings(files)
	if len(files) < 30 {
		t.Fatalf("only %d files found", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			lib := newLib(t)
			preview := importFile(t, lib, f, true)
			if n := count(t, lib, app.CollTitles); n != 0 {
				t.Fatalf("the preview wrote %d titles", n)
			}
			rep := importFile(t, lib, f, false)
			if rep.Records != rep.Good+len(rep.Damaged) {
				t.Errorf("records %d ≠ good %d + damaged %d", rep.Records, rep.Good, len(rep.Damaged))
			}
			if rep.Good != preview.Good || len(rep.Damaged) != len(preview.Damaged) {
				t.Errorf("preview said %d good/%d damaged, import %d/%d", preview.Good, len(preview.Damaged), rep.Good, len(rep.Damaged))
			}
			titles := count(t, lib, app.CollTitles)
			if titles != rep.NewTitles || rep.NewTitles+rep.Matched+len(refusedTitles(rep)) != rep.Good {
				t.Errorf("%d titles stored; report: new %d matched %d refused %d good %d", titles, rep.NewTitles, rep.Matched, len(refusedTitles(rep)), rep.Good)
			}
			for _, d := range rep.Damaged {
				if d.Record < 1 || d.Reason == "" {
					t.Errorf("damage without record number or reason: %+v", d)
				}
			}
			// Importing the same file again doubles nothing.
			again := importFile(t, lib, f, false)
			if n := count(t, lib, app.CollTitles); n != titles {
				t.Errorf("second import: %d titles, was %d (matched %d)", n, titles, again.Matched)
			}
		})
	}
}

func refusedTitles(rep *importer.Report) []importer.Refused {
	var out []importer.Refused
	seen := map[string]bool{}
	for _, r := range rep.Refused {
		if app.ReasonOf(r.Err) == app.ReasonDuplicateBarcode || seen[r.Source] {
			continue
		}
		seen[r.Source] = true
		out = append(out, r)
	}
	return out
}

func TestImportContent(t *testing.T) {
	tests := []struct {
		file    string
		good    int
		damaged []int
		search  string
		title   string
	}{
		{file: "marc21/marc4j__pride-and-prejudice-fixed.mrc", good: 383, search: "pride prejudice"},
		{file: "marc21/marcperl__camel.usmarc", good: 10, search: "perl"},
		{file: "marc21/xbib__amstransactions.mrc", good: 1},
		{file: "marc21/marc4j__oclc_63111280_export_as_UTF8_from_connexion.mrc", good: 1, search: "日本民俗", title: "日本民俗·信仰·藝能·與中國文化"},
		// 1, 2, 3, 6 and 8 are readable (2, 3 and 6 with a wrong base address).
		{file: "marc21/pymarc__bad_records.mrc", good: 5, damaged: []int{4, 5, 7}},
		{file: "marc21/marcperl__badldr.usmarc", good: 6, damaged: []int{7}},
		{file: "marcxml/marc4j__chabon.xml", good: 2, search: "chabon"},
		{file: "unimarc/unimarcxml__data.mrc", good: 5},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			lib := newLib(t)
			rep := importFile(t, lib, tt.file, false)
			if tt.good > 0 && rep.Good != tt.good {
				t.Errorf("good %d, want %d", rep.Good, tt.good)
			}
			if tt.damaged != nil {
				var got []int
				for _, d := range rep.Damaged {
					got = append(got, d.Record)
				}
				if len(got) < len(tt.damaged) {
					t.Errorf("damaged records %v, want at least %v", got, tt.damaged)
				}
				for i, want := range tt.damaged {
					if i < len(got) && got[i] != want {
						t.Errorf("damaged records %v, want %v", got, tt.damaged)
						break
					}
				}
			}
			if tt.search != "" {
				hits, err := lib.SearchTitles(tt.search, 5)
				if err != nil || len(hits) == 0 {
					t.Fatalf("search %q after import: %v %v", tt.search, hits, err)
				}
				if tt.title != "" && !strings.Contains(hits[0].Title, tt.title) {
					t.Errorf("title %q, want the original script %q", hits[0].Title, tt.title)
				}
				if len(hits[0].SourceMARC) == 0 {
					t.Error("the source record was not kept")
				}
			}
		})
	}
}

// TestMARCRoundTrip: MARC → Circa → MARC → Circa gives the same titles and
// copies, in ISO 2709 and in MARCXML.
func TestMARCRoundTrip(t *testing.T) {
	for _, xml := range []bool{false, true} {
		lib := newLib(t)
		importFile(t, lib, "marc21/marcperl__camel.usmarc", false)
		importFile(t, lib, "unimarc/unimarcxml__data.mrc", false)
		importFile(t, lib, "marc21/xbib__amstransactions.mrc", false)
		ti, _ := lib.AddTitle(admin, app.TitleInput{Title: "西游记", ISBNs: []string{"9787020002207"}, Authors: []string{"吴承恩"}, CLC: "I242.4"})
		lib.AddCopy(admin, ti.ID, app.CopyInput{Barcode: "T0001", Location: "Main", Price: 2550})
		var out bytes.Buffer
		n, err := importer.ExportMARC(lib, &out, xml)
		if err != nil {
			t.Fatal(err)
		}
		if n != count(t, lib, app.CollTitles) {
			t.Fatalf("exported %d of %d titles", n, count(t, lib, app.CollTitles))
		}
		lib2 := newLib(t)
		rep, err := importer.ImportMARC(context.Background(), lib2, admin, &out, importer.MARCOptions{}, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Good != n || len(rep.Damaged) != 0 {
			t.Fatalf("re-import: %+v", rep)
		}
		if a, b := summary(t, lib), summary(t, lib2); a != b {
			t.Errorf("xml=%v: round trip changed the catalogue:\n%s\n---\n%s", xml, a, b)
		}
	}
}

func summary(t *testing.T, lib *app.Library) string {
	var lines []string
	lib.View(func(tx app.Tx) error {
		return tx.ForEach(app.CollTitles, func(id string, raw []byte) error {
			var ti app.Title
			tx.Get(app.CollTitles, id, &ti)
			copies, _ := tx.Lookup(app.IdxCopyTitle, id)
			var codes []string
			for _, cid := range copies {
				var c app.Copy
				tx.Get(app.CollCopies, cid, &c)
				codes = append(codes, c.Barcode+"@"+c.Location+"$"+strings.TrimSpace(string(rune('0'+c.Price%10))))
			}
			sort.Strings(codes)
			lines = append(lines, strings.Join([]string{ti.Title, ti.Subtitle, strings.Join(ti.Authors, ";"),
				ti.Publisher, ti.Year, strings.Join(ti.ISBNs, ";"), ti.CLC, ti.Dewey, strings.Join(ti.Subjects, ";"),
				strings.Join(codes, ",")}, "|"))
			return nil
		})
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestImportCancelLeavesNoHalfRecord(t *testing.T) {
	lib := newLib(t)
	ctx, cancel := context.WithCancel(context.Background())
	seen := 0
	opts := importer.MARCOptions{BatchSize: 100, Progress: func(n int) {
		seen = n
		cancel()
	}}
	rep, err := importer.ImportMARC(ctx, lib, admin, bytes.NewReader(open(t, "marc21/marc4j__pride-and-prejudice-fixed.mrc")), opts, false)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Cancelled || seen != 100 || rep.Good != 100 {
		t.Fatalf("cancel: %+v after %d", rep, seen)
	}
	n := count(t, lib, app.CollTitles)
	if n != rep.NewTitles {
		t.Errorf("%d titles stored, the report says %d", n, rep.NewTitles)
	}
	// Every stored title is whole: it has its events and its index entries.
	hits, _ := lib.SearchTitles("pride", 1000)
	if len(hits) == 0 && n > 0 {
		t.Error("stored titles are not searchable")
	}
}

func TestImportRefusesWithoutPermission(t *testing.T) {
	lib := newLib(t)
	_, err := importer.ImportMARC(context.Background(), lib, app.Actor{Username: "a", Role: app.RoleAssistant},
		strings.NewReader(""), importer.MARCOptions{}, false)
	if app.ReasonOf(err) != app.ReasonPermissionDenied {
		t.Fatalf("assistant import: %v", err)
	}
}

// TestImportMARCHoldingsMapping reads copies from where a library keeps
// them: these records from Berkeley's East Asian library put the item
// number in 952 $a and the holding library in $b, not Koha's $p and $a.
func TestImportMARCHoldingsMapping(t *testing.T) {
	data := open(t, "marc21/marcperl__cjk1.marc")
	withDefaults := newLib(t)
	rep, err := importer.ImportMARC(context.Background(), withDefaults, admin, bytes.NewReader(data), importer.MARCOptions{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.CopiesAdded != 0 {
		t.Fatalf("the default 952 mapping found %d copies in $p, which these records lack", rep.CopiesAdded)
	}

	lib := newLib(t)
	m, err := importer.MARCMapping(marc.FormatMARC21, "952:barcode=a,location=b")
	if err != nil {
		t.Fatal(err)
	}
	rep, err = importer.ImportMARC(context.Background(), lib, admin, bytes.NewReader(data), importer.MARCOptions{Mapping: m}, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Good == 0 || rep.CopiesAdded != 10 || len(rep.Refused) != 0 {
		t.Fatalf("import with 952 $a/$b: %+v", rep)
	}
	c, err := lib.CopyByBarcode("CSUO02B5200")
	if err != nil {
		t.Fatalf("copy from 952 $a: %v", err)
	}
	if c.Location != "Hoover Institution, East Asia Collection" {
		t.Errorf("location %q, want 952 $b", c.Location)
	}
	if n := count(t, lib, app.CollCopies); n != 10 {
		t.Errorf("%d copies stored, want 10", n)
	}
}

func TestMARCMappingRefusesBadHoldings(t *testing.T) {
	i18n.SetLang(i18n.English)
	_, err := importer.MARCMapping(marc.FormatAuto, "952:location=a")
	text, ok := importer.HoldingsErrorText(err)
	if !ok || !strings.Contains(text, "952:location=a") || !strings.Contains(text, "barcode") {
		t.Fatalf("bad mapping: %v, explained as %q", err, text)
	}
	if _, ok := importer.HoldingsErrorText(errors.New("other")); ok {
		t.Error("HoldingsErrorText explained an unrelated error")
	}
	m, err := importer.MARCMapping(marc.FormatUNIMARC, " ")
	if err != nil || m.UNIMARCHoldings != nil || m.Format != marc.FormatUNIMARC {
		t.Errorf("empty holdings: %+v, %v; want the dialect's defaults", m, err)
	}
}
