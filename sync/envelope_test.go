package sync

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/circa-library/circa/app"
)

// Every event a station writes is read by decodeEnvelope, not left to
// json.Unmarshal.
func TestDecodeEnvelopeReadsWhatStationsWrite(t *testing.T) {
	_, evs := founderEvents(t)
	evs = append(evs, &app.Event{ID: "x", Station: "s", Seq: 1<<64 - 1, HLC: 0, Kind: app.EvAudit, Payload: json.RawMessage(`null`)},
		&app.Event{ID: "y", Station: "s", Seq: 2, HLC: 7, Kind: app.EvAudit, Staff: "张三", Payload: json.RawMessage(`{"a":"张"}`)})
	for _, e := range evs {
		line, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := decodeEnvelope(line)
		if !ok {
			t.Fatalf("decodeEnvelope left %s to json.Unmarshal", line)
		}
		if d := cmp.Diff(e, got, cmpopts.IgnoreUnexported(app.Event{})); d != "" {
			t.Fatalf("decoded (-written +read):\n%s", d)
		}
	}
}

// Whatever decodeEnvelope accepts, json.Unmarshal decodes to the same
// event.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"audit","payload":{"action":"x"}}`,
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"audit","staff":"ann","payload":[1,"2"]}`,
		`{"id":"e1","station":"s","seq":18446744073709551615,"hlc":0,"kind":"k","payload":"p"}`,
		`{"id":"e1","station":"s","seq":18446744073709551616,"hlc":0,"kind":"k","payload":1}`,
		`{"id":"e1","station":"s","seq":01,"hlc":5,"kind":"k","payload":{}}`,
		`{"id":"e1","station":"s","seq":1.5,"hlc":5,"kind":"k","payload":{}}`,
		`{"id":"e1","station":"s","seq":1,"hlc":5e3,"kind":"k","payload":{}}`,
		`{"id":"e\u0031","station":"s","seq":1,"hlc":5,"kind":"k","payload":{}}`,
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"k","payload": {} }`,
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"k","payload":{},"seq":2}`,
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"k","payload":{}} `,
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"k","payload":{"a":}}`,
		`{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"k","payload":null}`,
		`{"ID":"e1","station":"s","seq":1,"hlc":5,"kind":"k","payload":{}}`,
		"{\"id\":\"é\",\"station\":\"s\",\"seq\":1,\"hlc\":5,\"kind\":\"k\",\"staff\":\"张三\u2028\",\"payload\":{}}",
		"{\"id\":\"\xff\",\"station\":\"s\",\"seq\":1,\"hlc\":5,\"kind\":\"k\",\"payload\":{}}",
		"{\"id\":\"a\x7f\",\"station\":\"s\",\"seq\":1,\"hlc\":5,\"kind\":\"k\",\"payload\":{}}",
		"{\"id\":\"a\tb\",\"station\":\"s\",\"seq\":1,\"hlc\":5,\"kind\":\"k\",\"payload\":{}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, ok := decodeEnvelope(line)
		if !ok {
			return
		}
		var want app.Event
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatalf("decodeEnvelope took %q, which json.Unmarshal refuses: %v", line, err)
		}
		if d := cmp.Diff(&want, got, cmpopts.IgnoreUnexported(app.Event{})); d != "" {
			t.Fatalf("%q decoded (-json.Unmarshal +decodeEnvelope):\n%s", line, d)
		}
		if string(want.Payload) != string(got.Payload) {
			t.Fatalf("%q: payload %q, json.Unmarshal gives %q", line, got.Payload, want.Payload)
		}
	})
}
