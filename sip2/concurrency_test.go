package sip2

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentCirculation has 50 terminals lend and return a small pool
// of items at once. Every terminal returns only what it borrowed, so a
// checkout that succeeds twice for one item, a lost checkin, or an answer
// delivered to the wrong connection shows up as a broken invariant.
func TestConcurrentCirculation(t *testing.T) {
	const (
		clients = 50
		rounds  = 20
		items   = 15
	)
	ts := startServer(t, nil)
	for i := range clients {
		ts.backend.patrons[reader(i)] = &fakePatron{name: reader(i)}
	}
	var (
		holders sync.Map // item → reader, claimed on every successful checkout
		mu      sync.Mutex
		lent    int
		wg      sync.WaitGroup
	)
	const d = "20261127    090000"
	conns := make([]*client, clients)
	for i := range conns {
		conns[i] = ts.dial(t)
	}
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := c.trySend("9300CNsc1|COsecret|"); err != nil || resp != "941" {
				t.Errorf("client %d: login %q %v", i, resp, err)
				return
			}
			for r := range rounds {
				item := itemName((i*7 + r*3) % items)
				resp, err := c.trySend("11YN" + d + strings.Repeat(" ", 18) + "AOCIRCA|AA" + reader(i) + "|AB" + item + "|")
				if err != nil {
					t.Errorf("client %d: checkout: %v", i, err)
					return
				}
				m, err := Parse([]byte(resp), UTF8)
				if err != nil || m.Field(FieldItemID) != item || m.Field(FieldPatronID) != reader(i) {
					t.Errorf("client %d: checkout of %s answered %q (%v)", i, item, resp, err)
					return
				}
				if m.FixedField(FOK) != "1" {
					continue // on loan to someone else right now
				}
				if other, loaded := holders.LoadOrStore(item, reader(i)); loaded {
					t.Errorf("%s lent to %s while %s has it", item, reader(i), other)
					return
				}
				mu.Lock()
				lent++
				mu.Unlock()
				holders.Delete(item) // before the checkin: the item is ours until it is back
				resp, err = c.trySend("09N" + d + d + "APdesk|AOCIRCA|AB" + item + "|")
				if err != nil {
					t.Errorf("client %d: checkin: %v", i, err)
					return
				}
				m, err = Parse([]byte(resp), UTF8)
				if err != nil || m.FixedField(FOK) != "1" || m.Field(FieldItemID) != item || m.Field(FieldPatronID) != reader(i) {
					t.Errorf("client %d: checkin of %s answered %q (%v)", i, item, resp, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for item, who := range ts.backend.loans() {
		if strings.HasPrefix(who, "R") {
			t.Errorf("%s still on loan to %s after every return", item, who)
		}
	}
	ts.backend.mu.Lock()
	defer ts.backend.mu.Unlock()
	if ts.backend.checkouts != lent || ts.backend.checkins != lent {
		t.Errorf("backend saw %d checkouts and %d checkins, terminals %d of each", ts.backend.checkouts, ts.backend.checkins, lent)
	}
	if lent == 0 {
		t.Error("no checkout succeeded")
	}
}

func reader(i int) string { return fmt.Sprintf("R%02d", i) }
