package reports

import (
	"runtime"
	"sync"

	"github.com/circa-library/circa/app"
)

// walk reads every record of c that pick admits (nil: all), hands each to
// parse with what pick joined to it, then parse's result to apply. The
// reading, pick included, stays on the calling goroutine, which owns tx, so
// pick may read tx too, in step with the walk's key order; parse runs on as
// many goroutines as there are processors (a year's figures parse a few
// hundred thousand records, and a desk PC has two cores or more); apply
// runs on one goroutine at a time, so it may write to maps without a lock,
// in no set order. The raw bytes parse gets belong to tx, which is open
// until walk returns, and must not be kept. The first error of pick or
// parse ends the walk and is returned.
func walk[R any](tx app.Tx, c app.Collection, pick func(id string) (with string, ok bool, err error),
	parse func(id string, raw []byte, with string) (R, error), apply func(id string, r R)) error {
	type item struct {
		id, with string
		raw      []byte
	}
	type batch struct {
		items []item
		out   []R
	}
	const batchSize = 256
	workers := min(runtime.GOMAXPROCS(0), 4)
	work, done := make(chan *batch, 2*workers), make(chan *batch, 2*workers)

	var failed error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if failed == nil {
			failed = err
		}
		mu.Unlock()
	}
	stopped := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return failed != nil
	}

	var parsers sync.WaitGroup
	for range workers {
		parsers.Go(func() {
			for b := range work {
				b.out = make([]R, len(b.items))
				for i, it := range b.items {
					r, err := parse(it.id, it.raw, it.with)
					if err != nil {
						fail(err)
						b.out = nil
						break
					}
					b.out[i] = r
				}
				done <- b
			}
		})
	}
	applied := make(chan struct{})
	go func() {
		defer close(applied)
		for b := range done {
			for i := range b.out {
				apply(b.items[i].id, b.out[i])
			}
		}
	}()

	cur := &batch{}
	err := tx.ForEach(c, func(id string, raw []byte) error {
		var with string
		if pick != nil {
			w, ok, err := pick(id)
			if err != nil || !ok {
				return err
			}
			with = w
		}
		cur.items = append(cur.items, item{id, with, raw})
		if len(cur.items) == batchSize {
			if stopped() {
				return app.ErrStop
			}
			work <- cur
			cur = &batch{items: make([]item, 0, batchSize)}
		}
		return nil
	})
	if len(cur.items) > 0 && err == nil {
		work <- cur
	}
	close(work)
	parsers.Wait()
	close(done)
	<-applied
	if err != nil {
		return err
	}
	return failed
}
