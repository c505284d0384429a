package sip2

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"
)

// addTranscriptSeeds seeds f with every transcript line, if the shared
// data is there; the fuzz targets still run on their own seeds without it.
func addTranscriptSeeds(f *testing.F) {
	if paths, _ := filepath.Glob(filepath.Join(dataDir, "*.txt")); len(paths) == 0 {
		return
	}
	for _, file := range transcriptFiles(f) {
		for _, l := range dataLines(f, file) {
			f.Add(l)
		}
	}
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// formats into a message that parses back to the same bytes.
func FuzzParse(f *testing.F) {
	addTranscriptSeeds(f)
	f.Add([]byte("941AY1AZFDFC"))
	f.Add([]byte("97AZFEF5"))
	f.Add([]byte("9300CNuser|X|\r\n"))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Parse(line, UTF8)
		if m == nil {
			if err == nil {
				t.Fatal("nil message without an error")
			}
			return
		}
		first, err := m.Format(UTF8)
		if err != nil {
			t.Fatalf("Format(Parse(%q)): %v", line, err)
		}
		again, err := Parse(first, UTF8)
		if err != nil {
			t.Fatalf("Parse(%q) (formatted from %q): %v", first, line, err)
		}
		second, err := again.Format(UTF8)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("format not stable: %q → %q → %q", line, first, second)
		}
		// The other charsets must not fail on anything either.
		for _, cs := range []Charset{GB18030, CP850} {
			if b, err := m.Format(cs); err != nil {
				t.Fatalf("Format(%s): %v", cs, err)
			} else {
				Parse(b, cs)
			}
		}
	})
}

// FuzzAnswer feeds arbitrary lines to a logged-in session backed by the
// fake: whatever arrives, the answer must be a well-formed SIP2 message.
func FuzzAnswer(f *testing.F) {
	addTranscriptSeeds(f)
	f.Add([]byte("6300120261127    090000YYYYYYYYYYAAP1|BP0|BQ-5|"))
	f.Add([]byte("15\xff20261127    090000AAP1|ABI1|"))
	accounts := testAccounts()
	accounts.AllowAnonymous = &Account{User: "fuzz"}
	srv := &Server{Backend: newFakeBackend(), Accounts: accounts, Clock: func() time.Time { return testClock }}
	f.Fuzz(func(t *testing.T, line []byte) {
		sess := newSession(srv, slog.New(slog.DiscardHandler))
		resp := sess.answer(context.Background(), line, false)
		m, err := Parse(resp, UTF8)
		if err != nil {
			t.Fatalf("answer to %q is %q: %v", line, resp, err)
		}
		if m.Command == RequestSCResend {
			return
		}
		if req, _ := Parse(line, UTF8); req != nil && req.Command != RequestACSResend && responseTo[req.Command] != m.Command {
			t.Fatalf("%q answered with %s", line, m.Command)
		}
	})
}
