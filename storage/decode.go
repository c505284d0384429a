package storage

import (
	"encoding/json"

	segjson "github.com/segmentio/encoding/json"
)

// decodeRecord decodes a stored record into into. Records are written by
// encoding/json (the state hash is over those very bytes) and read with
// segmentio's decoder, a drop-in replacement for encoding/json's that reads
// the same values four to five times faster: decoding the copy, the loan
// and the reader was the largest part of replaying a loan, which is what a
// first sync of a working library does a million times. decode_test.go
// holds the two decoders to the same result on every record of a demo
// library and on damaged ones.
//
// A record asked for as a json.RawMessage is its stored bytes, copied
// without being parsed: the callers that ask so only ask whether the record
// is there, or compare its bytes, and a replay asks that several times for
// every loan.
func decodeRecord(raw []byte, into any) error {
	if m, ok := into.(*json.RawMessage); ok {
		*m = append((*m)[:0], raw...)
		return nil
	}
	return segjson.Unmarshal(raw, into)
}
