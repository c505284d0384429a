package sync

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage"
	"github.com/circa-library/circa/storage/storetest"
)

// Benchmarks of sync over loopback HTTPS into a bbolt desk. The library
// size is CIRCA_SYNC_BENCH_N events (default 20000); the reported
// s/1M-events extrapolates linearly.
//
//	CIRCA_SYNC_BENCH_N=200000 go test ./sync -run XXX -bench . -benchtime 1x

func benchN() int {
	if n, err := strconv.Atoi(os.Getenv("CIRCA_SYNC_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 20000
}

// benchSetup is what a library's log starts with: the default card types
// and rules, which replaying its loans reads.
var benchSetup = func() []app.RecordCreated {
	var out []app.RecordCreated
	for i, ct := range app.DefaultCardTypes {
		raw, _ := json.Marshal(&app.CardType{Meta: app.Meta{ID: fmt.Sprintf("ct%d", i)}, Code: ct.Code, Name: ct.Name,
			NameEN: ct.NameEN, ValidDays: ct.ValidDays})
		out = append(out, app.RecordCreated{Collection: app.CollCardTypes, Record: raw})
	}
	for i, r := range app.DefaultRules {
		r.Meta = app.Meta{ID: fmt.Sprintf("rule%d", i)}
		raw, _ := json.Marshal(&r)
		out = append(out, app.RecordCreated{Collection: app.CollRules, Record: raw})
	}
	return out
}()

// logShape is the library a generated log makes and how long its loans
// stay out.
type logShape struct {
	titles, readers uint64 // each title has one copy
	// open is how many loans are out at once: a loan comes back 2·open+1
	// events after it went out; 0 is on the next event.
	open uint64
}

var (
	// backAtOnce is a small library whose every loan comes back on the next
	// event: each check-in finds the copy and the loan the event before it
	// wrote, in pages the writer has at hand.
	backAtOnce = logShape{titles: 2000, readers: 500}
	// tenThousandOut is nearer a school's year: 20,000 copies, 5,000
	// readers (two loans each at a time, within every card type's limit),
	// and 10,000 loans out at once, so that a check-in reads a copy and a
	// loan written four batches before, and a batch touches thousands of
	// titles' and readers' loan days.
	tenThousandOut = logShape{titles: 20000, readers: 5000, open: 10000}
)

// loanAt returns the loan the m-th circulation event of the log is about,
// and whether it lends it (else it returns it). The first open events lend
// loans 0 to open-1; after them, lending loan open+i alternates with
// returning loan i.
func (s logShape) loanAt(m uint64) (loan uint64, out bool) {
	if m < s.open {
		return m, true
	}
	q := m - s.open
	if q%2 == 0 {
		return s.open + q/2, true
	}
	return q / 2, false
}

// lentAt is the circulation event that lends loan i (loanAt's inverse).
func (s logShape) lentAt(i uint64) uint64 {
	if i < s.open {
		return i
	}
	return s.open + 2*(i-s.open)
}

// genEvents makes n events of one generated station with backAtOnce's
// shape (genLog).
func genEvents(station string, from uint64, n int, start time.Time) []*app.Event {
	return genLog(backAtOnce, station, from, n, start)
}

// genLog makes n events of one generated station, shaped like a library's
// log: its card types and rules, a catalogue and readers, then loans going
// out and coming back as s says.
func genLog(s logShape, station string, from uint64, n int, start time.Time) []*app.Event {
	out := make([]*app.Event, 0, n)
	titles, readers := s.titles, s.readers
	// circulation is the seq before the first loan event.
	circulation := uint64(len(benchSetup)) + 2*titles + readers
	for i := range n {
		seq := from + uint64(i) + 1
		at := start.Add(time.Duration(seq) * time.Second)
		ev := &app.Event{ID: fmt.Sprintf("%s-%d", station[:8], seq), Station: station, Seq: seq,
			HLC: app.MakeHLC(at, 0), Staff: "admin"}
		var payload any
		if k := int(seq - 1); k < len(benchSetup) {
			ev.Kind = app.EvRecordCreated
			ev.Payload, _ = json.Marshal(benchSetup[k])
			out = append(out, ev)
			continue
		}
		switch k := seq - 1 - uint64(len(benchSetup)); {
		case k < titles:
			ti := app.Title{Meta: app.Meta{ID: fmt.Sprintf("t%d", k)}, Title: fmt.Sprintf("红楼梦 第%d卷", k),
				Authors: []string{"曹雪芹"}, Publisher: "人民文学出版社", Year: "1982"}
			raw, _ := json.Marshal(&ti)
			ev.Kind, payload = app.EvRecordCreated, app.RecordCreated{Collection: app.CollTitles, Record: raw}
		case k < 2*titles:
			c := app.Copy{Meta: app.Meta{ID: fmt.Sprintf("c%d", k-titles)}, Barcode: fmt.Sprintf("C%07d", k-titles),
				TitleID: fmt.Sprintf("t%d", k-titles), ItemType: app.ItemBook, Status: app.CopyAvailable}
			raw, _ := json.Marshal(&c)
			ev.Kind, payload = app.EvRecordCreated, app.RecordCreated{Collection: app.CollCopies, Record: raw}
		case k < 2*titles+readers:
			r := app.Reader{Meta: app.Meta{ID: fmt.Sprintf("r%d", k-2*titles)}, Card: fmt.Sprintf("R%07d", k-2*titles),
				Name: fmt.Sprintf("读者 %d", k), CardType: "REG", Status: app.ReaderActive, History: app.HistoryKeep}
			raw, _ := json.Marshal(&r)
			ev.Kind, payload = app.EvRecordCreated, app.RecordCreated{Collection: app.CollReaders, Record: raw}
		default:
			// Loan j lends copy j%titles and reader j%readers. Its ID is a
			// UUIDv7 of the check-out's time, as a desk makes.
			j, lend := s.loanAt(k - 2*titles - readers)
			cp := fmt.Sprintf("c%d", j%titles)
			out := start.Add(time.Duration(circulation+s.lentAt(j)+1) * time.Second)
			loan := benchLoanID(out, j)
			if lend {
				ev.Kind = app.EvCheckout
				payload = app.CheckoutPayload{Loan: app.Loan{Meta: app.Meta{ID: loan}, CopyID: cp,
					TitleID: fmt.Sprintf("t%d", j%titles), ReaderID: fmt.Sprintf("r%d", j%readers), Out: at,
					Due: app.DateOf(at.Add(21*24*time.Hour), time.UTC), CardType: "REG", ItemType: app.ItemBook}}
			} else {
				ev.Kind = app.EvCheckin
				payload = app.CheckinPayload{CopyID: cp, LoanID: loan, At: at}
			}
		}
		ev.Payload, _ = json.Marshal(payload)
		out = append(out, ev)
	}
	return out
}

// benchLoanID is loan j's ID: the UUIDv7 a desk would give a loan made at
// out, its random bits drawn from j, so that IDs sort by time as real ones
// do and the same j always has the same ID.
func benchLoanID(out time.Time, j uint64) string {
	var r [10]byte
	binary.BigEndian.PutUint64(r[2:], j)
	return app.NewIDSource(bytes.NewReader(r[:])).New(out)
}

func feed(tb testing.TB, lib *app.Library, evs []*app.Event) {
	tb.Helper()
	for len(evs) > 0 {
		k := min(feedChunk, len(evs))
		if err := lib.Transact(func(tx app.Tx) error { return lib.ApplyRemote(tx, evs[:k]) }); err != nil {
			tb.Fatal(err)
		}
		evs = evs[k:]
	}
}

type benchPair struct {
	hub, desk *Station
	proxy     *cutProxy
	stop      func()
}

func startBenchStation(tb testing.TB, store app.Store) (*Station, func()) {
	tb.Helper()
	ident, err := NewIdentity(rand.Reader, simStart)
	if err != nil {
		tb.Fatal(err)
	}
	lib, err := app.Open(store, app.Options{Station: ident.ID, Clock: app.NewFakeClock(simStart.Add(400 * 24 * time.Hour)), Location: time.UTC})
	if err != nil {
		tb.Fatal(err)
	}
	st, err := NewStation(ident, lib, StationOptions{Listen: "127.0.0.1:0", Manual: true})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Serve(ctx) }()
	for st.Addr() == "" {
		time.Sleep(time.Millisecond)
	}
	return st, func() { cancel(); <-done }
}

// newBenchPair starts a hub holding evs and an empty bbolt desk paired
// with it through a byte-counting proxy.
func newBenchPair(b *testing.B, evs []*app.Event) *benchPair {
	b.Helper()
	hub, stopHub := startBenchStation(b, storetest.TempDB(b, storage.Options{NoSync: true}))
	feed(b, hub.lib, evs)
	desk, stopDesk := startBenchStation(b, storetest.TempDB(b))
	proxy := startCutProxy(b, hub.Addr(), 0, 0)
	if err := hub.Pair(desk.ID(), "", "desk"); err != nil {
		b.Fatal(err)
	}
	if err := desk.Pair(hub.ID(), proxy.ln.Addr().String(), "hub"); err != nil {
		b.Fatal(err)
	}
	if n, err := strconv.Atoi(os.Getenv("CIRCA_SYNC_BATCH")); err == nil && n > 0 {
		hub.Node.BatchEvents, desk.Node.BatchEvents = n, n
	}
	return &benchPair{hub: hub, desk: desk, proxy: proxy, stop: func() { stopDesk(); stopHub() }}
}

// BenchmarkFirstFullSync syncs a generated log into an empty desk, once
// with loans that come back at once and once with ten thousand out.
func BenchmarkFirstFullSync(b *testing.B) {
	for _, c := range []struct {
		name  string
		shape logShape
	}{{"back-at-once", backAtOnce}, {"10000-out", tenThousandOut}} {
		b.Run(c.name, func(b *testing.B) { benchFirstFullSync(b, c.shape) })
	}
}

func benchFirstFullSync(b *testing.B, shape logShape) {
	n := benchN()
	gen := "9e" + fmt.Sprintf("%062d", 0)
	evs := genLog(shape, gen, 0, n, simStart)
	var total time.Duration
	var wire int64
	for b.Loop() {
		b.StopTimer()
		p := newBenchPair(b, evs)
		b.StartTimer()
		start := time.Now()
		if err := p.desk.SyncNow(context.Background()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		wire += p.proxy.bytes.Load()
		p.stop()
		b.StartTimer()
	}
	per := total.Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/per, "events/s")
	b.ReportMetric(per*1e6/float64(n), "s/1M-events")
	b.ReportMetric(float64(wire)/float64(b.N)/float64(n), "wire-bytes/event")
}

func BenchmarkIncrementalSync1000(b *testing.B) {
	n := benchN()
	gen := "9f" + fmt.Sprintf("%062d", 0)
	evs := genEvents(gen, 0, n, simStart)
	p := newBenchPair(b, evs)
	defer p.stop()
	if err := p.desk.SyncNow(context.Background()); err != nil {
		b.Fatal(err)
	}
	next := uint64(n)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		more := genEvents(gen, next, 1000, simStart)
		next += 1000
		feed(b, p.hub.lib, more)
		before := p.proxy.bytes.Load()
		b.StartTimer()
		start := time.Now()
		if err := p.desk.SyncNow(context.Background()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(p.proxy.bytes.Load()-before)/1000, "wire-bytes/event")
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/1000-events")
}

var feedChunk = 250

// BenchmarkReplay replays a generated log into a durable bbolt desk in
// batches of a pull's size, without the network: the part of a first full
// sync that the receiving station's one writer does.
func BenchmarkReplay(b *testing.B) {
	n := benchN()
	gen := "9d" + fmt.Sprintf("%062d", 0)
	evs := genEvents(gen, 0, n, simStart)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		st, stop := startBenchStation(b, storetest.TempDB(b))
		batch := st.Node.BatchEvents
		app.Prepare(evs) // as the pull's fetching goroutine does
		b.StartTimer()
		start := time.Now()
		for rest := evs; len(rest) > 0; {
			k := min(batch, len(rest))
			part := rest[:k]
			if err := st.lib.Transact(func(tx app.Tx) error { _, err := st.lib.StoreRemote(tx, part); return err }); err != nil {
				b.Fatal(err)
			}
			rest = rest[k:]
		}
		total += time.Since(start)
		b.StopTimer()
		stop()
		b.StartTimer()
	}
	per := total.Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/per, "events/s")
	b.ReportMetric(per*1e6/float64(n), "s/1M-events")
}

// TestGeneratedLogsReplayCleanly: the logs the benchmarks replay are ones a
// library could have made. Every loan is lent and returned through the
// rules without an exception, and the loans out at the end are as many as
// the shape keeps out.
func TestGeneratedLogsReplayCleanly(t *testing.T) {
	// The second shape is tenThousandOut in small: two loans out a reader.
	for _, s := range []logShape{backAtOnce, {titles: 200, readers: 50, open: 100}} {
		lib, err := app.Open(storetest.TempDB(t), app.Options{Station: "gen",
			Clock: app.NewFakeClock(simStart.Add(400 * 24 * time.Hour)), Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		setup := uint64(len(benchSetup)) + 2*s.titles + s.readers
		loans := uint64(400) // loan events after the catalogue
		feed(t, lib, genLog(s, "9e"+fmt.Sprintf("%062d", 0), 0, int(setup+loans), simStart))
		err = lib.View(func(tx app.Tx) error {
			if n, err := tx.Count(app.CollExceptions); err != nil || n != 0 {
				t.Errorf("%+v: %d exceptions (%v)", s, n, err)
			}
			lent, err := tx.Count(app.CollLoans)
			if err != nil {
				return err
			}
			var out int
			err = tx.Scan(app.IdxLoanOpenCopy, "", "", func(string, string) error { out++; return nil })
			if want := s.open + (loans-s.open)/2; uint64(lent) != want || uint64(out) != s.open {
				t.Errorf("%+v: %d loans, %d out; want %d and %d", s, lent, out, want, s.open)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
