package sync

import (
	"context"
	"net"
	"testing"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
)

// Every error of pairing and exchange that people meet is put into words
// in both languages, through explain.Error as the desk, the CLI and the
// hub call it; anything else is left to the caller.
func TestSyncErrorsInWords(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	for _, c := range []struct {
		err error
		key string
	}{
		{errors.Wrap(ErrUnknownStation, "peer says"), "sync.err.unknown_station"},
		{ErrWrongStation, "sync.err.wrong_station"},
		{func() error { _, err := ParseInvite("CIRCA1-AAAA"); return err }(), "sync.err.bad_invite"},
		{func() error { _, err := ParseID("not an id"); return err }(), "sync.err.not_station_id"},
		{ErrSelfPair, "sync.err.self"},
		{ErrBusy, "sync.err.busy"},
		{ErrBadBundle, "sync.err.bad_bundle"},
		{errors.Wrap(ErrGap, "pull"), "sync.err.peer_failed"},
		{errors.Wrap(refused, "reaching 10.0.0.9:7420"), "sync.err.unreachable"},
		{context.DeadlineExceeded, "sync.err.unreachable"},
	} {
		for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
			cat := i18n.New(lang)
			got, ok := explain.Error(cat, c.err)
			if want := cat.T(c.key); !ok || got != want {
				t.Errorf("%s, %v: %q (%v), want %q", lang, c.err, got, ok, want)
			}
		}
	}
	if _, ok := Explain(i18n.New(i18n.English), errors.New("something else")); ok {
		t.Error("an unknown error was explained")
	}
}

// A station that has not paired this one refuses its certificate in the
// TLS handshake; the client reports that as ErrUnknownStation, not as a
// network failure.
func TestUnpairedPeerSaysUnknownStation(t *testing.T) {
	alert := &net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")}
	if !refusedByPeer(errors.Wrap(alert, "Post")) {
		t.Error("a bad-certificate alert is not taken as a refusal")
	}
	if refusedByPeer(&net.OpError{Op: "dial", Err: errors.New("connection refused")}) || refusedByPeer(nil) {
		t.Error("a network failure is taken as a refusal")
	}
}
