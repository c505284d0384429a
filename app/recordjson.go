package app

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// EncodeRecord returns r as json.Marshal encodes it, byte for byte: both
// stores keep records in this form and the state hash compares it. The
// records every loan writes (the loan, its copy, and its title's and
// reader's loan days) are encoded by hand,
// which is several times faster than json.Marshal's reflection; a value the
// hand encoder does not take on (a time json.Marshal refuses) goes to
// json.Marshal, as does every other record.
func EncodeRecord(r Record) ([]byte, error) {
	if a, ok := r.(jsonAppender); ok {
		if out, ok := a.appendJSON(make([]byte, 0, 384)); ok {
			return out, nil
		}
	}
	return json.Marshal(r)
}

// jsonAppender is a record with an encoder of its own. appendJSON appends
// what json.Marshal writes for it, or reports false for a value it leaves
// to json.Marshal.
type jsonAppender interface {
	appendJSON(out []byte) ([]byte, bool)
}

func (l *Loan) appendJSON(out []byte) ([]byte, bool) {
	out = appendMeta(out, &l.Meta)
	out = appendField(out, "copy_id", l.CopyID)
	out = appendField(out, "title_id", l.TitleID)
	out = appendOptional(out, "reader_id", l.ReaderID)
	out = append(out, `,"out":`...)
	out, ok := appendTime(out, l.Out)
	if !ok {
		return nil, false
	}
	out = appendField(out, "due", string(l.Due))
	if l.Returned != nil {
		out = append(out, `,"returned":`...)
		if out, ok = appendTime(out, *l.Returned); !ok {
			return nil, false
		}
	}
	out = append(out, `,"renewals":`...)
	out = strconv.AppendInt(out, int64(l.Renewals), 10)
	out = appendField(out, "card_type", l.CardType)
	out = appendOptional(out, "class", l.Class)
	out = appendField(out, "item_type", string(l.ItemType))
	out = appendOptional(out, "station", l.Station)
	out = appendOptional(out, "staff", l.Staff)
	if len(l.Overrides) > 0 {
		out = append(out, `,"overrides":[`...)
		for i, r := range l.Overrides {
			if i > 0 {
				out = append(out, ',')
			}
			out = AppendJSONString(out, string(r))
		}
		out = append(out, ']')
	}
	if l.Lost {
		out = append(out, `,"lost":true`...)
	}
	if l.Anonymised {
		out = append(out, `,"anonymised":true`...)
	}
	return append(out, '}'), true
}

func (c *Copy) appendJSON(out []byte) ([]byte, bool) {
	out = appendMeta(out, &c.Meta)
	out = appendField(out, "barcode", c.Barcode)
	out = appendField(out, "title_id", c.TitleID)
	out = appendField(out, "item_type", string(c.ItemType))
	out = appendOptional(out, "location", c.Location)
	out = appendOptional(out, "call_number", c.CallNumber)
	out = appendField(out, "status", string(c.Status))
	if c.Price != 0 {
		out = append(out, `,"price":`...)
		out = strconv.AppendInt(out, int64(c.Price), 10)
	}
	out = appendOptional(out, "note", c.Note)
	out = appendOptional(out, "loan_id", c.LoanID)
	out = appendOptional(out, "hold_id", c.HoldID)
	return append(out, '}'), true
}

func (p *LoanDays) appendJSON(out []byte) ([]byte, bool) {
	var plain string
	if len(p.N) > 0 {
		var ok bool
		if plain, ok = p.N.plain(); !ok {
			return nil, false
		}
	}
	return appendLoanDays(out, p.ID, plain), true
}

// appendLoanDays writes the LoanDays id whose counts are plain (Counts.plain's
// form; "" for none), as json.Marshal does. A transaction's tally writes
// series this way too (series.go).
func appendLoanDays(out []byte, id, plain string) []byte {
	out = append(out, `{"id":`...)
	out = AppendJSONString(out, id)
	if plain != "" {
		out = append(out, `,"n":`...)
		out = AppendJSONString(out, plain)
	}
	return append(out, '}')
}

// appendMeta opens a record's object and writes its Meta fields.
func appendMeta(out []byte, m *Meta) []byte {
	out = append(out, `{"id":`...)
	out = AppendJSONString(out, m.ID)
	out = append(out, `,"ver":`...)
	out = appendVersion(out, m.Ver)
	if len(m.Fields) > 0 {
		out = append(out, `,"fver":{`...)
		var buf [8]string
		names := buf[:0]
		for f := range m.Fields {
			names = append(names, f)
		}
		slices.Sort(names)
		for i, f := range names {
			if i > 0 {
				out = append(out, ',')
			}
			out = AppendJSONString(out, f)
			out = append(out, ':')
			out = appendVersion(out, m.Fields[f])
		}
		out = append(out, '}')
	}
	if m.Deleted {
		out = append(out, `,"deleted":true`...)
	}
	return out
}

func appendVersion(out []byte, v Version) []byte {
	out = append(out, `{"h":`...)
	out = strconv.AppendUint(out, uint64(v.HLC), 10)
	out = append(out, `,"s":`...)
	out = AppendJSONString(out, v.Station)
	return append(out, '}')
}

// appendField appends ,"name":value for a string value.
func appendField(out []byte, name, value string) []byte {
	out = append(out, ',', '"')
	out = append(out, name...)
	out = append(out, '"', ':')
	return AppendJSONString(out, value)
}

// appendOptional appends ,"name":value unless value is empty, as
// omitempty does.
func appendOptional(out []byte, name, value string) []byte {
	if value == "" {
		return out
	}
	return appendField(out, name, value)
}

// appendTime appends t as time.Time's MarshalJSON writes it, or reports
// false for a time it refuses (a year outside 0–9999).
func appendTime(out []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, false
	}
	out = append(out, '"')
	out = t.AppendFormat(out, time.RFC3339Nano)
	return append(out, '"'), true
}

// AppendJSONString appends s quoted as encoding/json quotes it. Printable
// ASCII other than " \ < > & and valid UTF-8 other than U+2028 and U+2029
// are written as they are; a string with anything json.Marshal escapes
// (control characters, those five, invalid UTF-8, the two separators) is
// left to json.Marshal. Storage's event encoder uses it too.
func AppendJSONString(out []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return appendMarshalled(out, s)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return appendMarshalled(out, s)
		}
		i += size
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

func appendMarshalled(out []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always encodes
	return append(out, q...)
}
