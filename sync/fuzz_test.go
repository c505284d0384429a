package sync

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
)

func FuzzDecodeBatch(f *testing.F) {
	var buf bytes.Buffer
	ev := &app.Event{ID: "e1", Station: strings.Repeat("a", 64), Seq: 1, HLC: 1 << 16, Kind: app.EvAudit, Payload: []byte(`{"action":"x"}`)}
	if err := EncodeBatch(&buf, &Batch{From: ev.Station, Events: []*app.Event{ev}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("CIRCAB1\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := DecodeBatch(bytes.NewReader(raw))
		if err != nil {
			return
		}
		// What decodes must encode and decode to the same events.
		var again bytes.Buffer
		if err := EncodeBatch(&again, b); err != nil {
			t.Fatal(err)
		}
		b2, err := DecodeBatch(&again)
		if err != nil {
			t.Fatalf("re-decoding: %v", err)
		}
		if len(b2.Events) != len(b.Events) {
			t.Fatal("event count changed")
		}
	})
}

func FuzzReadBundle(f *testing.F) {
	ident, err := NewIdentity(rand.Reader, simStart)
	if err != nil {
		f.Fatal(err)
	}
	lib, err := app.Open(memstore.New(), app.Options{Station: ident.ID})
	if err != nil {
		f.Fatal(err)
	}
	if err := lib.Audit(admin, "seed", nil); err != nil {
		f.Fatal(err)
	}
	n, err := NewNode(lib, nil)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := ExportBundle(&buf, n, ident, ExportOptions{}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("CIRCABUNDLE1\n\x00\x00\x00\x02{}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := ReadBundle(bytes.NewReader(raw), nil)
		if err != nil {
			return
		}
		_ = b.Events(100, func([]*app.Event) error { return nil })
	})
}

func FuzzParseInvite(f *testing.F) {
	inv := Invite{Address: "hub.example:7420", Hub: strings.Repeat("ab", 32), Secret: bytes.Repeat([]byte{7}, secretLen)}
	f.Add(inv.String())
	f.Add("CIRCA1-")
	f.Add("circa1-aaaa aaaa")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseInvite(s)
		if err != nil {
			return
		}
		again, err := ParseInvite(got.String())
		if err != nil || again.Address != got.Address || again.Hub != got.Hub || !bytes.Equal(again.Secret, got.Secret) {
			t.Fatalf("round trip of %q: %+v, %v", s, again, err)
		}
	})
}

func TestInviteRoundTrip(t *testing.T) {
	inv := Invite{Address: "10.0.0.2:7420", Hub: strings.Repeat("cd", 32), Secret: bytes.Repeat([]byte{1}, secretLen)}
	code := inv.String()
	got, err := ParseInvite(strings.ToLower(code[:20]) + " \n" + code[20:])
	if err != nil {
		t.Fatal(err)
	}
	if got.Address != inv.Address || got.Hub != inv.Hub || !bytes.Equal(got.Secret, inv.Secret) {
		t.Fatalf("got %+v", got)
	}
	bad := []byte(code)
	if bad[15] == 'A' {
		bad[15] = 'B'
	} else {
		bad[15] = 'A'
	}
	if _, err := ParseInvite(string(bad)); err == nil {
		t.Fatal("a mistyped code was accepted")
	}
}

func TestIDForms(t *testing.T) {
	ident, err := NewIdentity(rand.Reader, simStart)
	if err != nil {
		t.Fatal(err)
	}
	f := FormatID(ident.ID)
	if len(f) != 64 || strings.Count(f, "-") != 12 {
		t.Fatalf("FormatID = %q", f)
	}
	for _, s := range []string{ident.ID, f, strings.ToLower(f), strings.ReplaceAll(f, "-", "")} {
		got, err := ParseID(s)
		if err != nil || got != ident.ID {
			t.Errorf("ParseID(%q) = %q, %v", s, got, err)
		}
	}
	if !strings.HasPrefix(f, ShortID(ident.ID)) {
		t.Error("ShortID is not the start of FormatID")
	}
	if _, err := ParseID("ABCD-EFGH"); err == nil {
		t.Error("a short ID was accepted for pairing")
	}
}

func TestIdentityPersists(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadOrCreateIdentity(dir, nil, simStart)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadOrCreateIdentity(dir, nil, simStart)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Fatal("the identity changed between runs")
	}
	if a.ID != StationID(a.Cert.Certificate[0]) {
		t.Fatal("the ID is not the certificate's hash")
	}
}
