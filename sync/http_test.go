package sync

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/errors"
	"go.uber.org/goleak"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
	"github.com/circa-library/circa/storage/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncedBuffer is a log sink several goroutines write to.
type syncedBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *syncedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type liveStation struct {
	*Station
	clock *app.FakeClock
	logs  *syncedBuffer
}

// startStation runs a station with a server on 127.0.0.1 until the test
// ends. bolt chooses the bbolt store over the in-memory one.
func startStation(t *testing.T, bolt bool) *liveStation {
	t.Helper()
	return startStationWith(t, bolt, true)
}

func startStationWith(t *testing.T, bolt, manual bool) *liveStation {
	t.Helper()
	ident, err := NewIdentity(rand.Reader, simStart)
	if err != nil {
		t.Fatal(err)
	}
	var store app.Store = memstore.New()
	if bolt {
		store = storetest.TempDB(t)
	}
	clock := app.NewFakeClock(simStart)
	lib, err := app.Open(store, app.Options{Station: ident.ID, Clock: clock, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncedBuffer{}
	st, err := NewStation(ident, lib, StationOptions{Listen: "127.0.0.1:0", Manual: manual,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	st.Syncer.MinBackoff = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %+v", err)
		}
	})
	for st.Addr() == "" {
		time.Sleep(5 * time.Millisecond)
	}
	return &liveStation{Station: st, clock: clock, logs: logs}
}

func (s *liveStation) hash(t *testing.T) string {
	t.Helper()
	return stateHash(t, s.lib)
}

func (s *liveStation) vector(t *testing.T) map[string]uint64 {
	t.Helper()
	v, err := s.Node.Vector()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (s *liveStation) join(t *testing.T, hub *liveStation, name string) {
	t.Helper()
	code, err := hub.Invite(hub.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Join(context.Background(), code, name); err != nil {
		t.Fatalf("joining: %+v", err)
	}
}

// workload commits a few circulation events on a station seeded with the
// founder's library.
func workload(t *testing.T, s *liveStation, n int) {
	t.Helper()
	for i := range n {
		s.clock.Advance(time.Minute)
		card, barcode := fmt.Sprintf("R%d", i%8), fmt.Sprintf("C%d", i%12)
		if _, err := s.lib.CheckOut(admin, card, barcode, app.CheckOutOptions{}); err != nil {
			if _, ok := app.RefusalOf(err); !ok {
				t.Fatal(err)
			}
		}
		if i%3 == 0 {
			if _, err := s.lib.CheckIn(admin, barcode); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func seedFounder(t *testing.T, s *liveStation) {
	t.Helper()
	_, evs := founderEvents(t)
	if err := s.lib.Transact(func(tx app.Tx) error { return s.lib.ApplyRemote(tx, evs) }); err != nil {
		t.Fatal(err)
	}
}

// cutProxy forwards TCP to target and cuts each of the first cuts
// connections after limit bytes from the client.
type cutProxy struct {
	ln     net.Listener
	target string
	limit  int64
	cuts   atomic.Int32
	wg     gosync.WaitGroup
	bytes  atomic.Int64 // both ways
}

func startCutProxy(t testing.TB, target string, limit int64, cuts int32) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, limit: limit}
	p.cuts.Store(cuts)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.forward(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.wg.Wait()
	})
	return p
}

func (p *cutProxy) forward(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer up.Close()
	var src io.Reader = c
	if p.cuts.Add(-1) >= 0 {
		src = io.LimitReader(c, p.limit)
	}
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(countingWriter{c, &p.bytes}, up)
		c.Close()
		close(done)
	}()
	_, _ = io.Copy(countingWriter{up, &p.bytes}, src)
	up.Close()
	<-done
}

func TestLoopbackDesksAndHubConverge(t *testing.T) {
	ctx := context.Background()
	hub := startStation(t, true)
	a := startStation(t, true)
	b := startStation(t, false)
	seedFounder(t, a)
	a.join(t, hub, "desk A")
	b.join(t, hub, "desk B")
	if err := a.SyncNow(ctx); err != nil {
		t.Fatalf("%+v", err)
	}
	if err := b.SyncNow(ctx); err != nil {
		t.Fatalf("%+v", err)
	}
	// The desks also pair directly, each confirming the other.
	if err := a.Pair(b.ID(), b.Addr(), "desk B"); err != nil {
		t.Fatal(err)
	}
	if err := b.Pair(a.ID(), a.Addr(), "desk A"); err != nil {
		t.Fatal(err)
	}
	// Both desks work apart, B's events in between A's: the hub gets them
	// out of order and must replay.
	b.clock.Advance(30 * time.Second)
	workload(t, a, 20)
	workload(t, b, 10)
	if err := a.Pair(b.ID(), "127.0.0.1:1", "desk B"); err != nil { // B unreachable for now
		t.Fatal(err)
	}
	if err := a.SyncNow(ctx); err == nil {
		t.Fatal("an unreachable desk was synced")
	}
	if err := a.Pair(b.ID(), b.Addr(), "desk B"); err != nil {
		t.Fatal(err)
	}
	if err := b.SyncNow(ctx); err != nil {
		t.Fatalf("%+v", err)
	}
	if err := a.SyncNow(ctx); err != nil {
		t.Fatalf("%+v", err)
	}
	if err := b.SyncNow(ctx); err != nil {
		t.Fatalf("%+v", err)
	}
	want := a.hash(t)
	for name, s := range map[string]*liveStation{"hub": hub, "b": b} {
		if got := s.hash(t); got != want {
			t.Errorf("%s: hash %s, desk A has %s", name, got, want)
		}
	}
	st := a.Status()
	if len(st.Peers) != 2 || st.Waiting != 0 {
		t.Errorf("status after sync: %+v", st)
	}
}

func TestLoopbackResumesAfterCutConnections(t *testing.T) {
	ctx := context.Background()
	hub := startStation(t, true)
	a := startStation(t, false)
	seedFounder(t, a)
	workload(t, a, 60)
	a.join(t, hub, "desk A")
	proxy := startCutProxy(t, hub.Addr(), 6000, 6)
	if err := a.Pair(hub.ID(), proxy.ln.Addr().String(), "hub"); err != nil {
		t.Fatal(err)
	}
	a.Node.BatchEvents = 7
	var errs int
	for try := 0; ; try++ {
		err := a.SyncNow(ctx)
		if err == nil {
			break
		}
		errs++
		if try > 30 {
			t.Fatalf("sync never finished: %+v", err)
		}
	}
	if errs == 0 {
		t.Error("the proxy cut nothing: the test did not test resumption")
	}
	if a.hash(t) != hub.hash(t) {
		t.Fatal("hub and desk differ after resuming")
	}
	if fmt.Sprint(a.vector(t)) != fmt.Sprint(hub.vector(t)) {
		t.Fatal("vectors differ")
	}
	t.Logf("converged after %d cut attempts", errs)
}

func TestLoopbackRefusals(t *testing.T) {
	ctx := context.Background()
	hub := startStation(t, false)
	a := startStation(t, false)
	seedFounder(t, a)
	a.join(t, hub, "desk A")
	if err := a.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	before := hub.hash(t)
	stranger, err := NewIdentity(rand.Reader, simStart)
	if err != nil {
		t.Fatal(err)
	}
	hello, err := a.Node.hello()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("unpaired client", func(t *testing.T) {
		// The hub refuses the certificate after the handshake: the client
		// reads the alert or finds the connection closed, and says
		// ErrUnknownStation either way (so people read "pair this station
		// there", not "cannot be reached"). Each try is a new connection.
		for range 20 {
			c := NewClient(stranger, hub.Addr(), hub.ID())
			_, err := c.Hello(ctx, Hello{Station: stranger.ID})
			c.Close()
			if !errors.Is(err, ErrUnknownStation) {
				t.Fatalf("an unpaired station got %v, want ErrUnknownStation", err)
			}
		}
		if !strings.Contains(hub.logs.String(), "refused a connection from an unpaired station") {
			t.Error("the refusal was not logged")
		}
	})
	t.Run("wrong certificate", func(t *testing.T) {
		c := NewClient(a.Ident, hub.Addr(), stranger.ID) // expects another server
		defer c.Close()
		_, err := c.Hello(ctx, hello)
		if !errors.Is(err, ErrWrongStation) {
			t.Fatalf("got %v, want ErrWrongStation", err)
		}
	})
	t.Run("speaking for another station", func(t *testing.T) {
		c := NewClient(a.Ident, hub.Addr(), hub.ID())
		defer c.Close()
		_, err := c.Hello(ctx, Hello{Station: stranger.ID})
		if !errors.Is(err, ErrWrongStation) {
			t.Fatalf("got %v, want ErrWrongStation", err)
		}
	})
	t.Run("tampered and replayed batches", func(t *testing.T) {
		workload(t, a, 5)
		b, err := a.Node.batchFor(hub.vector(t), 100)
		if err != nil || b.size() == 0 {
			t.Fatalf("no batch: %v", err)
		}
		raw := encode(t, b)
		c := NewClient(a.Ident, hub.Addr(), hub.ID())
		defer c.Close()
		for _, at := range []int{len(raw) / 3, len(raw) / 2, 2 * len(raw) / 3} {
			bad := append([]byte(nil), raw...)
			bad[at] ^= 0x5a
			resp, err := c.post(ctx, pathPush, batchContentType, bad)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("a batch changed at byte %d was accepted", at)
			}
			if !errors.Is(err, ErrBadBatch) {
				t.Errorf("byte %d: got %v, want ErrBadBatch", at, err)
			}
		}
		if hub.hash(t) != before {
			t.Fatal("a tampered batch changed the hub")
		}
		if !strings.Contains(hub.logs.String(), "code=bad_batch") {
			t.Error("the refusal was not logged")
		}
		if _, err := c.Push(ctx, b); err != nil {
			t.Fatal(err)
		}
		once := hub.hash(t)
		if _, err := c.Push(ctx, b); err != nil {
			t.Fatal(err)
		}
		if hub.hash(t) != once || once != a.hash(t) {
			t.Fatal("a replayed batch changed the hub")
		}
		before = once
	})
	t.Run("revoked station", func(t *testing.T) {
		if err := hub.Unpair(a.ID()); err != nil {
			t.Fatal(err)
		}
		workload(t, a, 3)
		if err := a.SyncNow(ctx); err == nil {
			t.Fatal("a revoked station synced")
		}
		if hub.hash(t) != before {
			t.Fatal("a revoked station changed the hub")
		}
	})
	t.Run("used invite", func(t *testing.T) {
		code, err := hub.Invite(hub.Addr())
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Join(ctx, code, "again"); err != nil {
			t.Fatal(err)
		}
		strangerLib, err := app.Open(memstore.New(), app.Options{Station: stranger.ID})
		if err != nil {
			t.Fatal(err)
		}
		sn, err := NewNode(strangerLib, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Join(ctx, sn, stranger, code, "thief"); err == nil {
			t.Fatal("an invite worked twice")
		}
		if hub.Node.Trusted(stranger.ID) {
			t.Fatal("the second user of an invite was paired")
		}
	})
}

func TestBundleRoundTrip(t *testing.T) {
	a := startStation(t, false)
	b := startStation(t, true)
	seedFounder(t, a)
	workload(t, a, 15)
	if err := a.Pair(b.ID(), "", ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Pair(a.ID(), "", ""); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := a.Export(&buf, b.ID(), time.Time{})
	if err != nil || n == 0 {
		t.Fatalf("export: %d, %+v", n, err)
	}
	bundle := buf.Bytes()

	t.Run("tampered", func(t *testing.T) {
		for _, at := range []int{20, len(bundle) / 2, len(bundle) - 3} {
			bad := append([]byte(nil), bundle...)
			bad[at] ^= 1
			if _, err := b.Import(bytes.NewReader(bad)); err == nil {
				t.Errorf("a bundle changed at byte %d was accepted", at)
			}
		}
		if len(b.vector(t)) != 0 {
			t.Fatal("a tampered bundle changed the station")
		}
	})
	t.Run("unpaired signer", func(t *testing.T) {
		c := startStation(t, false)
		if _, err := c.Import(bytes.NewReader(bundle)); !errors.Is(err, ErrUnknownStation) {
			t.Fatalf("got %v, want ErrUnknownStation", err)
		}
	})
	got, err := b.Import(bytes.NewReader(bundle))
	if err != nil || got != n {
		t.Fatalf("import: %d of %d, %+v", got, n, err)
	}
	if a.hash(t) != b.hash(t) {
		t.Fatal("the bundle did not carry the library")
	}
	if again, err := b.Import(bytes.NewReader(bundle)); err != nil || again != 0 {
		t.Fatalf("a second import: %d new, %v", again, err)
	}
	if a.hash(t) != b.hash(t) {
		t.Fatal("a second import changed the state")
	}
}

func TestDiscoveryHearsBeacons(t *testing.T) {
	free := func() string {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		return pc.LocalAddr().String()
	}
	addrA, addrB := free(), free()
	idA := strings.Repeat("a", 64)
	idB := strings.Repeat("b", 64)
	clock := app.NewFakeClock(simStart)
	da := NewDiscovery(Beacon{Station: idA, Port: 7001, Instance: "1"}, addrA, []string{addrB}, clock, nil)
	db := NewDiscovery(Beacon{Station: idB, Port: 7002, Instance: "2"}, addrB, []string{addrA}, clock, nil)
	da.Interval, db.Interval = 20*time.Millisecond, 20*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var wg gosync.WaitGroup
	for _, d := range []*Discovery{da, db} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.Serve(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		addr, ok := da.Address(idB)
		if ok {
			if addr != "127.0.0.1:7002" {
				t.Errorf("heard B at %s", addr)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("A never heard B")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, ok := db.Address(idB); ok {
		t.Error("B heard itself")
	}
	cancel()
	wg.Wait()
}

func TestSyncerFollowsLocalEvents(t *testing.T) {
	a := startStationWith(t, false, false)
	b := startStationWith(t, false, false)
	if err := a.Pair(b.ID(), b.Addr(), "b"); err != nil {
		t.Fatal(err)
	}
	if err := b.Pair(a.ID(), a.Addr(), "a"); err != nil {
		t.Fatal(err)
	}
	statuses := make(chan Status, 100)
	stop := a.Syncer.Subscribe(func(st Status) {
		select {
		case statuses <- st:
		default:
		}
	})
	defer stop()
	seedFounder(t, a) // remote events: no wake-up
	workload(t, a, 4) // local events wake the syncer
	deadline := time.Now().Add(10 * time.Second)
	for a.hash(t) != b.hash(t) || fmt.Sprint(a.vector(t)) != fmt.Sprint(b.vector(t)) {
		if time.Now().After(deadline) {
			t.Fatal("the syncer did not carry local events to the peer")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(statuses) == 0 {
		t.Error("no status reached the subscriber")
	}
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func TestLoopbackSpeaksHTTP2OverTLS13(t *testing.T) {
	hub := startStation(t, false)
	a := startStation(t, false)
	if err := hub.Pair(a.ID(), "", ""); err != nil {
		t.Fatal(err)
	}
	c := NewClient(a.Ident, hub.Addr(), hub.ID())
	defer c.Close()
	hello, err := a.Node.hello()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(hello)
	resp, err := c.post(context.Background(), pathHello, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("protocol %s, want HTTP/2", resp.Proto)
	}
	if resp.TLS == nil || resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("TLS state %+v, want TLS 1.3", resp.TLS)
	}
}
