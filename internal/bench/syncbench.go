package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	gosync "sync"
	"sync/atomic"
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

// wireCounter forwards TCP connections to a station and counts the bytes
// that pass both ways: what sync puts on the wire, TLS and HTTP/2 included.
type wireCounter struct {
	ln    net.Listener
	bytes atomic.Int64
	mu    gosync.Mutex
	conns map[net.Conn]bool
	wg    gosync.WaitGroup
}

func countWire(target string) (*wireCounter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	w := &wireCounter{ln: ln, conns: map[net.Conn]bool{}}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			w.mu.Lock()
			w.conns[c], w.conns[up] = true, true
			w.mu.Unlock()
			w.wg.Add(2)
			go w.copy(up, c)
			go w.copy(c, up)
		}
	}()
	return w, nil
}

func (w *wireCounter) copy(dst, src net.Conn) {
	defer w.wg.Done()
	_, _ = io.Copy(countingWriter{dst, &w.bytes}, src)
	dst.Close()
	src.Close()
}

// countingWriter counts as it writes, so a count read after an exchange
// has every byte of it.
type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// Addr is where to reach the station through the counter.
func (w *wireCounter) Addr() string { return w.ln.Addr().String() }

// Close drops every connection and waits for the copies to end.
func (w *wireCounter) Close() {
	w.ln.Close()
	w.mu.Lock()
	for c := range w.conns {
		c.Close()
	}
	w.mu.Unlock()
	w.wg.Wait()
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
	wire, err := countWire(src.st.Addr())
	if err != nil {
		return err
	}
	defer wire.Close()
	if err := dst.st.Pair(src.st.ID(), wire.Addr(), "hub"); err != nil {
		return err
	}
	ctx := context.Background()
	var events uint64
	src.db.View(func(tx app.Tx) error {
		v, err := tx.Vector()
		events = v[src.st.ID()]
		return err
	})
	cpu0, wrote0 := usage()
	start := time.Now()
	if err := dst.st.SyncNow(ctx); err != nil {
		return err
	}
	full := time.Since(start)
	cpu1, wrote1 := usage()
	perMillion := full.Seconds() * 1e6 / float64(max(events, 1))
	// The CPU time of both ends says more than the wall time on a busy machine.
	r.Add(fmt.Sprintf("first full sync of %d events over loopback", events), "s per 1M events", "< 60",
		perMillion, fmt.Sprintf("%.1f s for %d events, %.0f events/s; cpu %.1f s, wrote %d MB", full.Seconds(), events,
			float64(events)/full.Seconds(), (cpu1-cpu0).Seconds(), (wrote1-wrote0)>>20))
	fullBytes := wire.bytes.Swap(0)
	r.Add("bytes on the wire per event, first full sync", "bytes", "",
		float64(fullBytes)/float64(max(events, 1)), fmt.Sprintf("%.1f MB both ways, TLS and HTTP/2 included", float64(fullBytes)/1e6))

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
	r.Add("bytes on the wire per event, incremental sync", "bytes", "",
		float64(wire.bytes.Load())/float64(max(made, 1)), "both ways, TLS and HTTP/2 included")
	hs, err := app.StoreStateHash(src.db)
	if err != nil {
		return err
	}
	hd, err := app.StoreStateHash(dst.db)
	if err != nil {
		return err
	}
	if hs != hd {
		return fmt.Errorf("after sync the stations differ")
	}
	return nil
}
