package marc

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"
)

// MARCXMLNamespace is the namespace of MARC21 slim XML.
const MARCXMLNamespace = "http://www.loc.gov/MARC21/slim"

// XMLReader streams records from MARCXML: a collection or a single record,
// with or without the MARC21 slim namespace or a prefix, and also the
// UNIMARC slim dialect with short names (rec, lab, cf, df, sf; t, i1, i2, c).
type XMLReader struct {
	in     *recordingReader
	dec    *xml.Decoder
	number int
	done   bool
}

// NewXMLReader returns an XMLReader over r.
func NewXMLReader(r io.Reader) *XMLReader {
	in := &recordingReader{r: r}
	dec := xml.NewDecoder(bufio.NewReaderSize(in, 64<<10))
	dec.Strict = true
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, errors.Newf("marc: unsupported XML encoding %q", label)
	}
	return &XMLReader{in: in, dec: dec}
}

// recordingReader remembers the underlying reader's error, so a failing
// disk is told apart from a malformed document.
type recordingReader struct {
	r   io.Reader
	err error
}

func (r *recordingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// element names and attributes of both slim dialects.
func elemKind(local string) string {
	switch local {
	case "record", "rec":
		return "record"
	case "leader", "lab":
		return "leader"
	case "controlfield", "cf":
		return "controlfield"
	case "datafield", "df":
		return "datafield"
	case "subfield", "sf":
		return "subfield"
	}
	return local
}

func attr(se xml.StartElement, names ...string) (string, bool) {
	for _, a := range se.Attr {
		for _, n := range names {
			if a.Name.Local == n {
				return a.Value, true
			}
		}
	}
	return "", false
}

// Read returns the next record. A malformed document ends with one
// ReasonXML damage, then io.EOF.
func (x *XMLReader) Read() (*Record, error) {
	if x.done {
		return nil, io.EOF
	}
	for {
		tok, err := x.dec.Token()
		if err == io.EOF {
			x.done = true
			return nil, io.EOF
		}
		if err != nil {
			return nil, x.syntax(err, x.number+1)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || elemKind(se.Name.Local) != "record" {
			continue
		}
		x.number++
		start := x.dec.InputOffset()
		rec, err := x.readRecord()
		if err != nil {
			return nil, err
		}
		rec.Number = x.number
		for i := range rec.Warnings {
			rec.Warnings[i].Record, rec.Warnings[i].Offset = x.number, start
		}
		if len(rec.Fields) == 0 {
			return nil, &Damage{Record: x.number, Offset: start, Reason: ReasonNoFields}
		}
		return rec, nil
	}
}

// syntax ends reading after a decoder error: an I/O error is returned as
// it is, anything else is the document's fault and becomes a ReasonXML
// damage numbered after the record being read (or the next one).
func (x *XMLReader) syntax(err error, record int) error {
	x.done = true
	if x.in.err != nil {
		return errors.Wrap(x.in.err, "marc: reading MARCXML")
	}
	return &Damage{Record: record, Offset: x.dec.InputOffset(), Reason: ReasonXML, Detail: err.Error()}
}

// readRecord reads the content of a record element up to its end tag.
func (x *XMLReader) readRecord() (*Record, error) {
	rec := &Record{Leader: "     nam a22     uu 4500"}
	warn := func(r Reason, detail string) {
		rec.Warnings = append(rec.Warnings, Damage{Reason: r, Detail: detail})
	}
	var (
		field   *Field
		sub     *Subfield
		text    strings.Builder
		inText  bool
		depth   int
		leadSet bool
		embed   bool // inside a UNIMARC embedded field (s1)
	)
	for {
		tok, err := x.dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, x.syntax(err, x.number)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			text.Reset()
			inText = false
			switch elemKind(t.Name.Local) {
			case "leader":
				inText = true
			case "s1":
				embed = field != nil && !field.IsControl()
				if !embed {
					warn(ReasonXMLStructure, "s1")
				}
			case "controlfield":
				tag, _ := attr(t, "tag", "t")
				if embed {
					// UNIMARC embedded field: $1 then tag and data.
					field.Subfields = append(field.Subfields, Subfield{Code: "1", Value: tag})
					sub = &field.Subfields[len(field.Subfields)-1]
					inText = true
					continue
				}
				rec.Fields = append(rec.Fields, Field{Tag: tag})
				field = &rec.Fields[len(rec.Fields)-1]
				inText = true
				if len(tag) != 3 {
					warn(ReasonXMLStructure, "tag "+strconv.Quote(tag))
				}
			case "datafield":
				tag, _ := attr(t, "tag", "t")
				i1, _ := attr(t, "ind1", "i1")
				i2, _ := attr(t, "ind2", "i2")
				if embed {
					field.Subfields = append(field.Subfields, Subfield{Code: "1", Value: tag + string(xmlIndicator(i1)) + string(xmlIndicator(i2))})
					continue
				}
				rec.Fields = append(rec.Fields, Field{Tag: tag, Ind1: xmlIndicator(i1), Ind2: xmlIndicator(i2)})
				field = &rec.Fields[len(rec.Fields)-1]
				if len(tag) != 3 {
					warn(ReasonXMLStructure, "tag "+strconv.Quote(tag))
				}
			case "subfield":
				if field == nil || field.IsControl() {
					warn(ReasonXMLStructure, "subfield outside datafield")
					field = nil
					continue
				}
				code, ok := attr(t, "code", "c")
				if !ok || code == "" {
					warn(ReasonSubfieldCode, field.Tag)
				}
				field.Subfields = append(field.Subfields, Subfield{Code: code})
				sub = &field.Subfields[len(field.Subfields)-1]
				inText = true
			default:
				warn(ReasonXMLStructure, t.Name.Local)
			}
		case xml.CharData:
			if inText {
				text.Write(t)
			}
		case xml.EndElement:
			if depth == 0 { // </record>
				if !leadSet {
					warn(ReasonLeaderValues, "no leader")
				}
				return rec, nil
			}
			depth--
			switch elemKind(t.Name.Local) {
			case "leader":
				rec.Leader, leadSet = normaliseLeader(text.String(), rec), true
			case "s1":
				embed = false
			case "controlfield":
				switch {
				case embed && sub != nil:
					sub.Value += text.String()
					sub = nil
				case field != nil:
					field.Value = text.String()
					field = nil
				}
			case "datafield":
				if !embed {
					field = nil
				}
			case "subfield":
				if sub != nil {
					sub.Value = text.String()
				}
				sub = nil
			}
			inText = false
			text.Reset()
		}
	}
}

func xmlIndicator(s string) byte {
	if len(s) == 0 {
		return ' '
	}
	return indicator(s[0])
}

// normaliseLeader makes a MARCXML leader 24 printable characters long.
func normaliseLeader(s string, rec *Record) string {
	b := []byte(s)
	if len(b) != leaderLen {
		rec.Warnings = append(rec.Warnings, Damage{Reason: ReasonLeaderValues, Detail: strconv.Quote(s)})
		b = append(b, "                        "...)[:leaderLen]
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			b[i] = ' '
		}
	}
	return string(b)
}

// XMLWriter writes records as a MARCXML collection.
type XMLWriter struct {
	w       *bufio.Writer
	started bool
	err     error
}

// NewXMLWriter returns an XMLWriter to w. Call Close to finish the document.
func NewXMLWriter(w io.Writer) *XMLWriter {
	return &XMLWriter{w: bufio.NewWriter(w)}
}

// Write appends one record to the collection.
func (x *XMLWriter) Write(rec *Record) error {
	if x.err != nil {
		return x.err
	}
	if !x.started {
		x.w.WriteString(xml.Header + `<collection xmlns="` + MARCXMLNamespace + `">` + "\n")
		x.started = true
	}
	w := x.w
	w.WriteString("  <record>\n    <leader>")
	x.escape(outputLeader(rec.Leader, 0, 0))
	w.WriteString("</leader>\n")
	for i := range rec.Fields {
		f := &rec.Fields[i]
		if f.IsControl() {
			w.WriteString(`    <controlfield tag="`)
			x.escape(f.Tag)
			w.WriteString(`">`)
			x.escape(f.Value)
			w.WriteString("</controlfield>\n")
			continue
		}
		w.WriteString(`    <datafield tag="`)
		x.escape(f.Tag)
		w.WriteString(`" ind1="`)
		x.escape(string(indicator(f.Ind1)))
		w.WriteString(`" ind2="`)
		x.escape(string(indicator(f.Ind2)))
		w.WriteString("\">\n")
		for _, s := range f.Subfields {
			w.WriteString(`      <subfield code="`)
			x.escape(s.Code)
			w.WriteString(`">`)
			x.escape(s.Value)
			w.WriteString("</subfield>\n")
		}
		w.WriteString("    </datafield>\n")
	}
	_, err := w.WriteString("  </record>\n")
	if err != nil {
		x.err = errors.Wrap(err, "marc: writing MARCXML")
	}
	return x.err
}

func (x *XMLWriter) escape(s string) {
	if err := xml.EscapeText(x.w, []byte(s)); err != nil && x.err == nil {
		x.err = errors.Wrap(err, "marc: writing MARCXML")
	}
}

// Close ends the collection and flushes it.
func (x *XMLWriter) Close() error {
	if x.err != nil {
		return x.err
	}
	if !x.started {
		x.w.WriteString(xml.Header + `<collection xmlns="` + MARCXMLNamespace + `">` + "\n")
	}
	x.w.WriteString("</collection>\n")
	if err := x.w.Flush(); err != nil {
		return errors.Wrap(err, "marc: writing MARCXML")
	}
	return nil
}
