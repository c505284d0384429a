package sync

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"io"
	"strings"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Invite lets one desk join a hub: where the hub listens, the hub's ID (so
// the desk pins it from the first byte) and a one-time secret the desk
// presents once over TLS.
type Invite struct {
	Address string
	Hub     string
	Secret  []byte
}

const (
	invitePrefix  = "CIRCA1-"
	inviteVersion = 1
	secretLen     = 16
	// InviteTTL is how long an invite stays valid.
	InviteTTL = 7 * 24 * time.Hour
)

var inviteEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// String encodes the invite as one line to copy or read out:
// CIRCA1- and base32 of version, hub ID, secret, address and a CRC-32.
func (inv Invite) String() string {
	hub, _ := hex.DecodeString(inv.Hub)
	b := []byte{inviteVersion}
	b = append(b, hub...)
	b = append(b, inv.Secret...)
	b = append(b, byte(len(inv.Address)))
	b = append(b, inv.Address...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	return invitePrefix + inviteEncoding.EncodeToString(b)
}

// ParseInvite reads an invite code, forgiving case, spaces and line breaks.
func ParseInvite(s string) (Invite, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if !strings.HasPrefix(s, invitePrefix) {
		return Invite{}, errors.Wrap(ErrBadInvite, "it does not start with CIRCA1-")
	}
	b, err := inviteEncoding.DecodeString(s[len(invitePrefix):])
	if err != nil {
		return Invite{}, errors.Wrap(ErrBadInvite, "it is not base32")
	}
	const fixed = 1 + sha256.Size + secretLen + 1
	if len(b) < fixed+4 {
		return Invite{}, errors.Wrap(ErrBadInvite, "it is too short")
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return Invite{}, errors.Wrap(ErrBadInvite, "it was mistyped (checksum)")
	}
	if body[0] != inviteVersion {
		return Invite{}, errors.Wrapf(ErrBadInvite, "version %d", body[0])
	}
	n := int(body[fixed-1])
	if len(body) != fixed+n {
		return Invite{}, errors.Wrap(ErrBadInvite, "its address is cut short")
	}
	inv := Invite{
		Hub:     hex.EncodeToString(body[1 : 1+sha256.Size]),
		Secret:  append([]byte(nil), body[1+sha256.Size:1+sha256.Size+secretLen]...),
		Address: string(body[fixed:]),
	}
	if inv.Address == "" {
		return Invite{}, errors.Wrap(ErrBadInvite, "it has no address")
	}
	return inv, nil
}

type storedInvite struct {
	Hash    string    `json:"hash"`
	Expires time.Time `json:"expires"`
}

func readInvites(tx app.Tx) ([]storedInvite, error) {
	raw, err := tx.Meta(metaInvites)
	if err != nil || len(raw) == 0 {
		return nil, err
	}
	var out []storedInvite
	return out, errors.Wrap(json.Unmarshal(raw, &out), "decoding invites")
}

func writeInvites(tx app.Tx, invs []storedInvite) error {
	raw, err := json.Marshal(invs)
	if err != nil {
		return err
	}
	return tx.SetMeta(metaInvites, raw)
}

func secretHash(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:])
}

// CreateInvite makes a one-time invite to this station at address. Only
// the secret's hash is kept.
func (n *Node) CreateInvite(address string, rnd io.Reader) (Invite, error) {
	inv := Invite{Address: address, Hub: n.ID(), Secret: make([]byte, secretLen)}
	if len(address) == 0 || len(address) > 255 {
		return Invite{}, errors.Newf("address %q is not usable in an invite", address)
	}
	if _, err := io.ReadFull(rnd, inv.Secret); err != nil {
		return Invite{}, errors.Wrap(err, "making the invite secret")
	}
	now := n.clock.Now()
	si := storedInvite{Hash: secretHash(inv.Secret), Expires: now.Add(InviteTTL).UTC()}
	if err := n.addInvite(si); err != nil {
		return Invite{}, err
	}
	n.log.Info("invite created", "address", address, "expires", si.Expires)
	return inv, nil
}

func (n *Node) addInvite(si storedInvite) error {
	now := n.clock.Now()
	err := n.lib.Transact(func(tx app.Tx) error {
		invs, err := readInvites(tx)
		if err != nil {
			return err
		}
		return writeInvites(tx, append(liveInvites(invs, now), si))
	})
	if err != nil {
		return errors.Wrap(err, "saving the invite")
	}
	return n.reloadInvites()
}

func liveInvites(invs []storedInvite, now time.Time) []storedInvite {
	out := invs[:0]
	for _, i := range invs {
		if now.Before(i.Expires) {
			out = append(out, i)
		}
	}
	return out
}

func (n *Node) reloadInvites() error {
	var open bool
	err := n.lib.View(func(tx app.Tx) error {
		invs, err := readInvites(tx)
		open = len(liveInvites(invs, n.clock.Now())) > 0
		return err
	})
	n.mu.Lock()
	n.invitesOpen = open
	n.mu.Unlock()
	return err
}

// InvitesOpen reports whether an invite may still be redeemed, which is
// when the TLS layer lets an unknown station reach the join endpoint.
func (n *Node) InvitesOpen() bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.invitesOpen
}

// Redeem pairs station peer if secret matches an open invite, and uses
// the invite up.
func (n *Node) Redeem(peer string, secret []byte, name string) error {
	if n.Trusted(peer) {
		return nil // a repeated join after a lost reply
	}
	want := secretHash(secret)
	found := false
	now := n.clock.Now()
	err := n.lib.Transact(func(tx app.Tx) error {
		invs, err := readInvites(tx)
		if err != nil {
			return err
		}
		out := liveInvites(invs, now)
		for i, inv := range out {
			if subtle.ConstantTimeCompare([]byte(inv.Hash), []byte(want)) == 1 {
				found = true
				out = append(out[:i], out[i+1:]...)
				break
			}
		}
		if !found {
			return nil
		}
		if err := writeInvites(tx, out); err != nil {
			return err
		}
		ps, err := readPeers(tx)
		if err != nil {
			return err
		}
		if len(name) > 100 {
			name = name[:100]
		}
		return writePeers(tx, append(ps, Peer{ID: peer, Name: name, Added: now.UTC()}))
	})
	if err != nil {
		return err
	}
	if !found {
		n.log.Warn("refused a join with an unknown or used invite", "peer", ShortID(peer))
		return errors.Wrap(ErrBadInvite, "unknown, used or expired invite")
	}
	n.log.Info("station joined with an invite", "peer", ShortID(peer), "name", name)
	if err := n.reloadPeers(); err != nil {
		return err
	}
	return n.reloadInvites()
}
