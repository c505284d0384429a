package storage

import (
	"bytes"
	"encoding/binary"
)

// EncodedEventsAfter calls fn for the events of station with seq > after,
// in order, each as the log stores it: the event's JSON, as encodeEvent
// wrote it. It is EventsAfter without the decoding, for a sender that
// passes events on as they are (sync); raw is valid only until fn returns.
// fn returns app.ErrStop to end early.
func (t *tx) EncodedEventsAfter(station string, after uint64, fn func(seq uint64, raw []byte) error) error {
	b := t.btx.Bucket(bucketEvents)
	if b == nil {
		return nil
	}
	prefix := append([]byte(station), 0)
	return t.iterate(b, eventKey(station, after+1), func(k, v []byte) (bool, error) {
		if !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+8 {
			return false, nil
		}
		return true, fn(binary.BigEndian.Uint64(k[len(prefix):]), v)
	})
}
