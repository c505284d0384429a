package ui

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/circa-library/circa/app"
	"github.com/circa-library/circa/storage/memstore"
	circasync "github.com/circa-library/circa/sync"
)

// startStation runs a sync station on a library of its own in memory,
// answering on loopback; setUp gives the library its first admin.
func startStation(t *testing.T, setUp bool) (*circasync.Station, *app.Library) {
	t.Helper()
	ident, err := circasync.NewIdentity(rand.Reader, start)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := app.Open(memstore.New(), app.Options{Clock: app.NewFakeClock(start), Location: time.UTC, Station: ident.ID})
	if err != nil {
		t.Fatal(err)
	}
	if setUp {
		if _, err := lib.Setup(app.SetupInput{LibraryName: "Hill School", AdminUsername: "head", AdminName: "Ms Li", AdminPassword: adminPass}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := circasync.NewStation(ident, lib, circasync.StationOptions{Listen: "127.0.0.1:0", Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	for st.Addr() == "" {
		time.Sleep(time.Millisecond)
	}
	return st, lib
}

// A second desk of a library joins it from the first-run screen instead of
// founding a library of its own: every wrong entry is said in words and
// changes nothing, and once the other desk has paired it the library
// arrives and its staff sign in.
func TestFirstRunJoinsAnExistingLibrary(t *testing.T) {
	first, firstLib := startStation(t, true)
	newDesk, lib := startStation(t, false)
	d := newTestDesk(t, lib, Config{Sync: newDesk})
	test.Tap(findButton(t, d.win.Content(), tr("firstrun.join_instead")))
	f := d.first
	if f.step != 2 {
		t.Fatalf("step %d after choosing to join, want 2", f.step)
	}
	own := circasync.FormatID(newDesk.ID())
	wantOnScreen(t, d, tr("firstrun.join_title"), own[:25], own[25:50], own[50:])

	join := func(code, addr string) string {
		t.Helper()
		f.joinCode.SetText(code)
		f.joinAddr.SetText(addr)
		test.Tap(f.join)
		waitFor(t, "the join to end", func() bool { return d.mode != "firstrun" || !f.join.Disabled() })
		return f.message.Text
	}
	for _, c := range []struct{ code, addr, want string }{
		{"", "", tr("firstrun.join_empty")},
		{"not an id", "", tr("sync.err.not_station_id")},
		{circasync.FormatID(newDesk.ID()), "", tr("sync.err.self")},
		{"CIRCA1-AAAA", "", tr("sync.err.bad_invite")},
		// The first desk has not paired this one yet.
		{circasync.FormatID(first.ID()), first.Addr(), tr("sync.err.unknown_station")},
	} {
		if got := join(c.code, c.addr); !strings.Contains(got, c.want) {
			t.Errorf("joining with %q says %q, want %q", c.code, got, c.want)
		}
		if has, _ := lib.HasStaff(); has || d.mode != "firstrun" {
			t.Fatalf("after %q: staff %v, mode %s", c.code, has, d.mode)
		}
	}
	if !strings.Contains(f.message.Text, tr("firstrun.join_not_yet")) {
		t.Errorf("an unpaired join does not say what to do: %q", f.message.Text)
	}
	if newDesk.Node.Trusted(first.ID()) {
		t.Error("a join that brought nothing left its peer paired")
	}

	if err := first.Pair(newDesk.ID(), "", "desk 2"); err != nil {
		t.Fatal(err)
	}
	join(circasync.FormatID(first.ID()), first.Addr())
	waitFor(t, "sign-in", func() bool { return d.mode == "signin" })
	wantOnScreen(t, d, tr("firstrun.joined"))
	if _, err := lib.SignIn("head", adminPass); err != nil {
		t.Fatalf("the first desk's admin cannot sign in on the new one: %v", err)
	}
	a, _ := app.StoreStateHash(firstLib.Store())
	b, _ := app.StoreStateHash(lib.Store())
	if a != b {
		t.Fatal("the new desk does not hold the same library")
	}
}

// With a hub's invite code the new desk needs nothing else: the code names
// the hub, its address and a one-time secret.
func TestFirstRunJoinsWithAnInviteCode(t *testing.T) {
	hub, hubLib := startStation(t, true)
	newDesk, lib := startStation(t, false)
	inv, err := hub.Node.CreateInvite(hub.Addr(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := newTestDesk(t, lib, Config{Sync: newDesk})
	test.Tap(findButton(t, d.win.Content(), tr("firstrun.join_instead")))
	d.first.joinCode.SetText(inv.String())
	test.Tap(d.first.join)
	waitFor(t, "sign-in", func() bool { return d.mode == "signin" })
	a, _ := app.StoreStateHash(hubLib.Store())
	b, _ := app.StoreStateHash(lib.Store())
	if a != b {
		t.Fatal("the new desk does not hold the hub's library")
	}
}
