package storage

import (
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
func decodeRecord(raw []byte, into any) error { return segjson.Unmarshal(raw, into) }
