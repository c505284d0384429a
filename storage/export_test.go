package storage

import (
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
)

// ClassifyForTest exposes classify: a full disk cannot be made on demand.
var ClassifyForTest = classify

// Age's default scrypt cost takes a second per backup; tests need no such
// protection.
func init() { scryptWorkFactor = 10 }

// SetBulkBatchSizeForTest changes the bulk batch size until the test ends.
func SetBulkBatchSizeForTest(t interface{ Cleanup(func()) }, n int) {
	old := bulkBatchSize
	bulkBatchSize = n
	t.Cleanup(func() { bulkBatchSize = old })
}

// SchemaVersionForTest is the layout this program writes.
const SchemaVersionForTest = schemaVersion

// SetMaxPendingForTest changes how many index writes wait, until the test
// ends.
func SetMaxPendingForTest(t interface{ Cleanup(func()) }, n int) {
	old := maxPending
	maxPending = n
	t.Cleanup(func() { maxPending = old })
}

// DropIndexForTest makes the file at path what a build without index had
// written: index's bucket gone and no record's entry list naming it.
func DropIndexForTest(path, index string) error {
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer bdb.Close()
	return bdb.Update(func(btx *bbolt.Tx) error {
		if err := btx.DeleteBucket(indexBucket(index)); err != nil {
			return err
		}
		for _, c := range app.AllCollections {
			eb := btx.Bucket(entriesBucket(c))
			if eb == nil {
				continue
			}
			cur := eb.Cursor()
			for k, v := cur.First(); k != nil; k, v = cur.Next() {
				entries, err := decodeEntries(v)
				if err != nil {
					return err
				}
				kept := slices.DeleteFunc(entries, func(e app.IndexEntry) bool { return e.Index == index })
				if err := eb.Put(k, encodeEntries(kept)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// AddEntryForTest gives record id of c index entry e in the file at path,
// in its index and its entry list, as an older build's Indexes had.
func AddEntryForTest(path string, c app.Collection, id string, e app.IndexEntry) error {
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer bdb.Close()
	return bdb.Update(func(btx *bbolt.Tx) error {
		eb := btx.Bucket(entriesBucket(c))
		entries, err := decodeEntries(eb.Get([]byte(id)))
		if err != nil {
			return err
		}
		if err := eb.Put([]byte(id), encodeEntries(append(entries, e))); err != nil {
			return err
		}
		k, v := indexKey(e, id)
		return btx.Bucket(indexBucket(e.Index)).Put(k, v)
	})
}

// SetSchemaForTest writes schema version v into the file at path.
func SetSchemaForTest(path string, v uint64) error {
	bdb, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer bdb.Close()
	return bdb.Update(func(btx *bbolt.Tx) error { return btx.Bucket(bucketMeta).Put(metaSchema, u64(v)) })
}

// SetCompactAlwaysPagesForTest changes how many free pages are always worth
// compacting, until the test ends: a file that size is too big for a test.
func SetCompactAlwaysPagesForTest(t interface{ Cleanup(func()) }, n int) {
	old := compactAlwaysPages
	compactAlwaysPages = n
	t.Cleanup(func() { compactAlwaysPages = old })
}

// DecodeRecordForTest is the decoder Get reads records with.
var DecodeRecordForTest = decodeRecord
