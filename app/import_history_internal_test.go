package app

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestRecordCreatedPayloadIsMarshal holds the hand-built payload to what
// json.Marshal writes, for text that encoding/json escapes.
func TestRecordCreatedPayloadIsMarshal(t *testing.T) {
	for _, r := range []Record{
		&Title{Meta: Meta{ID: "t1"}, Title: "<b>Tom & Jerry</b> 西游记 \u2028 \"q\"", Authors: []string{"é\\"}, SourceMARC: []byte{0, 255}},
		&Copy{Meta: Meta{ID: "c1"}, Barcode: "B1"},
		&Reader{Meta: Meta{ID: "r1"}, Name: "李雷 <x>"},
	} {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := recordCreatedPayload(r.Collection(), raw)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(RecordCreated{Collection: r.Collection(), Record: raw})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("payload differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
}
