package marc

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

// report is a Damage reduced to what tests pin down.
type report struct {
	Record int
	Reason Reason
}

func damageReports(ds []*Damage) []report {
	var out []report
	for _, d := range ds {
		out = append(out, report{d.Record, d.Reason})
	}
	return out
}

func warningReports(recs []*Record) []report {
	var out []report
	for _, r := range recs {
		for _, w := range r.Warnings {
			if w.Record != r.Number {
				panic("warning numbered apart from its record")
			}
			out = append(out, report{w.Record, w.Reason})
		}
	}
	return out
}

func numbers(recs []*Record) []int {
	var out []int
	for _, r := range recs {
		out = append(out, r.Number)
	}
	return out
}

func titles(recs []*Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, ToBib(r, Mapping{}).Title)
	}
	return out
}

// fileCase describes what one shared data file holds.
type fileCase struct {
	file     string
	numbers  []int // record numbers that come out as records
	damages  []report
	warnings []report
	check    func(t *testing.T, recs []*Record)
}

func wantBib(t *testing.T, rec *Record, check func(b Bib) []string) {
	t.Helper()
	b := ToBib(rec, Mapping{})
	got := check(b)
	for i := 0; i+1 < len(got); i += 2 {
		if got[i] != got[i+1] {
			t.Errorf("record %d: got %q, want %q", rec.Number, got[i], got[i+1])
		}
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

var iso2709Cases = []fileCase{
	{
		file: "marc21/filemarc__music.mrc", numbers: seq(1, 3),
		// Records 1 and 3 hold UTF-8 ("B♭", "Cortège") under a MARC-8 flag.
		warnings: []report{{1, ReasonMisflaggedUTF8}, {3, ReasonMisflaggedUTF8}},
		check: func(t *testing.T, recs []*Record) {
			want := []string{"The Modern Jazz Quartet", "Paul Desmond & the Modern Jazz Quartet", "The Modern Jazz Quartet plus"}
			if diff := cmp.Diff(want, titles(recs)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			if !strings.Contains(recs[0].Field("505").First('a'), "Blues in B♭") {
				t.Errorf("505 lost the flat sign: %q", recs[0].Field("505").First('a'))
			}
		},
	},
	{
		file: "marc21/filemarc__wronglen.mrc", numbers: []int{1},
		// Leader says 727 bytes, the record has 741; the 949 entry's length
		// is wrong too, so the field terminators delimit the fields.
		warnings: []report{{1, ReasonFieldTerminator}, {1, ReasonRecordLength}},
		check: func(t *testing.T, recs []*Record) {
			r := recs[0]
			if got := len(r.Fields); got != 15 {
				t.Errorf("fields = %d, want 15", got)
			}
			if got := r.Field("949").First('i'); got != "30007006841505" {
				t.Errorf("949 $i = %q", got)
			}
			wantBib(t, r, func(b Bib) []string {
				return []string{b.Title, "French baroque music from Beaujoyeulx to Rameau", b.Publisher, "Amadeus Press"}
			})
		},
	},
	{
		file: "marc21/marc4j__bad_leaders_10_11.mrc", numbers: []int{1},
		warnings: []report{{1, ReasonLeaderValues}},
		check: func(t *testing.T, recs []*Record) {
			if got := recs[0].Leader; got != "01794     2200445   450 " {
				t.Errorf("repaired leader = %q", got)
			}
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Sammlung", b.Place, "Düsseldorf", strings.Join(b.ISBNs, " "), "3926154780 3832175679"}
			})
		},
	},
	{file: "marc21/marc4j__brkrtest.mrc", numbers: seq(1, 8)}, // checked against brkrtest.mrk
	{
		file: "marc21/marc4j__chabon.mrc", numbers: seq(1, 2),
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "The amazing adventures of Kavalier and Clay", b.Subtitle, "a novel", strings.Join(b.ISBNs, " "), "0679450041", b.ISBNQualifiers[0], "acid-free paper"}
			})
		},
	},
	{
		file:    "marc21/marc4j__datos-20161010-slice.mrc",
		damages: []report{{1, ReasonOversized}},
	},
	{
		file: "marc21/marc4j__oclc_63111280_export_as_UTF8_from_connexion.mrc", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{
					b.Title, "日本民俗·信仰·藝能·與中國文化",
					b.Romanized.Title, "Riben min su, xin yang, yi neng, yu Zhongguo wen hua",
					strings.Join(b.Authors, "|"), "葉漢鰲",
					strings.Join(b.Romanized.Authors, "|"), "Ye, Hanao",
					b.Publisher, "大新書局", b.Romanized.Publisher, "Da xin shu ju",
					b.Place, "台北市", b.Year, "2005", b.Language, "chi",
					strings.Join(b.ISBNs, " "), "9867271033 9789867271037",
				}
			})
		},
	},
	{
		file: "marc21/marc4j__pride-and-prejudice-fixed.mrc", numbers: seq(1, 383),
		check: func(t *testing.T, recs []*Record) {
			// Seven records hold kana-block characters (304 has Japanese
			// throughout; others have "・" or "ー").
			kana := 0
			for _, r := range recs {
				for _, f := range r.Fields {
					if strings.ContainsFunc(f.Join("abcdefghijklmnopqrstuvwxyz"), func(c rune) bool { return c >= 0x3040 && c <= 0x30FF }) {
						kana++
						break
					}
				}
			}
			if kana != 7 {
				t.Errorf("records with kana = %d, want 7", kana)
			}
			wantBib(t, recs[303], func(b Bib) []string { return []string{b.Title, "自負と偏見"} })
			wantBib(t, recs[382], func(b Bib) []string {
				return []string{b.Title, "傲慢與偏見", b.Publisher, "漢宇國際文化有限公司", strings.Join(b.Authors, "|"), "Austen, Jane|雷露"}
			})
		},
	},
	{file: "marc21/marc4j__summerland.mrc", numbers: []int{1}},
	{
		file: "marc21/marc4j__unordered-directory-entries.mrc", numbers: []int{1},
		warnings: []report{{1, ReasonDirectoryOrder}},
		check: func(t *testing.T, recs []*Record) {
			// Directory order is field order: the ISBN-13 entry comes first.
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{strings.Join(b.ISBNs, " "), "9781561457953 1561457957", b.Title, "About parrots"}
			})
		},
	},
	{
		file: "marc21/marcperl__baddir.usmarc", numbers: []int{1},
		// The directory's terminator is a 0x1F; the base address is right.
		warnings: []report{{1, ReasonBaseAddress}},
		check: func(t *testing.T, recs []*Record) {
			if got := recs[0].Control("001"); got != "    2000932" {
				t.Errorf("001 = %q", got)
			}
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Green Eggs and Ham", b.Holdings[0].Barcode, "2200001741", b.Holdings[0].Price, "7.99"}
			})
		},
	},
	{
		// A stray terminator between records 2 and 3 is no record; "7\n"
		// after the last one is.
		file: "marc21/marcperl__badldr.usmarc", numbers: seq(1, 6),
		damages: []report{{7, ReasonTruncated}},
		check: func(t *testing.T, recs []*Record) {
			want := []string{"Fallen hearts", "Hideaway", "Maclean's people", "Flying leathernecks", "Black fire : a Star Trek novel", "Kiss me, creep"}
			if diff := cmp.Diff(want, titles(recs)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
		},
	},
	{
		file: "marc21/marcperl__camel.usmarc", numbers: seq(1, 10),
		check: func(t *testing.T, recs []*Record) {
			want := []string{"ActivePerl with ASP and ADO", "Programming the Perl DBI", "Perl", "Perl", "CGI programming with Perl", "Proceedings of the Perl Conference 4.0", "Perl for system administration", "Programming Perl", "Perl programmer's reference", "Perl core language"}
			got := titles(recs)
			if got[0] != want[0] || got[1] != want[1] || len(got) != 10 {
				t.Errorf("titles = %q", got)
			}
		},
	},
	{
		file: "marc21/marcperl__cjk1.marc", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "金田一 京助 と アイヌ語", b.Romanized.Title, "Kindaichi Kyōsuke to Ainugo", strings.Join(b.Authors, "|"), "大正 十三造", b.Publisher, "三一 書房", strings.Join(b.ISBNs, " "), "4380012115"}
			})
		},
	},
	{
		file: "marc21/marcperl__cjk2.marc", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "式子 内親王 集 全釈", b.Romanized.Title, "Shikishi Naishinnō shū zenshaku", b.Publisher, "風間 書房"}
			})
		},
	},
	{
		file: "marc21/pymarc__bad_records.mrc", numbers: []int{1, 2, 3, 6, 8},
		// 2, 3 and 6 have a base address of 99937, 00000 and "f0037"; the
		// directory and every field agree on the real one.
		damages:  []report{{4, ReasonDirectoryLength}, {5, ReasonDirectory}, {7, ReasonNoFields}},
		warnings: []report{{2, ReasonBaseAddress}, {3, ReasonBaseAddress}, {6, ReasonBaseAddress}},
		check: func(t *testing.T, recs []*Record) {
			for _, r := range recs {
				wantBib(t, r, func(b Bib) []string {
					return []string{b.Title, "The pragmatic programmer", b.Subtitle, "from journeyman to master"}
				})
			}
		},
	},
	{
		file: "marc21/pymarc__bad_subfield_code.dat", numbers: []int{1},
		// 245's "$a" became "$á" (two UTF-8 bytes), which shifts every
		// offset after it by one and makes the record read as UTF-8.
		warnings: []report{{1, ReasonFieldTerminator}, {1, ReasonRecordLength}, {1, ReasonMisflaggedUTF8}, {1, ReasonSubfieldCode}},
		check: func(t *testing.T, recs []*Record) {
			got := recs[0].Field("245").Subfields[0]
			if diff := cmp.Diff(Subfield{Code: "á", Value: "ActivePerl with ASP and ADO /"}, got); diff != "" {
				t.Errorf("245 (-want +got):\n%s", diff)
			}
			if got := recs[0].Field("650").First('a'); got != "Perl (Computer program language)" {
				t.Errorf("650 $a = %q", got)
			}
		},
	},
	{
		file: "marc21/pymarc__diacritic.dat", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			var all strings.Builder
			for _, f := range recs[0].Fields {
				all.WriteString(f.Join("abcdefghijklmnopqrstuvwxyz"))
			}
			if !strings.Contains(norm.NFC.String(all.String()), "Wirtén") {
				t.Error("Wirtén not found")
			}
		},
	},
	{
		file: "marc21/pymarc__marc.dat", numbers: seq(1, 20),
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "The pragmatic programmer", strings.Join(b.Authors, "|"), "Hunt, Andrew|Thomas, David", strings.Join(b.ISBNs, " "), "020161622X"}
			})
			wantBib(t, recs[19], func(b Bib) []string { return []string{b.Title, "ANSI Common Lisp"} })
		},
	},
	{file: "marc21/pymarc__marc8.dat", numbers: []int{1}}, // compared with the UTF-8 twin below
	{
		file: "marc21/pymarc__multi_isbn.dat", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{strings.Join(b.ISBNs, " "), "0914378287 0914378295 0914378260", strings.Join(b.ISBNQualifiers, "|"), "v. 1|(lim. ed.) (v. 1)|(pbk.) (v. 1)"}
			})
		},
	},
	{file: "marc21/pymarc__one.dat", numbers: []int{1}},
	{
		file: "marc21/pymarc__utf8_invalid.mrc", numbers: []int{1},
		// Valid UTF-8, but a U+FFFD stands where 260's "$b" code was.
		warnings: []report{{1, ReasonSubfieldCode}},
		check: func(t *testing.T, recs []*Record) {
			if got := recs[0].Field("260").Subfields[1]; got.Code != "\uFFFD" || got.Value != "bAssociation of Teacher Educators]" {
				t.Errorf("260 second subfield = %+v", got)
			}
		},
	},
	{file: "marc21/pymarc__utf8_with_leader_flag.dat", numbers: []int{1}},
	{file: "marc21/pymarc__utf8_without_leader_flag.dat", numbers: []int{1}, warnings: []report{{1, ReasonMisflaggedUTF8}}},
	{
		file: "marc21/rubymarc__utf8.marc", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Photčhanānukrom Čhin Klāng-TǣčhiuʻAngkrit-Thai", b.Place, "Krungthēp"}
			})
		},
	},
	{
		file: "marc21/rubymarc__utf8_with_bad_bytes.marc", numbers: []int{1},
		warnings: []report{{1, ReasonInvalidUTF8}},
		check: func(t *testing.T, recs []*Record) {
			if a := recs[0].Field("245").First('a'); !strings.Contains(a, "bad bytes => \uFFFD") {
				t.Errorf("245 $a = %q", a)
			}
		},
	},
	{
		file: "marc21/xbib__SWB1.marc21", numbers: []int{1},
		warnings: []report{{1, ReasonRecordTerminator}},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "Nature [Mehrjahresausgabe]", b.Subtitle, "international weekly journal of science", b.Publisher, "Macmillan"}
			})
			if got := recs[0].Fields[len(recs[0].Fields)-1].First('b'); got != "soerd" {
				t.Errorf("last field $b = %q, want soerd", got)
			}
		},
	},
	{
		file: "marc21/xbib__amstransactions.mrc", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{
					b.Title, "百万 国民党军 起义 投诚 纪实 续集",
					b.Romanized.Title, "Bai wan guo min dang jun qi yi tou cheng ji shi xu ji",
					strings.Join(b.Authors, "|"), "蔡 恵林",
					b.Publisher, "中国 文史 出版社", b.Place, "北京", b.Year, "1999",
					strings.Join(b.ISBNs, " "), "7503401427", b.ISBNQualifiers[0], "set",
				}
			})
		},
	},
	{
		file: "unimarc/pymarc__testunimarc.dat", numbers: []int{1},
		check: func(t *testing.T, recs []*Record) {
			if DetectFormat(recs[0]) != FormatUNIMARC {
				t.Error("not detected as UNIMARC")
			}
			if a := recs[0].Field("200").First('a'); a != "\u0088L'\u0089altra faccia della spirale" {
				t.Errorf("raw 200 $a = %q (markers must stay in the record)", a)
			}
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{b.Title, "L'altra faccia della spirale", strings.Join(b.Authors, "|"), "Asimov, Isaac|Fruttero, Carlo|Lucentini, Franco|Scaglia, Cesare", b.Publisher, "A. Mondadori", strings.Join(b.ISBNs, " "), "88-04-40682-8"}
			})
		},
	},
	{
		file: "unimarc/unimarcxml__data.mrc", numbers: seq(1, 5),
		check: func(t *testing.T, recs []*Record) {
			want := []string{"Lo Stato innovatore", "L'annessione", "La quarta teoria politica", "L'idea di socialismo", "Storia d'Italia. Annali"}
			if diff := cmp.Diff(want, titles(recs)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			wantBib(t, recs[0], func(b Bib) []string {
				return []string{strings.Join(b.Authors, "|"), "Mazzucato, Mariana|Galimberti, Fabio", b.Publisher, "GLF editori Laterza", b.Dewey, "338.45", b.Series, "Anticorpi", b.Language, "ita"}
			})
		},
	},
}

func TestReadISO2709Files(t *testing.T) {
	for _, tc := range iso2709Cases {
		t.Run(tc.file, func(t *testing.T) {
			recs, damages := readISOFile(t, tc.file)
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

// TestMARC8MatchesUTF8Twin reads the same record in MARC-8 and in UTF-8
// (flagged and mis-flagged) and expects the same text.
func TestMARC8MatchesUTF8Twin(t *testing.T) {
	m8, _ := readISOFile(t, "marc21/pymarc__marc8.dat")
	for _, file := range []string{"marc21/pymarc__utf8_with_leader_flag.dat", "marc21/pymarc__utf8_without_leader_flag.dat"} {
		u8, _ := readISOFile(t, file)
		if len(m8) != 1 || len(u8) != 1 {
			t.Fatalf("records: %d and %d", len(m8), len(u8))
		}
		if diff := cmp.Diff(nfcFields(m8[0].Fields), nfcFields(u8[0].Fields)); diff != "" {
			t.Errorf("%s: fields differ from MARC-8 twin (-marc8 +utf8):\n%s", file, diff)
		}
	}
}

func nfcFields(fs []Field) []Field {
	out := make([]Field, len(fs))
	for i, f := range fs {
		f.Value = norm.NFC.String(f.Value)
		subs := make([]Subfield, len(f.Subfields))
		for j, s := range f.Subfields {
			subs[j] = Subfield{Code: s.Code, Value: norm.NFC.String(s.Value)}
		}
		f.Subfields = subs
		out[i] = f
	}
	return out
}

// TestReadSynthetic covers damage no shared file shows.
func TestReadSynthetic(t *testing.T) {
	good := func(title string) []byte {
		b, err := AppendISO2709(nil, &Record{Leader: "00000nam a2200000 i 4500", Fields: []Field{
			{Tag: "001", Value: "x"},
			{Tag: "245", Ind1: '0', Ind2: '0', Subfields: []Subfield{{Code: "a", Value: title}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := good("One"), good("Two")
	cases := []struct {
		name     string
		input    []byte
		numbers  []int
		damages  []report
		warnings []report
	}{
		{"empty", nil, nil, nil, nil},
		{"blank lines only", []byte("\n\r\n"), nil, nil, nil},
		{"two good", cat(a, b), []int{1, 2}, nil, nil},
		{"crlf between", cat(a, []byte("\r\n"), b, []byte("\r\n")), []int{1, 2}, nil, nil},
		{"truncated last", cat(a, b[:len(b)-10]), []int{1}, []report{{2, ReasonTruncated}}, nil},
		{"truncated in leader", cat(a, b[:10]), []int{1}, []report{{2, ReasonTruncated}}, nil},
		{"lost terminator between", cat(a[:len(a)-1], b), []int{1, 2}, nil, []report{{1, ReasonRecordTerminator}}},
		{"garbage then good", cat([]byte("this is not a MARC record, just some text\x1d"), b), []int{2}, []report{{1, ReasonLeader}}, nil},
		{"field out of bounds", cat(withByte(a, 27, '9'), b), []int{2}, []report{{1, ReasonFieldBounds}}, nil},
		{"bad indicator count", withByte(a, 10, ' '), []int{1}, nil, []report{{1, ReasonLeaderValues}}},
		{"missing field terminator", cat(withByte(a, len(a)-2, 'x'), b), []int{2}, []report{{1, ReasonFieldTerminator}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, damages := readAll(t, NewReader(bytes.NewReader(tc.input), Options{}))
			if diff := cmp.Diff(tc.numbers, numbers(recs)); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.damages, damageReports(damages)); diff != "" {
				t.Errorf("damages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.warnings, warningReports(recs)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadOversizedLimit(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 5000)
	input := cat([]byte("00000nam a2200000 i 4500"), big, []byte{recordTerminator}, []byte("tail"))
	r := NewReader(bytes.NewReader(input), Options{MaxRecordSize: 1000})
	_, err := r.Read()
	if d, ok := AsDamage(err); !ok || d.Reason != ReasonOversized || d.Record != 1 {
		t.Fatalf("first read: %v", err)
	}
	_, err = r.Read()
	if d, ok := AsDamage(err); !ok || d.Record != 2 || d.Offset != int64(len(input)-4) {
		t.Fatalf("second read: %v (%+v)", err, d)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Fatalf("third read: %v", err)
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func withByte(b []byte, i int, c byte) []byte {
	out := append([]byte(nil), b...)
	out[i] = c
	return out
}
