package storage

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/circa-library/circa/app"
)

var encodeCases = []app.Event{
	{ID: "e1", Station: "s1", Seq: 1, HLC: 12345, Kind: app.EvRecordCreated, Staff: "admin",
		Payload: json.RawMessage(`{"c":"titles","r":{"id":"t1","title":"\u003cb\u003e西游记 \u0026 \u2028"}}`)},
	{ID: "e2", Station: "s\"2\\", Seq: 2, HLC: 0, Kind: "loan.checkout", Staff: "李雷 <desk>", Payload: json.RawMessage(`[]`)},
	{ID: "e3", Station: "s3", Seq: 3, Kind: "audit", Payload: nil},
	{ID: "e4\x01\xff", Station: "s4", Seq: 18446744073709551615, HLC: 18446744073709551615, Kind: "k", Payload: json.RawMessage(`"x"`)},
	{ID: "e5", Station: "s5", Seq: 5, Kind: "k", Payload: json.RawMessage(`42`)},
	{ID: "e6", Station: "s6", Seq: 6, Kind: "k", Staff: "王芳", Payload: json.RawMessage(`{}`)},
}

// TestEncodeEventIsMarshal holds encodeEvent to json.Marshal for events
// whose payload is compact, as every payload app or a decoder makes is.
func TestEncodeEventIsMarshal(t *testing.T) {
	for _, e := range encodeCases {
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeEvent(&e)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("encodeEvent differs from json.Marshal:\n got %s\nwant %s", got, want)
		}
	}
}

// TestEncodeEventRefusesWhatMarshalRefuses: a payload that is not JSON is
// not stored.
func TestEncodeEventRefusesWhatMarshalRefuses(t *testing.T) {
	for _, p := range []string{"", "{", "}", "nope", "1 2"} {
		e := app.Event{ID: "e", Station: "s", Seq: 1, Kind: "k", Payload: json.RawMessage(p)}
		if _, err := encodeEvent(&e); err == nil {
			t.Errorf("payload %q was encoded", p)
		}
	}
}

// FuzzEncodeEvent: whatever decodes as an event encodes back to what
// decodes as the same event.
func FuzzEncodeEvent(f *testing.F) {
	for _, e := range encodeCases {
		raw, _ := json.Marshal(&e)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var e app.Event
		if json.Unmarshal(raw, &e) != nil {
			return
		}
		enc, err := encodeEvent(&e)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var back app.Event
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("%s encoded as %s, which does not decode: %v", raw, enc, err)
		}
		var wantPayload, gotPayload any
		_ = json.Unmarshal(e.Payload, &wantPayload)
		_ = json.Unmarshal(back.Payload, &gotPayload)
		if diff := cmp.Diff(wantPayload, gotPayload); diff != "" {
			t.Errorf("payload changed (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(e, back, cmpopts.IgnoreFields(app.Event{}, "Payload"), cmpopts.IgnoreUnexported(app.Event{})); diff != "" {
			t.Errorf("event changed (-want +got):\n%s", diff)
		}
	})
}
