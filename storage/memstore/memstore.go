// Package memstore is an in-memory app.Store for tests and demos. It keeps
// records encoded exactly as the bbolt store does, so both behave alike and
// one conformance suite (storage/storetest) runs against both.
package memstore

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"sync"

	"github.com/cockroachdb/errors"

	"github.com/circa-library/circa/app"
)

// Store is an in-memory app.Store. The zero value is not usable; call New.
type Store struct {
	mu     sync.RWMutex
	closed bool
	recs   map[app.Collection]map[string][]byte
	recIdx map[app.Collection]map[string][]app.IndexEntry
	// idx holds, per index, sorted entries "key\x00id".
	idx    map[string][]string
	meta   map[string][]byte
	events map[string][][]byte
}

var _ app.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{
		recs:   map[app.Collection]map[string][]byte{},
		recIdx: map[app.Collection]map[string][]app.IndexEntry{},
		idx:    map[string][]string{},
		meta:   map[string][]byte{},
		events: map[string][][]byte{},
	}
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("store is closed")

// View runs fn read-only.
func (s *Store) View(fn func(app.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return fn(&tx{s: s})
}

// Update runs fn; if fn fails every change it made is undone.
func (s *Store) Update(fn func(app.Tx) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	t := &tx{s: s, writable: true}
	defer func() {
		if p := recover(); p != nil {
			t.rollback()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		t.rollback()
		return err
	}
	return nil
}

// Close makes the store unusable.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

type tx struct {
	s        *Store
	writable bool
	undo     []func()
}

var errReadOnly = errors.New("write in a read-only transaction")

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

func (t *tx) Get(c app.Collection, id string, into any) (bool, error) {
	raw, ok := t.s.recs[c][id]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return true, errors.Wrapf(err, "decoding %s %s", c, id)
	}
	return true, nil
}

func (t *tx) setRec(c app.Collection, id string, raw []byte, entries []app.IndexEntry) {
	m := t.s.recs[c]
	if m == nil {
		m = map[string][]byte{}
		t.s.recs[c] = m
	}
	im := t.s.recIdx[c]
	if im == nil {
		im = map[string][]app.IndexEntry{}
		t.s.recIdx[c] = im
	}
	oldRaw, hadRaw := m[id]
	oldIdx, hadIdx := im[id]
	t.undo = append(t.undo, func() {
		if hadRaw {
			m[id] = oldRaw
		} else {
			delete(m, id)
		}
		if hadIdx {
			im[id] = oldIdx
		} else {
			delete(im, id)
		}
	})
	if raw == nil {
		delete(m, id)
		delete(im, id)
		return
	}
	m[id] = raw
	im[id] = entries
}

func entryKey(e app.IndexEntry, id string) string {
	if e.Unique {
		return e.Key
	}
	return e.Key + "\x00" + id
}

func (t *tx) addIdx(index, k string) {
	list := t.s.idx[index]
	i := sort.SearchStrings(list, k)
	if i < len(list) && list[i] == k {
		return
	}
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = k
	t.s.idx[index] = list
	t.undo = append(t.undo, func() { t.delIdxRaw(index, k) })
}

func (t *tx) delIdxRaw(index, k string) bool {
	list := t.s.idx[index]
	i := sort.SearchStrings(list, k)
	if i >= len(list) || list[i] != k {
		return false
	}
	t.s.idx[index] = append(list[:i], list[i+1:]...)
	return true
}

func (t *tx) delIdx(index, k string) {
	if t.delIdxRaw(index, k) {
		t.undo = append(t.undo, func() { t.addIdxRaw(index, k) })
	}
}

func (t *tx) addIdxRaw(index, k string) {
	list := t.s.idx[index]
	i := sort.SearchStrings(list, k)
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = k
	t.s.idx[index] = list
}

// uniqueHolder maps unique keys to their record: memstore keeps unique keys
// as "key\x01id" so the ID is recoverable.
func (t *tx) uniqueHolder(index, key string) (string, bool) {
	list := t.s.idx[index]
	p := key + "\x01"
	i := sort.SearchStrings(list, p)
	if i < len(list) && strings.HasPrefix(list[i], p) {
		return list[i][len(p):], true
	}
	return "", false
}

func storedKey(e app.IndexEntry, id string) string {
	if e.Unique {
		return e.Key + "\x01" + id
	}
	return e.Key + "\x00" + id
}

func (t *tx) Put(r app.Record) error {
	if err := t.checkPut(r); err != nil {
		return err
	}
	raw, err := app.EncodeRecord(r)
	if err != nil {
		return errors.Wrapf(err, "encoding %s %s", r.Collection(), r.RecordID())
	}
	return t.putEncoded(r, raw)
}

func (t *tx) PutEncoded(r app.Record, raw []byte) error {
	if err := t.checkPut(r); err != nil {
		return err
	}
	return t.putEncoded(r, bytes.Clone(raw)) // the caller's bytes may change after
}

// checkPut refuses a write in a read-only transaction and a record without
// an ID.
func (t *tx) checkPut(r app.Record) error {
	if !t.writable {
		return errReadOnly
	}
	if r.RecordID() == "" {
		return errors.Newf("%s record without an ID", r.Collection())
	}
	return nil
}

// putEncoded writes r, encoded as raw, and its index entries.
func (t *tx) putEncoded(r app.Record, raw []byte) error {
	c, id := r.Collection(), r.RecordID()
	entries := r.Indexes()
	for _, e := range entries {
		if !e.Unique {
			continue
		}
		if holder, ok := t.uniqueHolder(e.Index, e.Key); ok && holder != id {
			return app.NewDuplicateKeyError(e.Index, e.Key, holder)
		}
	}
	for _, e := range t.s.recIdx[c][id] {
		t.delIdx(e.Index, storedKey(e, id))
	}
	for _, e := range entries {
		t.addIdx(e.Index, storedKey(e, id))
	}
	t.setRec(c, id, raw, entries)
	return nil
}

func (t *tx) Delete(c app.Collection, id string) error {
	if !t.writable {
		return errReadOnly
	}
	if _, ok := t.s.recs[c][id]; !ok {
		return nil
	}
	for _, e := range t.s.recIdx[c][id] {
		t.delIdx(e.Index, storedKey(e, id))
	}
	t.setRec(c, id, nil, nil)
	return nil
}

func splitStored(k string) (key, id string) {
	if i := strings.LastIndexAny(k, "\x00\x01"); i >= 0 {
		return k[:i], k[i+1:]
	}
	return k, ""
}

func (t *tx) Lookup(index, key string) ([]string, error) {
	var ids []string
	err := t.Scan(index, key, key+"\x02", func(k, id string) error {
		if k == key {
			ids = append(ids, id)
		}
		return nil
	})
	sort.Strings(ids)
	return ids, err
}

func (t *tx) Scan(index, from, to string, fn func(key, id string) error) error {
	list := t.s.idx[index]
	i := sort.SearchStrings(list, from)
	// Copy the tail so fn may write to the index safely.
	tail := append([]string(nil), list[i:]...)
	for _, k := range tail {
		key, id := splitStored(k)
		if to != "" && key >= to {
			break
		}
		if key < from {
			continue
		}
		if err := fn(key, id); err != nil {
			if errors.Is(err, app.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

func (t *tx) ForEach(c app.Collection, fn func(id string, raw []byte) error) error {
	m := t.s.recs[c]
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		raw, ok := m[id]
		if !ok {
			continue
		}
		if err := fn(id, raw); err != nil {
			if errors.Is(err, app.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

func (t *tx) Count(c app.Collection) (int, error) { return len(t.s.recs[c]), nil }

func (t *tx) Meta(key string) ([]byte, error) {
	v, ok := t.s.meta[key]
	if !ok {
		return nil, nil
	}
	return append([]byte(nil), v...), nil
}

func (t *tx) SetMeta(key string, val []byte) error {
	if !t.writable {
		return errReadOnly
	}
	old, had := t.s.meta[key]
	t.undo = append(t.undo, func() {
		if had {
			t.s.meta[key] = old
		} else {
			delete(t.s.meta, key)
		}
	})
	t.s.meta[key] = append([]byte(nil), val...)
	return nil
}

func (t *tx) AppendEvent(e *app.Event) error {
	if !t.writable {
		return errReadOnly
	}
	list := t.s.events[e.Station]
	switch {
	case e.Seq == 0:
		return errors.Newf("event %s without a sequence number", e.ID)
	case e.Seq <= uint64(len(list)):
		return nil // already stored: applying a batch twice changes nothing
	case e.Seq > uint64(len(list))+1:
		return errors.Wrapf(app.ErrEventGap, "station %s: have %d, got %d", e.Station, len(list), e.Seq)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return errors.Wrap(err, "encoding event")
	}
	t.s.events[e.Station] = append(list, raw)
	st := e.Station
	t.undo = append(t.undo, func() {
		l := t.s.events[st]
		if len(l) == 1 {
			delete(t.s.events, st) // Vector must not list a station with nothing stored
			return
		}
		t.s.events[st] = l[:len(l)-1]
	})
	return nil
}

func (t *tx) EventsAfter(station string, after uint64, fn func(*app.Event) error) error {
	return t.EncodedEventsAfter(station, after, func(_ uint64, raw []byte) error {
		var e app.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return errors.Wrap(err, "decoding event")
		}
		return fn(&e)
	})
}

func (t *tx) EncodedEventsAfter(station string, after uint64, fn func(seq uint64, raw []byte) error) error {
	list := t.s.events[station]
	for i := after; i < uint64(len(list)); i++ {
		if err := fn(i+1, list[i]); err != nil {
			if errors.Is(err, app.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

func (t *tx) Vector() (map[string]uint64, error) {
	v := make(map[string]uint64, len(t.s.events))
	for st, list := range t.s.events {
		v[st] = uint64(len(list))
	}
	return v, nil
}
