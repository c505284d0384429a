package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/cockroachdb/errors"
	bbolt "go.etcd.io/bbolt"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/storage"
)

// Options choose the library and where it is cached.
type Options struct {
	// Scale names the library: "full" or "small".
	Scale    string
	CacheDir string
	// Self is the path of this program, re-run to measure opening in a
	// fresh process.
	Self string
	Log  io.Writer
	// Only names the steps to run (their function names, such as
	// measureSync); empty runs every step.
	Only []string
}

// runs reports whether step is one to run.
func (o Options) runs(step string) bool { return len(o.Only) == 0 || slices.Contains(o.Only, step) }

// step runs fn as the step called name, if it is one to run.
func (o Options) step(name string, fn func() error) error {
	if !o.runs(name) {
		return nil
	}
	return o.timed(name, fn)
}

// Station is the station ID of the generated libraries.
const Station = "be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c4be4c"

func (o Options) scale() demo.ScaleOptions {
	if o.Scale == "full" {
		return demo.FullScale
	}
	return demo.SmallScale
}

func (o Options) logf(format string, a ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", a...)
	}
}

// Library returns the path of the cached scale library, building it first
// if it is not there. A built library has been opened once, so the daily
// figures a desk computes on first open are in it and every step, and the
// open probe, meet the library as a desk that has run before would.
func Library(o Options) (string, error) {
	path := filepath.Join(o.CacheDir, "library-"+o.Scale+".db")
	if _, err := os.Stat(path); err == nil {
		return path, o.timed("bring the cached library up to date", func() error { return o.refresh(path) })
	}
	if err := os.MkdirAll(o.CacheDir, 0o700); err != nil {
		return "", err
	}
	tmp := path + ".building"
	os.Remove(tmp)
	sc := o.scale()
	o.logf("building the %s library (%d titles, %d copies, %d readers, %d past loans) once into %s",
		o.Scale, sc.Titles, sc.Copies, sc.Readers, sc.PastLoans, path)
	start := time.Now()
	if err := o.timed("generate records and events", func() error { return generate(tmp, sc) }); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := o.timed("first open (daily figures)", func() error { return firstOpen(tmp) }); err != nil {
		os.Remove(tmp)
		return "", err
	}
	// A library that grew by daily use has few free pages; the bulk load
	// leaves tens of thousands, which every later commit would rewrite.
	if err := o.timed("compact", func() error {
		freed, err := storage.Compact(tmp)
		o.logf("dropped %d free pages", freed)
		return err
	}); err != nil {
		os.Remove(tmp)
		return "", err
	}
	size := ""
	if fi, err := os.Stat(tmp); err == nil {
		size = fmt.Sprintf(", %d MB", fi.Size()>>20)
	}
	o.logf("built in %s%s", time.Since(start).Round(100*time.Millisecond), size)
	return path, os.Rename(tmp, path)
}

// refresh opens a cached library once, which recounts its daily figures if
// it was built by a Circa that kept them another way, and compacts it if
// that left a free list every measured commit would write out.
func (o Options) refresh(path string) error {
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		return err
	}
	_, err = app.Open(db, app.Options{Station: Station, Location: time.UTC})
	compact := err == nil && db.WorthCompacting()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil || !compact {
		return err
	}
	freed, err := storage.Compact(path)
	o.logf("dropped %d free pages", freed)
	return err
}

// generate writes the scale library sc into a new file at path.
func generate(path string, sc demo.ScaleOptions) error {
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		return err
	}
	var res demo.ScaleResult
	_, err = db.Bulk(func(w *storage.BulkWriter) error {
		res, err = demo.Scale(w, Station, sc)
		return err
	})
	if err == nil {
		err = db.Update(func(tx app.Tx) error {
			if err := tx.SetMeta(app.MetaStation, []byte(Station)); err != nil {
				return err
			}
			return app.SetHLC(tx, res.LastHLC)
		})
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// firstOpen opens the library at path as Run does, which computes what a
// library derives on its first open (the daily figures), and sets its time
// zone as a library's administrator does, so that every later open (the
// open probe's, with the computer's zone) finds the figures cut in it.
func firstOpen(path string) error {
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		return err
	}
	lib, err := app.Open(db, app.Options{Station: Station, Location: time.UTC})
	if err == nil {
		err = lib.SetSetting(app.Actor{Username: "bench", Role: app.RoleAdmin}, app.SettingTimeZone, "UTC")
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// timed runs fn as the step called name and logs how long it took, so a
// slow run shows where its time went.
func (o Options) timed(name string, fn func() error) error {
	start := time.Now()
	cpu0, w0 := usage()
	err := fn()
	cpu1, w1 := usage()
	status := ""
	if err != nil {
		status = " (failed)"
	}
	o.logf("  %-30s %6.1f s  cpu %6.1f s  wrote %5d MB%s", name, time.Since(start).Seconds(),
		(cpu1 - cpu0).Seconds(), (w1-w0)>>20, status)
	return err
}

// stepName is the name of a measuring function, for the log.
func stepName(fn any) string {
	name := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	return name[strings.LastIndex(name, ".")+1:]
}

// Run measures everything on the scale library. It logs each step's time.
func Run(o Options) (*Report, error) {
	start := time.Now()
	cpu0, w0 := usage()
	defer func() {
		cpu1, w1 := usage()
		o.logf("all steps in %.1f s, cpu %.1f s, wrote %d MB", time.Since(start).Seconds(),
			(cpu1 - cpu0).Seconds(), (w1-w0)>>20)
	}()
	r := &Report{Scale: o.Scale}
	path, err := Library(o)
	if err != nil {
		return nil, errors.Wrap(err, "building the scale library")
	}
	if err := o.step("measureBulkTitles", func() error { return measureBulkTitles(o, r) }); err != nil {
		return r, err
	}
	if o.Self != "" {
		if err := o.step("measureOpen", func() error { return measureOpen(o, r, path) }); err != nil {
			return r, err
		}
	}
	var db *storage.DB
	var lib *app.Library
	err = o.timed("open for the steps", func() error {
		if db, err = storage.Open(path, storage.Options{}); err != nil {
			return err
		}
		clock := app.NewFakeClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
		lib, err = app.Open(db, app.Options{Station: Station, Clock: clock, Location: time.UTC})
		return err
	})
	if db != nil {
		defer db.Close()
	}
	if err != nil {
		return r, err
	}
	sc := o.scale()
	rng := rand.New(rand.NewPCG(42, 42))
	for _, step := range []func(*Options, *Report, *app.Library, demo.ScaleOptions, *rand.Rand) error{
		measureLookup, measureSearch,
	} {
		if err := o.step(stepName(step), func() error { return step(&o, r, lib, sc, rng) }); err != nil {
			return r, err
		}
	}
	if err := o.step("measureCirculation", func() error { return measureCirculation(&o, r, lib, db, sc, rng) }); err != nil {
		return r, err
	}
	for _, extra := range extraSteps {
		if err := o.step(stepName(extra), func() error { return extra(&o, r, lib, db, sc) }); err != nil {
			return r, errors.Wrap(err, stepName(extra))
		}
	}
	return r, nil
}

// extraSteps are measurements other files add (import, export, sync,
// dashboard, scan-to-screen).
var extraSteps []func(*Options, *Report, *app.Library, *storage.DB, demo.ScaleOptions) error

func measureBulkTitles(o Options, r *Report) error {
	n := 50_000
	if o.Scale != "full" {
		n = 20_000
	}
	dir, err := os.MkdirTemp(o.CacheDir, "bulk-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := storage.Open(filepath.Join(dir, "titles.db"), storage.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	_, err = db.Bulk(func(w *storage.BulkWriter) error {
		_, err := demo.Scale(w, Station, demo.ScaleOptions{Titles: n, Seed: 9})
		return err
	})
	if err != nil {
		return err
	}
	el := time.Since(start)
	r.Add("bulk title import with indexing", "titles/s", "≥ 20000", float64(n)/el.Seconds(),
		fmt.Sprintf("%d titles with their events, ISBN and search index", n))
	return nil
}

// OpenProbe is what the child process reports.
type OpenProbe struct {
	OpenMS float64 `json:"open_ms"`
	RSSMB  float64 `json:"rss_mb"`
}

// ProbeOpen opens the library at path as the desk does and reports the time
// to ready and the process's resident memory. cmd/circa-bench runs it in a
// child process so the generator's memory does not count.
func ProbeOpen(path string) (OpenProbe, error) {
	start := time.Now()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		return OpenProbe{}, err
	}
	defer db.Close()
	lib, err := app.Open(db, app.Options{})
	if err != nil {
		return OpenProbe{}, err
	}
	// Ready: the first screen's queries answer.
	if _, err := lib.HasStaff(); err != nil {
		return OpenProbe{}, err
	}
	if _, err := lib.CopyByBarcode(demo.CopyBarcode(1)); err != nil {
		return OpenProbe{}, err
	}
	el := time.Since(start)
	return OpenProbe{OpenMS: ms(el), RSSMB: rssMB()}, nil
}

func measureOpen(o Options, r *Report, path string) error {
	out, err := exec.Command(o.Self, "probe-open", path).Output()
	if err != nil {
		return errors.Wrap(err, "running the open probe")
	}
	var p OpenProbe
	if err := json.Unmarshal(out, &p); err != nil {
		return errors.Wrapf(err, "reading the open probe %q", out)
	}
	r.Add("open library and be ready", "ms", "< 1000", p.OpenMS, "fresh process")
	if p.RSSMB > 0 {
		r.Add("memory after opening", "MB RSS", "< 150", p.RSSMB, "fresh process")
	}
	return nil
}

func measureLookup(o *Options, r *Report, lib *app.Library, sc demo.ScaleOptions, rng *rand.Rand) error {
	var d durations
	for i := 0; i < 20000; i++ {
		code := demo.CopyBarcode(rng.IntN(sc.Copies))
		t := time.Now()
		if _, err := lib.CopyByBarcode(code); err != nil {
			return err
		}
		d = append(d, time.Since(t))
	}
	r.Add("copy lookup by barcode (mean)", "µs", "< 50", us(d.mean()), "")
	r.Add("copy lookup by barcode (p95)", "µs", "-", us(d.pct(95)), "")
	return nil
}

func measureSearch(o *Options, r *Report, lib *app.Library, sc demo.ScaleOptions, rng *rand.Rand) error {
	kinds := []struct {
		name    string
		queries []string
	}{
		{"Latin word", []string{"history", "garden", "river", "winter", "mountain", "secret", "ocean", "dragon", "music", "light"}},
		{"CJK bigram", []string{"山水", "风云", "故事", "花月", "星辰", "少年", "世界", "时间", "江河", "春秋"}},
		{"pinyin initials", []string{"ss", "fy", "gs", "hy", "xc", "sn", "sj", "jh", "cq", "mx"}},
	}
	for _, k := range kinds {
		var d durations
		for round := 0; round < 5; round++ {
			for _, q := range k.queries {
				t := time.Now()
				if _, err := lib.SearchTitles(q, 50); err != nil {
					return err
				}
				d = append(d, time.Since(t))
			}
		}
		r.Add("catalogue search p95, "+k.name, "ms", "< 20", ms(d.pct(95)), "first 50 results")
	}
	return nil
}

// floorLatencies measures bare durable bbolt update transactions of five
// keys in a file beside the library: the floor circulation is compared to.
// It also returns the pages each of them wrote.
func floorLatencies(dir string, n int) (durations, float64, error) {
	path := filepath.Join(dir, "floor.db")
	os.Remove(path)
	defer os.Remove(path)
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	var d durations
	before := db.Stats()
	val := make([]byte, 200)
	for i := 0; i < n; i++ {
		t := time.Now()
		err := db.Update(func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("floor"))
			if err != nil {
				return err
			}
			for k := 0; k < 5; k++ {
				if err := b.Put([]byte(fmt.Sprintf("key-%d-%d", i, k)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		d = append(d, time.Since(t))
	}
	after := db.Stats()
	return d, pagesPerTx(before, after, n), nil
}

// pagesPerTx is the pages bbolt wrote per transaction between two of its
// counters: what a durable commit costs on a disk where fsync time grows with
// the bytes flushed.
func pagesPerTx(before, after bbolt.Stats, n int) float64 {
	return float64(after.TxStats.GetWrite()-before.TxStats.GetWrite()) / float64(max(n, 1))
}

func measureCirculation(o *Options, r *Report, lib *app.Library, db *storage.DB, sc demo.ScaleOptions, rng *rand.Rand) error {
	const n = 400
	floor, floorPages, err := floorLatencies(o.CacheDir, n)
	if err != nil {
		return err
	}
	desk := app.Actor{Username: "bench", Role: app.RoleLibrarian}
	var out, in durations
	var lent []string
	reader := rng.IntN(sc.Readers)
	before := db.Stats()
	for len(out) < n {
		code := demo.CopyBarcode(rng.IntN(sc.Copies))
		reader = (reader + 1) % sc.Readers
		t := time.Now()
		_, err := lib.CheckOut(desk, demo.ReaderCard(reader), code, app.CheckOutOptions{})
		el := time.Since(t)
		if err != nil {
			if _, refused := app.RefusalOf(err); refused {
				continue
			}
			return err
		}
		out = append(out, el)
		lent = append(lent, code)
	}
	outPages := pagesPerTx(before, db.Stats(), n)
	for _, code := range lent {
		t := time.Now()
		if _, err := lib.CheckIn(desk, code); err != nil {
			return err
		}
		in = append(in, time.Since(t))
	}
	// Refused attempts write nothing, so the pages are the n check-outs'.
	r.AddWithFloor("pages written per check-out", "pages", "(context)", outPages, floorPages)
	r.AddWithFloor("check-out p50", "ms", "≤ 2× floor", ms(out.pct(50)), ms(floor.pct(50)))
	r.AddWithFloor("check-out p99", "ms", "≤ 3× floor", ms(out.pct(99)), ms(floor.pct(99)))
	r.AddWithFloor("check-in p50", "ms", "≤ 2× floor", ms(in.pct(50)), ms(floor.pct(50)))
	r.AddWithFloor("check-in p99", "ms", "≤ 3× floor", ms(in.pct(99)), ms(floor.pct(99)))

	// Durable check-outs in sequence, then the same copies back as a batch.
	var batch []string
	start := time.Now()
	for len(batch) < 1000 {
		code := demo.CopyBarcode(rng.IntN(sc.Copies))
		reader = (reader + 1) % sc.Readers
		if _, err := lib.CheckOut(desk, demo.ReaderCard(reader), code, app.CheckOutOptions{}); err != nil {
			if _, refused := app.RefusalOf(err); refused {
				continue
			}
			return err
		}
		batch = append(batch, code)
	}
	r.Add("durable check-outs in sequence", "per s", "≥ 800", 1000/time.Since(start).Seconds(), "")
	start = time.Now()
	lines, err := lib.BatchCheckIn(desk, batch)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if l.Err != nil {
			return errors.Wrapf(l.Err, "batch check-in line %d", l.Line)
		}
	}
	r.Add("batch of 1,000 check-ins from a file", "s", "< 2", time.Since(start).Seconds(), "")
	return nil
}
