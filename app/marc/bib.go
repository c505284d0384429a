package marc

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Bib is the catalogue's view of a bibliographic record: plain strings,
// Unicode NFC, ISBD punctuation and non-sorting markers removed.
type Bib struct {
	Title    string
	Subtitle string
	Authors  []string
	// Publisher, Place and Year come from 260/264 (MARC21) or 210/214
	// (UNIMARC); Year is the first 4-digit year found.
	Publisher string
	Place     string
	Year      string
	// ISBNs are the ISBNs as catalogued (MARC21 020 $a, UNIMARC 010 $a),
	// not normalised or validated; a qualifier after the number such as
	// "(pbk.)" is moved to ISBNQualifiers at the same index ("" if none).
	ISBNs          []string
	ISBNQualifiers []string
	// Language is a MARC language code (008/35-37 or 041 $a; UNIMARC 101 $a).
	Language string
	Subjects []string
	// CLC is the 中图法 class (MARC21 084 with $2 clc; UNIMARC 690).
	CLC string
	// Dewey is the DDC number (082 or 676).
	Dewey      string
	CallNumber string
	Series     string
	Summary    string
	Holdings   []Holding
	// Romanized keeps the romanized forms of fields whose original script
	// (MARC21 880) was preferred above. Empty unless the record had them.
	Romanized Romanized
}

// Romanized holds the transliterated forms that MARC21 records carry next
// to 880 original-script fields. Authors is parallel to Bib.Authors ("" for
// an author that had no separate romanized form).
type Romanized struct {
	Title     string
	Subtitle  string
	Authors   []string
	Publisher string
	Place     string
}

// IsZero reports whether r holds nothing.
func (r *Romanized) IsZero() bool {
	return r.Title == "" && r.Subtitle == "" && r.Publisher == "" && r.Place == "" && len(r.Authors) == 0
}

// Holding is one copy described in a holdings field.
type Holding struct {
	Barcode    string
	Location   string
	CallNumber string
	Price      string
	ItemType   string
}

// HoldingSource says where a holdings field keeps each item property.
// Each property lists subfield codes to try in order; the first present
// one wins, except CallNumber, whose listed subfields are joined.
type HoldingSource struct {
	Tag        string
	Barcode    string
	Location   string
	CallNumber string
	Price      string
	ItemType   string
}

// Mapping configures how records become Bibs.
type Mapping struct {
	// Format forces the dialect; FormatAuto detects it per record.
	Format Format
	// MARC21Holdings and UNIMARCHoldings list the holdings fields to read,
	// in order. Nil means the defaults.
	MARC21Holdings  []HoldingSource
	UNIMARCHoldings []HoldingSource
}

// Default holdings fields.
var (
	// Koha's MARC21 952: $p barcode, $o call number, $a/$b home/holding
	// branch, $g price, $y item type. 852 is the MARC21 holdings field.
	DefaultMARC21Holdings = []HoldingSource{
		{Tag: "952", Barcode: "p", Location: "abc", CallNumber: "o", Price: "gv", ItemType: "y"},
		{Tag: "852", Barcode: "p", Location: "bac", CallNumber: "hi", Price: "9", ItemType: ""},
	}
	// UNIMARC 995 (Koha/French usage): $f barcode, $k call number,
	// $b/$c/$e owner, holder, shelving location, $r item type. CNMARC 905
	// (China): $a holding library, $b accession number (barcode), $d class
	// number and $e book number making the call number.
	DefaultUNIMARCHoldings = []HoldingSource{
		{Tag: "995", Barcode: "f", Location: "ebc", CallNumber: "k", Price: "p", ItemType: "r"},
		{Tag: "905", Barcode: "b", Location: "a", CallNumber: "de", Price: "", ItemType: ""},
	}
)

// ToBib maps a record to a Bib. It never fails: what it cannot find stays
// empty.
func ToBib(rec *Record, m Mapping) Bib {
	format := m.Format
	if format == FormatAuto {
		format = DetectFormat(rec)
	}
	if format == FormatUNIMARC {
		return unimarcBib(rec, m)
	}
	return marc21Bib(rec, m)
}

// linked880 returns the 880 field holding the original script of f, if f
// has a $6 linkage to one.
func linked880(rec *Record, f *Field) *Field {
	link, ok := f.Sub('6')
	if !ok || !strings.HasPrefix(link, "880-") || len(link) < 6 {
		return nil
	}
	occ := link[4:6]
	for _, g := range rec.FieldsByTag("880") {
		l := g.First('6')
		if len(l) >= 6 && l[:3] == f.Tag && l[3] == '-' && l[4:6] == occ {
			return g
		}
	}
	return nil
}

func marc21Bib(rec *Record, m Mapping) Bib {
	var b Bib
	if f := rec.Field("245"); f != nil {
		src := f
		if orig := linked880(rec, f); orig != nil {
			src = orig
			b.Romanized.Title = clean(f.Join("anp"))
			b.Romanized.Subtitle = clean(f.First('b'))
		}
		b.Title = clean(src.Join("anp"))
		b.Subtitle = clean(src.First('b'))
	}
	romanAuthors := false
	for i := range rec.Fields {
		f := &rec.Fields[i]
		switch f.Tag {
		case "100", "110", "111", "700", "710", "711":
		default:
			continue
		}
		name, roman := f, ""
		if orig := linked880(rec, f); orig != nil {
			name, roman, romanAuthors = orig, clean(nameOf(f)), true
		}
		if n := clean(nameOf(name)); n != "" {
			b.Authors = append(b.Authors, n)
			b.Romanized.Authors = append(b.Romanized.Authors, roman)
		}
	}
	if !romanAuthors {
		b.Romanized.Authors = nil
	}
	pub := rec.Field("260")
	for _, f := range rec.FieldsByTag("264") {
		if pub == nil && (f.Ind2 == '1' || f.Ind2 == ' ') {
			pub = f
		}
	}
	if pub != nil {
		src := pub
		if orig := linked880(rec, pub); orig != nil {
			src = orig
			b.Romanized.Place = clean(pub.First('a'))
			b.Romanized.Publisher = clean(pub.First('b'))
		}
		b.Place = clean(src.First('a'))
		b.Publisher = clean(src.First('b'))
		b.Year = firstYear(src.First('c'))
		if b.Year == "" {
			b.Year = firstYear(pub.First('c'))
		}
	}
	f008 := rec.Control("008")
	if b.Year == "" && len(f008) >= 11 && isDigits(f008[7:11]) {
		b.Year = f008[7:11]
	}
	if len(f008) >= 38 && isLetters(f008[35:38]) {
		b.Language = f008[35:38]
	} else if f := rec.Field("041"); f != nil {
		b.Language = clean(f.First('a'))
	}
	for _, f := range rec.FieldsByTag("020") {
		for _, a := range f.All('a') {
			isbn, q := splitISBN(a)
			if isbn == "" {
				continue
			}
			for _, v := range f.All('q') {
				q = joinNonEmpty("; ", q, cleanText(v, false))
			}
			b.ISBNs = append(b.ISBNs, isbn)
			b.ISBNQualifiers = append(b.ISBNQualifiers, q)
		}
	}
	for i := range rec.Fields {
		switch f := &rec.Fields[i]; f.Tag {
		case "600", "610", "611", "630", "648", "650", "651", "653", "655":
			if s := subjectOf(f); s != "" && !contains(b.Subjects, s) {
				b.Subjects = append(b.Subjects, s)
			}
		}
	}
	for _, f := range rec.FieldsByTag("084") {
		if src := strings.ToLower(strings.TrimSpace(f.First('2'))); b.CLC == "" && (src == "clc" || strings.HasPrefix(src, "clc")) {
			b.CLC = clean(f.First('a'))
		}
	}
	if f := rec.Field("082"); f != nil {
		b.Dewey = strings.TrimSpace(f.First('a'))
	}
	b.Holdings = holdings(rec, m.MARC21Holdings, DefaultMARC21Holdings)
	for _, tag := range []string{"090", "099", "092", "055"} {
		if f := rec.Field(tag); f != nil && b.CallNumber == "" {
			b.CallNumber = clean(f.Join("ab"))
		}
	}
	if b.CallNumber == "" {
		for _, h := range b.Holdings {
			if h.CallNumber != "" {
				b.CallNumber = h.CallNumber
				break
			}
		}
	}
	if f := rec.Field("050"); f != nil && b.CallNumber == "" {
		b.CallNumber = clean(f.Join("ab"))
	}
	for _, tag := range []string{"490", "440", "830", "800", "810"} {
		if f := rec.Field(tag); f != nil && b.Series == "" {
			if orig := linked880(rec, f); orig != nil {
				f = orig
			}
			if tag == "800" || tag == "810" {
				b.Series = clean(f.First('t'))
			} else {
				b.Series = clean(f.First('a'))
			}
		}
	}
	if f := rec.Field("520"); f != nil {
		b.Summary = clean(f.First('a'))
	}
	return b
}

func unimarcBib(rec *Record, m Mapping) Bib {
	var b Bib
	if f := rec.Field("200"); f != nil {
		b.Title = clean(f.Join("ahi"))
		b.Subtitle = clean(f.First('e'))
	}
	for i := range rec.Fields {
		f := &rec.Fields[i]
		switch f.Tag {
		case "700", "701", "702", "710", "711", "712":
			if n := unimarcName(f); n != "" {
				b.Authors = append(b.Authors, n)
			}
		}
	}
	pub := rec.Field("210")
	if pub == nil {
		pub = rec.Field("214")
	}
	if pub != nil {
		b.Place = clean(pub.First('a'))
		b.Publisher = clean(pub.First('c'))
		b.Year = firstYear(pub.First('d'))
	}
	if f := rec.Field("100"); f != nil && b.Year == "" {
		if a := f.First('a'); len(a) >= 13 && isDigits(a[9:13]) {
			b.Year = a[9:13]
		}
	}
	if f := rec.Field("101"); f != nil {
		b.Language = clean(f.First('a'))
	}
	for _, f := range rec.FieldsByTag("010") {
		for _, a := range f.All('a') {
			isbn, q := splitISBN(a)
			if isbn == "" {
				continue
			}
			if bq := f.First('b'); bq != "" {
				q = joinNonEmpty("; ", q, cleanText(bq, false))
			}
			b.ISBNs = append(b.ISBNs, isbn)
			b.ISBNQualifiers = append(b.ISBNQualifiers, q)
		}
	}
	for i := range rec.Fields {
		switch f := &rec.Fields[i]; f.Tag {
		case "600", "601", "602", "604", "605", "606", "607", "608", "610":
			if s := subjectOf(f); s != "" && !contains(b.Subjects, s) {
				b.Subjects = append(b.Subjects, s)
			}
		}
	}
	if f := rec.Field("690"); f != nil {
		b.CLC = clean(f.First('a'))
	}
	if f := rec.Field("676"); f != nil {
		b.Dewey = strings.TrimSpace(f.First('a'))
	}
	b.Holdings = holdings(rec, m.UNIMARCHoldings, DefaultUNIMARCHoldings)
	for _, h := range b.Holdings {
		if h.CallNumber != "" {
			b.CallNumber = h.CallNumber
			break
		}
	}
	if f := rec.Field("225"); f != nil {
		b.Series = clean(f.First('a'))
	} else if f := rec.Field("410"); f != nil {
		// Linking field: the series title is $t, or $a of an embedded 200.
		b.Series = clean(f.First('t'))
		if b.Series == "" {
			for j, s := range f.Subfields {
				if s.Code == "1" && strings.HasPrefix(s.Value, "200") && j+1 < len(f.Subfields) && f.Subfields[j+1].Code == "a" {
					b.Series = clean(f.Subfields[j+1].Value)
					break
				}
			}
		}
	}
	if f := rec.Field("330"); f != nil {
		b.Summary = clean(f.First('a'))
	}
	return b
}

// nameOf returns the heading of a MARC21 name field: $a, with $b and $c for
// corporate and meeting names.
func nameOf(f *Field) string {
	if f.Tag[1:] == "00" {
		return f.First('a')
	}
	return f.Join("ab")
}

// unimarcName joins UNIMARC $a (entry element) and $b (rest of name).
func unimarcName(f *Field) string {
	a, b := clean(f.First('a')), clean(strings.TrimLeft(f.First('b'), " ,"))
	if b == "" {
		return a
	}
	if a == "" {
		return b
	}
	return a + ", " + b
}

// subjectOf joins a subject heading's main term and subdivisions with " -- ".
func subjectOf(f *Field) string {
	var parts []string
	for _, s := range f.Subfields {
		switch s.Code {
		case "a", "b", "t", "x", "y", "z", "v", "j":
			if c := clean(s.Value); c != "" {
				parts = append(parts, c)
			}
		}
	}
	return strings.Join(parts, " -- ")
}

func holdings(rec *Record, sources, defaults []HoldingSource) []Holding {
	if sources == nil {
		sources = defaults
	}
	var out []Holding
	for _, src := range sources {
		for _, f := range rec.FieldsByTag(src.Tag) {
			h := Holding{
				Barcode:    clean(firstOf(f, src.Barcode)),
				Location:   clean(firstOf(f, src.Location)),
				CallNumber: clean(f.Join(src.CallNumber)),
				Price:      clean(firstOf(f, src.Price)),
				ItemType:   clean(firstOf(f, src.ItemType)),
			}
			if h != (Holding{}) {
				out = append(out, h)
			}
		}
	}
	return out
}

// firstOf returns the first present, non-empty subfield among codes.
func firstOf(f *Field, codes string) string {
	for i := 0; i < len(codes); i++ {
		if v, ok := f.Sub(codes[i]); ok && strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// splitISBN separates an ISBN as catalogued ("0679450041 (acid-free
// paper)") into the number and its qualifier.
func splitISBN(s string) (isbn, qualifier string) {
	s = strings.TrimSpace(stripNonSort(s))
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == 'X' || s[end] == 'x' || s[end] == '-' || s[end] == ' ' && end+1 < len(s) && s[end+1] >= '0' && s[end+1] <= '9') {
		end++
	}
	if end == 0 {
		// No number first: keep the whole string as the ISBN rather than
		// lose it; validation happens elsewhere.
		return clean(s), ""
	}
	isbn = strings.TrimSpace(s[:end])
	// Qualifiers are mostly abbreviations ("pbk.", "lib. bdg."): keep
	// their periods.
	q := cleanText(s[end:], false)
	if strings.HasPrefix(q, "(") && strings.HasSuffix(q, ")") && strings.Count(q, "(") == 1 {
		q = cleanText(q[1:len(q)-1], false)
	}
	return isbn, q
}

// nonSort are UNIMARC/MARC-8 non-sorting markers (NSB/NSE) in both forms.
func isNonSort(r rune) bool {
	return r == 0x88 || r == 0x89 || r == 0x98 || r == 0x9C
}

func stripNonSort(s string) string {
	if !strings.ContainsFunc(s, isNonSort) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isNonSort(r) {
			return -1
		}
		return r
	}, s)
}

// clean turns a catalogued value into display text: NFC, no non-sorting
// markers, no trailing ISBD punctuation, no unbalanced brackets, single
// spaces. clean(clean(s)) == clean(s).
func clean(s string) string { return cleanText(s, true) }

func cleanText(s string, period bool) string {
	s = stripNonSort(s)
	if needsSpaceFix(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	for {
		t := strings.TrimLeft(strings.TrimRight(s, isbdPunct), isbdPunct)
		t = strings.TrimSuffix(t, " --")
		if period && strings.HasSuffix(t, ".") && !keepsPeriod(t) {
			t = t[:len(t)-1]
		}
		if strings.HasPrefix(t, "[") && !strings.Contains(t, "]") {
			t = t[1:]
		}
		if strings.HasSuffix(t, "]") && !strings.Contains(t, "[") {
			t = t[:len(t)-1]
		}
		t = strings.TrimSpace(t)
		if t == s {
			break
		}
		s = t
	}
	if !isASCII(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s
}

// needsSpaceFix reports whether s has white space other than single
// inner ASCII spaces; most values do not, and then clean need not copy them.
func needsSpaceFix(s string) bool {
	if s == "" {
		return false
	}
	return s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") ||
		strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) })
}

// isbdPunct is the punctuation ISBD puts between elements, in ASCII and in
// the full-width forms Chinese and Japanese records use.
const isbdPunct = " /:;,=+，：；／＝　"

// keepsPeriod reports whether the final period of s belongs to the text:
// an initial ("P."), an ellipsis or a common abbreviation.
func keepsPeriod(s string) bool {
	body := s[:len(s)-1]
	if strings.HasSuffix(body, "..") {
		return true
	}
	i := strings.LastIndexFunc(body, func(r rune) bool { return r == ' ' || r == '.' || r == '(' || r == ',' })
	word := body[i+1:]
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	switch strings.ToLower(word) {
	case "jr", "sr", "inc", "co", "ltd", "etc", "st", "dr", "ed", "eds", "al", "p", "pp", "vol", "no", "cm", "ill":
		return true
	}
	return false
}

// firstYear returns the first run of exactly four digits in s.
func firstYear(s string) string {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == 4 {
			return s[i-4 : i]
		}
		run = 0
	}
	return ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
