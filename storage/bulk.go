package storage

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/gcmode"
)

// BulkBatchSize is the most records and events one bulk transaction holds.
// The last batch is written after the caller has made it, with nothing to
// overlap: smaller batches shorten that, larger ones rewrite fewer index
// pages. 25,000 loaded 50,000 titles 6% faster than 50,000 did.
const BulkBatchSize = 25_000

// bulkBatchSize is BulkBatchSize; tests lower it to cross batch boundaries.
var bulkBatchSize = BulkBatchSize

// firstBulkBatch is the size of a load's first batch; each next one doubles
// up to bulkBatchSize.
const firstBulkBatch = 5_000

// appendFillPercent packs pages fuller in buckets whose keys mostly arrive
// in order (time-ordered record IDs, event seqs), so a bulk load leaves a
// smaller file. Randomly keyed index buckets keep bbolt's default.
const appendFillPercent = 0.9

// BulkStats counts what a bulk load wrote.
type BulkStats struct {
	Records      int
	IndexEntries int
	Events       int
	Batches      int
}

// BulkWriter takes records and events for Bulk. It is not safe for use by
// several goroutines.
type BulkWriter struct {
	db *DB
	q  *bulkQueue // being filled
	// limit is the size of the batch being filled. It starts small and
	// doubles up to bulkBatchSize, so that even a small load has a batch
	// being written while the next one is made.
	limit int
	// writing delivers the outcome of the batch being written, if any.
	writing chan bulkResult
	// flushing delivers the outcome of the background flush of the
	// batches written so far, if one is running (flushBehind).
	flushing chan error
	stats    BulkStats
	err      error // the first failed batch or flush; the writer stops there
}

// bulkQueue is one batch: what one transaction writes.
type bulkQueue struct {
	recs  []bulkRecord
	evs   []bulkEvent
	bytes int64 // keys and values queued, to grow the file ahead of them

	// Made by prepare, outside the transaction: the records whose last Put
	// this is, in order, and their writes, sorted per bucket.
	keep []int
	puts batch
}

func (q *bulkQueue) len() int { return len(q.recs) + len(q.evs) }

type bulkResult struct {
	stats BulkStats
	err   error
}

type bulkEvent struct {
	station string
	seq     uint64
	raw     []byte
}

type bulkRecord struct {
	c       app.Collection
	id      string
	raw     []byte
	entries []app.IndexEntry
	// keys are the index keys and values of entries (indexKey), and enc
	// the entries as the entries bucket keeps them: made by Put, so that
	// the caller's goroutine does this work, not the one writing.
	keys []kv
	enc  []byte
}

// newBulkRecord makes the queued form of record id of collection c.
// The index keys share one buffer, and unique entries their value: a
// title has a dozen entries, and a load millions.
func newBulkRecord(c app.Collection, id string, raw []byte, entries []app.IndexEntry) bulkRecord {
	keys := make([]kv, len(entries))
	n := 0
	for _, e := range entries {
		n += len(e.Key) + 1 + len(id)
	}
	buf := make([]byte, 0, n)
	idb := []byte(id)
	for i, e := range entries {
		start := len(buf)
		var unique bool
		buf, unique = appendIndexKey(buf, e, id)
		keys[i].k = buf[start:len(buf):len(buf)]
		keys[i].v = []byte{}
		if unique {
			keys[i].v = idb
		}
	}
	return bulkRecord{c: c, id: id, raw: raw, entries: entries, keys: keys, enc: encodeEntries(entries)}
}

// size is about how many bytes of keys and values r writes.
func (r *bulkRecord) size() int64 {
	n := 2*len(r.id) + len(r.raw) + len(r.enc)
	for _, k := range r.keys {
		n += len(k.k) + len(k.v)
	}
	return int64(n)
}

// Put queues r. It follows Tx.Put's rules (a record put again replaces
// itself and its index entries; a unique key held by another record fails
// with a *DuplicateKeyError), with one limit: a unique key cannot move from
// one record to another within one load.
func (w *BulkWriter) Put(r app.Record) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return errors.Wrapf(err, "encoding %s %s", r.Collection(), r.RecordID())
	}
	return w.PutEncoded(r, raw)
}

// PutEncoded is Put for a record the caller has already encoded: raw must
// be json.Marshal(r), as app.NewRecordEventEncoded returns it, so that a
// load does not encode each record twice.
func (w *BulkWriter) PutEncoded(r app.Record, raw []byte) error {
	c, id := r.Collection(), r.RecordID()
	if id == "" {
		return errors.Newf("%s record without an ID", c)
	}
	if err := w.flushIfFull(w.limit); err != nil {
		return err
	}
	rec := newBulkRecord(c, id, raw, r.Indexes())
	w.q.bytes += rec.size()
	w.q.recs = append(w.q.recs, rec)
	return nil
}

// AppendEvent queues e. It follows Tx.AppendEvent's rules: a repeat is
// ignored and a gap fails with app.ErrEventGap.
func (w *BulkWriter) AppendEvent(e *app.Event) error {
	if e.Seq == 0 {
		return errors.Newf("event %s without a sequence number", e.ID)
	}
	if strings.IndexByte(e.Station, 0) >= 0 {
		return errors.Newf("event %s: station ID contains a zero byte", e.ID)
	}
	// Events flush only at twice the batch size, so that the events that
	// follow a Put land in the record's transaction.
	if err := w.flushIfFull(2 * w.limit); err != nil {
		return err
	}
	raw, err := encodeEvent(e)
	if err != nil {
		return errors.Wrapf(err, "encoding event %s", e.ID)
	}
	w.q.bytes += int64(len(e.Station) + 9 + len(raw))
	w.q.evs = append(w.q.evs, bulkEvent{station: e.Station, seq: e.Seq, raw: raw})
	return nil
}

// flushIfFull starts writing the queue once it holds limit records and
// events, and reports the failure of an earlier batch.
func (w *BulkWriter) flushIfFull(limit int) error {
	if w.err != nil || w.q.len() < limit {
		return w.err
	}
	q := w.q
	// Prepared while the batch before is still being written: the writer,
	// which bbolt keeps to one goroutine, has only what needs the
	// transaction left to do.
	q.prepare()
	if err := w.wait(); err != nil {
		return err
	}
	w.q = &bulkQueue{}
	w.limit = min(2*w.limit, bulkBatchSize)
	w.writing = make(chan bulkResult, 1)
	go func(done chan<- bulkResult) {
		res := w.write(q)
		if res.err == nil {
			res.err = w.flushBehind()
		}
		done <- res
	}(w.writing)
	return nil
}

// flushBehind starts writing the batches committed so far to the disk, in
// the background, unless an earlier flush is still at it. The disk then
// works while the next batches are made, and the fsync that ends the load
// has only the last of them left to write. It runs after each batch, on
// the goroutine that wrote it; batches are written one at a time, so two
// flushes never overlap. It reports the failure of the flush before, and
// the load stops there.
func (w *BulkWriter) flushBehind() error {
	if w.flushing != nil {
		select {
		case err := <-w.flushing:
			w.flushing = nil
			if err != nil {
				return w.db.bulkSyncFailed(err)
			}
		default:
			return nil // still flushing
		}
	}
	w.flushing = make(chan error, 1)
	go func(done chan<- error) { done <- w.db.bolt.Sync() }(w.flushing)
	return nil
}

// endFlush waits for the background flush, if any, and reports its
// failure: a failed fsync may have dropped pages, so the load has failed
// even if a later fsync succeeds.
func (w *BulkWriter) endFlush() error {
	if w.flushing == nil {
		return nil
	}
	err := <-w.flushing
	w.flushing = nil
	if err != nil {
		return w.db.bulkSyncFailed(err)
	}
	return nil
}

// bulkSyncFailed is the error of a bulk load whose fsync failed with err.
func (db *DB) bulkSyncFailed(err error) error {
	return classify(errors.Wrap(err, "syncing the bulk load"), db.path)
}

// wait waits for the batch being written and reports the first failure.
func (w *BulkWriter) wait() error {
	if w.writing != nil {
		w.record(<-w.writing)
		w.writing = nil
	}
	return w.err
}

// record adds the outcome of a batch.
func (w *BulkWriter) record(res bulkResult) {
	if res.err != nil {
		if w.err == nil {
			w.err = res.err
		}
		return
	}
	w.stats.Records += res.stats.Records
	w.stats.IndexEntries += res.stats.IndexEntries
	w.stats.Events += res.stats.Events
	w.stats.Batches++
}

// Bulk writes what fn hands to the BulkWriter in transactions of up to
// BulkBatchSize records and events, each with its index entries and sorted
// by key per bucket, without fsync until the end. One batch is written
// while fn makes the next. Put a record, then append the events that made
// it: they land in the same transaction, as they would through Update.
// Nothing else may write meanwhile: Update waits (so fn must not call it).
// If Bulk fails, the batches before the failure stay written (a crash may
// lose them); a rerun with the same records and events completes the load.
func (db *DB) Bulk(fn func(w *BulkWriter) error) (BulkStats, error) {
	if db.opts.ReadOnly {
		return BulkStats{}, refuse(app.ReasonReadOnly, errors.New("bulk load into a read-only database"), db.path)
	}
	db.writers.Lock()
	defer db.writers.Unlock()
	defer gcmode.Throughput()()
	noSync := db.bolt.NoSync
	db.bolt.NoSync = true
	defer func() { db.bolt.NoSync = noSync }()

	w := &BulkWriter{db: db, q: &bulkQueue{}, limit: min(firstBulkBatch, bulkBatchSize)}
	err := fn(w)
	if err == nil && w.q.len() > 0 {
		w.q.prepare() // beside the batch still being written
	}
	// The batch being written must end before the lock is let go, whatever
	// fn returned.
	if werr := w.wait(); err == nil {
		err = werr
	}
	if err == nil && w.q.len() > 0 {
		w.record(w.write(w.q))
		err = w.err
	}
	if ferr := w.endFlush(); err == nil {
		err = ferr
	}
	if serr := db.bolt.Sync(); err == nil && serr != nil {
		err = db.bulkSyncFailed(serr)
	}
	return w.stats, err
}

// BulkLoad is Bulk for records only.
func (db *DB) BulkLoad(fn func(put func(app.Record) error) error) (BulkStats, error) {
	return db.Bulk(func(w *BulkWriter) error { return fn(w.Put) })
}

// BulkAppendEvents is Bulk for events only.
func (db *DB) BulkAppendEvents(fn func(add func(*app.Event) error) error) (BulkStats, error) {
	return db.Bulk(func(w *BulkWriter) error { return fn(w.AppendEvent) })
}

// kv is one pending write.
type kv struct{ k, v []byte }

// batch collects one transaction's writes per bucket.
type batch map[string][]kv

func (b batch) put(bucket string, k, v []byte) {
	b[bucket] = append(b[bucket], kv{k, v})
}

// indexBuckets names the bucket of each index once per batch, not once
// per entry.
type indexBuckets map[string]string

func (ib indexBuckets) of(index string) string {
	name, ok := ib[index]
	if !ok {
		name = string(indexBucket(index))
		ib[index] = name
	}
	return name
}

// prepare does the part of writing q that needs no transaction: it keeps
// the last Put of each record and lists the writes of those, sorted per
// bucket. Every index entry is listed; the transaction finds out which of
// them a record already held, and writing those again changes nothing.
func (q *bulkQueue) prepare() {
	type recordKey struct {
		c  app.Collection
		id string
	}
	last := make(map[recordKey]int, len(q.recs))
	for i, r := range q.recs {
		last[recordKey{r.c, r.id}] = i
	}
	q.keep = make([]int, 0, len(last))
	for i, r := range q.recs {
		if last[recordKey{r.c, r.id}] == i {
			q.keep = append(q.keep, i)
		}
	}
	// Room for every list first, so the lists of a large batch are not
	// copied again and again as they grow.
	ib := indexBuckets{}
	n := map[string]int{}
	for _, i := range q.keep {
		r := &q.recs[i]
		n[string(recordBucket(r.c))]++
		n[string(entriesBucket(r.c))]++
		for _, e := range r.entries {
			n[ib.of(e.Index)]++
		}
	}
	q.puts = make(batch, len(n))
	for name, c := range n {
		q.puts[name] = make([]kv, 0, c)
	}
	for _, i := range q.keep {
		r := &q.recs[i]
		for j, e := range r.entries {
			q.puts.put(ib.of(e.Index), r.keys[j].k, r.keys[j].v)
		}
		idb := []byte(r.id)
		q.puts.put(string(recordBucket(r.c)), idb, r.raw)
		q.puts.put(string(entriesBucket(r.c)), idb, r.enc)
	}
	for _, list := range q.puts {
		sortByKey(list)
	}
}

// write writes q in one transaction.
func (w *BulkWriter) write(q *bulkQueue) bulkResult {
	var stats BulkStats
	err := w.db.bolt.Update(func(btx *bbolt.Tx) error {
		if q.bytes >= minGrowAhead {
			growAhead(w.db.path, btx.Size()+bulkSpace(q.bytes))
		}
		stats = BulkStats{}
		evs, dels := batch{}, batch{}
		if err := q.planRecords(btx, dels, &stats); err != nil {
			return err
		}
		if err := q.planEvents(btx, evs, &stats); err != nil {
			return err
		}
		for _, list := range evs {
			sortByKey(list)
		}
		return apply(btx, dels, q.puts, evs)
	})
	if err != nil {
		return bulkResult{err: classify(err, w.db.path)}
	}
	return bulkResult{stats: stats}
}

// bulkSpace is how much file a batch of n bytes of keys and values may
// take: index pages filled in key order split half full, and every
// element carries a 16-byte header.
func bulkSpace(n int64) int64 { return 2*n + 1<<20 }

// minGrowAhead is the smallest batch the file is grown ahead for: below it
// bbolt remaps little, and a small load should not leave a larger file.
const minGrowAhead = 1 << 20

// planRecords checks the prepared records against what the caller's
// transaction btx holds (unique keys held by other records, entries a record
// no longer has) and lists the deletions that follow.
func (q *bulkQueue) planRecords(btx *bbolt.Tx, dels batch, stats *BulkStats) error {
	claimed := map[string]string{} // index \x00 key → record, within this batch
	ib := indexBuckets{}
	added := map[app.Collection]int{}
	for _, i := range q.keep {
		r := &q.recs[i]
		for _, e := range r.entries {
			if !e.Unique {
				continue
			}
			slot := e.Index + "\x00" + e.Key
			if holder, ok := claimed[slot]; ok && holder != r.id {
				return app.NewDuplicateKeyError(e.Index, e.Key, holder)
			}
			claimed[slot] = r.id
			if b := btx.Bucket(indexBucket(e.Index)); b != nil {
				if holder := b.Get([]byte(e.Key)); holder != nil && string(holder) != r.id {
					return app.NewDuplicateKeyError(e.Index, e.Key, string(holder))
				}
			}
		}
		idb := []byte(r.id)
		var old []app.IndexEntry
		if eb := btx.Bucket(entriesBucket(r.c)); eb != nil {
			var err error
			if old, err = decodeEntries(eb.Get(idb)); err != nil {
				return errors.Wrapf(err, "index entries of %s %s", r.c, r.id)
			}
		}
		for _, e := range old {
			if slices.Contains(r.entries, e) {
				continue
			}
			k, v := indexKey(e, r.id)
			if e.Unique {
				if b := btx.Bucket(indexBucket(e.Index)); b == nil || !bytes.Equal(b.Get(k), v) {
					continue // held by another record since: not ours to remove
				}
			}
			dels.put(ib.of(e.Index), k, nil)
		}
		for _, e := range r.entries {
			if !slices.Contains(old, e) {
				stats.IndexEntries++
			}
		}
		if rb := btx.Bucket(recordBucket(r.c)); rb == nil || rb.Get(idb) == nil {
			added[r.c]++
		}
		stats.Records++
	}
	for c, n := range added {
		if err := addRecordCount(btx, c, n); err != nil {
			return err
		}
	}
	return nil
}

// planEvents checks the queued events against the vector in the caller's
// transaction btx and turns the new ones into writes.
func (q *bulkQueue) planEvents(btx *bbolt.Tx, puts batch, stats *BulkStats) error {
	have := map[string]uint64{}
	for _, e := range q.evs {
		seq, ok := have[e.station]
		if !ok {
			var err error
			if seq, err = lastSeq(btx, e.station); err != nil {
				return err
			}
		}
		switch {
		case e.seq <= seq:
			continue
		case e.seq > seq+1:
			return errors.Wrapf(app.ErrEventGap, "station %s: have %d, got %d", e.station, seq, e.seq)
		}
		puts.put(string(bucketEvents), eventKey(e.station, e.seq), e.raw)
		have[e.station] = e.seq
		stats.Events++
	}
	for st, seq := range have {
		puts.put(string(bucketVector), []byte(st), u64(seq))
	}
	return nil
}

// apply makes the planned deletions, then the writes of each batch in
// puts, in the caller's transaction btx. The writes of each bucket must be
// in key order, which is what bbolt writes fastest.
func apply(btx *bbolt.Tx, dels batch, puts ...batch) error {
	for name, list := range dels {
		b := btx.Bucket([]byte(name))
		if b == nil {
			continue
		}
		for _, d := range list {
			if err := b.Delete(d.k); err != nil {
				return errors.Wrapf(err, "deleting from %s", name)
			}
		}
	}
	for _, batch := range puts {
		for name, list := range batch {
			b, err := btx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return errors.Wrapf(err, "creating bucket %s", name)
			}
			if !strings.HasPrefix(name, "idx/") {
				b.FillPercent = appendFillPercent
			}
			for _, p := range list {
				if err := b.Put(p.k, p.v); err != nil {
					return errors.Wrapf(err, "writing to %s", name)
				}
			}
		}
	}
	return nil
}

// Unsynced runs fn with fsync off for its transactions and syncs the file
// once at the end: for generating the demo library, thousands of small
// commands whose loss in a crash costs nothing. Nothing else should write
// meanwhile; other writers wait.
func (db *DB) Unsynced(fn func() error) error {
	if db.opts.ReadOnly {
		return refuse(app.ReasonReadOnly, errors.New("unsynced writes to a read-only database"), db.path)
	}
	db.unsynced.Lock()
	defer db.unsynced.Unlock()
	noSync := db.bolt.NoSync
	db.bolt.NoSync = true
	err := fn()
	db.bolt.NoSync = noSync
	if serr := db.bolt.Sync(); err == nil && serr != nil {
		err = classify(serr, db.path)
	}
	return err
}
