package marc

import "strings"

// Record is one bibliographic record as it was read: the leader, then every
// field in source order. Field values are Unicode (UTF-8) whatever the source
// encoding was, so a Record can be written back as MARC21 UTF-8 or MARCXML
// without loss of what it held.
type Record struct {
	// Number is the 1-based position of the record in its input, counting
	// damaged records too, so messages point at the right place.
	Number int
	// Leader is the 24-character record leader as read (lengths included).
	Leader string
	// Fields are the control and data fields in source order.
	Fields []Field
	// Warnings lists damage that was repaired or tolerated while reading
	// this record; the record itself is usable.
	Warnings []Damage
}

// Field is a control field (tag 001–009: Value set, no subfields) or a data
// field (indicators and ordered subfields).
type Field struct {
	Tag       string
	Ind1      byte
	Ind2      byte
	Value     string
	Subfields []Subfield
}

// Subfield is one coded subfield of a data field. Code is normally a single
// ASCII letter or digit; damaged input may leave something else there, which
// is kept rather than lost (a warning says so).
type Subfield struct {
	Code  string
	Value string
}

// IsControlTag reports whether tag names a control field (00X in both MARC21
// and UNIMARC).
func IsControlTag(tag string) bool {
	return len(tag) == 3 && tag[0] == '0' && tag[1] == '0'
}

// IsControl reports whether f is a control field.
func (f *Field) IsControl() bool { return IsControlTag(f.Tag) }

// Sub returns the value of the first subfield with the given code and
// whether there was one.
func (f *Field) Sub(code byte) (string, bool) {
	for i := range f.Subfields {
		if c := f.Subfields[i].Code; len(c) == 1 && c[0] == code {
			return f.Subfields[i].Value, true
		}
	}
	return "", false
}

// First returns the value of the first subfield with the given code, or "".
func (f *Field) First(code byte) string {
	v, _ := f.Sub(code)
	return v
}

// All returns the values of every subfield with the given code, in order.
func (f *Field) All(code byte) []string {
	var out []string
	for i := range f.Subfields {
		if c := f.Subfields[i].Code; len(c) == 1 && c[0] == code {
			out = append(out, f.Subfields[i].Value)
		}
	}
	return out
}

// Join returns the values of the subfields whose codes are in codes, joined
// by a space, in field order.
func (f *Field) Join(codes string) string {
	var b strings.Builder
	for i := range f.Subfields {
		c := f.Subfields[i].Code
		if len(c) != 1 || strings.IndexByte(codes, c[0]) < 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.Subfields[i].Value)
	}
	return b.String()
}

// Field returns the first field with the given tag, or nil.
func (r *Record) Field(tag string) *Field {
	for i := range r.Fields {
		if r.Fields[i].Tag == tag {
			return &r.Fields[i]
		}
	}
	return nil
}

// FieldsByTag returns every field with the given tag, in order.
func (r *Record) FieldsByTag(tag string) []*Field {
	var out []*Field
	for i := range r.Fields {
		if r.Fields[i].Tag == tag {
			out = append(out, &r.Fields[i])
		}
	}
	return out
}

// Control returns the value of the first control field with the given tag,
// or "".
func (r *Record) Control(tag string) string {
	if f := r.Field(tag); f != nil {
		return f.Value
	}
	return ""
}

// Leader positions the package reads or writes.
const (
	leaderLen         = 24
	leaderCharset     = 9
	leaderIndCount    = 10
	leaderCodeLen     = 11
	leaderBaseAddress = 12
)

// ISO 2709 structure bytes.
const (
	subfieldDelimiter = 0x1F
	fieldTerminator   = 0x1E
	recordTerminator  = 0x1D
)
