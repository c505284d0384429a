package marc

import (
	"bufio"
	"bytes"
	"io"

	"github.com/cockroachdb/errors"
)

// Encoding selects how record data bytes become text.
type Encoding uint8

// Encodings a Reader understands.
const (
	// EncodingAuto trusts leader/09 but checks it against the bytes: a
	// MARC-8 flag on valid multibyte UTF-8 without escapes reads as UTF-8.
	EncodingAuto Encoding = iota
	// EncodingUTF8 reads every record as UTF-8.
	EncodingUTF8
	// EncodingMARC8 reads every record as MARC-8.
	EncodingMARC8
	// EncodingGB18030 reads every record as GB 18030 (and so GBK and
	// GB 2312), which many Chinese CNMARC exports use. In auto mode a
	// UNIMARC record that is not valid UTF-8 is tried as GB 18030.
	EncodingGB18030
	// EncodingISO5426 reads every record as UNIMARC's ISO 646 + ISO 5426
	// (extended Latin) with the ISO 5427/5428 sets. In auto mode UNIMARC
	// records use it when field 100 declares it, or when they are neither
	// UTF-8 nor GB 18030.
	EncodingISO5426
)

// DefaultMaxRecordSize bounds the memory one record may take while reading.
// ISO 2709 cannot describe a record over 99,999 bytes; the slack lets the
// reader see and report oversized records rather than cut them blindly.
const DefaultMaxRecordSize = 1 << 20

// Options tune a Reader. The zero value is the tolerant default.
type Options struct {
	// Encoding overrides the per-record detection.
	Encoding Encoding
	// MaxRecordSize is the largest record kept in memory; 0 means
	// DefaultMaxRecordSize. Longer records are skipped as ReasonOversized.
	MaxRecordSize int
}

// RecordReader is what both the ISO 2709 and the MARCXML readers offer.
// Read returns the next record; a *Damage error means one record was skipped
// and reading may go on; io.EOF ends the input; any other error is fatal.
type RecordReader interface {
	Read() (*Record, error)
}

var (
	_ RecordReader = (*Reader)(nil)
	_ RecordReader = (*XMLReader)(nil)
)

// Reader streams ISO 2709 records (MARC21 or UNIMARC) from an io.Reader.
// It splits the input at record terminators (0x1D), so one damaged record
// never costs the ones after it.
type Reader struct {
	in     *bufio.Reader
	opts   Options
	number int
	buf    []byte // bytes read from in and not yet handed out, from buf[pos]
	pos    int
	base   int64 // input offset of buf[0]
	eof    bool
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader, opts Options) *Reader {
	if opts.MaxRecordSize <= 0 {
		opts.MaxRecordSize = DefaultMaxRecordSize
	}
	return &Reader{in: bufio.NewReaderSize(r, 64<<10), opts: opts}
}

// Read returns the next record. See RecordReader for the error contract.
func (r *Reader) Read() (*Record, error) {
	chunk, start, oversized, err := r.nextChunk()
	if err != nil {
		return nil, err
	}
	if chunk == nil && !oversized {
		return nil, io.EOF
	}
	r.number++
	if oversized {
		return nil, &Damage{Record: r.number, Offset: start, Reason: ReasonOversized, Detail: "over size limit"}
	}
	terminated := chunk[len(chunk)-1] == recordTerminator
	// A record that lost its terminator runs into the next one; the
	// leader's length tells where the next leader starts.
	if n, ok := digits(chunk, 0, 5); ok && n > leaderLen+1 && n < len(chunk) && chunk[n-1] != recordTerminator {
		// Usually the terminator is missing (next leader at n-1); sometimes
		// it was overwritten (next leader at n).
		for _, at := range []int{n - 1, n} {
			if looksLikeLeader(chunk[at:]) {
				r.pos = int(start-r.base) + at
				chunk, terminated = chunk[:at], false
				break
			}
		}
	}
	rec, dmg := decodeRecord(chunk, terminated, r.opts.Encoding)
	if dmg != nil {
		dmg.Record, dmg.Offset = r.number, start
		return nil, dmg
	}
	rec.Number = r.number
	for i := range rec.Warnings {
		rec.Warnings[i].Record, rec.Warnings[i].Offset = r.number, start
	}
	return rec, nil
}

// nextChunk returns the bytes of the next record candidate, up to and
// including its terminator (or the end of input), skipping whitespace and
// stray terminators between records. The slice is valid until the next call.
func (r *Reader) nextChunk() (chunk []byte, start int64, oversized bool, err error) {
	for {
		i := bytes.IndexByte(r.buf[r.pos:], recordTerminator)
		if i >= 0 {
			i += r.pos
		}
		for i < 0 && !r.eof {
			// Compact only when more input is needed, so each byte is
			// moved at most once per buffer fill.
			if r.pos > 0 {
				n := copy(r.buf, r.buf[r.pos:])
				r.buf = r.buf[:n]
				r.base += int64(r.pos)
				r.pos = 0
			}
			if len(r.buf) > r.opts.MaxRecordSize {
				start, err := r.discard()
				return nil, start, true, err
			}
			scanned := len(r.buf)
			line, rerr := r.in.ReadSlice(recordTerminator)
			r.buf = append(r.buf, line...)
			switch {
			case rerr == nil, errors.Is(rerr, bufio.ErrBufferFull):
			case rerr == io.EOF:
				r.eof = true
			default:
				return nil, 0, false, errors.Wrap(rerr, "marc: reading ISO 2709")
			}
			if j := bytes.IndexByte(r.buf[scanned:], recordTerminator); j >= 0 {
				i = scanned + j
			}
		}
		begin, end := r.pos, len(r.buf)
		if i >= 0 {
			end = i + 1
		}
		r.pos = end
		if end-begin > r.opts.MaxRecordSize {
			return nil, r.base + int64(begin), true, nil
		}
		skip := begin
		for skip < end && isGap(r.buf[skip]) {
			skip++
		}
		switch {
		case skip == end:
			if r.eof && end == len(r.buf) {
				return nil, 0, false, nil
			}
			continue
		case skip == end-1 && r.buf[skip] == recordTerminator:
			continue // a stray terminator is not a record
		}
		return r.buf[skip:end], r.base + int64(skip), false, nil
	}
}

// discard drops an over-long record up to and including its terminator.
func (r *Reader) discard() (int64, error) {
	start := r.base
	r.base += int64(len(r.buf))
	r.buf, r.pos = r.buf[:0], 0
	for {
		line, err := r.in.ReadSlice(recordTerminator)
		r.base += int64(len(line))
		switch {
		case err == nil:
			return start, nil
		case errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF:
			r.eof = true
			return start, nil
		default:
			return start, errors.Wrap(err, "marc: reading ISO 2709")
		}
	}
}

// isGap reports bytes that some exporters put between records.
func isGap(b byte) bool {
	return b == '\n' || b == '\r' || b == ' ' || b == '\t' || b == 0 || b == 0x1A
}

// looksLikeLeader reports whether b starts with something shaped like a
// leader: a numeric length and base address.
func looksLikeLeader(b []byte) bool {
	if len(b) < leaderLen {
		return false
	}
	_, ok1 := digits(b, 0, 5)
	_, ok2 := digits(b, leaderBaseAddress, 5)
	return ok1 && ok2
}

// digits parses b[at:at+n] as a decimal number.
func digits(b []byte, at, n int) (int, bool) {
	if at+n > len(b) || n == 0 {
		return 0, false
	}
	v := 0
	for _, c := range b[at : at+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}
