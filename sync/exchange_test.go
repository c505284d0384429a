package sync

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
)

// When both stations changed while apart, one exchange carries both ways:
// what a station pulls must not make it think the peer already holds its
// own new events.
func TestOneExchangeCarriesBothWays(t *testing.T) {
	ctx := context.Background()
	_, evs := founderEvents(t)
	clock := app.NewFakeClock(simStart)
	node := func(id string) *Node {
		lib, err := app.Open(memstore.New(), app.Options{Station: id, Clock: clock, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		if err := lib.Transact(func(tx app.Tx) error { return lib.ApplyRemote(tx, evs) }); err != nil {
			t.Fatal(err)
		}
		n, err := NewNode(lib, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a, b := node(strings.Repeat("a", 64)), node(strings.Repeat("b", 64))
	for _, pair := range [][2]*Node{{a, b}, {b, a}} {
		if err := pair[0].AddPeer(Peer{ID: pair[1].ID()}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []*Node{a, b} {
		if _, err := n.lib.AddTitle(admin, app.TitleInput{Title: "Made on " + n.ID()[:1]}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Exchange(ctx, b.ID(), Local{Node: b, As: a.ID()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Received != 1 || res.Sent != 1 {
		t.Fatalf("received %d and sent %d, want 1 and 1", res.Received, res.Sent)
	}
	ha, hb := stateHash(t, a.lib), stateHash(t, b.lib)
	if ha != hb {
		t.Fatal("the stations differ after one exchange")
	}
	// What a keeps of b's vector is true: b holds a's own new event.
	st, err := a.State(b.ID())
	if err != nil {
		t.Fatal(err)
	}
	bv, err := b.Vector()
	if err != nil {
		t.Fatal(err)
	}
	if st.Vector[a.ID()] != bv[a.ID()] {
		t.Fatalf("a thinks b holds %d of its events; b holds %d", st.Vector[a.ID()], bv[a.ID()])
	}
}

func stateHash(t *testing.T, lib *app.Library) string {
	t.Helper()
	h, err := app.StoreStateHash(lib.Store())
	if err != nil {
		t.Fatal(err)
	}
	return h
}
