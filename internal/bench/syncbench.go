package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/app/demo"
	"github.com/circa-library/circa/storage"
	circasync "github.com/circa-library/circa/sync"
)

func init() { extraSteps = append(extraSteps, measureSync) }

type benchStation struct {
	st   *circasync.Station
	lib  *app.Library
	db   *storage.DB
	stop func()
}

func startStation(dir, name string, fill func(w *storage.BulkWriter, station string) (app.HLC, error)) (*benchStation, error) {
	ident, err := circasync.NewIdentity(rand.Reader, time.Now())
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(filepath.Join(dir, name+".db"), storage.Options{})
	if err != nil {
		return nil, err
	}
	if fill != nil {
		var last app.HLC
		if _, err := db.Bulk(func(w *storage.BulkWriter) error {
			last, err = fill(w, ident.ID)
			return err
		}); err != nil {
			return nil, err
		}
		if err := db.Update(func(tx app.Tx) error { return app.SetHLC(tx, last) }); err != nil {
			return nil, err
		}
	}
	lib, err := app.Open(db, app.Options{Station: ident.ID, Location: time.UTC})
	if err != nil {
		return nil, err
	}
	st, err := circasync.NewStation(ident, lib, circasync.StationOptions{Listen: "127.0.0.1:0", Manual: true})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Serve(ctx) }()
	for st.Addr() == "" {
		time.Sleep(time.Millisecond)
	}
	return &benchStation{st: st, lib: lib, db: db, stop: func() { cancel(); <-done; db.Close() }}, nil
}

// measureSync pairs a station holding a generated library with an empty one
// over loopback mutual TLS: the first full sync, then 1,000 new events.
func measureSync(o *Options, r *Report, _ *app.Library, _ *storage.DB, _ demo.ScaleOptions) error {
	opts := demo.ScaleOptions{Titles: 4000, Copies: 12000, Readers: 2000, Seed: 5}
	if o.Scale == "full" {
		opts = demo.ScaleOptions{Titles: 20000, Copies: 60000, Readers: 10000, Seed: 5}
	}
	dir, err := os.MkdirTemp(o.CacheDir, "sync-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src, err := startStation(dir, "src", func(w *storage.BulkWriter, station string) (app.HLC, error) {
		res, err := demo.Scale(w, station, opts)
		return res.LastHLC, err
	})
	if err != nil {
		return err
	}
	defer src.stop()
	dst, err := startStation(dir, "dst", nil)
	if err != nil {
		return err
	}
	defer dst.stop()
	if err := src.st.Pair(dst.st.ID(), "", "desk"); err != nil {
		return err
	}
	if err := dst.st.Pair(src.st.ID(), src.st.Addr(), "hub"); err != nil {
		return err
	}
	ctx := context.Background()
	var events uint64
	src.db.View(func(tx app.Tx) error {
		v, err := tx.Vector()
		events = v[src.st.ID()]
		return err
	})
	start := time.Now()
	if err := dst.st.SyncNow(ctx); err != nil {
		return err
	}
	full := time.Since(start)
	perMillion := full.Seconds() * 1e6 / float64(max(events, 1))
	r.Add(fmt.Sprintf("first full sync of %d events over loopback", events), "s per 1M events", "< 60",
		perMillion, fmt.Sprintf("%.1f s for %d events, %.0f events/s", full.Seconds(), events, float64(events)/full.Seconds()))

	// 1,000 new events on the source: check-outs in batches.
	desk := app.Actor{Username: "bench", Role: app.RoleLibrarian}
	made := 0
	for reader := 0; made < 1000 && reader < opts.Readers; reader++ {
		lines, err := src.lib.BatchCheckOut(desk, demo.ReaderCard(reader), []string{demo.CopyBarcode(reader)})
		if err != nil {
			return err
		}
		if len(lines) == 1 && lines[0].Err == nil {
			made++
		}
	}
	start = time.Now()
	if err := dst.st.SyncNow(ctx); err != nil {
		return err
	}
	r.Add(fmt.Sprintf("incremental sync of %d new events", made), "s", "< 1", time.Since(start).Seconds(), "")
	var hs, hd string
	src.db.View(func(tx app.Tx) error { hs, err = app.StateHash(tx); return err })
	dst.db.View(func(tx app.Tx) error { hd, err = app.StateHash(tx); return err })
	if hs != hd {
		return fmt.Errorf("after sync the stations differ")
	}
	return nil
}
