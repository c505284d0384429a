package demo_test

import (
	"context"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/storage/memstore"
)

func TestPopulate(t *testing.T) {
	store := memstore.New()
	clock := app.NewFakeClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	lib, err := app.Open(store, app.Options{Clock: clock, Rand: rand.Reader, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := lib.Setup(app.SetupInput{LibraryName: "Demo", AdminUsername: "admin", AdminPassword: "admin123"})
	if err != nil {
		t.Fatal(err)
	}
	opts := demo.Options{Seed: 7, Readers: 60, HistoryDays: 40}
	if testing.Short() {
		opts.Readers, opts.HistoryDays = 30, 15
	}
	if err := demo.Populate(lib, admin, opts); err != nil {
		t.Fatal(err)
	}
	counts := map[app.Collection]int{}
	lib.View(func(tx app.Tx) error {
		for _, c := range []app.Collection{app.CollTitles, app.CollCopies, app.CollReaders, app.CollLoans} {
			counts[c], _ = tx.Count(c)
		}
		return nil
	})
	if counts[app.CollTitles] < 40 || counts[app.CollCopies] < counts[app.CollTitles] ||
		counts[app.CollReaders] != opts.Readers || counts[app.CollLoans] < 20 {
		t.Errorf("demo library counts: %v", counts)
	}
	if hits, _ := lib.SearchTitles("xyj", 5); len(hits) != 1 || hits[0].Title != "西游记" {
		t.Errorf("pinyin search in the demo library: %v", hits)
	}
	// The history was made on a clock in the past; the desk's clock and HLC
	// carry on from now.
	r, err := lib.ReaderByCard("R000002")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.LoansOf(r.ID, true); err != nil {
		t.Fatal(err)
	}
}

func TestPopulateStopsWhenCancelled(t *testing.T) {
	lib, err := app.Open(memstore.New(), app.Options{Rand: rand.Reader, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	admin := app.Actor{Username: "admin", Role: app.RoleAdmin}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = demo.Populate(lib, admin, demo.Options{Readers: 50, HistoryDays: 30, Context: ctx})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled demo load: %v", err)
	}
	if n, _ := lib.Rules(); len(n) == 0 {
		t.Error("what was made before the cancel (card types, rules) should stay")
	}
}
