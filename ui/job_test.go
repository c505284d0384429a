package ui

import (
	"context"
	"testing"
	"time"
)

// TestStoppableJobCancel: Cancel stops the work itself, at once, and the
// result is not applied.
func TestStoppableJobCancel(t *testing.T) {
	f := newFixture(t)
	d := signedInDesk(t, f, f.admin)
	stopped := make(chan struct{})
	cancelled := make(chan struct{})
	applied := false
	d.runStoppableJob("long", func(ctx context.Context) error {
		<-ctx.Done()
		close(stopped)
		return ctx.Err()
	}, func() { close(cancelled) }, func(error) { applied = true })
	d.status.cancel.OnTapped()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the work did not stop when cancelled")
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the cancel step never ran")
	}
	if applied {
		t.Error("a cancelled job's result was applied")
	}
}
