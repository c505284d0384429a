package storage

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/circa-library/circa/app"
)

// tx is app.Tx over one bbolt transaction. Buckets that do not exist yet
// read as empty and are created on first write.
type tx struct {
	btx *bbolt.Tx
	// pending holds index writes not made yet, per index bucket, in the
	// order they were asked for. A batch that writes tens of thousands of
	// index keys (an import, a sync batch) in record order inserts each into
	// the middle of nodes that bbolt only splits at commit, so each insert
	// moves more of a growing node; made in key order, just before commit
	// or before anything reads that index, they cost what appends cost.
	pending map[string][]pendingWrite
	// cursors keeps a cursor for get in each of the buckets read last,
	// in the transaction's own memory: a desk's transaction reads a
	// handful of buckets, and a map would cost more than it saves there.
	cursors [8]keptCursor
	nextCur int
}

type keptCursor struct {
	b *bbolt.Bucket
	c *bbolt.Cursor
}

// get is b.Get(key) through a cursor kept for b until the transaction
// ends. bbolt's Get makes a cursor and grows its stack for every read, and
// a check-out or a sync batch reads dozens of keys: a kept cursor starts
// each seek from the bucket's root again, with the stack it has. Seeking
// again is what bbolt asks after a write, so writes in between are safe.
func (t *tx) get(b *bbolt.Bucket, key []byte) []byte {
	k, v := t.cursor(b).Seek(key)
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// cursor returns the cursor kept for b. Only code that calls nothing else
// while it moves the cursor may use it: the next get moves it.
func (t *tx) cursor(b *bbolt.Bucket) *bbolt.Cursor {
	for i := range t.cursors {
		if t.cursors[i].b == b {
			return t.cursors[i].c
		}
	}
	c := b.Cursor()
	t.cursors[t.nextCur] = keptCursor{b, c}
	t.nextCur = (t.nextCur + 1) % len(t.cursors)
	return c
}

// pendingWrite is one index write tx has not made yet; n is its place in
// the order asked for.
type pendingWrite struct {
	k, v []byte
	n    int
	del  bool
}

// maxPending bounds the writes waiting for one index, so a transaction that
// replays a whole library holds a bounded list: past it they are made, in
// key order, and the list starts again.
var maxPending = 1 << 17 // tests lower it

// later queues a write (or, del, a deletion) of key k in index bucket name.
func (t *tx) later(name []byte, k, v []byte, del bool) error {
	if t.pending == nil {
		t.pending = map[string][]pendingWrite{}
	}
	list := t.pending[string(name)]
	t.pending[string(name)] = append(list, pendingWrite{k: k, v: v, n: len(list), del: del})
	if len(list)+1 >= maxPending {
		return t.flushIndex(string(name))
	}
	return nil
}

// index returns the bucket of index for reading, its pending writes made;
// nil if it does not exist.
func (t *tx) index(index string) (*bbolt.Bucket, error) {
	name := indexBucket(index)
	if err := t.flushIndex(string(name)); err != nil {
		return nil, err
	}
	return t.btx.Bucket(name), nil
}

// flushIndex makes the pending writes of index bucket name in key order;
// writes of one key keep their order, so the last one wins.
func (t *tx) flushIndex(name string) error {
	list := t.pending[name]
	if len(list) == 0 {
		return nil
	}
	delete(t.pending, name)
	b, err := t.bucket([]byte(name))
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(list, func(w pendingWrite) bool { return w.del }) {
		// Only puts, as when records are added: a key put twice holds the
		// same record both times, so the order of writes of one key does
		// not matter, and sortByKey sorts an index by its distinct keys.
		puts := make([]kv, len(list))
		for i, w := range list {
			puts[i] = kv{w.k, w.v}
		}
		sortByKey(puts)
		for _, p := range puts {
			if err := b.Put(p.k, p.v); err != nil {
				return errors.Wrapf(err, "writing %s", name)
			}
		}
		return nil
	}
	slices.SortFunc(list, func(a, b pendingWrite) int {
		if c := bytes.Compare(a.k, b.k); c != 0 {
			return c
		}
		return a.n - b.n
	})
	for _, w := range list {
		if w.del {
			err = b.Delete(w.k)
		} else {
			err = b.Put(w.k, w.v)
		}
		if err != nil {
			return errors.Wrapf(err, "writing %s", name)
		}
	}
	return nil
}

// flush makes every pending index write; Update calls it before commit.
func (t *tx) flush() error {
	for _, name := range slices.Sorted(maps.Keys(t.pending)) {
		if err := t.flushIndex(name); err != nil {
			return err
		}
	}
	return nil
}

var errReadOnlyTx = errors.Wrap(berrors.ErrTxNotWritable, "write in a read-only transaction")

func (t *tx) checkWritable() error {
	if !t.btx.Writable() {
		return errReadOnlyTx
	}
	return nil
}

// bucket returns the bucket name, creating it if needed (write only).
func (t *tx) bucket(name []byte) (*bbolt.Bucket, error) {
	b := t.btx.Bucket(name)
	var err error
	if b == nil {
		b, err = t.btx.CreateBucket(name)
	}
	if b != nil && bytes.HasPrefix(name, []byte("ent/")) {
		// Keyed by record ID, which is made in time order, and rewritten
		// only when a record's index keys change: mostly appended to.
		b.FillPercent = appendFillPercent
	}
	return b, errors.Wrapf(err, "creating bucket %s", name)
}

func (t *tx) Get(c app.Collection, id string, into any) (bool, error) {
	b := t.btx.Bucket(recordBucket(c))
	if b == nil {
		return false, nil
	}
	raw := t.get(b, []byte(id))
	if raw == nil {
		return false, nil
	}
	if err := decodeRecord(raw, into); err != nil {
		return true, errors.Wrapf(err, "decoding %s %s", c, id)
	}
	return true, nil
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
	return t.putEncoded(r, raw)
}

// checkPut refuses a write in a read-only transaction and a record without
// an ID.
func (t *tx) checkPut(r app.Record) error {
	if err := t.checkWritable(); err != nil {
		return err
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
	rb, err := t.bucket(recordBucket(c))
	if err != nil {
		return err
	}
	eb, err := t.bucket(entriesBucket(c))
	if err != nil {
		return err
	}
	idb := []byte(id)
	enc := encodeEntries(entries)
	oldEnc := t.get(eb, idb)
	// A record whose index keys stay as they were (a copy lent or
	// returned) holds its unique keys already: only new keys are checked.
	changed := oldEnc == nil || !bytes.Equal(oldEnc, enc)
	if changed {
		if err := t.checkUnique(id, entries); err != nil {
			return err
		}
	}
	if t.get(rb, idb) == nil {
		if err := addRecordCount(t.btx, c, 1); err != nil {
			return err
		}
	}
	if changed {
		if err := t.replaceEntries(eb, c, id, oldEnc, entries, enc); err != nil {
			return err
		}
	}
	return errors.Wrapf(rb.Put(idb, raw), "writing %s %s", c, id)
}

// replaceEntries moves record id of c from the index entries it holds,
// oldEnc as its entry list in eb stores them, to entries (enc encoded).
func (t *tx) replaceEntries(eb *bbolt.Bucket, c app.Collection, id string, oldEnc []byte, entries []app.IndexEntry, enc []byte) error {
	old, err := decodeEntries(oldEnc)
	if err != nil {
		return errors.Wrapf(err, "index entries of %s %s", c, id)
	}
	if err := t.removeEntries(id, old, entries); err != nil {
		return err
	}
	if err := t.addEntries(id, entries, old); err != nil {
		return err
	}
	return errors.Wrapf(eb.Put([]byte(id), enc), "writing index entries of %s %s", c, id)
}

// checkUnique refuses, with a *DuplicateKeyError, a unique index key of
// entries that another record than id holds.
func (t *tx) checkUnique(id string, entries []app.IndexEntry) error {
	for _, e := range entries {
		if !e.Unique {
			continue
		}
		b, err := t.index(e.Index)
		if err != nil {
			return err
		}
		if b != nil {
			if holder := t.get(b, []byte(e.Key)); holder != nil && string(holder) != id {
				return app.NewDuplicateKeyError(e.Index, e.Key, string(holder))
			}
		}
	}
	return nil
}

// removeEntries deletes the index entries of record id in old that are not
// in keep.
func (t *tx) removeEntries(id string, old, keep []app.IndexEntry) error {
	for _, e := range old {
		if slices.Contains(keep, e) {
			continue
		}
		k, v := indexKey(e, id)
		if e.Unique {
			b, err := t.index(e.Index)
			if err != nil {
				return err
			}
			if b == nil || !bytes.Equal(t.get(b, k), v) {
				continue // held by another record since: not ours to remove
			}
		}
		if err := t.later(indexBucket(e.Index), k, nil, true); err != nil {
			return err
		}
	}
	return nil
}

// addEntries writes the index entries of record id in entries that are not
// in have.
func (t *tx) addEntries(id string, entries, have []app.IndexEntry) error {
	for _, e := range entries {
		if slices.Contains(have, e) {
			continue
		}
		k, v := indexKey(e, id)
		if err := t.later(indexBucket(e.Index), k, v, false); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) Delete(c app.Collection, id string) error {
	if err := t.checkWritable(); err != nil {
		return err
	}
	rb := t.btx.Bucket(recordBucket(c))
	idb := []byte(id)
	if rb == nil || t.get(rb, idb) == nil {
		return nil
	}
	if eb := t.btx.Bucket(entriesBucket(c)); eb != nil {
		old, err := decodeEntries(t.get(eb, idb))
		if err != nil {
			return errors.Wrapf(err, "index entries of %s %s", c, id)
		}
		if err := t.removeEntries(id, old, nil); err != nil {
			return err
		}
		if err := eb.Delete(idb); err != nil {
			return errors.Wrapf(err, "removing index entries of %s %s", c, id)
		}
	}
	if err := addRecordCount(t.btx, c, -1); err != nil {
		return err
	}
	return errors.Wrapf(rb.Delete(idb), "removing %s %s", c, id)
}

func (t *tx) Lookup(index, key string) ([]string, error) {
	b, err := t.index(index)
	if b == nil || err != nil {
		return nil, err
	}
	var ids []string
	if v := t.get(b, []byte(key)); len(v) > 0 {
		ids = append(ids, string(v))
	}
	prefix := append([]byte(key), 0)
	c := t.cursor(b)
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if kk, id := splitIndexKey(k, v); kk == key {
			ids = append(ids, id)
		}
	}
	if len(ids) > 1 {
		slices.Sort(ids)
	}
	return ids, nil
}

// iterate walks bucket b from the first key ≥ from, calling fn until it
// returns false, an error or ErrStop (which ends without error). In a
// writable transaction fn may write to b: the cursor is set again after
// each call, so every key present when it is reached is visited once.
func (t *tx) iterate(b *bbolt.Bucket, from []byte, fn func(k, v []byte) (bool, error)) error {
	c := b.Cursor()
	writable := t.btx.Writable()
	var k, v []byte
	if from == nil {
		k, v = c.First()
	} else {
		k, v = c.Seek(from)
	}
	for k != nil {
		if writable {
			k = bytes.Clone(k)
		}
		more, err := fn(k, v)
		if err != nil {
			if errors.Is(err, app.ErrStop) {
				return nil
			}
			return err
		}
		if !more {
			return nil
		}
		if writable {
			if k2, v2 := c.Seek(k); k2 != nil && bytes.Equal(k2, k) {
				k, v = c.Next()
			} else {
				k, v = k2, v2
			}
			continue
		}
		k, v = c.Next()
	}
	return nil
}

func (t *tx) Scan(index, from, to string, fn func(key, id string) error) error {
	b, err := t.index(index)
	if b == nil || err != nil {
		return err
	}
	return t.iterate(b, []byte(from), func(k, v []byte) (bool, error) {
		key, id := splitIndexKey(k, v)
		if to != "" && key >= to {
			return false, nil
		}
		if key < from {
			return true, nil
		}
		return true, fn(key, id)
	})
}

func (t *tx) ForEach(c app.Collection, fn func(id string, raw []byte) error) error {
	b := t.btx.Bucket(recordBucket(c))
	if b == nil {
		return nil
	}
	return t.iterate(b, nil, func(k, v []byte) (bool, error) {
		return true, fn(string(k), v)
	})
}

func (t *tx) Count(c app.Collection) (int, error) {
	n, err := recordCount(t.btx, c)
	return int(n), err
}

func (t *tx) Meta(key string) ([]byte, error) {
	b := t.btx.Bucket(bucketMeta)
	if b == nil {
		return nil, nil
	}
	v := t.get(b, []byte(key))
	if len(v) == 0 {
		return nil, nil
	}
	return bytes.Clone(v), nil
}

func (t *tx) SetMeta(key string, val []byte) error {
	if err := t.checkWritable(); err != nil {
		return err
	}
	if strings.HasPrefix(key, "\x00") {
		return errors.Newf("meta key %q is reserved for storage", key)
	}
	b, err := t.bucket(bucketMeta)
	if err != nil {
		return err
	}
	if val == nil {
		val = []byte{}
	}
	return errors.Wrapf(b.Put([]byte(key), val), "writing meta %s", key)
}

// lastSeq returns the highest stored seq of station, in the caller's
// transaction btx.
func lastSeq(btx *bbolt.Tx, station string) (uint64, error) {
	b := btx.Bucket(bucketVector)
	if b == nil {
		return 0, nil
	}
	return vectorSeq(b.Get([]byte(station)), station)
}

// vectorSeq reads station's vector entry v; nil is none.
func vectorSeq(v []byte, station string) (uint64, error) {
	if v == nil {
		return 0, nil
	}
	seq, err := readU64(v)
	return seq, errors.Wrapf(err, "vector entry of %s", station)
}

func (t *tx) AppendEvent(e *app.Event) error {
	if err := t.checkWritable(); err != nil {
		return err
	}
	if strings.IndexByte(e.Station, 0) >= 0 {
		return errors.Newf("event %s: station ID contains a zero byte", e.ID)
	}
	var have uint64
	if vb := t.btx.Bucket(bucketVector); vb != nil {
		var err error
		if have, err = vectorSeq(t.get(vb, []byte(e.Station)), e.Station); err != nil {
			return err
		}
	}
	switch {
	case e.Seq == 0:
		return errors.Newf("event %s without a sequence number", e.ID)
	case e.Seq <= have:
		return nil // already stored: applying a batch twice changes nothing
	case e.Seq > have+1:
		return errors.Wrapf(app.ErrEventGap, "station %s: have %d, got %d", e.Station, have, e.Seq)
	}
	raw, err := encodeEvent(e)
	if err != nil {
		return errors.Wrap(err, "encoding event")
	}
	return putEvent(t.btx, e.Station, e.Seq, raw)
}

// putEvent stores an encoded event and moves the station's vector entry,
// in the caller's read-write transaction btx. The caller has checked that
// seq is the station's next.
func putEvent(btx *bbolt.Tx, station string, seq uint64, raw []byte) error {
	eb, err := btx.CreateBucketIfNotExists(bucketEvents)
	if err != nil {
		return errors.Wrap(err, "creating the event log")
	}
	vb, err := btx.CreateBucketIfNotExists(bucketVector)
	if err != nil {
		return errors.Wrap(err, "creating the vector")
	}
	eb.FillPercent = appendFillPercent // the log is only ever appended to
	if err := eb.Put(eventKey(station, seq), raw); err != nil {
		return errors.Wrap(err, "writing event")
	}
	return errors.Wrap(vb.Put([]byte(station), u64(seq)), "writing the vector")
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

func (t *tx) Vector() (map[string]uint64, error) {
	out := map[string]uint64{}
	b := t.btx.Bucket(bucketVector)
	if b == nil {
		return out, nil
	}
	err := b.ForEach(func(k, v []byte) error {
		seq, err := readU64(v)
		if err != nil {
			return errors.Wrapf(err, "vector entry of %s", k)
		}
		out[string(k)] = seq
		return nil
	})
	return out, err
}
