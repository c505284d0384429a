package storage_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/internal/cputime"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

// scaleCopies is the size of the scale library the benchmarks read.
const scaleCopies = 1_000_000

var (
	hanTitles  = []string{"活着", "平凡的世界", "三体", "围城", "红楼梦", "西游记", "骆驼祥子", "边城", "朝花夕拾", "呐喊"}
	hanAuthors = []string{"余华", "路遥", "刘慈欣", "钱钟书", "曹雪芹", "吴承恩", "老舍", "沈从文", "鲁迅"}
)

// writeLibrary bulk-loads a library of copies copies: a title per four
// copies, a reader per fifty, and a record.created event per record carrying
// the record, as a station that made them would hold.
func writeLibrary(db *storage.DB, copies int) (storage.BulkStats, error) {
	r := rand.New(rand.NewPCG(7, 7))
	titles, readers := copies/4, copies/50
	seq := uint64(0)
	return db.Bulk(func(w *storage.BulkWriter) error {
		put := func(rec app.Record) error {
			if err := w.Put(rec); err != nil {
				return err
			}
			raw, _ := json.Marshal(app.RecordCreated{Collection: rec.Collection(), Record: mustJSON(rec)})
			seq++
			return w.AppendEvent(&app.Event{ID: fmt.Sprintf("ev%09d", seq), Station: "scale-generator", Seq: seq,
				HLC: app.HLC(seq), Kind: app.EvRecordCreated, Payload: raw})
		}
		for i := range titles {
			t := &app.Title{Meta: app.Meta{ID: fmt.Sprintf("title-%08d", i)},
				Title:   fmt.Sprintf("%s %d", hanTitles[r.IntN(len(hanTitles))], i),
				Authors: []string{hanAuthors[r.IntN(len(hanAuthors))]},
				ISBNs:   []string{fmt.Sprintf("978%010d", r.Int64N(1e10))},
				CLC:     fmt.Sprintf("I24%d", r.IntN(10)), Year: strconv.Itoa(1950 + r.IntN(75))}
			if err := put(t); err != nil {
				return err
			}
		}
		for i := range copies {
			c := &app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: barcode(i),
				TitleID: fmt.Sprintf("title-%08d", r.IntN(titles)), ItemType: app.ItemBook,
				Status: app.CopyAvailable, Location: "main", Price: app.Money(1000 + r.IntN(9000))}
			if err := put(c); err != nil {
				return err
			}
		}
		for i := range readers {
			rd := &app.Reader{Meta: app.Meta{ID: fmt.Sprintf("reader-%07d", i)}, Card: fmt.Sprintf("K%07d", i),
				Name: "张" + hanAuthors[i%len(hanAuthors)], Class: fmt.Sprintf("%d年级%d班", i%6+1, i%8+1),
				CardType: "student", Status: app.ReaderActive, History: app.HistoryKeep}
			if err := put(rd); err != nil {
				return err
			}
		}
		return nil
	})
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// scaleLibrary returns the path of a database with copies copies, built
// once and kept under os.TempDir() between runs.
func scaleLibrary(b *testing.B, copies int) string {
	b.Helper()
	if testing.Short() {
		b.Skip("the scale library is not built in -short mode")
	}
	dir := filepath.Join(os.TempDir(), "circa-bench")
	path := filepath.Join(dir, fmt.Sprintf("scale-%d-v1.db", copies))
	// A read-write open migrates a file an older build of this made.
	if db, err := storage.Open(path, storage.Options{}); err == nil {
		var n int
		_ = db.View(func(tx app.Tx) (err error) { n, err = tx.Count(app.CollCopies); return err })
		_ = db.Close()
		if n == copies {
			return path
		}
	}
	tmp := path + ".building"
	_ = os.Remove(tmp)
	db, err := storage.Open(tmp, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	stats, err := writeLibrary(db, copies)
	if err != nil {
		b.Fatal(err)
	}
	_ = db.Close()
	fi, _ := os.Stat(tmp)
	b.Logf("built %s in %v: %+v, %d MB", path, time.Since(start).Round(time.Millisecond), stats, fi.Size()>>20)
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkBulkLoad loads a library of 100,000 copies (with titles, readers
// and one event per record) into a fresh file per iteration.
func BenchmarkBulkLoad(b *testing.B) {
	var total storage.BulkStats
	var elapsed, cpu time.Duration
	for range b.N {
		b.StopTimer()
		db := storetest.TempDB(b)
		b.StartTimer()
		start, cpu0 := time.Now(), cputime.Process()
		stats, err := writeLibrary(db, 100_000)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		cpu += cputime.Process() - cpu0
		total.Records += stats.Records
		total.IndexEntries += stats.IndexEntries
		total.Events += stats.Events
	}
	s := elapsed.Seconds()
	b.ReportMetric(float64(total.Records)/s, "records/s")
	b.ReportMetric(float64(total.IndexEntries)/s, "index-entries/s")
	b.ReportMetric(float64(total.Events)/s, "events/s")
	// The build machines are shared; CPU time is the steadier figure.
	b.ReportMetric(float64(total.Records)/cpu.Seconds(), "records/cpu-s")
}

// reportCPU reports the CPU time per op since cpu0: on the shared build
// machines wall time mostly measures the queue for a core.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(cputime.Process()-cpu0)/float64(b.N)/1e3, "cpu-µs/op")
}

func openScale(b *testing.B) *storage.DB {
	b.Helper()
	path := scaleLibrary(b, scaleCopies)
	db, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// BenchmarkLookupBarcode finds a copy by barcode in the scale library: one
// read transaction and one unique-index lookup, the desk's commonest step.
func BenchmarkLookupBarcode(b *testing.B) {
	db := openScale(b)
	r := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	defer reportCPU(b, cputime.Process())
	for range b.N {
		code := barcode(r.IntN(scaleCopies))
		err := db.View(func(tx app.Tx) error {
			ids, err := tx.Lookup(app.IdxCopyBarcode, code)
			if err == nil && len(ids) != 1 {
				b.Fatalf("barcode %s: %v", code, ids)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookupBarcodeAndGet adds decoding the copy the barcode names.
func BenchmarkLookupBarcodeAndGet(b *testing.B) {
	db := openScale(b)
	r := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	defer reportCPU(b, cputime.Process())
	for range b.N {
		code := barcode(r.IntN(scaleCopies))
		err := db.View(func(tx app.Tx) error {
			ids, err := tx.Lookup(app.IdxCopyBarcode, code)
			if err != nil || len(ids) != 1 {
				return fmt.Errorf("barcode %s: %v %v", code, ids, err)
			}
			var c app.Copy
			_, err = tx.Get(app.CollCopies, ids[0], &c)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenScale opens the scale library, reads one copy and closes it
// (warm page cache: the file was just built or read).
func BenchmarkOpenScale(b *testing.B) {
	path := scaleLibrary(b, scaleCopies)
	b.ResetTimer()
	defer reportCPU(b, cputime.Process())
	for range b.N {
		db, err := storage.Open(path, storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		err = db.View(func(tx app.Tx) error {
			_, err := tx.Lookup(app.IdxCopyBarcode, barcode(12345))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
}

// BenchmarkOpenScaleRSS measures, in a fresh process, the resident memory
// after opening the scale library and finding one copy.
func BenchmarkOpenScaleRSS(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/self/status")
	}
	path := scaleLibrary(b, scaleCopies)
	var rss float64
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOpenRSSHelper$", "-test.bench=^$")
		cmd.Env = append(os.Environ(), "CIRCA_RSS_DB="+path)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		_, after, ok := strings.Cut(string(out), "RSS_KB=")
		if !ok {
			b.Fatalf("no RSS in %s", out)
		}
		kb, _ := strconv.Atoi(strings.Fields(after)[0])
		rss = float64(kb) / 1024
	}
	b.ReportMetric(rss, "MB-RSS")
}

// TestOpenRSSHelper is BenchmarkOpenScaleRSS's child process.
func TestOpenRSSHelper(t *testing.T) {
	path := os.Getenv("CIRCA_RSS_DB")
	if path == "" {
		t.Skip("run by BenchmarkOpenScaleRSS")
	}
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx app.Tx) error {
		ids, err := tx.Lookup(app.IdxCopyBarcode, barcode(4242))
		if err == nil && len(ids) == 1 {
			_, err = tx.Get(app.CollCopies, ids[0], new(app.Copy))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			fmt.Printf("RSS_KB=%s\n", strings.Fields(v)[0])
		}
	}
}

// BenchmarkBareBoltUpdate5Keys is the floor: one durable bbolt transaction
// writing five small keys, with nothing of ours around it.
func BenchmarkBareBoltUpdate5Keys(b *testing.B) {
	bdb, err := bbolt.Open(filepath.Join(b.TempDir(), "bare.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bdb.Close()
	_ = bdb.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err })
	val := make([]byte, 200)
	b.ResetTimer()
	for i := range b.N {
		err := bdb.Update(func(tx *bbolt.Tx) error {
			bk := tx.Bucket([]byte("b"))
			for j := range 5 {
				if err := bk.Put([]byte(fmt.Sprintf("key-%09d-%d", i, j)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutDurable writes one copy with its two index entries in its
// own durable Update.
func BenchmarkPutDurable(b *testing.B) {
	db := storetest.TempDB(b)
	b.ResetTimer()
	for i := range b.N {
		err := db.Update(func(tx app.Tx) error {
			return tx.Put(&app.Copy{Meta: app.Meta{ID: copyID(i)}, Barcode: barcode(i), TitleID: "t1",
				Status: app.CopyAvailable, ItemType: app.ItemBook})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckoutShapedUpdate is the write a desk step makes: two records
// updated, the clock in meta and one event, in one durable Update.
func BenchmarkCheckoutShapedUpdate(b *testing.B) {
	db := storetest.TempDB(b)
	b.ResetTimer()
	for i := range b.N {
		err := db.Update(func(tx app.Tx) error {
			c := &app.Copy{Meta: app.Meta{ID: copyID(i % 1000)}, Barcode: barcode(i % 1000), TitleID: "t1",
				Status: app.CopyOnLoan, LoanID: fmt.Sprint("loan", i)}
			l := &app.Loan{Meta: app.Meta{ID: fmt.Sprint("loan", i)}, CopyID: c.ID, ReaderID: "r1",
				Out: time.Unix(int64(i), 0), Due: "2026-12-01"}
			if err := tx.Put(c); err != nil {
				return err
			}
			if err := tx.Put(l); err != nil {
				return err
			}
			if err := tx.SetMeta(app.MetaHLC, []byte(strconv.Itoa(i))); err != nil {
				return err
			}
			return tx.AppendEvent(&app.Event{ID: fmt.Sprint("e", i), Station: "s", Seq: uint64(i + 1),
				Kind: app.EvCheckout, Payload: []byte(`{"copy":"c","reader":"r1"}`)})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountCopiesScale counts the copies of the scale library (a
// stored counter since schema 2; before, bbolt walked ~150 ms of pages).
func BenchmarkCountCopiesScale(b *testing.B) {
	db := openScale(b)
	b.ResetTimer()
	for range b.N {
		err := db.View(func(tx app.Tx) error {
			n, err := tx.Count(app.CollCopies)
			if err == nil && n != scaleCopies {
				b.Fatalf("Count = %d", n)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
