package sync

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/errors"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
	"github.com/circa-library/circa/storage/storetest"
)

// sendingNode is a node holding the founder's events, a title of its own
// made after them, and an event of a third station whose stored JSON spans
// lines (as a payload placed as it came may): three stations' runs for a
// batch to merge.
func sendingNode(t *testing.T, store app.Store) *Node {
	t.Helper()
	_, evs := founderEvents(t)
	lib, err := app.Open(store, app.Options{Station: strings.Repeat("a", 64),
		Clock: app.NewFakeClock(simStart), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Transact(func(tx app.Tx) error { return lib.ApplyRemote(tx, evs) }); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddTitle(admin, app.TitleInput{Title: "Made <here> & now"}); err != nil {
		t.Fatal(err)
	}
	spread := &app.Event{ID: "c-1", Station: strings.Repeat("c", 64), Seq: 1, HLC: app.MakeHLC(simStart.Add(-30*time.Minute), 0),
		Kind: app.EvAudit, Payload: json.RawMessage("{\n  \"action\": \"spread\"\n}")}
	if err := lib.Transact(func(tx app.Tx) error { return lib.ApplyRemote(tx, []*app.Event{spread}) }); err != nil {
		t.Fatal(err)
	}
	n, err := NewNode(lib, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// receiver returns an empty library of its own station.
func receiver(t *testing.T) *app.Library {
	t.Helper()
	lib, err := app.Open(memstore.New(), app.Options{Station: strings.Repeat("d", 64),
		Clock: app.NewFakeClock(simStart), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// A batch carries events as the sender's log stores them; what the
// receiver decodes and applies is what decoding and encoding each event
// would have sent, in replay order, and one line per event.
func TestSentBatchIsTheLogAsStored(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) app.Store
	}{
		{"memstore", func(*testing.T) app.Store { return memstore.New() }},
		{"bbolt", func(t *testing.T) app.Store { return storetest.TempDB(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := sendingNode(t, tc.store(t))
			want, err := allEvents(n.lib)
			if err != nil {
				t.Fatal(err)
			}
			sort.Slice(want, func(i, j int) bool { return app.EventBefore(want[i], want[j]) })

			b, err := n.batchFor(nil, MaxBatchEvents)
			if err != nil {
				t.Fatal(err)
			}
			if b.size() != len(want) || b.More {
				t.Fatalf("a batch of %d events (more: %v), want all %d", b.size(), b.More, len(want))
			}
			for i, line := range b.lines {
				if bytes.IndexByte(line, '\n') >= 0 {
					t.Fatalf("line %d spans lines: %s", i+1, line)
				}
			}
			// What the batch must carry: each event decoded and encoded
			// anew, as a batch of Events goes.
			var buf bytes.Buffer
			if err := EncodeBatch(&buf, &Batch{From: b.From, Database: b.Database, Events: want}); err != nil {
				t.Fatal(err)
			}
			old, err := DecodeBatch(&buf)
			if err != nil {
				t.Fatal(err)
			}
			buf.Reset()
			if err := EncodeBatch(&buf, b); err != nil {
				t.Fatal(err)
			}
			got, err := DecodeBatch(&buf)
			if err != nil {
				t.Fatal(err)
			}
			opts := cmpopts.IgnoreUnexported(app.Event{})
			if d := cmp.Diff(old.Events, got.Events, opts); d != "" {
				t.Fatalf("events received (-encoded anew +as stored):\n%s", d)
			}
			for i, e := range got.Events {
				if e.Station != want[i].Station || e.Seq != want[i].Seq {
					t.Fatalf("event %d is %s/%d, want %s/%d in replay order", i+1, e.Station, e.Seq, want[i].Station, want[i].Seq)
				}
			}
			apply := func(evs []*app.Event) string {
				lib := receiver(t)
				if err := lib.Transact(func(tx app.Tx) error { return lib.ApplyRemote(tx, evs) }); err != nil {
					t.Fatal(err)
				}
				return stateHash(t, lib)
			}
			if apply(got.Events) != apply(old.Events) || apply(got.Events) != stateHash(t, n.lib) {
				t.Fatal("the batch as stored applies differently from the batch encoded anew")
			}

			// In memory (Local) the lines are decoded and checked alike.
			local := *b
			if err := local.decodeLines(); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(old.Events, local.Events, opts); d != "" {
				t.Fatalf("events decoded in memory (-encoded anew +as stored):\n%s", d)
			}
		})
	}
}

// A line the sender's log holds is checked by the receiver as any other:
// a batch with a bad line is refused whole, even with a checksum to match.
func TestSentLinesAreChecked(t *testing.T) {
	good := `{"id":"e1","station":"s","seq":1,"hlc":5,"kind":"audit","payload":{"action":"x"}}`
	for _, tc := range []struct{ name, line string }{
		{"payload not JSON", `{"id":"e2","station":"s","seq":2,"hlc":6,"kind":"audit","payload":{"action":}}`},
		{"no ID", `{"station":"s","seq":2,"hlc":6,"kind":"audit","payload":{}}`},
		{"no seq", `{"id":"e2","station":"s","hlc":6,"kind":"audit","payload":{}}`},
		{"no payload", `{"id":"e2","station":"s","seq":2,"hlc":6,"kind":"audit"}`},
		{"not an object", `[1,2]`},
		{"cut short", `{"id":"e2","station":"s","seq":2,"hlc":6,"kind":"audit","payl`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &Batch{From: "s", lines: [][]byte{[]byte(good), []byte(tc.line)}}
			var buf bytes.Buffer
			if err := EncodeBatch(&buf, b); err != nil {
				t.Fatal(err)
			}
			if _, err := DecodeBatch(&buf); !errors.Is(err, ErrBadBatch) {
				t.Errorf("DecodeBatch = %v, want ErrBadBatch", err)
			}
			if err := b.decodeLines(); !errors.Is(err, ErrBadBatch) {
				t.Errorf("decodeLines = %v, want ErrBadBatch", err)
			}
		})
	}
}
