package marc

import (
	"testing"

	"bytes"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"The pragmatic programmer : ", "The pragmatic programmer"},
		{"Chabon, Michael.", "Chabon, Michael"},
		{"Sill, Cathryn P.,", "Sill, Cathryn P."},
		{"Andrews, V.C.", "Andrews, V.C."},
		{"New York :", "New York"},
		{"[Washington, D.C.:", "Washington, D.C."},
		{"[2014]", "[2014]"},
		{"[2014", "2014"},
		{"The legendary profile. --", "The legendary profile"},
		{": a gallery", "a gallery"},
		{"風間 書房，", "風間 書房"},
		{"\u0098Lo \u009cStato", "Lo Stato"},
		{"a  b\tc", "a b c"},
		{"Cafe\u0301", "Café"},
		{"et al...", "et al..."},
		{"", ""},
	}
	for _, tc := range cases {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := clean(clean(tc.in)); got != clean(tc.in) {
			t.Errorf("clean is not idempotent on %q", tc.in)
		}
	}
}

func TestSplitISBN(t *testing.T) {
	cases := []struct{ in, isbn, q string }{
		{"0679450041 (acid-free paper)", "0679450041", "acid-free paper"},
		{"0786816155 (pbk.)", "0786816155", "pbk."},
		{"1561457957 (lib. bdg.) :", "1561457957", "lib. bdg."},
		{"0914378295 (lim. ed.) (v. 1)", "0914378295", "(lim. ed.) (v. 1)"},
		{"957-709-068-0", "957-709-068-0", ""},
		{"0-19-283225-5 :", "0-19-283225-5", ""},
		{"020161622X", "020161622X", ""},
		{"9780415782654 (hardback)", "9780415782654", "hardback"},
		{"no number", "no number", ""},
	}
	for _, tc := range cases {
		isbn, q := splitISBN(tc.in)
		if isbn != tc.isbn || q != tc.q {
			t.Errorf("splitISBN(%q) = %q, %q; want %q, %q", tc.in, isbn, q, tc.isbn, tc.q)
		}
	}
}

func TestDetectFormat(t *testing.T) {
	data := func(tag string, subs ...string) Field {
		f := Field{Tag: tag, Ind1: ' ', Ind2: ' '}
		for i := 0; i+1 < len(subs); i += 2 {
			f.Subfields = append(f.Subfields, Subfield{Code: subs[i], Value: subs[i+1]})
		}
		return f
	}
	cases := []struct {
		name   string
		fields []Field
		want   Format
	}{
		{"marc21", []Field{data("020", "a", "x"), data("100", "a", "Name"), data("245", "a", "T")}, FormatMARC21},
		{"unimarc", []Field{data("010", "a", "x"), data("100", "a", "20140514d2014    ||||0itac50      ba"), data("200", "a", "T")}, FormatUNIMARC},
		{"cnmarc without 200", []Field{data("010", "a", "x"), data("210", "c", "P"), data("690", "a", "I247.5"), data("701", "a", "鲁迅")}, FormatUNIMARC},
		{"empty", nil, FormatMARC21},
	}
	for _, tc := range cases {
		if got := DetectFormat(&Record{Fields: tc.fields}); got != tc.want {
			t.Errorf("%s: DetectFormat = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestToBibCNMARC(t *testing.T) {
	rec := &Record{Leader: "00000nam0 2200000   450 ", Fields: []Field{
		{Tag: "001", Value: "012000123"},
		{Tag: "010", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "978-7-02-000220-7"}, {"b", "精装"}, {"d", "CNY59.70"}}},
		{Tag: "100", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "20200101d2019    em y0chiy50      ea"}}},
		{Tag: "101", Ind1: '0', Ind2: ' ', Subfields: []Subfield{{"a", "chi"}}},
		{Tag: "200", Ind1: '1', Ind2: ' ', Subfields: []Subfield{{"a", "红楼梦"}, {"e", "程乙本"}, {"f", "曹雪芹著"}}},
		{Tag: "210", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "北京"}, {"c", "人民文学出版社"}, {"d", "2019"}}},
		{Tag: "225", Ind1: '2', Ind2: ' ', Subfields: []Subfield{{"a", "中国古典文学读本丛书"}}},
		{Tag: "330", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "长篇小说。"}}},
		{Tag: "606", Ind1: '0', Ind2: ' ', Subfields: []Subfield{{"a", "章回小说"}, {"y", "中国"}, {"z", "清代"}}},
		{Tag: "690", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "I242.4"}, {"v", "5"}}},
		{Tag: "701", Ind1: ' ', Ind2: '0', Subfields: []Subfield{{"a", "曹雪芹"}, {"f", "约1715-约1763"}, {"4", "著"}}},
		{Tag: "905", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "示例图书馆"}, {"b", "C0012345"}, {"d", "I242.4"}, {"e", "C12"}}},
	}}
	want := Bib{
		Title: "红楼梦", Subtitle: "程乙本", Authors: []string{"曹雪芹"},
		Publisher: "人民文学出版社", Place: "北京", Year: "2019",
		ISBNs: []string{"978-7-02-000220-7"}, ISBNQualifiers: []string{"精装"},
		Language: "chi", Subjects: []string{"章回小说 -- 中国 -- 清代"}, CLC: "I242.4",
		CallNumber: "I242.4 C12", Series: "中国古典文学读本丛书", Summary: "长篇小说。",
		Holdings: []Holding{{Barcode: "C0012345", Location: "示例图书馆", CallNumber: "I242.4 C12"}},
	}
	got := ToBib(rec, Mapping{})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Bib (-want +got):\n%s", diff)
	}
	// Exported as MARC21, the same Bib comes back, CLC in 084 $2 clc.
	out := BibToRecord(&got)
	if f008 := out.Control("008"); len(f008) != 40 || f008[7:11] != "2019" || f008[35:38] != "chi" {
		t.Errorf("008 = %q", f008)
	}
	if f := out.Field("084"); f == nil || f.First('2') != "clc" || f.First('a') != "I242.4" {
		t.Errorf("084 = %+v", f)
	}
	if diff := cmp.Diff(want, ToBib(out, Mapping{})); diff != "" {
		t.Errorf("re-imported Bib (-want +got):\n%s", diff)
	}
}

func TestCustomHoldingsMapping(t *testing.T) {
	rec := &Record{Fields: []Field{
		{Tag: "245", Ind1: '0', Ind2: '0', Subfields: []Subfield{{"a", "T"}}},
		{Tag: "949", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"i", "B-1"}, {"l", "STACKS"}, {"a", "QA76"}, {"b", ".P7"}, {"t", "BOOK"}, {"p", "12.50"}}},
		{Tag: "952", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"p", "ignored"}}},
	}}
	m := Mapping{MARC21Holdings: []HoldingSource{{Tag: "949", Barcode: "i", Location: "l", CallNumber: "ab", Price: "p", ItemType: "t"}}}
	want := []Holding{{Barcode: "B-1", Location: "STACKS", CallNumber: "QA76 .P7", Price: "12.50", ItemType: "BOOK"}}
	if diff := cmp.Diff(want, ToBib(rec, m).Holdings); diff != "" {
		t.Errorf("holdings (-want +got):\n%s", diff)
	}
	koha := ToBib(rec, Mapping{}).Holdings
	if len(koha) != 1 || koha[0].Barcode != "ignored" {
		t.Errorf("default holdings = %+v", koha)
	}
}

func TestDamageError(t *testing.T) {
	var err error = &Damage{Record: 7, Reason: ReasonTruncated, Detail: "1 bytes"}
	err = errors.Wrap(err, "import")
	if !errors.Is(err, ErrDamaged) {
		t.Error("errors.Is(ErrDamaged) is false")
	}
	d, ok := AsDamage(err)
	if !ok || d.Record != 7 || d.Reason != ReasonTruncated {
		t.Errorf("AsDamage = %+v, %v", d, ok)
	}
	for r := ReasonUnknown; r < reasonCount; r++ {
		if r.String() == "" || r.String()[0] == 'r' && r.String() != "record-length" && r.String() != "record-terminator" {
			t.Errorf("reason %d has no name: %q", r, r.String())
		}
	}
}

// TestReadGBKCNMARC reads a CNMARC record encoded in GBK, as many Chinese
// systems export them (no such public file exists in the shared data).
func TestReadGBKCNMARC(t *testing.T) {
	gbk := func(s string) string {
		b, err := simplifiedchinese.GBK.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rec := &Record{Leader: "00000nam0 2200000   450 ", Fields: []Field{
		{Tag: "001", Value: "1"},
		{Tag: "010", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "7-02-000220-6"}}},
		{Tag: "200", Ind1: '1', Ind2: ' ', Subfields: []Subfield{{"a", gbk("红楼梦")}, {"f", gbk("曹雪芹著")}}},
		{Tag: "210", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", gbk("北京")}, {"c", gbk("人民文学出版社")}, {"d", "1982"}}},
		{Tag: "701", Ind1: ' ', Ind2: '0', Subfields: []Subfield{{"a", gbk("曹雪芹")}}},
	}}
	raw, err := AppendISO2709(nil, rec)
	if err != nil {
		t.Fatal(err)
	}
	raw[leaderCharset] = ' '
	for _, enc := range []Encoding{EncodingAuto, EncodingGB18030} {
		recs, damages := readAll(t, NewReader(bytes.NewReader(raw), Options{Encoding: enc}))
		if len(recs) != 1 || len(damages) > 0 || len(recs[0].Warnings) > 0 {
			t.Fatalf("encoding %d: records %d, damages %v, warnings %v", enc, len(recs), damages, recs[0].Warnings)
		}
		b := ToBib(recs[0], Mapping{})
		if b.Title != "红楼梦" || b.Publisher != "人民文学出版社" || len(b.Authors) != 1 || b.Authors[0] != "曹雪芹" {
			t.Errorf("encoding %d: Bib = %+v", enc, b)
		}
	}
}

// TestReadISO5426UNIMARC reads UNIMARC records in ISO 5426, declared in
// 100 $a/26-29 or not.
func TestReadISO5426UNIMARC(t *testing.T) {
	for _, sets := range []string{"0103", "    "} {
		rec := &Record{Leader: "00000nam0 2200000   450 ", Fields: []Field{
			{Tag: "001", Value: "1"},
			{Tag: "100", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "19990101d1998    m  y0frey" + sets + "    ba"}}},
			{Tag: "200", Ind1: '1', Ind2: ' ', Subfields: []Subfield{{"a", "\x88Les \x89mis\xc2erables"}, {"f", "Victor Hugo"}}},
			{Tag: "210", Ind1: ' ', Ind2: ' ', Subfields: []Subfield{{"a", "Paris"}, {"c", "Gallimard"}, {"d", "1998"}}},
			{Tag: "700", Ind1: ' ', Ind2: '1', Subfields: []Subfield{{"a", "Hugo"}, {"b", "Victor"}}},
		}}
		raw, err := AppendISO2709(nil, rec)
		if err != nil {
			t.Fatal(err)
		}
		raw[leaderCharset] = ' '
		recs, damages := readAll(t, NewReader(bytes.NewReader(raw), Options{}))
		if len(recs) != 1 || len(damages) > 0 || len(recs[0].Warnings) > 0 {
			t.Fatalf("sets %q: records %d, damages %v", sets, len(recs), damages)
		}
		b := ToBib(recs[0], Mapping{})
		if b.Title != "Les misérables" || b.Authors[0] != "Hugo, Victor" {
			t.Errorf("sets %q: Bib = %+v", sets, b)
		}
	}
}
