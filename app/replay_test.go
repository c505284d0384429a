package app_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
)

// replayDesk is one station of the replay tests.
type replayDesk struct {
	lib   *app.Library
	clock *app.FakeClock
}

var replayStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newReplayDesk(t *testing.T, station string, seed uint64) *replayDesk {
	t.Helper()
	clock := app.NewFakeClock(replayStart)
	lib, err := app.Open(memstore.New(), app.Options{Station: station, Clock: clock,
		Rand: rand.NewChaCha8([32]byte{byte(seed)}), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return &replayDesk{lib: lib, clock: clock}
}

// eventsAfter returns what d holds beyond vector have, station by station.
func (d *replayDesk) eventsAfter(t *testing.T, have map[string]uint64) []*app.Event {
	t.Helper()
	var out []*app.Event
	err := d.lib.View(func(tx app.Tx) error {
		vec, err := tx.Vector()
		if err != nil {
			return err
		}
		for st := range vec {
			if err := tx.EventsAfter(st, have[st], func(e *app.Event) error {
				out = append(out, e)
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (d *replayDesk) vector(t *testing.T) map[string]uint64 {
	t.Helper()
	var v map[string]uint64
	if err := d.lib.View(func(tx app.Tx) error {
		var err error
		v, err = tx.Vector()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

func (d *replayDesk) hash(t *testing.T) string {
	t.Helper()
	h, err := app.StoreStateHash(d.lib.Store())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (d *replayDesk) receive(t *testing.T, evs []*app.Event) {
	t.Helper()
	if err := d.lib.Transact(func(tx app.Tx) error { return d.lib.ApplyRemote(tx, evs) }); err != nil {
		t.Fatalf("%+v", err)
	}
}

// pull gives d every event from src that d lacks.
func (d *replayDesk) pull(t *testing.T, src *replayDesk) {
	t.Helper()
	d.receive(t, src.eventsAfter(t, d.vector(t)))
}

func reasons(t *testing.T, l *app.Library) map[app.Reason]int {
	t.Helper()
	xs, err := l.OpenExceptions()
	if err != nil {
		t.Fatal(err)
	}
	out := map[app.Reason]int{}
	for _, x := range xs {
		out[x.Reason]++
	}
	return out
}

// twoDeskLibrary sets up a library on a and copies it to b.
func twoDeskLibrary(t *testing.T) (a, b *replayDesk, admin app.Actor) {
	t.Helper()
	a, b = newReplayDesk(t, "aaaa", 1), newReplayDesk(t, "bbbb", 2)
	admin, err := a.lib.Setup(app.SetupInput{LibraryName: "Test", AdminUsername: "admin", AdminName: "Admin", AdminPassword: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	title, err := a.lib.AddTitle(admin, app.TitleInput{Title: "Dream of the Red Chamber"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.lib.AddCopy(admin, title.ID, app.CopyInput{Barcode: "C1", ItemType: app.ItemBook}); err != nil {
		t.Fatal(err)
	}
	for _, card := range []string{"R1", "R2"} {
		if _, err := a.lib.RegisterReader(admin, app.ReaderInput{Card: card, Name: "Reader " + card, CardType: "REG"}); err != nil {
			t.Fatal(err)
		}
	}
	b.pull(t, a)
	if a.hash(t) != b.hash(t) {
		t.Fatal("hashes differ after the first copy")
	}
	return a, b, admin
}

func TestCopyLentTwiceConvergesInEitherOrder(t *testing.T) {
	for _, aFirst := range []bool{true, false} {
		t.Run(fmt.Sprintf("aFirst=%v", aFirst), func(t *testing.T) {
			a, b, admin := twoDeskLibrary(t)
			a.clock.Advance(time.Minute)
			b.clock.Advance(2 * time.Minute)
			if !aFirst {
				a.clock.Advance(5 * time.Minute)
			}
			if _, err := a.lib.CheckOut(admin, "R1", "C1", app.CheckOutOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.lib.CheckOut(admin, "R2", "C1", app.CheckOutOptions{}); err != nil {
				t.Fatal(err)
			}
			a.pull(t, b)
			b.pull(t, a)
			if ha, hb := a.hash(t), b.hash(t); ha != hb {
				t.Fatalf("state differs: %s vs %s", ha, hb)
			}
			if got := reasons(t, a.lib)[app.ReasonCopyLentTwice]; got != 1 {
				t.Fatalf("copy_lent_twice exceptions = %d, want 1", got)
			}
		})
	}
}

func TestDuplicateCardBecomesException(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	a.clock.Advance(time.Minute)
	b.clock.Advance(time.Minute)
	if _, err := a.lib.RegisterReader(admin, app.ReaderInput{Card: "R9", Name: "Li", CardType: "REG"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.lib.RegisterReader(admin, app.ReaderInput{Card: "R9", Name: "Wang", CardType: "REG"}); err != nil {
		t.Fatal(err)
	}
	a.pull(t, b)
	b.pull(t, a)
	if a.hash(t) != b.hash(t) {
		t.Fatal("state differs")
	}
	if got := reasons(t, b.lib)[app.ReasonDuplicateCard]; got != 1 {
		t.Fatalf("duplicate_card exceptions = %d, want 1", got)
	}
}

func TestBlockedReaderCheckoutElsewhereIsException(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	r1, err := a.lib.ReaderByCard("R1")
	if err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
	if _, err := a.lib.BlockReader(admin, r1.ID, "lost books"); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(2 * time.Minute)
	if _, err := b.lib.CheckOut(admin, "R1", "C1", app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	a.pull(t, b)
	b.pull(t, a)
	if a.hash(t) != b.hash(t) {
		t.Fatal("state differs")
	}
	if got := reasons(t, a.lib)[app.ReasonReaderBlocked]; got != 1 {
		t.Fatalf("reader_blocked exceptions = %+v", reasons(t, a.lib))
	}
	// Staff resolve it with the ordinary commands, on any station.
	xs, _ := b.lib.OpenExceptions()
	if _, err := b.lib.CheckIn(admin, "C1"); err != nil {
		t.Fatal(err)
	}
	for _, x := range xs {
		if err := b.lib.ResolveException(admin, x.ID, "returned"); err != nil {
			t.Fatal(err)
		}
	}
	a.pull(t, b)
	if len(reasons(t, a.lib)) != 0 || a.hash(t) != b.hash(t) {
		t.Fatal("resolution did not travel")
	}
}

func TestArrivalOrderDoesNotMatter(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	c := newReplayDesk(t, "cccc", 3)
	c.pull(t, a)
	// Both desks work apart.
	for i := range 6 {
		a.clock.Advance(time.Duration(7+i) * time.Minute)
		b.clock.Advance(time.Duration(11-i) * time.Minute)
		a.lib.CheckOut(admin, "R1", "C1", app.CheckOutOptions{})
		b.lib.CheckOut(admin, "R2", "C1", app.CheckOutOptions{})
		a.lib.CheckIn(admin, "C1")
		if i%2 == 0 {
			b.lib.CheckIn(admin, "C1")
		}
	}
	want := ""
	for _, order := range [][]*replayDesk{{a, b}, {b, a}} {
		d := newReplayDesk(t, "dddd", 4)
		d.pull(t, c)
		for _, src := range order {
			evs := src.eventsAfter(t, d.vector(t))
			// Deliver in small reversed slices to force out-of-order arrival.
			for len(evs) > 0 {
				n := min(3, len(evs))
				d.receive(t, evs[:n])
				evs = evs[n:]
			}
		}
		if want == "" {
			want = d.hash(t)
		} else if got := d.hash(t); got != want {
			t.Fatalf("order %v: hash %s, want %s", order, got, want)
		}
	}
	a.pull(t, b)
	b.pull(t, a)
	if a.hash(t) != want || b.hash(t) != want {
		t.Fatal("desks disagree with the observers")
	}
}

func TestApplyRemoteRefusesGapsAndIgnoresRepeats(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	a.clock.Advance(time.Minute)
	a.lib.CheckOut(admin, "R1", "C1", app.CheckOutOptions{})
	a.lib.CheckIn(admin, "C1")
	evs := a.eventsAfter(t, b.vector(t))
	if len(evs) != 2 {
		t.Fatalf("got %d events", len(evs))
	}
	before := b.hash(t)
	err := b.lib.Transact(func(tx app.Tx) error { return b.lib.ApplyRemote(tx, evs[1:]) })
	if err == nil {
		t.Fatal("a gap was accepted")
	}
	if b.hash(t) != before {
		t.Fatal("a refused batch changed the state")
	}
	b.receive(t, evs)
	h := b.hash(t)
	b.receive(t, evs)
	if b.hash(t) != h || h != a.hash(t) {
		t.Fatal("a repeated batch changed the state")
	}
}

func TestClockAheadIsReported(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	b.clock.Advance(72 * time.Hour)
	if _, err := b.lib.CheckOut(admin, "R2", "C1", app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	a.pull(t, b)
	if got := reasons(t, a.lib)[app.ReasonClockAhead]; got != 1 {
		t.Fatalf("clock_ahead exceptions: %v", reasons(t, a.lib))
	}
	b.pull(t, a)
	if a.hash(t) != b.hash(t) {
		t.Fatal("state differs")
	}
}

// TestRuleChangedMidBatchRulesLaterLoans: replaying a batch remembers the
// rules it resolves, and must forget them when the batch itself changes a
// rule. A station that took both loans before it heard of the change gets
// the exception on replay, as every station does.
func TestRuleChangedMidBatchRulesLaterLoans(t *testing.T) {
	a, b, admin := twoDeskLibrary(t)
	titles, err := a.lib.SearchTitles("Dream", 1)
	if err != nil || len(titles) != 1 {
		t.Fatalf("title: %v %v", titles, err)
	}
	if _, err := a.lib.AddCopy(admin, titles[0].ID, app.CopyInput{Barcode: "C2", ItemType: app.ItemBook}); err != nil {
		t.Fatal(err)
	}
	b.pull(t, a)
	a.clock.Advance(time.Minute)
	if _, err := a.lib.CheckOut(admin, "R1", "C1", app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	a.clock.Advance(time.Minute)
	rules, err := a.lib.Rules()
	if err != nil {
		t.Fatal(err)
	}
	var changed bool
	for _, r := range rules {
		if r.CardType == "" && r.ItemType == "" {
			r.MaxLoans = 1
			if _, err := a.lib.SaveRule(admin, *r); err != nil {
				t.Fatal(err)
			}
			changed = true
		}
	}
	if !changed {
		t.Fatal("no default rule to change")
	}
	b.clock.Advance(3 * time.Minute)
	if _, err := b.lib.CheckOut(admin, "R1", "C2", app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	// A new station hears of it all in one batch: the first loan, the rule
	// change, then the second loan.
	c := newReplayDesk(t, "cccc", 3)
	c.receive(t, append(a.eventsAfter(t, nil), b.eventsAfter(t, a.vector(t))...))
	if got := reasons(t, c.lib)[app.ReasonLoanLimit]; got != 1 {
		t.Fatalf("loan_limit exceptions = %+v, want 1", reasons(t, c.lib))
	}
	a.pull(t, b)
	if a.hash(t) != c.hash(t) {
		t.Error("the station that heard of it in one batch differs from the one that heard of it in two")
	}
}
