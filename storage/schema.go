package storage

import (
	"bytes"
	"encoding/binary"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
)

// This file is the whole on-disk layout: every bucket name, every key and
// value shape, the schema version and the steps that migrate to it. Nothing
// else in the package spells a bucket name.
//
// All buckets are top-level. Keys sort bytewise, which is the order Scan,
// ForEach and EventsAfter promise.

// schemaVersion is the layout this program writes. A file with a higher
// version was written by a newer Circa and is refused, not guessed at.
const schemaVersion = 4

// appMagic marks a bbolt file as Circa's, so that another program's bbolt
// file is refused instead of being filled with our buckets.
const appMagic = "circa-library-db"

var (
	// bucketMeta holds small station values. Keys the app owns (app.Meta*)
	// are plain strings; keys storage owns start with 0x00, which no app key
	// does (SetMeta refuses them), so the two never meet.
	bucketMeta = []byte("meta")

	// bucketEvents is the local event log. Key: station ID bytes, 0x00, seq
	// as 8-byte big endian, so one station's events are contiguous and in seq
	// order. Value: the event as encoding/json writes it.
	bucketEvents = []byte("events")

	// bucketVector holds, per station, the highest seq stored in
	// bucketEvents. Key: station ID bytes. Value: seq, 8-byte big endian.
	bucketVector = []byte("vector")

	// bucketCounts holds the number of records of each collection, so Count
	// need not walk a bucket. Key: collection name. Value: count, 8-byte big
	// endian. Since schema 2.
	bucketCounts = []byte("counts")
)

// Keys storage owns in bucketMeta.
var (
	// metaMagic holds appMagic.
	metaMagic = []byte("\x00magic")
	// metaSchema holds the schema version, 8-byte big endian.
	metaSchema = []byte("\x00schema")
)

// recordBucket names the bucket of collection c: "rec/<collection>".
// Key: record ID. Value: json.Marshal(record), byte for byte what memstore
// keeps, so app.StateHash agrees across stores.
func recordBucket(c app.Collection) []byte { return []byte("rec/" + string(c)) }

// indexBucket names the bucket of a secondary index: "idx/<name>".
// A unique entry is key → record ID. A non-unique entry is key, 0x00, record
// ID → empty value, so the IDs under one key are contiguous and sorted. An
// empty value therefore means "non-unique"; a record ID is never empty.
func indexBucket(index string) []byte { return []byte("idx/" + index) }

// entriesBucket names the bucket that keeps, per record of collection c, the
// index entries it currently holds: "ent/<collection>". Key: record ID.
// Value: encodeEntries. Put reads it to remove stale entries without
// decoding the old record (whose Indexes method may have changed since).
func entriesBucket(c app.Collection) []byte { return []byte("ent/" + string(c)) }

// indexKey is the key of entry e of record id in its index bucket, and the
// value stored under it.
func indexKey(e app.IndexEntry, id string) (key, val []byte) {
	key, unique := appendIndexKey(make([]byte, 0, len(e.Key)+1+len(id)), e, id)
	if unique {
		return key, []byte(id)
	}
	return key, []byte{}
}

// appendIndexKey appends indexKey's key to dst, and says whether the value
// is the record ID (a unique entry) rather than empty.
func appendIndexKey(dst []byte, e app.IndexEntry, id string) ([]byte, bool) {
	dst = append(dst, e.Key...)
	if e.Unique {
		return dst, true
	}
	return append(append(dst, 0), id...), false
}

// splitIndexKey undoes indexKey.
func splitIndexKey(k, v []byte) (key, id string) {
	if len(v) > 0 {
		return string(k), string(v)
	}
	i := bytes.LastIndexByte(k, 0)
	if i < 0 {
		return string(k), ""
	}
	s := string(k) // one allocation for both: scans of large indexes make millions
	return s[:i], s[i+1:]
}

// eventKey is the key of event seq of station in bucketEvents.
func eventKey(station string, seq uint64) []byte {
	k := make([]byte, 0, len(station)+9)
	k = append(k, station...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func readU64(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, errors.Newf("want 8 bytes, have %d", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// encodeEntries packs index entries as, per entry: uvarint length and bytes
// of the index name, one byte 1 (unique) or 0, uvarint length and bytes of
// the key.
func encodeEntries(entries []app.IndexEntry) []byte {
	n := 0
	for _, e := range entries {
		n += len(e.Index) + len(e.Key) + 2*binary.MaxVarintLen32 + 1
	}
	b := make([]byte, 0, n)
	for _, e := range entries {
		b = binary.AppendUvarint(b, uint64(len(e.Index)))
		b = append(b, e.Index...)
		if e.Unique {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(len(e.Key)))
		b = append(b, e.Key...)
	}
	return b
}

var errBadEntries = errors.New("malformed index entry list")

// decodeEntries undoes encodeEntries.
func decodeEntries(b []byte) ([]app.IndexEntry, error) {
	var out []app.IndexEntry
	str := func() (string, bool) {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return "", false
		}
		s := string(b[w : w+int(n)])
		b = b[w+int(n):]
		return s, true
	}
	for len(b) > 0 {
		var e app.IndexEntry
		var ok bool
		if e.Index, ok = str(); !ok || len(b) == 0 {
			return nil, errBadEntries
		}
		e.Unique = b[0] == 1
		b = b[1:]
		if e.Key, ok = str(); !ok {
			return nil, errBadEntries
		}
		out = append(out, e)
	}
	return out, nil
}

// migration is one numbered step of the layout. Steps run in order at open,
// all in the one transaction that also records the new version, so a crash
// leaves the file at the old version.
type migration struct {
	version int
	name    string
	// apply runs in the caller's read-write transaction.
	apply func(tx *bbolt.Tx) error
}

// migrations lists every step. Append new ones; never edit a released step.
// A new collection or index needs no step: its bucket is created the first
// time something is written to it. A changed Indexes method does need one
// that rebuilds that index from the records.
var migrations = []migration{
	{1, "create buckets", func(tx *bbolt.Tx) error {
		names := [][]byte{bucketMeta, bucketEvents, bucketVector}
		for _, c := range app.AllCollections {
			names = append(names, recordBucket(c), entriesBucket(c))
		}
		for _, ix := range app.AllIndexes {
			names = append(names, indexBucket(ix))
		}
		for _, n := range names {
			if _, err := tx.CreateBucketIfNotExists(n); err != nil {
				return errors.Wrapf(err, "creating bucket %s", n)
			}
		}
		return tx.Bucket(bucketMeta).Put(metaMagic, []byte(appMagic))
	}},
	{2, "count records", func(tx *bbolt.Tx) error {
		counts, err := tx.CreateBucketIfNotExists(bucketCounts)
		if err != nil {
			return errors.Wrap(err, "creating the counts bucket")
		}
		for _, c := range app.AllCollections {
			if b := tx.Bucket(recordBucket(c)); b != nil {
				if err := counts.Put([]byte(c), u64(uint64(b.Stats().KeyN))); err != nil {
					return errors.Wrapf(err, "counting %s", c)
				}
			}
		}
		return nil
	}},
	{3, "index titles by the facets statistics count", func(btx *bbolt.Tx) error {
		return reindex(btx, app.CollTitles, func() app.Record { return &app.Title{} })
	}},
	{4, "search Chinese by bigrams and run ends, without a key per character", func(btx *bbolt.Tx) error {
		if err := reindex(btx, app.CollTitles, func() app.Record { return &app.Title{} }); err != nil {
			return err
		}
		return reindex(btx, app.CollReaders, func() app.Record { return &app.Reader{} })
	}},
}

// reindex brings the index entries of every record of collection c up to
// what its Indexes method says now, in the caller's read-write transaction
// btx; fresh returns an empty record of c to decode into. A step that
// changes an Indexes method calls it.
func reindex(btx *bbolt.Tx, c app.Collection, fresh func() app.Record) error {
	rb := btx.Bucket(recordBucket(c))
	if rb == nil {
		return nil
	}
	eb, err := btx.CreateBucketIfNotExists(entriesBucket(c))
	if err != nil {
		return errors.Wrapf(err, "creating the index entries of %s", c)
	}
	t := &tx{btx: btx}
	err = rb.ForEach(func(k, raw []byte) error {
		id := string(k)
		r := fresh()
		if err := decodeRecord(raw, r); err != nil {
			return errors.Wrapf(err, "decoding %s %s", c, id)
		}
		entries := r.Indexes()
		enc, oldEnc := encodeEntries(entries), eb.Get(k)
		if bytes.Equal(oldEnc, enc) {
			return nil
		}
		return t.replaceEntries(eb, c, id, oldEnc, entries, enc)
	})
	if err != nil {
		return err
	}
	return t.flush()
}

// recordCount returns the stored number of records of c, in the caller's
// transaction btx.
func recordCount(btx *bbolt.Tx, c app.Collection) (uint64, error) {
	b := btx.Bucket(bucketCounts)
	if b == nil {
		return 0, nil
	}
	v := b.Get([]byte(c))
	if v == nil {
		return 0, nil
	}
	n, err := readU64(v)
	return n, errors.Wrapf(err, "record count of %s", c)
}

// addRecordCount moves the stored number of records of c by delta, in the
// caller's read-write transaction btx.
func addRecordCount(btx *bbolt.Tx, c app.Collection, delta int) error {
	n, err := recordCount(btx, c)
	if err != nil {
		return err
	}
	b, err := btx.CreateBucketIfNotExists(bucketCounts)
	if err != nil {
		return errors.Wrap(err, "creating the counts bucket")
	}
	return errors.Wrapf(b.Put([]byte(c), u64(uint64(int64(n)+int64(delta)))), "counting %s", c)
}
