package sync

import (
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/json"
	"io"
	"time"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/gcmode"
)

// A bundle carries events on a USB stick. Its layout:
//
//	"CIRCABUNDLE1\n"
//	u32 length | header JSON (signer's certificate, database, since, count)
//	u32 length | raw DEFLATE of one event JSON per line
//	u32 length | ECDSA signature (ASN.1) over SHA-256 of everything before it
//
// Only a paired station's signature is accepted; any change to any byte
// breaks the signature.

var bundleMagic = []byte("CIRCABUNDLE1\n")

// Limits of a bundle a station accepts.
const (
	maxBundleHeader = 1 << 20
	maxBundleBody   = 1 << 30
	maxBundleEvents = 10_000_000
)

type bundleHeader struct {
	Cert     []byte            `json:"cert"`
	Database string            `json:"db"`
	Created  time.Time         `json:"created"`
	Since    map[string]uint64 `json:"since"`
	Count    int               `json:"count"`
}

// ExportOptions choose what a bundle carries: the events beyond Since, or
// (when Since is nil) those from SinceTime on, or everything.
type ExportOptions struct {
	Since     map[string]uint64
	SinceTime time.Time
}

// ExportBundle writes the events beyond opts as one signed bundle and
// returns how many it holds.
func ExportBundle(w io.Writer, n *Node, ident *Identity, opts ExportOptions) (int, error) {
	hdr := bundleHeader{Cert: ident.Cert.Certificate[0], Created: n.clock.Now().UTC(), Since: opts.Since}
	var body bytes.Buffer
	fw, err := flate.NewWriter(&body, flate.DefaultCompression)
	if err != nil {
		return 0, err
	}
	enc := json.NewEncoder(fw)
	err = n.lib.View(func(tx app.Tx) error {
		db, err := tx.Meta(app.MetaDatabaseID)
		if err != nil {
			return err
		}
		hdr.Database = string(db)
		vec, err := tx.Vector()
		if err != nil {
			return err
		}
		if hdr.Since == nil {
			if hdr.Since, err = vectorAt(tx, vec, opts.SinceTime); err != nil {
				return err
			}
		}
		for st := range vec {
			if err := tx.EventsAfter(st, hdr.Since[st], func(e *app.Event) error {
				hdr.Count++
				return enc.Encode(e)
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, errors.Wrap(err, "collecting events for the bundle")
	}
	if err := fw.Close(); err != nil {
		return 0, err
	}
	hraw, err := json.Marshal(hdr)
	if err != nil {
		return 0, err
	}
	var signed bytes.Buffer
	signed.Write(bundleMagic)
	writeChunk(&signed, hraw)
	writeChunk(&signed, body.Bytes())
	sum := sha256.Sum256(signed.Bytes())
	sig, err := ecdsa.SignASN1(rand.Reader, ident.Key, sum[:])
	if err != nil {
		return 0, errors.Wrap(err, "signing the bundle")
	}
	writeChunk(&signed, sig)
	if _, err := w.Write(signed.Bytes()); err != nil {
		return 0, errors.Wrap(err, "writing the bundle")
	}
	return hdr.Count, nil
}

// vectorAt returns, per station, the seq of its last event before t.
func vectorAt(tx app.Tx, vec map[string]uint64, t time.Time) (map[string]uint64, error) {
	since := map[string]uint64{}
	if t.IsZero() {
		return since, nil
	}
	for st := range vec {
		err := tx.EventsAfter(st, 0, func(e *app.Event) error {
			if !e.HLC.Time().Before(t) {
				return app.ErrStop
			}
			since[st] = e.Seq
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return since, nil
}

func writeChunk(b *bytes.Buffer, p []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(p)))
	b.Write(n[:])
	b.Write(p)
}

func readChunk(r io.Reader, limit int) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, errors.Wrap(ErrBadBundle, "the bundle is cut short")
	}
	size := int(binary.BigEndian.Uint32(n[:]))
	if size > limit {
		return nil, errors.Wrap(ErrBadBundle, "a part of the bundle is too large")
	}
	p := make([]byte, size)
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, errors.Wrap(ErrBadBundle, "the bundle is cut short")
	}
	return p, nil
}

// Bundle is a bundle whose signature has been checked.
type Bundle struct {
	Signer   string
	Database string
	Created  time.Time
	Count    int
	body     []byte
}

// ReadBundle reads and verifies a bundle: its signature must hold and its
// signer must be trusted. Nothing is applied.
func ReadBundle(r io.Reader, trusted func(id string) bool) (*Bundle, error) {
	magic := make([]byte, len(bundleMagic))
	if _, err := io.ReadFull(r, magic); err != nil || !bytes.Equal(magic, bundleMagic) {
		return nil, errors.Wrap(ErrBadBundle, "not a Circa bundle")
	}
	hraw, err := readChunk(r, maxBundleHeader)
	if err != nil {
		return nil, err
	}
	body, err := readChunk(r, maxBundleBody)
	if err != nil {
		return nil, err
	}
	sig, err := readChunk(r, 1024)
	if err != nil {
		return nil, err
	}
	var hdr bundleHeader
	if err := json.Unmarshal(hraw, &hdr); err != nil {
		return nil, errors.Wrap(ErrBadBundle, "damaged header")
	}
	cert, err := x509.ParseCertificate(hdr.Cert)
	if err != nil {
		return nil, errors.Wrap(ErrBadBundle, "damaged signer certificate")
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.Wrap(ErrBadBundle, "the signer key is not ECDSA")
	}
	var signed bytes.Buffer
	signed.Write(bundleMagic)
	writeChunk(&signed, hraw)
	writeChunk(&signed, body)
	sum := sha256.Sum256(signed.Bytes())
	if !ecdsa.VerifyASN1(pub, sum[:], sig) {
		return nil, errors.Wrap(ErrBadBundle, "the signature does not match: the bundle was changed")
	}
	signer := StationID(hdr.Cert)
	if trusted != nil && !trusted(signer) {
		return nil, errors.Wrapf(ErrUnknownStation, "the bundle comes from %s, which is not paired", ShortID(signer))
	}
	if hdr.Count < 0 || hdr.Count > maxBundleEvents {
		return nil, errors.Wrap(ErrBadBundle, "impossible event count")
	}
	return &Bundle{Signer: signer, Database: hdr.Database, Created: hdr.Created, Count: hdr.Count, body: body}, nil
}

// Events calls fn with the bundle's events in chunks of at most size.
func (b *Bundle) Events(size int, fn func([]*app.Event) error) error {
	fr := flate.NewReader(bytes.NewReader(b.body))
	defer fr.Close()
	sc := bufio.NewScanner(fr)
	sc.Buffer(make([]byte, 64<<10), maxEventLine)
	var chunk []*app.Event
	n := 0
	for sc.Scan() {
		var e app.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return errors.Wrapf(ErrBadBundle, "event %d: %v", n+1, err)
		}
		if err := checkEvent(&e); err != nil {
			return errors.Mark(err, ErrBadBundle)
		}
		n++
		chunk = append(chunk, &e)
		if len(chunk) >= size {
			if err := fn(chunk); err != nil {
				return err
			}
			chunk = nil
		}
	}
	if err := sc.Err(); err != nil {
		return errors.Wrapf(ErrBadBundle, "reading events: %v", err)
	}
	if n != b.Count {
		return errors.Wrapf(ErrBadBundle, "%d events, the header says %d", n, b.Count)
	}
	if len(chunk) > 0 {
		return fn(chunk)
	}
	return nil
}

// ImportBundle verifies a bundle and applies its events exactly as a pull
// from its signer would: skipping what is held, refusing gaps, one
// transaction per chunk with the signer's checkpoint. A bundle applied
// twice changes nothing. It returns how many events were new.
func ImportBundle(r io.Reader, n *Node) (int, error) {
	b, err := ReadBundle(r, func(id string) bool { return id != n.ID() && n.Trusted(id) })
	if err != nil {
		n.log.Warn("refused a bundle", "error", err.Error())
		return 0, err
	}
	// Check every event decodes before anything is applied.
	if err := b.Events(MaxBatchEvents, func([]*app.Event) error { return nil }); err != nil {
		n.log.Warn("refused a bundle", "signer", ShortID(b.Signer), "error", err.Error())
		return 0, err
	}
	before, err := n.Vector()
	if err != nil {
		return 0, err
	}
	if b.Count > defaultBatchEvents {
		defer gcmode.Throughput()()
	}
	err = b.Events(defaultBatchEvents, func(evs []*app.Event) error {
		_, err := n.applyBatch(b.Signer, evs)
		return err
	})
	if err != nil {
		return 0, err
	}
	if _, err := n.lib.RebuildIfStale(); err != nil {
		return 0, err
	}
	after, err := n.Vector()
	if err != nil {
		return 0, err
	}
	got := waiting(after, before)
	n.log.Info("imported a bundle", "signer", ShortID(b.Signer), "events", b.Count, "new", got)
	return got, nil
}
