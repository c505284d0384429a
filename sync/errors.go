package sync

import (
	"net/http"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Errors a peer may send or receive. Each has one wire code and one HTTP
// status, in wireErrors below; callers test them with errors.Is.
var (
	ErrUnknownStation = errors.New("station is not paired")
	ErrWrongStation   = errors.New("peer is not the station expected")
	ErrBadBatch       = errors.New("malformed batch")
	ErrTooLarge       = errors.New("batch too large")
	ErrGap            = errors.New("events missing before this batch")
	ErrBadInvite      = errors.New("invite code is not valid")
	ErrBadBundle      = errors.New("bundle is damaged or not signed by a paired station")
	ErrBusy           = errors.New("peer is busy")
	ErrPeerFailed     = errors.New("peer failed")
)

var wireErrors = []struct {
	err    error
	code   string
	status int
}{
	{ErrUnknownStation, "unknown_station", http.StatusForbidden},
	{ErrWrongStation, "wrong_station", http.StatusForbidden},
	{ErrBadBatch, "bad_batch", http.StatusBadRequest},
	{ErrTooLarge, "too_large", http.StatusRequestEntityTooLarge},
	{ErrGap, "gap", http.StatusConflict},
	{ErrBadInvite, "bad_invite", http.StatusForbidden},
	{ErrBadBundle, "bad_bundle", http.StatusBadRequest},
	{ErrBusy, "busy", http.StatusServiceUnavailable},
	{ErrPeerFailed, "failed", http.StatusInternalServerError},
}

// wireCode returns the code and HTTP status that carry err.
func wireCode(err error) (string, int) {
	if errors.Is(err, app.ErrEventGap) {
		err = ErrGap
	}
	for _, w := range wireErrors {
		if errors.Is(err, w.err) {
			return w.code, w.status
		}
	}
	return "failed", http.StatusInternalServerError
}

// wireError turns a code received from a peer back into its sentinel.
func wireError(code, message string) error {
	for _, w := range wireErrors {
		if w.code == code {
			return errors.Wrapf(w.err, "peer says: %s", message)
		}
	}
	return errors.Wrapf(ErrPeerFailed, "peer says %s: %s", code, message)
}
