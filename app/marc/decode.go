package marc

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var delimiter = []byte{subfieldDelimiter}

// dirEntry is one parsed directory entry.
type dirEntry struct {
	tag        string
	start, end int // field bytes within the record, terminator included
}

// decodeRecord turns one record's bytes into a Record, repairing what can be
// repaired safely and refusing the rest. terminated says whether chunk ends
// with the record terminator.
func decodeRecord(chunk []byte, terminated bool, enc Encoding) (*Record, *Damage) {
	fail := func(reason Reason, detail string) (*Record, *Damage) {
		return nil, &Damage{Reason: reason, Detail: detail}
	}
	if len(chunk) < leaderLen+1 {
		return fail(ReasonTruncated, strconv.Itoa(len(chunk))+" bytes")
	}
	rec := &Record{}
	warn := func(reason Reason, detail string) {
		rec.Warnings = append(rec.Warnings, Damage{Reason: reason, Detail: detail})
	}
	leader := chunk[:leaderLen]
	length, lengthOK := digits(leader, 0, 5)
	base, baseOK := digits(leader, leaderBaseAddress, 5)
	if !lengthOK && !baseOK {
		return fail(ReasonLeader, quoteBytes(leader))
	}
	if len(chunk) > 99999 || (lengthOK && length == 99999 && !terminated) {
		return fail(ReasonOversized, strconv.Itoa(len(chunk))+" bytes")
	}
	dataEnd := len(chunk)
	if terminated {
		dataEnd--
	}

	dirEnd := bytes.IndexByte(chunk[leaderLen:dataEnd], fieldTerminator)
	if dirEnd < 0 {
		if !terminated {
			return fail(ReasonTruncated, "no directory terminator")
		}
		return fail(ReasonDirectory, "no directory terminator")
	}
	dirEnd += leaderLen
	entries, dmg := parseDirectory(chunk, base, baseOK, dataEnd, terminated)
	if dmg != nil && (!baseOK || base != dirEnd+1) {
		// The leader's base address may be the damaged part: try the one
		// the directory terminator gives.
		if alt, altDmg := parseDirectory(chunk, dirEnd+1, true, dataEnd, terminated); altDmg == nil {
			entries, dmg = alt, nil
			warn(ReasonBaseAddress, "leader "+quoteBytes(leader[leaderBaseAddress:leaderBaseAddress+5])+", directory ends at "+strconv.Itoa(dirEnd))
			base = dirEnd + 1
		}
	}
	if dmg != nil && dmg.Reason == ReasonFieldTerminator {
		// Lengths in the directory are off but the terminators may still
		// delimit exactly one field per entry, in offset order.
		if fixed, ok := splitByTerminators(chunk, base, dataEnd); ok {
			entries, dmg = fixed, nil
			warn(ReasonFieldTerminator, "fields delimited by terminators")
		}
	}
	if dmg != nil {
		return nil, dmg
	}
	if len(entries) == 0 {
		return fail(ReasonNoFields, "")
	}
	if baseOK && base != dirEnd+1 && !hasWarning(rec, ReasonBaseAddress) {
		warn(ReasonBaseAddress, "directory terminator damaged")
	}
	for i := 1; i < len(entries); i++ {
		if entries[i].start < entries[i-1].start {
			warn(ReasonDirectoryOrder, entries[i].tag)
			break
		}
	}
	if !terminated {
		warn(ReasonRecordTerminator, "")
	}
	if !lengthOK || length != len(chunk) && (terminated || length != len(chunk)+1) {
		warn(ReasonRecordLength, "leader "+quoteBytes(leader[:5])+", actual "+strconv.Itoa(len(chunk)))
	}
	rec.Leader = repairLeader(leader, rec)

	dec := chooseDecoder(chunk, base, dataEnd, rec, entries, enc)
	rec.Fields = make([]Field, 0, len(entries))
	// One backing array for every subfield of the record.
	subs := make([]Subfield, 0, bytes.Count(chunk[base:dataEnd], delimiter)+len(entries))
	for _, e := range entries {
		raw := chunk[e.start : e.end-1]
		f := Field{Tag: e.tag}
		if IsControlTag(e.tag) {
			f.Value = dec.text(raw)
			rec.Fields = append(rec.Fields, f)
			continue
		}
		f.Ind1, f.Ind2 = ' ', ' '
		if len(raw) > 0 && raw[0] != subfieldDelimiter {
			f.Ind1 = indicator(raw[0])
			raw = raw[1:]
		}
		if len(raw) > 0 && raw[0] != subfieldDelimiter {
			f.Ind2 = indicator(raw[0])
			raw = raw[1:]
		}
		first := len(subs)
		if i := bytes.IndexByte(raw, subfieldDelimiter); i != 0 && len(raw) > 0 {
			// Text before the first delimiter has no code; keep it.
			if i < 0 {
				i = len(raw)
			}
			warn(ReasonSubfieldCode, e.tag)
			subs = append(subs, Subfield{Value: dec.text(raw[:i])})
			raw = raw[i:]
		}
		for len(raw) > 0 {
			raw = raw[1:] // delimiter
			next := bytes.IndexByte(raw, subfieldDelimiter)
			if next < 0 {
				next = len(raw)
			}
			sub := raw[:next]
			raw = raw[next:]
			n := 1
			if len(sub) > 0 && sub[0] >= utf8.RuneSelf {
				if dec.utf8 {
					_, n = utf8.DecodeRune(sub)
				}
				warn(ReasonSubfieldCode, e.tag)
			}
			if len(sub) == 0 {
				n = 0
				warn(ReasonSubfieldCode, e.tag)
			}
			subs = append(subs, Subfield{Code: dec.code(sub[:n]), Value: dec.text(sub[n:])})
		}
		f.Subfields = subs[first:len(subs):len(subs)]
		rec.Fields = append(rec.Fields, f)
	}
	if dec.invalid {
		warn(dec.invalidReason, "")
	}
	return rec, nil
}

// parseDirectory reads the directory that ends at base-1 and checks each
// entry against the data. It reports the first structural problem.
func parseDirectory(chunk []byte, base int, baseOK bool, dataEnd int, terminated bool) ([]dirEntry, *Damage) {
	if !baseOK || base <= leaderLen || base > dataEnd {
		return nil, &Damage{Reason: ReasonBaseAddress, Detail: quoteBytes(chunk[leaderBaseAddress : leaderBaseAddress+5])}
	}
	dir := chunk[leaderLen : base-1]
	for _, c := range dir {
		if c < 0x20 || c > 0x7E {
			return nil, &Damage{Reason: ReasonDirectory, Detail: quoteBytes(dir)}
		}
	}
	if len(dir)%12 != 0 {
		return nil, &Damage{Reason: ReasonDirectoryLength, Detail: strconv.Itoa(len(dir))}
	}
	entries := make([]dirEntry, 0, len(dir)/12)
	for at := 0; at < len(dir); at += 12 {
		length, ok1 := digits(dir, at+3, 4)
		offset, ok2 := digits(dir, at+7, 5)
		if !ok1 || !ok2 {
			return nil, &Damage{Reason: ReasonDirectory, Detail: string(dir[at : at+12])}
		}
		e := dirEntry{tag: tagString(dir[at : at+3]), start: base + offset, end: base + offset + length}
		switch {
		case length == 0 || e.end > dataEnd:
			if !terminated {
				return nil, &Damage{Reason: ReasonTruncated, Detail: e.tag}
			}
			return nil, &Damage{Reason: ReasonFieldBounds, Detail: e.tag}
		case chunk[e.end-1] != fieldTerminator:
			return entries, &Damage{Reason: ReasonFieldTerminator, Detail: e.tag}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// splitByTerminators re-derives field extents from the field terminators
// when the directory's lengths are wrong but its count and order are right.
func splitByTerminators(chunk []byte, base, dataEnd int) ([]dirEntry, bool) {
	dir := chunk[leaderLen : base-1]
	n := len(dir) / 12
	if n == 0 || len(dir)%12 != 0 {
		return nil, false
	}
	prev := -1
	for i := range n {
		off, ok := digits(dir, i*12+7, 5)
		if !ok || off <= prev {
			return nil, false // only safe when the data follows the directory
		}
		prev = off
	}
	out := make([]dirEntry, n)
	at := base
	for i := range n {
		end := bytes.IndexByte(chunk[at:dataEnd], fieldTerminator)
		if end < 0 {
			return nil, false
		}
		out[i] = dirEntry{tag: tagString(dir[i*12 : i*12+3]), start: at, end: at + end + 1}
		at += end + 1
	}
	if at != dataEnd {
		return nil, false
	}
	return out, true
}

// tagString returns a tag, reusing constant strings for common tags.
func tagString(b []byte) string {
	if b[0] >= '0' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9' && b[2] >= '0' && b[2] <= '9' {
		return numericTags[int(b[0]-'0')*100+int(b[1]-'0')*10+int(b[2]-'0')]
	}
	return string(b)
}

var numericTags = func() (t [1000]string) {
	for i := range t {
		t[i] = string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)})
	}
	return t
}()

// indicator keeps printable ASCII indicators and blanks the rest.
func indicator(b byte) byte {
	if b < 0x20 || b > 0x7E {
		return ' '
	}
	return b
}

// repairLeader returns the leader as text, fixing the positions every MARC
// record must have so a writer or another reader will not stumble.
func repairLeader(l []byte, rec *Record) string {
	b := []byte(string(l))
	fixed := false
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			b[i], fixed = ' ', true
		}
	}
	if b[leaderIndCount] != '2' || b[leaderCodeLen] != '2' {
		b[leaderIndCount], b[leaderCodeLen], fixed = '2', '2', true
	}
	if string(b[20:23]) != "450" {
		copy(b[20:23], "450")
		fixed = true
	}
	if fixed {
		rec.Warnings = append(rec.Warnings, Damage{Reason: ReasonLeaderValues, Detail: quoteBytes(l)})
	}
	return string(b)
}

func hasWarning(rec *Record, reason Reason) bool {
	for _, w := range rec.Warnings {
		if w.Reason == reason {
			return true
		}
	}
	return false
}

// quoteBytes renders bytes for a Detail string.
func quoteBytes(b []byte) string {
	return strconv.QuoteToASCII(string(b))
}

// fieldDecoder turns field bytes into text in the encoding chosen for a record.
type fieldDecoder struct {
	// data is the record's data area and str the same bytes as one string
	// when they are valid UTF-8: values are then substrings of str, one
	// allocation per record instead of one per subfield.
	data          []byte
	str           string
	utf8          bool
	marc8         bool
	gb18030       bool
	iso5426       bool
	invalid       bool
	invalidReason Reason
}

// chooseDecoder picks the encoding of one record from leader/09, the format
// and the bytes themselves.
func chooseDecoder(chunk []byte, base, dataEnd int, rec *Record, entries []dirEntry, enc Encoding) *fieldDecoder {
	data := chunk[base:dataEnd]
	valid := utf8.Valid(data)
	high := false
	for _, c := range data {
		if c >= utf8.RuneSelf {
			high = true
			break
		}
	}
	hasEsc := bytes.IndexByte(data, 0x1B) >= 0
	d := &fieldDecoder{}
	switch enc {
	case EncodingUTF8:
		d.utf8 = true
	case EncodingMARC8:
		d.marc8 = true
	case EncodingGB18030:
		d.gb18030 = true
	case EncodingISO5426:
		d.iso5426 = true
	default:
		switch {
		case rec.Leader[leaderCharset] == 'a':
			d.utf8 = true
		case isUNIMARCDirectory(entries):
			// UNIMARC leader/09 is undefined; UTF-8 is what current
			// exports (and field 100 code "50") use, GB 18030/GBK what
			// many Chinese CNMARC exports use.
			switch declared := unimarcCharset(chunk, entries); {
			case valid || declared == "utf8":
				d.utf8 = true
			case declared == "iso5426":
				d.iso5426 = true
			case isGB18030(data):
				d.gb18030 = true
			default:
				d.iso5426 = true
			}
		case !high && !hasEsc:
			d.utf8 = true // plain ASCII reads the same either way
		case high && valid && !hasEsc:
			d.utf8 = true
			rec.Warnings = append(rec.Warnings, Damage{Reason: ReasonMisflaggedUTF8})
		default:
			d.marc8 = true
		}
	}
	switch {
	case d.gb18030:
		d.invalidReason = ReasonInvalidGB18030
	case d.iso5426:
		d.invalidReason = ReasonISO5426
	case d.utf8:
		d.invalidReason = ReasonInvalidUTF8
		if valid {
			d.data, d.str = data, string(data)
		}
	default:
		d.invalidReason = ReasonMARC8
	}
	return d
}

// unimarcCharset reads the character sets UNIMARC 100 $a/26-29 declares:
// "utf8" for ISO 10646 (code 50), "iso5426" when G0/G1 are ISO 646 and
// ISO 5426 (codes 01 to 03), "" when the field says nothing usable.
func unimarcCharset(chunk []byte, entries []dirEntry) string {
	for _, e := range entries {
		if e.tag != "100" {
			continue
		}
		raw := chunk[e.start:e.end]
		i := bytes.Index(raw, []byte{subfieldDelimiter, 'a'})
		if i < 0 || len(raw) < i+2+30 {
			return ""
		}
		sets := string(raw[i+2+26 : i+2+30])
		switch {
		case sets[:2] == "50" || sets[2:] == "50":
			return "utf8"
		case sets[:2] == "01" && (sets[2:] == "02" || sets[2:] == "03"):
			return "iso5426"
		}
		return ""
	}
	return ""
}

// isUNIMARCDirectory reports whether the tags look like UNIMARC: a 200 title
// field and no MARC21 245.
func isUNIMARCDirectory(entries []dirEntry) bool {
	has200 := false
	for _, e := range entries {
		switch e.tag {
		case "245":
			return false
		case "200":
			has200 = true
		}
	}
	return has200
}

func (d *fieldDecoder) text(b []byte) string {
	if d.gb18030 {
		s, ok := decodeGB18030(b)
		if !ok {
			d.invalid = true
		}
		return s
	}
	if d.iso5426 {
		s, ok := DecodeISO5426(b)
		if !ok {
			d.invalid = true
		}
		return s
	}
	if d.marc8 {
		s, ok := DecodeMARC8(b)
		if !ok {
			d.invalid = true
		}
		return s
	}
	if len(b) == 0 {
		return ""
	}
	if d.str != "" {
		// b is a subslice of d.data, so the difference of their capacities
		// is b's offset in it.
		off := cap(d.data) - cap(b)
		return d.str[off : off+len(b)]
	}
	if utf8.Valid(b) {
		return string(b)
	}
	d.invalid = true
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func (d *fieldDecoder) code(b []byte) string {
	if len(b) == 1 && b[0] < utf8.RuneSelf {
		return asciiStrings[b[0]]
	}
	return d.text(b)
}

var asciiStrings = func() (t [128]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// isGB18030 reports whether b looks like Chinese text in GB 18030 (GBK,
// GB 2312): it decodes without replacement, yields Han characters, and its
// double-byte characters mostly have a high trail byte. Latin text in an
// 8-bit set such as ISO 5426 (a diacritic before an ASCII letter) also
// decodes as GBK, but with ASCII trail bytes throughout.
func isGB18030(b []byte) bool {
	pairs, lowTrail := 0, 0
	for i := 0; i+1 < len(b); i++ {
		if b[i] >= 0x81 && b[i] != 0xFF {
			pairs++
			if b[i+1] < 0x80 {
				lowTrail++
			}
			i++
		}
	}
	if pairs == 0 || lowTrail*10 > pairs {
		return false
	}
	s, ok := decodeGB18030(b)
	return ok && strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// decodeGB18030 converts GB 18030 bytes to UTF-8; ok is false when some
// bytes had to become U+FFFD.
func decodeGB18030(b []byte) (string, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), false
	}
	return string(out), !bytes.ContainsRune(out, utf8.RuneError) || bytes.Contains(b, []byte("\x84\x31\xa4\x37"))
}
