package app

import (
	"encoding/binary"
	"encoding/hex"
	"io"
	"sync"
	"time"

	"github.com/cockroachdb/errors"
)

// IDSource makes record IDs offline: UUIDv7, so IDs sort by creation time and
// no two stations ever need to agree on a counter.
type IDSource struct {
	mu     sync.Mutex
	rand   io.Reader
	lastMS int64
	seq    uint16
}

// NewIDSource returns a source drawing randomness from r.
func NewIDSource(r io.Reader) *IDSource { return &IDSource{rand: r} }

// New returns a UUIDv7 for time t as a 36-character string.
func (s *IDSource) New(t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b [16]byte
	ms := t.UnixMilli()
	if ms <= s.lastMS {
		// Keep IDs made in the same millisecond in order.
		ms = s.lastMS
		s.seq++
	} else {
		s.lastMS, s.seq = ms, 0
	}
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	if _, err := io.ReadFull(s.rand, b[6:]); err != nil {
		panic(errors.Wrap(err, "reading randomness for an ID")) // the OS RNG never fails
	}
	// 12 bits of rand_a carry the in-millisecond sequence for monotonicity.
	b[6] = 0x70 | byte(s.seq>>8)&0x0f
	b[7] = byte(s.seq)
	b[8] = 0x80 | b[8]&0x3f
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
