package sync

import (
	"context"
	"net"
	"os"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app/explain"
	"github.com/circa-library/circa/assets/i18n"
)

// Errors of pairing that people meet, besides those a peer sends
// (errors.go).
var (
	// ErrNotStationID: what was given as a station ID is not one.
	ErrNotStationID = errors.New("not a station ID")
	// ErrSelfPair: a station was asked to pair with itself.
	ErrSelfPair = errors.New("a station cannot pair with itself")
)

func init() { explain.Register(Explain) }

// Explain puts sync's errors into words for people, in cat's language,
// with what to do: pairing, invite codes, bundles, a peer that answers
// wrongly, a peer that cannot be reached. ok is false for any other error.
// explain.Error consults it, so the desk, the CLI and the hub say these
// alike.
func Explain(cat *i18n.Catalogue, err error) (text string, ok bool) {
	var key string
	switch {
	case errors.Is(err, ErrUnknownStation):
		key = "sync.err.unknown_station"
	case errors.Is(err, ErrWrongStation):
		key = "sync.err.wrong_station"
	case errors.Is(err, ErrBadInvite):
		key = "sync.err.bad_invite"
	case errors.Is(err, ErrNotStationID):
		key = "sync.err.not_station_id"
	case errors.Is(err, ErrSelfPair):
		key = "sync.err.self"
	case errors.Is(err, ErrBusy):
		key = "sync.err.busy"
	case errors.Is(err, ErrBadBundle):
		key = "sync.err.bad_bundle"
	case errors.Is(err, ErrBadBatch), errors.Is(err, ErrTooLarge), errors.Is(err, ErrGap), errors.Is(err, ErrPeerFailed):
		key = "sync.err.peer_failed"
	case unreachable(err):
		key = "sync.err.unreachable"
	default:
		return "", false
	}
	return cat.T(key), true
}

// unreachable reports whether err says the peer could not be reached or
// did not answer in time.
func unreachable(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) || errors.As(err, &dns) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}
