package app

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Prepare decodes a record.created payload where it can without decoding
// it twice; whatever the payload, it must get what json.Unmarshal gets, or
// leave the event for apply.
func TestPrepareCreatedAsJSONUnmarshal(t *testing.T) {
	canonical, err := appendRecordCreated(nil, RecordCreated{Collection: CollTitles,
		Record: json.RawMessage(`{"id":"t1","title":"Tom \u0026 \"Jerry\" }","authors":["吴承恩"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		payload string
		fast    bool // decoded where it lies
	}{
		{"as commit writes it", string(canonical), true},
		{"closed days", `{"c":"closeddays","r":{"id":"d1"}}`, true},
		{"space before the record", `{"c":"titles","r": {"id":"t1"}}`, false},
		{"space after the record", `{"c":"titles","r":{"id":"t1"} }`, false},
		{"keys the other way", `{"r":{"id":"t1"},"c":"titles"}`, false},
		{"an escape in the collection", `{"c":"ti\u0074les","r":{"id":"t1"}}`, false},
		{"a later collection wins", `{"c":"titles","r":{"id":"t1"},"c":"copies"}`, false},
		{"a later record wins", `{"c":"titles","r":{"id":"t1"},"r":{"id":"t2"}}`, false},
		{"record not an object", `{"c":"titles","r":[1]}`, false},
		{"record not JSON", `{"c":"titles","r":{"id":}}`, false},
		{"payload cut short", `{"c":"titles","r":{"id":"t1"}`, false},
		{"unknown collection", `{"c":"nothing","r":{"id":"t1"}}`, false},
		{"upper case collection", `{"c":"Titles","r":{"id":"t1"}}`, false},
		{"empty record", `{"c":"titles","r":{}}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			payload := []byte(tc.payload)
			got, gotOK := prepareCreated(payload)
			if fast := gotOK && liesIn(got.p.Record, payload); fast != tc.fast {
				t.Errorf("decoded where it lies: %v, want %v", fast, tc.fast)
			}
			var want RecordCreated
			wantOK := json.Unmarshal(payload, &want) == nil
			var wantRec Record
			if wantOK {
				rec, err := newRecord(want.Collection)
				wantOK = err == nil && json.Unmarshal(want.Record, rec) == nil
				wantRec = rec
			}
			if gotOK != wantOK {
				t.Fatalf("prepared: %v; json.Unmarshal decodes it: %v", gotOK, wantOK)
			}
			if !gotOK {
				return
			}
			if got.p.Collection != want.Collection || string(got.p.Record) != string(want.Record) {
				t.Errorf("payload decoded as %s %s, json.Unmarshal gives %s %s", got.p.Collection, got.p.Record, want.Collection, want.Record)
			}
			if d := cmp.Diff(wantRec, got.rec); d != "" {
				t.Errorf("record (-json.Unmarshal +prepared):\n%s", d)
			}
		})
	}
}

// liesIn reports whether b is a part of whole, not a copy.
func liesIn(b, whole []byte) bool {
	for i := range whole {
		if len(b) > 0 && &whole[i] == &b[0] {
			return true
		}
	}
	return false
}

// A payload Prepare found valid is not checked again when stored; one it
// found invalid, or an event never prepared, still is.
func TestPreparedPayloadsChecked(t *testing.T) {
	ev := func(seq uint64, kind EventKind, payload string) *Event {
		return &Event{ID: "e", Station: "s", Seq: seq, HLC: HLC(seq), Kind: kind, Payload: json.RawMessage(payload)}
	}
	good := []*Event{ev(1, EvRecordCreated, `{"c":"titles","r":{"id":"t1"}}`), ev(2, EvAudit, `{"action":"x"}`),
		ev(3, EvRecordUpdated, `{"c":"titles","id":"t1","f":{"title":"T"}}`)}
	Prepare(good)
	for _, e := range good {
		if !e.jsonPayload {
			t.Errorf("%s: payload not marked valid", e.Kind)
		}
	}
	if _, err := newEvents(nil, good); err != nil {
		t.Errorf("newEvents refused prepared events: %v", err)
	}
	for _, bad := range []*Event{ev(1, EvRecordCreated, `{"c":"titles","r":{"id":}}`), ev(1, EvAudit, `{"action":`),
		ev(1, EvRecordUpdated, `{"c":"titles"`), ev(1, EvCheckout, `nope`)} {
		for _, prepared := range []bool{false, true} {
			e := *bad
			if prepared {
				Prepare([]*Event{&e})
			}
			if _, err := newEvents(nil, []*Event{&e}); err == nil {
				t.Errorf("%s %s (prepared: %v) was not refused", e.Kind, e.Payload, prepared)
			}
		}
	}
}
