package sync

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Peer is a station this one trusts.
type Peer struct {
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"`
	Address string    `json:"addr,omitempty"`
	Hub     bool      `json:"hub,omitempty"`
	Added   time.Time `json:"added"`
}

// PeerState is what this station remembers of an exchange with a peer. It
// is written in the transaction that stores each batch from that peer.
type PeerState struct {
	Database    string            `json:"db,omitempty"`
	Vector      map[string]uint64 `json:"vector,omitempty"`
	LastContact time.Time         `json:"last,omitempty"`
	Skew        time.Duration     `json:"skew,omitempty"`
	LastError   string            `json:"error,omitempty"`
	Received    uint64            `json:"received,omitempty"`
	Sent        uint64            `json:"sent,omitempty"`
}

// Station-local meta keys this package owns. None is covered by the state
// hash or leaves the station.
const (
	metaPeers      = "local/sync/peers"
	metaPeerPrefix = "local/sync/peer/"
	metaInvites    = "local/sync/invites"
)

func readPeers(tx app.Tx) ([]Peer, error) {
	raw, err := tx.Meta(metaPeers)
	if err != nil || len(raw) == 0 {
		return nil, err
	}
	var ps []Peer
	if err := json.Unmarshal(raw, &ps); err != nil {
		return nil, errors.Wrap(err, "decoding the peer list")
	}
	return ps, nil
}

func writePeers(tx app.Tx, ps []Peer) error {
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
	raw, err := json.Marshal(ps)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaPeers, raw)
}

func readPeerState(tx app.Tx, id string) (PeerState, error) {
	var st PeerState
	raw, err := tx.Meta(metaPeerPrefix + id)
	if err != nil || len(raw) == 0 {
		return st, err
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, errors.Wrap(err, "decoding a peer checkpoint")
	}
	return st, nil
}

func writePeerState(tx app.Tx, id string, st PeerState) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaPeerPrefix+id, raw)
}

// waiting counts the events in have that a peer holding theirs lacks.
func waiting(have, theirs map[string]uint64) int {
	n := 0
	for st, seq := range have {
		if seq > theirs[st] {
			n += int(seq - theirs[st])
		}
	}
	return n
}

func copyVector(v map[string]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(v))
	for k, s := range v {
		out[k] = s
	}
	return out
}

// mergeVector raises a to b wherever b is ahead.
func mergeVector(a, b map[string]uint64) map[string]uint64 {
	out := copyVector(a)
	for k, s := range b {
		if s > out[k] {
			out[k] = s
		}
	}
	return out
}
