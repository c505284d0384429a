package sync

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/circa-library/circa/app"
)

// decodeEnvelope decodes an event line in the one form stations write,
//
//	{"id":S,"station":S,"seq":N,"hlc":N,"kind":S[,"staff":S],"payload":P}
//
// with each S a string without escapes, each N a number as JSON
// writes it and P valid JSON with no space around it, to the event
// json.Unmarshal would give, and reports false for any other line, which
// the caller decodes with json.Unmarshal. It reads the envelope without
// json.Unmarshal's two passes over the whole line and copy of the payload,
// which for a record's creation is most of the line: P is checked once and
// kept in place, in a copy of line.
func decodeEnvelope(line []byte) (*app.Event, bool) {
	d := envelopeReader{rest: line}
	var e app.Event
	ok := d.lit(`{"id":`) && d.str(&e.ID) &&
		d.lit(`,"station":`) && d.str(&e.Station) &&
		d.lit(`,"seq":`) && d.num(&e.Seq) &&
		d.lit(`,"hlc":`) && d.num((*uint64)(&e.HLC)) &&
		d.lit(`,"kind":`) && d.str((*string)(&e.Kind))
	if ok && bytes.HasPrefix(d.rest, []byte(`,"staff":`)) {
		ok = d.lit(`,"staff":`) && d.str(&e.Staff)
	}
	if !ok || !d.lit(`,"payload":`) || len(d.rest) < 2 || d.rest[len(d.rest)-1] != '}' {
		return nil, false
	}
	p := d.rest[:len(d.rest)-1]
	if isSpace(p[0]) || isSpace(p[len(p)-1]) || !json.Valid(p) {
		return nil, false
	}
	start := len(line) - len(d.rest)
	own := bytes.Clone(line) // line is the scanner's, and is overwritten
	e.Payload = own[start : start+len(p) : start+len(p)]
	return &e, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// envelopeReader reads the parts of an event line in order.
type envelopeReader struct{ rest []byte }

// lit reads the literal s.
func (d *envelopeReader) lit(s string) bool {
	if !bytes.HasPrefix(d.rest, []byte(s)) {
		return false
	}
	d.rest = d.rest[len(s):]
	return true
}

// str reads a string of valid UTF-8 without escapes or control
// characters, which decodes to its bytes.
func (d *envelopeReader) str(into *string) bool {
	if len(d.rest) == 0 || d.rest[0] != '"' {
		return false
	}
	for i := 1; i < len(d.rest); i++ {
		switch c := d.rest[i]; {
		case c == '"':
			s := d.rest[1:i]
			if !utf8.Valid(s) {
				return false // json.Unmarshal would replace what is not UTF-8
			}
			*into = string(s)
			d.rest = d.rest[i+1:]
			return true
		case c < 0x20 || c == '\\':
			return false
		}
	}
	return false
}

// num reads an unsigned integer as JSON writes it (no sign, no leading
// zero) that fits in 64 bits; a fraction or exponent after it is not the
// literal the caller reads next.
func (d *envelopeReader) num(into *uint64) bool {
	n := 0
	var v uint64
	for n < len(d.rest) && d.rest[n] >= '0' && d.rest[n] <= '9' {
		digit := uint64(d.rest[n] - '0')
		if v > (1<<64-1-digit)/10 {
			return false // overflows
		}
		v = v*10 + digit
		n++
	}
	if n == 0 || (n > 1 && d.rest[0] == '0') {
		return false
	}
	*into = v
	d.rest = d.rest[n:]
	return true
}
