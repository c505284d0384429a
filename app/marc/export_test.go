package marc

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestBibRoundTrip maps every readable record to a Bib, exports it with
// BibToRecord as MARC21 binary and as MARCXML, reads both back and maps
// them again: the Bibs must be equal.
func TestBibRoundTrip(t *testing.T) {
	files := []string{
		"marc21/filemarc__music.mrc", "marc21/filemarc__wronglen.mrc", "marc21/marc4j__bad_leaders_10_11.mrc",
		"marc21/marc4j__brkrtest.mrc", "marc21/marc4j__chabon.mrc",
		"marc21/marc4j__oclc_63111280_export_as_UTF8_from_connexion.mrc", "marc21/marc4j__pride-and-prejudice-fixed.mrc",
		"marc21/marc4j__unordered-directory-entries.mrc", "marc21/marcperl__baddir.usmarc", "marc21/marcperl__badldr.usmarc",
		"marc21/marcperl__camel.usmarc", "marc21/marcperl__cjk1.marc", "marc21/marcperl__cjk2.marc",
		"marc21/pymarc__bad_records.mrc", "marc21/pymarc__diacritic.dat", "marc21/pymarc__marc.dat",
		"marc21/pymarc__multi_isbn.dat", "marc21/pymarc__utf8_invalid.mrc", "marc21/rubymarc__utf8.marc",
		"marc21/rubymarc__utf8_with_bad_bytes.marc", "marc21/xbib__SWB1.marc21", "marc21/xbib__amstransactions.mrc",
		"unimarc/pymarc__testunimarc.dat", "unimarc/unimarcxml__data.mrc",
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			recs, _ := readISOFile(t, file)
			if len(recs) == 0 {
				t.Fatal("no records")
			}
			var bibs []Bib
			var iso, xmlBuf bytes.Buffer
			w, xw := NewWriter(&iso), NewXMLWriter(&xmlBuf)
			for _, r := range recs {
				b := ToBib(r, Mapping{})
				bibs = append(bibs, b)
				out := BibToRecord(&b)
				if err := w.Write(out); err != nil {
					t.Fatal(err)
				}
				if err := xw.Write(out); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := xw.Close(); err != nil {
				t.Fatal(err)
			}
			for name, r := range map[string]RecordReader{"iso2709": NewReader(&iso, Options{}), "marcxml": NewXMLReader(&xmlBuf)} {
				back, damages := readAll(t, r)
				if len(damages) > 0 || len(back) != len(bibs) {
					t.Fatalf("%s: %d records back of %d, damages %v", name, len(back), len(bibs), damages)
				}
				for i := range back {
					if len(back[i].Warnings) > 0 {
						t.Errorf("%s: record %d: warnings %v", name, i+1, back[i].Warnings)
					}
					if DetectFormat(back[i]) != FormatMARC21 {
						t.Errorf("%s: record %d: exported record not detected as MARC21", name, i+1)
					}
					if diff := cmp.Diff(bibs[i], ToBib(back[i], Mapping{}), cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("%s: record %d (-first +round trip):\n%s", name, i+1, diff)
					}
				}
			}
		})
	}
}

func TestWriterRefusesOversized(t *testing.T) {
	long := string(bytes.Repeat([]byte("x"), 9999))
	rec := &Record{Leader: "00000nam a2200000 i 4500", Fields: []Field{{Tag: "245", Subfields: []Subfield{{Code: "a", Value: long}}}}}
	var buf bytes.Buffer
	if err := NewWriter(&buf).Write(rec); err == nil {
		t.Fatal("a 10,000-byte field was accepted")
	}
	for range 12 {
		rec.Fields = append(rec.Fields, Field{Tag: "500", Subfields: []Subfield{{Code: "a", Value: long[:9000]}}})
	}
	rec.Fields = rec.Fields[1:]
	if _, err := AppendISO2709(nil, rec); err == nil {
		t.Fatal("a 100,000-byte record was accepted")
	}
}
