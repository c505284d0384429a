package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/cockroachdb/errors"
)

// Store keeps Circa's records, indexes and event log. storage.Open gives the
// bbolt one; storage/memstore an in-memory one for tests. One conformance
// suite (storage/storetest) runs against both.
type Store interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in a read-write transaction that is durable on disk
	// when Update returns nil, and leaves no trace when fn fails.
	Update(fn func(Tx) error) error
	Close() error
}

// Tx is one transaction. Helpers that need the caller's transaction take a Tx
// and say so.
type Tx interface {
	// Get decodes the record c/id into into; found is false if it is absent.
	Get(c Collection, id string, into any) (found bool, err error)
	// Put writes r and replaces its index entries. A unique index key held
	// by another record fails with a *DuplicateKeyError marked ErrDuplicate.
	Put(r Record) error
	// PutEncoded is Put of r already encoded as raw: json.Marshal(r), or
	// the bytes of a payload r was decoded from, which every station
	// stores alike.
	PutEncoded(r Record, raw []byte) error
	// Delete removes a record and its index entries (local records only:
	// synced records are tombstoned instead).
	Delete(c Collection, id string) error
	// Lookup returns the IDs under an exact index key, in ID order.
	Lookup(index, key string) ([]string, error)
	// Scan calls fn for index keys in [from, to) in key order (to "" means
	// no upper bound). fn returns ErrStop to end early.
	Scan(index, from, to string, fn func(key, id string) error) error
	// ForEach calls fn for every record of c in ID order with its encoded
	// bytes. fn returns ErrStop to end early.
	ForEach(c Collection, fn func(id string, raw []byte) error) error
	// Count returns the number of records in c.
	Count(c Collection) (int, error)
	// Meta and SetMeta keep small station values (station ID, clock).
	Meta(key string) ([]byte, error)
	SetMeta(key string, val []byte) error
	// AppendEvent stores e in the log. Its (Station, Seq) must be the next
	// of that station: a gap fails, a repeat of a stored event is ignored.
	AppendEvent(e *Event) error
	// EventsAfter calls fn for the events of station with seq > after, in
	// order. fn returns ErrStop to end early.
	EventsAfter(station string, after uint64, fn func(*Event) error) error
	// EncodedEventsAfter is EventsAfter with each event as the log stores
	// it, its JSON, for a sender that passes events on as they are (sync);
	// raw is valid only until fn returns.
	EncodedEventsAfter(station string, after uint64, fn func(seq uint64, raw []byte) error) error
	// Vector returns each station's highest stored seq.
	Vector() (map[string]uint64, error)
}

// ErrStop ends a Scan, ForEach or EventsAfter early without error.
var ErrStop = errors.New("stop iteration")

// ErrEventGap means an event arrived before the ones it follows.
var ErrEventGap = errors.New("event sequence gap")

// DuplicateKeyError says a unique index key is held by another record.
type DuplicateKeyError struct {
	Index      string
	Key        string
	ExistingID string
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("%s %q is already used by %s", e.Index, e.Key, e.ExistingID)
}

// NewDuplicateKeyError returns the error storage gives for a unique clash.
func NewDuplicateKeyError(index, key, existing string) error {
	return errors.Mark(&DuplicateKeyError{Index: index, Key: key, ExistingID: existing}, ErrDuplicate)
}

// Meta keys the app layer owns.
const (
	MetaStation    = "station"
	MetaDatabaseID = "database_id"
	MetaHLC        = "hlc"
)

// StateHash returns a SHA-256 over every synced record. Two stations holding
// the same set of events hold the same records and so the same hash.
func StateHash(tx Tx) (string, error) {
	h := sha256.New()
	for _, c := range SyncedCollections {
		err := tx.ForEach(c, func(id string, raw []byte) error {
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00", c, id, len(raw))
			h.Write(raw)
			return nil
		})
		if err != nil {
			return "", errors.Wrapf(err, "hashing %s", c)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// StoreStateHash is StateHash in a read transaction of its own.
func StoreStateHash(s Store) (hash string, err error) {
	err = s.View(func(tx Tx) error {
		hash, err = StateHash(tx)
		return err
	})
	return hash, err
}

// getRecord loads c/id into into and reports ErrNotFound with reason if it is
// absent or deleted.
func getRecord[T any, P interface {
	*T
	Record
	deleted() bool
}](tx Tx, c Collection, id string, reason Reason) (P, error) {
	var v T
	p := P(&v)
	if id == "" {
		return nil, Refuse(reason, "id", id)
	}
	found, err := tx.Get(c, id, p)
	if err != nil {
		return nil, errors.Wrapf(err, "reading %s %s", c, id)
	}
	if !found || p.deleted() {
		return nil, Refuse(reason, "id", id)
	}
	return p, nil
}

func (m *Meta) deleted() bool { return m.Deleted }

// lookupOne returns the single ID under a unique index key, or "".
func lookupOne(tx Tx, index, key string) (string, error) {
	ids, err := tx.Lookup(index, key)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// byUniqueKey returns the live record holding a unique index key (a barcode,
// a card number), refusing with reason and the key as fact when none does.
func byUniqueKey[T any, P interface {
	*T
	Record
	deleted() bool
}](tx Tx, c Collection, index, key string, reason Reason, fact string) (P, error) {
	code := NormalizeBarcode(key)
	id, err := lookupOne(tx, index, code)
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, Refuse(reason, fact, code)
	}
	return getRecord[T, P](tx, c, id, reason)
}

// viewRecord reads one record in its own read transaction.
func viewRecord[T any, P interface {
	*T
	Record
	deleted() bool
}](l *Library, c Collection, id string, reason Reason) (P, error) {
	var r P
	err := l.view(func(tx Tx) error {
		var err error
		r, err = getRecord[T, P](tx, c, id, reason)
		return err
	})
	return r, err
}

// editRecord loads record c/id, lets change modify a copy of it and commits
// the difference as one record.updated event, then returns the record as
// stored. It is how every edit of a synced record is made.
func editRecord[T any, P interface {
	*T
	Record
	deleted() bool
}](l *Library, actor Actor, perm Permission, c Collection, id string, reason Reason, change func(tx Tx, old, upd P) error) (P, error) {
	if err := require(actor, perm); err != nil {
		return nil, err
	}
	err := l.update(func(tx Tx) error {
		old, err := getRecord[T, P](tx, c, id, reason)
		if err != nil {
			return err
		}
		copied := *old
		upd := P(&copied)
		if err := change(tx, old, upd); err != nil {
			return err
		}
		return l.updateRecord(tx, actor, old, upd)
	})
	if err != nil {
		return nil, err
	}
	return viewRecord[T, P](l, c, id, reason)
}

// recordsUnder returns the live records whose IDs an index key holds, in ID
// order, in its own read transaction.
func recordsUnder[T any, P interface {
	*T
	Record
	deleted() bool
}](l *Library, c Collection, index, key string, reason Reason) ([]P, error) {
	var out []P
	err := l.view(func(tx Tx) error {
		ids, err := tx.Lookup(index, key)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, err := getRecord[T, P](tx, c, id, reason)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}
