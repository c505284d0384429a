package demo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/storage"
)

// TestScaleLibraryComesFromItsEvents builds a small scale library at bulk
// speed and checks that replaying its event log gives exactly the records
// the generator wrote, and that the desk works on it.
func TestScaleLibraryComesFromItsEvents(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "scale.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	station := "5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1e5ca1"
	opts := demo.ScaleOptions{Titles: 300, Copies: 900, Readers: 200, PastLoans: 5000, Seed: 3}
	var res demo.ScaleResult
	stats, err := db.Bulk(func(w *storage.BulkWriter) error {
		var err error
		res, err = demo.Scale(w, station, opts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records < 300+900+200+5000 {
		t.Fatalf("bulk wrote %d records", stats.Records)
	}
	if err := db.Update(func(tx app.Tx) error { return app.SetHLC(tx, res.LastHLC) }); err != nil {
		t.Fatal(err)
	}
	clock := app.NewFakeClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	lib, err := app.Open(db, app.Options{Station: station, Clock: clock, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	hash := func() string {
		h, err := app.StoreStateHash(db)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := hash()
	if err := lib.Rebuild(); err != nil {
		t.Fatal(err)
	}
	if after := hash(); after != before {
		t.Fatalf("replaying the scale library's events changed its state: %s → %s", before, after)
	}
	// The desk works on it.
	admin := app.Actor{Username: "admin", Role: app.RoleAdmin}
	if _, err := lib.CheckOut(admin, demo.ReaderCard(5), demo.CopyBarcode(7), app.CheckOutOptions{}); err != nil {
		t.Fatal(err)
	}
	if hits, err := lib.SearchTitles("history", 10); err != nil || len(hits) == 0 {
		t.Errorf("search on the scale library: %d hits, %v", len(hits), err)
	}
}
