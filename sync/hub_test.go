package sync

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
)

func TestHubServesInvitedDesk(t *testing.T) {
	dir := t.TempDir()
	hubID, err := InitHub(dir, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	// Find a free port for the hub to listen on.
	probe := startCutProxy(t, "127.0.0.1:1", 0, 0)
	addr := probe.ln.Addr().String()
	probe.ln.Close()
	probe.wg.Wait()

	logs := &syncedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ServeHub(ctx, HubConfig{DataDir: dir, Listen: addr, Location: time.UTC,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("hub: %+v", err)
		}
	}()
	code, err := HubInvite(dir, addr)
	if err != nil {
		t.Fatal(err)
	}
	desk := startStation(t, false)
	seedFounder(t, desk)
	workload(t, desk, 5)
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := desk.Join(context.Background(), code, "desk")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("joining the hub: %+v", err)
		}
		time.Sleep(100 * time.Millisecond) // the hub takes invites in every 2 s
	}
	if err := desk.SyncNow(context.Background()); err != nil {
		t.Fatalf("%+v", err)
	}
	st := desk.Status()
	if len(st.Peers) != 1 || !st.Peers[0].Hub || st.Peers[0].ID != hubID.ID || st.Waiting != 0 {
		t.Fatalf("status: %+v", st)
	}
	if !strings.Contains(logs.String(), "station joined with an invite") {
		t.Errorf("the hub did not log the join:\n%s", logs.String())
	}
}

func TestReplacedDatabaseStartsOver(t *testing.T) {
	ctx := context.Background()
	ident, err := NewIdentity(rand.Reader, simStart)
	if err != nil {
		t.Fatal(err)
	}
	newNode := func(id string, clock app.Clock) *Node {
		lib, err := app.Open(memstore.New(), app.Options{Station: id, Clock: clock, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		n, err := NewNode(lib, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	clock := app.NewFakeClock(simStart)
	var logs bytes.Buffer
	a := newNode(strings.Repeat("a", 64), clock)
	a.log = slog.New(slog.NewTextHandler(&logs, nil))
	_, evs := founderEvents(t)
	if err := a.lib.Transact(func(tx app.Tx) error { return a.lib.ApplyRemote(tx, evs) }); err != nil {
		t.Fatal(err)
	}
	b := newNode(ident.ID, clock)
	for _, pair := range [][2]*Node{{a, b}, {b, a}} {
		if err := pair[0].AddPeer(Peer{ID: pair[1].ID()}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Exchange(ctx, b.ID(), Local{Node: b, As: a.ID()}); err != nil {
		t.Fatal(err)
	}
	// B's file is replaced by an empty one: same station, new database ID.
	b2 := newNode(ident.ID, clock)
	if err := b2.AddPeer(Peer{ID: a.ID()}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Exchange(ctx, b2.ID(), Local{Node: b2, As: a.ID()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != len(evs) {
		t.Fatalf("sent %d events to the new file, want %d", res.Sent, len(evs))
	}
	if !strings.Contains(logs.String(), "different database file") {
		t.Error("the replaced file was not noticed")
	}
}
