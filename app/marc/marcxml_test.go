package marc

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var marcxmlCases = []fileCase{
	{
		file: "marcxml/filemarc__bad_leader.xml", numbers: []int{1},
		// The leader has 26 characters.
		warnings: []report{{1, ReasonLeaderValues}},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Space for unknowing", b.Subtitle, "the place of agnosis in faith", strings.Join(b.ISBNs, " "), "9781856075442 1856075443", b.Holdings[0].Barcode, "11111027105040"}
			})
		},
	},
	{
		file: "marcxml/filemarc__onerecord.xml", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Arithmetic", strings.Join(b.ISBNs, " "), "0152038655", b.Dewey, "811/.52"}
			})
		},
	},
	{
		file: "marcxml/marc4j__OCLC_814388508.xml", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Η αγορά στη Μεσόγειο", b.Place, "Αθηνα", b.Language, "gre", strings.Join(b.ISBNs, " "), "9789608838765 9608838762"}
			})
		},
	},
	{
		file: "marcxml/marc4j__chabon-missing-subfield-code.xml", numbers: []int{1},
		warnings: []report{{1, ReasonSubfieldCode}},
		check: func(t *testing.T, recs []*Record) {
			// Nothing is lost: the codeless subfield keeps its text.
			if diff := cmp.Diff([]Subfield{{Value: "0679450041 (acid-free paper)"}}, recs[0].Field("020").Subfields); diff != "" {
				t.Errorf("020 (-want +got):\n%s", diff)
			}
			wantBib(t, recs[0], func(b Bib) []string { return []string{b.Title, "The amazing adventures of Kavalier and Clay"} })
		},
	},
	{file: "marcxml/marc4j__chabon.xml", numbers: []int{1, 2}},  // compared with chabon.mrc
	{file: "marcxml/marc4j__summerland.xml", numbers: []int{1}}, // compared with summerland.mrc
	{file: "marcxml/marcperl__empty-record.xml", damages: []report{{1, ReasonNoFields}}},
	{
		file: "marcxml/marcperl__namespace.xml", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			if got := recs[0].Leader; got != "-----nas-a22-----z--4500" {
				t.Errorf("leader = %q", got)
			}
			wantBib(t, recs[0], func(b Bib) []string { return []string{b.Title, "19th century music"} })
		},
	},
	{
		file: "marcxml/pymarc__batch.xml", numbers: []int{1, 2},
		check: func(t *testing.T, recs []*Record) {
			if diff := cmp.Diff([]string{"The Great Ray Charles", "The White House"}, titles(recs)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
		},
	},
	{
		file: "marcxml/pymarc__utf8.xml", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			var all strings.Builder
			for _, f := range recs[0].Fields {
				all.WriteString(f.Join("abcdefghijklmnopqrstuvwxyz0123456789"))
			}
			if !strings.Contains(all.String(), "é") {
				t.Errorf("no é in %q", all.String())
			}
			wantBib(t, recs[0], func(b Bib) []string { return []string{b.Title, "Zen Classics", b.Publisher, "Virgin Classics"} })
		},
	},
	{
		file: "unimarc/unimarcxml__unimarctest.xml", numbers: seq(1, 5), // compared with data.mrc
	},
	{
		// Not MARCXML but marc4j's UNIMARC character table (the generator's
		// ISO 5426 source, see TestGeneratedTablesAreFresh): as MARCXML it
		// holds no records, no damage, no error.
		file: "unimarc/marc4j__unimarc.xml",
	},
}

func TestReadMARCXMLFiles(t *testing.T) {
	for _, tc := range marcxmlCases {
		t.Run(tc.file, func(t *testing.T) {
			recs, damages := readXMLFile(t, tc.file)
			if diff := cmp.Diff(tc.numbers, numbers(recs)); diff != "" {
				t.Errorf("record numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.damages, damageReports(damages)); diff != "" {
				t.Errorf("damages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.warnings, warningReports(recs)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if tc.check != nil && len(recs) == len(tc.numbers) {
				tc.check(t, recs)
			}
		})
	}
}

// TestXMLMatchesBinary reads the XML and ISO 2709 forms of the same records
// and expects the same fields and the same Bibs.
func TestXMLMatchesBinary(t *testing.T) {
	// The BNCF XML export collapsed runs of spaces inside coded values
	// (100 $a, 181 $b ...), so that pair is compared with spaces collapsed.
	collapse := cmpopts.AcyclicTransformer("collapse", func(s string) string { return strings.Join(strings.Fields(s), " ") })
	pairs := []struct {
		xml, iso string
		opts     []cmp.Option
	}{
		{"marcxml/marc4j__chabon.xml", "marc21/marc4j__chabon.mrc", nil},
		{"marcxml/marc4j__summerland.xml", "marc21/marc4j__summerland.mrc", nil},
		{"unimarc/unimarcxml__unimarctest.xml", "unimarc/unimarcxml__data.mrc", []cmp.Option{collapse}},
	}
	for _, p := range pairs {
		t.Run(p.xml, func(t *testing.T) {
			xs, _ := readXMLFile(t, p.xml)
			is, _ := readISOFile(t, p.iso)
			if len(xs) != len(is) || len(xs) == 0 {
				t.Fatalf("records: xml %d, iso %d", len(xs), len(is))
			}
			for i := range xs {
				if diff := cmp.Diff(is[i].Fields, xs[i].Fields, p.opts...); diff != "" {
					t.Errorf("record %d fields (-iso +xml):\n%s", i+1, diff)
				}
				if diff := cmp.Diff(ToBib(is[i], Mapping{}), ToBib(xs[i], Mapping{})); diff != "" {
					t.Errorf("record %d Bib (-iso +xml):\n%s", i+1, diff)
				}
			}
		})
	}
}

func TestXMLWriterRoundTrip(t *testing.T) {
	for _, file := range []string{"marc21/marc4j__pride-and-prejudice-fixed.mrc", "marc21/marcperl__cjk1.marc", "unimarc/unimarcxml__data.mrc", "marc21/pymarc__bad_subfield_code.dat"} {
		t.Run(file, func(t *testing.T) {
			recs, _ := readISOFile(t, file)
			var buf bytes.Buffer
			w := NewXMLWriter(&buf)
			for _, r := range recs {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			back, damages := readAll(t, NewXMLReader(&buf))
			if len(damages) > 0 || len(back) != len(recs) {
				t.Fatalf("read back %d records, damages %v", len(back), damages)
			}
			for i := range recs {
				if diff := cmp.Diff(recs[i].Fields, back[i].Fields, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("record %d (-written +read):\n%s", i+1, diff)
				}
			}
		})
	}
}

func TestXMLReaderMalformed(t *testing.T) {
	cases := []struct {
		name    string
		input   string
		numbers []int
		damages []report
	}{
		{"empty", "", nil, nil},
		{"not closed", `<collection><record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">1</controlfield>`, nil, []report{{1, ReasonXML}}},
		{"bad after good", `<collection><record><controlfield tag="001">1</controlfield></record><record><datafield tag="245"><subfield code="a">x</datafield></record></collection>`, []int{1}, []report{{2, ReasonXML}}},
		{"garbage after good", `<collection><record><controlfield tag="001">1</controlfield></record><</collection>`, []int{1}, []report{{2, ReasonXML}}},
		{"short names", `<rec><lab>00000nam a2200000 a 4500</lab><cf t="001">1</cf><df t="200" i1="1" i2=" "><sf c="a">T</sf></df></rec>`, []int{1}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, damages := readAll(t, NewXMLReader(strings.NewReader(tc.input)))
			if diff := cmp.Diff(tc.numbers, numbers(recs)); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.damages, damageReports(damages)); diff != "" {
				t.Errorf("damages (-want +got):\n%s", diff)
			}
		})
	}
}
