package marc

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/cockroachdb/errors"
)

// ErrRecordTooLong is returned when a record does not fit the ISO 2709
// limits (99,999 bytes in all, 9,999 bytes per field).
var ErrRecordTooLong = errors.New("marc: record too long for ISO 2709")

// Writer writes records as ISO 2709 MARC21 in UTF-8 (leader/09 "a").
type Writer struct {
	w   *bufio.Writer
	buf []byte
}

// NewWriter returns a Writer to w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriter(w)}
}

// Write encodes one record. A record too long for ISO 2709 is refused with
// ErrRecordTooLong and nothing is written.
func (w *Writer) Write(rec *Record) error {
	b, err := AppendISO2709(w.buf[:0], rec)
	w.buf = b
	if err != nil {
		return err
	}
	if _, err := w.w.Write(b); err != nil {
		return errors.Wrap(err, "marc: writing ISO 2709")
	}
	return nil
}

// Flush writes buffered data to the underlying writer.
func (w *Writer) Flush() error {
	return errors.Wrap(w.w.Flush(), "marc: writing ISO 2709")
}

// AppendISO2709 appends rec encoded as ISO 2709 (UTF-8) to dst.
func AppendISO2709(dst []byte, rec *Record) ([]byte, error) {
	var data strings.Builder
	dir := make([]byte, 0, 12*len(rec.Fields))
	for i := range rec.Fields {
		f := &rec.Fields[i]
		start := data.Len()
		if f.IsControl() {
			writeData(&data, f.Value)
		} else {
			data.WriteByte(indicator(f.Ind1))
			data.WriteByte(indicator(f.Ind2))
			for _, s := range f.Subfields {
				data.WriteByte(subfieldDelimiter)
				writeData(&data, s.Code)
				writeData(&data, s.Value)
			}
		}
		data.WriteByte(fieldTerminator)
		n := data.Len() - start
		tag := f.Tag
		if len(tag) != 3 {
			return dst, errors.Newf("marc: tag %q is not 3 characters", tag)
		}
		if n > 9999 {
			return dst, errors.Wrapf(ErrRecordTooLong, "field %s is %d bytes", tag, n)
		}
		dir = fmt.Appendf(dir, "%s%04d%05d", tag, n, start)
	}
	base := leaderLen + len(dir) + 1
	total := base + data.Len() + 1
	if total > 99999 {
		return dst, errors.Wrapf(ErrRecordTooLong, "%d bytes", total)
	}
	dst = append(dst, outputLeader(rec.Leader, total, base)...)
	dst = append(dst, dir...)
	dst = append(dst, fieldTerminator)
	dst = append(dst, data.String()...)
	return append(dst, recordTerminator), nil
}

// writeData writes s without the three ISO 2709 structure bytes, which a
// value cannot hold (damaged input can leave them inside a field).
func writeData(b *strings.Builder, s string) {
	if !strings.ContainsAny(s, "\x1d\x1e\x1f") {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != subfieldDelimiter && c != fieldTerminator && c != recordTerminator {
			b.WriteByte(c)
		}
	}
}

// outputLeader returns the leader to write: lengths filled in, UTF-8
// declared, and the fixed MARC values in place.
func outputLeader(l string, length, base int) string {
	b := []byte(l)
	if len(b) != leaderLen {
		b = append(b, "                        "...)[:leaderLen]
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			b[i] = ' '
		}
	}
	copy(b[0:5], fmt.Sprintf("%05d", length))
	copy(b[leaderBaseAddress:leaderBaseAddress+5], fmt.Sprintf("%05d", base))
	b[leaderCharset] = 'a'
	b[leaderIndCount], b[leaderCodeLen] = '2', '2'
	copy(b[20:24], "4500")
	return string(b)
}
