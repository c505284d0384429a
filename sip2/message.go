package sip2

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/cockroachdb/errors"
)

// Errors returned by Parse. Callers test them with errors.Is; the server
// answers every one of them with a 96 (request SC resend).
var (
	// ErrMalformed marks a message that does not follow the SIP2 layout:
	// too short for its fixed fields, a field without its two-letter
	// identifier, an unknown command.
	ErrMalformed = errors.New("sip2: malformed message")
	// ErrUnknownCommand marks a message whose command this package does not
	// know. It wraps ErrMalformed, so errors.Is matches both.
	ErrUnknownCommand = errors.Wrap(ErrMalformed, "unknown command")
	// ErrChecksum marks a message whose AZ checksum does not match its bytes.
	ErrChecksum = errors.New("sip2: checksum mismatch")
)

// NoSequence is Message.Seq when a message carries no AY sequence number.
const NoSequence = -1

// Field is one variable-length field: a two-character identifier and its
// value, which runs up to the next '|'.
type Field struct {
	ID    string
	Value string
}

// Message is one SIP2 message, request or response. Parse and Format convert
// it from and to the wire; the zero value of Seq (0) is a valid sequence
// number, so messages built by hand should start from NewMessage.
type Message struct {
	// Command is the two-digit message identifier.
	Command Command
	// Fixed holds the fixed-length fields in the order the specification
	// gives them; FixedField and SetFixedField reach them by name.
	Fixed []string
	// Fields holds the variable-length fields in wire order, repeated and
	// unknown ones included, without the trailing AY and AZ.
	Fields []Field
	// Seq is the AY sequence number, or NoSequence.
	Seq int
	// Checksum reports whether the message carries (or, when formatting,
	// should carry) an AZ checksum: the client's error detection mode.
	Checksum bool
}

// NewMessage returns an empty message of command c with blank fixed fields
// and no sequence number.
func NewMessage(c Command) *Message {
	spec := fixedSpecs[c]
	m := &Message{Command: c, Fixed: make([]string, len(spec)), Seq: NoSequence}
	for i, f := range spec {
		m.Fixed[i] = strings.Repeat(" ", f.len)
	}
	return m
}

func fixedIndex(c Command, name string) int {
	for i, f := range fixedSpecs[c] {
		if f.name == name {
			return i
		}
	}
	return -1
}

// FixedField returns the fixed field called name (one of the F… constants),
// or "" if the message has no such field.
func (m *Message) FixedField(name string) string {
	i := fixedIndex(m.Command, name)
	if i < 0 || i >= len(m.Fixed) {
		return ""
	}
	return m.Fixed[i]
}

// SetFixedField sets the fixed field called name and returns m. Format pads
// or cuts the value to the field's length; setting a field the command does
// not have is a programming error and panics.
func (m *Message) SetFixedField(name, value string) *Message {
	i := fixedIndex(m.Command, name)
	if i < 0 {
		panic(fmt.Sprintf("sip2: command %s has no fixed field %q", m.Command, name))
	}
	for len(m.Fixed) <= i {
		m.Fixed = append(m.Fixed, "")
	}
	m.Fixed[i] = value
	return m
}

// Field returns the value of the first field with identifier id, or "".
func (m *Message) Field(id string) string {
	v, _ := m.FieldOK(id)
	return v
}

// FieldOK returns the value of the first field with identifier id and
// whether the message has one at all.
func (m *Message) FieldOK(id string) (string, bool) {
	for _, f := range m.Fields {
		if f.ID == id {
			return f.Value, true
		}
	}
	return "", false
}

// FieldValues returns the values of every field with identifier id, in order.
func (m *Message) FieldValues(id string) []string {
	var vs []string
	for _, f := range m.Fields {
		if f.ID == id {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Add appends a field and returns m.
func (m *Message) Add(id, value string) *Message {
	m.Fields = append(m.Fields, Field{ID: id, Value: value})
	return m
}

// AddOptional appends a field unless value is empty, and returns m.
func (m *Message) AddOptional(id, value string) *Message {
	if value == "" {
		return m
	}
	return m.Add(id, value)
}

// Parse reads one message (without or with its CR/LF terminator) whose text
// is in character set cs. When only the checksum is wrong, Parse returns
// the parsed message together with an error marked ErrChecksum, so that
// tools reading captured traffic can still look inside; a server must not
// act on such a message.
func Parse(line []byte, cs Charset) (*Message, error) {
	for len(line) > 0 && (line[len(line)-1] == '\r' || line[len(line)-1] == '\n') {
		line = line[:len(line)-1]
	}
	if len(line) < 2 {
		return nil, errors.Wrap(ErrMalformed, "message shorter than its command")
	}
	cmd := Command(line[:2])
	spec, known := fixedSpecs[cmd]
	if !known {
		return nil, errors.Wrapf(ErrUnknownCommand, "command %q", string(line[:2]))
	}
	// Fixed fields are ASCII by the specification and measured in bytes;
	// anything else in them becomes '?', so their length never depends on
	// the character set.
	fixedEnd := 2
	for _, f := range spec {
		fixedEnd += f.len
	}
	if len(line) < fixedEnd {
		return nil, errors.Wrapf(ErrMalformed, "command %s: fixed fields cut short (%d of %d bytes)", cmd, len(line), fixedEnd)
	}
	m := &Message{Command: cmd, Fixed: make([]string, len(spec))}
	for i, off := 0, 2; i < len(spec); i++ {
		m.Fixed[i] = asciiOnly(string(line[off : off+spec[i].len]))
		off += spec[i].len
	}
	body, seq, sumOK, hasSum := splitTrailer(line, fixedEnd)
	m.Seq, m.Checksum = seq, hasSum
	rest, err := cs.decode(body[fixedEnd:])
	if err != nil {
		return nil, err
	}
	for _, seg := range strings.Split(rest, "|") {
		if seg == "" {
			continue
		}
		if len(seg) < 2 || !isFieldID(seg[0]) || !isFieldID(seg[1]) {
			return nil, errors.Wrapf(ErrMalformed, "command %s: field %q has no two-letter identifier", cmd, clip(seg))
		}
		m.Fields = append(m.Fields, Field{ID: seg[:2], Value: seg[2:]})
	}
	if hasSum && !sumOK {
		return m, errors.Wrapf(ErrChecksum, "command %s", cmd)
	}
	return m, nil
}

// splitTrailer cuts the optional "AYn" and "AZxxxx" off the end of a raw
// message and checks the checksum over the raw bytes, as the sender computed
// it. Both only count where a field could begin: after a '|', right after
// the fixed part (fixedEnd, in bytes), or AZ right after the sequence
// number, with or without a '|' between. So a value that happens to end in
// "AZ" and four hex digits is left alone.
func splitTrailer(line []byte, fixedEnd int) (body []byte, seq int, sumOK, hasSum bool) {
	n := len(line)
	if n < 6 || line[n-6] != 'A' || line[n-5] != 'Z' || !isHex(line[n-4:]) {
		return line, NoSequence, false, false
	}
	atBoundary := func(i int) bool { return i == fixedEnd || i > fixedEnd && line[i-1] == '|' }
	prefix := line[:n-6]
	trimmed := bytes.TrimSuffix(prefix, []byte("|"))
	switch i := seqStart(trimmed); {
	case i >= 0 && atBoundary(i):
		seq, _ = strconv.Atoi(string(trimmed[i+2:]))
		body = trimmed[:i]
	case atBoundary(n - 6):
		seq, body = NoSequence, prefix
	default:
		return line, NoSequence, false, false
	}
	want, _ := strconv.ParseUint(string(line[n-4:]), 16, 16)
	return body, seq, checksum(line[:n-4]) == uint16(want), true
}

// seqStart returns the index of a trailing "AY" followed by one or two
// digits, or -1.
func seqStart(b []byte) int {
	end := len(b)
	i := end
	for i > 0 && end-i < 2 && b[i-1] >= '0' && b[i-1] <= '9' {
		i--
	}
	if i == end || i < 4 || b[i-2] != 'A' || b[i-1] != 'Y' {
		return -1
	}
	return i - 2
}

// checksum returns the 16-bit two's complement of the byte sum of b, which
// ends with "AZ".
func checksum(b []byte) uint16 {
	var sum uint16
	for _, c := range b {
		sum += uint16(c)
	}
	return -sum
}

func isHex(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isFieldID(c byte) bool { return c > ' ' && c < 0x7f && c != '|' }

// asciiOnly replaces every byte of s outside printable ASCII with '?'.
func asciiOnly(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c > '~' {
			b[i] = '?'
		}
	}
	return string(b)
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// Format renders m in character set cs, without a terminator. Fixed fields
// are padded with spaces or cut to their length; '|', CR and LF inside
// values become spaces, since they would end the field or the message. When
// m.Checksum is set, the sequence number (if any) and the checksum are
// appended, the checksum computed over the encoded bytes.
func (m *Message) Format(cs Charset) ([]byte, error) {
	spec, ok := fixedSpecs[m.Command]
	if !ok {
		return nil, errors.Wrapf(ErrUnknownCommand, "formatting command %q", string(m.Command))
	}
	var sb strings.Builder
	sb.WriteString(string(m.Command))
	for i, f := range spec {
		v := ""
		if i < len(m.Fixed) {
			v = m.Fixed[i]
		}
		sb.WriteString(fitFixed(v, f.len))
	}
	for _, f := range m.Fields {
		sb.WriteString(fitFixed(f.ID, 2))
		sb.WriteString(clean(f.Value))
		sb.WriteByte('|')
	}
	b, err := cs.encode(sb.String())
	if err != nil {
		return nil, err
	}
	if !m.Checksum {
		return b, nil
	}
	if m.Seq >= 0 {
		b = append(b, "AY"...)
		b = strconv.AppendInt(b, int64(m.Seq), 10)
	}
	b = append(b, "AZ"...)
	return fmt.Appendf(b, "%04X", checksum(b)), nil
}

// String renders m as UTF-8 text with passwords masked, for logs.
func (m *Message) String() string {
	c := *m
	c.Fields = make([]Field, len(m.Fields))
	for i, f := range m.Fields {
		if f.Value != "" && (f.ID == FieldTerminalPassword || f.ID == FieldPatronPassword || f.ID == FieldLoginPassword) {
			f.Value = "***"
		}
		c.Fields[i] = f
	}
	b, err := c.Format(UTF8)
	if err != nil {
		return fmt.Sprintf("sip2 message %q (%v)", string(m.Command), err)
	}
	return string(b)
}

// fitFixed makes s an ASCII fixed field of n bytes: '|' and line ends
// become spaces, other non-ASCII characters '?', and the result is padded
// with spaces or cut.
func fitFixed(s string, n int) string {
	var b strings.Builder
	for _, r := range clean(s) {
		if b.Len() == n {
			break
		}
		if r < ' ' || r > '~' {
			r = '?'
		}
		b.WriteRune(r)
	}
	for b.Len() < n {
		b.WriteByte(' ')
	}
	return b.String()
}

var cleaner = strings.NewReplacer("|", " ", "\r", " ", "\n", " ")

func clean(s string) string { return cleaner.Replace(s) }
